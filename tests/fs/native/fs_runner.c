// SPDX-License-Identifier: MIT
/*
 * fs_runner.c: a native renderer that runs the cases the test hands it:
 * invokes test:cases for a list of [command, args], invokes each, and
 * reports every answer with test:result as [i, ok, code, message, value].
 * It keeps every channel frame that comes meanwhile (a watch's events) and
 * runs three cases of its own: runner:mark (the time frames are counted
 * from), runner:collect {ms} (waits ms, then answers the frames kept so far
 * as [[channel, ms since the mark, value], ...]) and runner:crash.
 */
#include "moat_renderer.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static msgpack_sbuffer kept; /* the frames' [channel, ms, value], one after another */
static msgpack_packer kept_pk;
static uint32_t n_kept;
static double mark_ms;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void keep(const moat_msg *m)
{
    if (m->kind != MOAT_MSG_CHANNEL || m->end) return;
    msgpack_pack_array(&kept_pk, 3);
    msgpack_pack_uint64(&kept_pk, m->id);
    msgpack_pack_int64(&kept_pk, (int64_t)(now_ms() - mark_ms));
    msgpack_pack_object(&kept_pk, m->value);
    n_kept++;
}

/* moat_client_invoke, keeping the channel frames that come before the answer. */
static int invoke(moat_client *c, const char *cmd, const void *args, size_t len, moat_msg *reply)
{
    uint64_t id;
    memset(reply, 0, sizeof *reply);
    if (moat_client_request(c, cmd, args, len, &id) != 0) return -1;
    for (;;) {
        if (moat_client_recv(c, reply, 10000) != 1) return -1;
        if (reply->kind == MOAT_MSG_RESPONSE && reply->id == id) return 0;
        keep(reply);
        moat_msg_free(reply);
    }
}

static void report(moat_client *c, uint32_t i, const moat_msg *reply, int rv)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 5);
    msgpack_pack_uint32(&pk, i);
    bool ok = rv == 0 && reply->ok;
    (ok ? msgpack_pack_true : msgpack_pack_false)(&pk);
    const char *code = rv != 0 ? "transport" : ok ? NULL : reply->code;
    const char *message = rv != 0 || ok ? NULL : reply->message;
    if (code)
        msgpack_pack_str_with_body(&pk, code, strlen(code));
    else
        msgpack_pack_nil(&pk);
    if (message)
        msgpack_pack_str_with_body(&pk, message, strlen(message));
    else
        msgpack_pack_nil(&pk);
    if (ok)
        msgpack_pack_object(&pk, reply->value);
    else
        msgpack_pack_nil(&pk);
    moat_msg ack;
    if (invoke(c, "test:result", sb.data, sb.size, &ack) == 0) moat_msg_free(&ack);
    msgpack_sbuffer_destroy(&sb);
}

/* runner:collect {ms}: the frames kept until ms from now, as a result of this case. */
static void collect(moat_client *c, uint32_t i, const msgpack_object *args)
{
    int64_t ms = 0;
    for (uint32_t k = 0; args->type == MSGPACK_OBJECT_MAP && k < args->via.map.size; k++)
        if (args->via.map.ptr[k].val.type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            ms = (int64_t)args->via.map.ptr[k].val.via.u64;
    for (double end = now_ms() + (double)ms, left; (left = end - now_ms()) > 0;) {
        moat_msg m;
        if (moat_client_recv(c, &m, (int)left + 1) == 1) keep(&m);
        moat_msg_free(&m);
    }
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, n_kept);
    msgpack_sbuffer_write(&sb, kept.data, kept.size);
    moat_msg reply = {.kind = MOAT_MSG_RESPONSE, .ok = true};
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    if (msgpack_unpack_next(&u, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS)
        reply.value = u.data;
    report(c, i, &reply, 0);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_clear(&kept);
    n_kept = 0;
}

static void run_case(moat_client *c, uint32_t i, const msgpack_object *pair)
{
    if (pair->type != MSGPACK_OBJECT_ARRAY || pair->via.array.size != 2) return;
    const msgpack_object *cmd = &pair->via.array.ptr[0], *args = &pair->via.array.ptr[1];
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)cmd->via.str.size, cmd->via.str.ptr);
    if (!strcmp(name, "runner:crash")) { /* killed mid-way (sanitizers catch SIGSEGV and exit) */
        raise(SIGKILL);
        socket(AF_INET, SOCK_STREAM, 0); /* else the sandbox's kill */
    }
    if (!strcmp(name, "runner:mark")) mark_ms = now_ms();
    if (!strcmp(name, "runner:collect")) {
        collect(c, i, args);
        return;
    }
    if (!strncmp(name, "runner:", 7)) {
        moat_msg done = {.kind = MOAT_MSG_RESPONSE, .ok = true};
        report(c, i, &done, 0);
        return;
    }
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *args);
    moat_msg reply;
    int rv = invoke(c, name, sb.data, sb.size, &reply);
    report(c, i, &reply, rv);
    if (rv == 0) moat_msg_free(&reply);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    msgpack_sbuffer_init(&kept);
    msgpack_packer_init(&kept_pk, &kept, msgpack_sbuffer_write);
    mark_ms = now_ms();
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "fs_runner: %s\n", err);
        return 1;
    }
    moat_msg cases;
    if (invoke(c, "test:cases", NULL, 0, &cases) != 0 || !cases.ok ||
        cases.value.type != MSGPACK_OBJECT_ARRAY) {
        fprintf(stderr, "fs_runner: no cases\n");
        return 1;
    }
    for (uint32_t i = 0; i < cases.value.via.array.size; i++)
        run_case(c, i, &cases.value.via.array.ptr[i]);
    moat_msg_free(&cases);
    moat_client_close(c);
    return 0;
}
