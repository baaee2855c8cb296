/*
 * fs_runner.c: a native renderer that runs the cases the test hands it:
 * invokes test:cases for a list of [command, args], invokes each, and
 * reports every answer with test:result as [i, ok, code, message, value].
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <string.h>

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
    if (moat_client_invoke(c, "test:result", sb.data, sb.size, &ack, 10000) == 0)
        moat_msg_free(&ack);
    msgpack_sbuffer_destroy(&sb);
}

static void run_case(moat_client *c, uint32_t i, const msgpack_object *pair)
{
    if (pair->type != MSGPACK_OBJECT_ARRAY || pair->via.array.size != 2) return;
    const msgpack_object *cmd = &pair->via.array.ptr[0], *args = &pair->via.array.ptr[1];
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)cmd->via.str.size, cmd->via.str.ptr);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *args);
    moat_msg reply;
    int rv = moat_client_invoke(c, name, sb.data, sb.size, &reply, 10000);
    report(c, i, &reply, rv);
    if (rv == 0) moat_msg_free(&reply);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "fs_runner: %s\n", err);
        return 1;
    }
    moat_msg cases;
    if (moat_client_invoke(c, "test:cases", NULL, 0, &cases, 10000) != 0 || !cases.ok ||
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
