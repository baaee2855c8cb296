// SPDX-License-Identifier: MIT
/*
 * streams.c: a native renderer that asks for forty streams of one file at
 * once (fs:read_file with an onChunk channel each) and reads nothing for a
 * second. The core must take sixteen at most (limit_exceeded for the rest),
 * each answered whole in the end, and serve them without a thread each: it
 * asks the core's thread count (test:threads) before and while they wait.
 */
#include "moat_renderer.h"

#include <msgpack.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STREAMS 40

static uint64_t ids[STREAMS], got[STREAMS + 1];
static int whole, limited, other, answered;

/* Accounts for one message of the streams: a chunk, or a stream's answer. */
static void take(const moat_msg *m)
{
    if (m->kind == MOAT_MSG_CHANNEL && m->id >= 1 && m->id <= STREAMS && !m->end)
        got[m->id] += m->value.type == MSGPACK_OBJECT_BIN ? m->value.via.bin.size : 0;
    for (int i = 0; m->kind == MOAT_MSG_RESPONSE && i < STREAMS; i++) {
        if (m->id != ids[i]) continue;
        answered++;
        if (m->ok && m->value.via.u64 == got[i + 1])
            whole++;
        else if (!m->ok && !strcmp(m->code, "limit_exceeded"))
            limited++;
        else
            other++;
    }
}

/* One request and its answer; what comes before it is accounted for. */
static int call(moat_client *c, const char *cmd, moat_msg *reply)
{
    uint64_t id;
    if (moat_client_request(c, cmd, NULL, 0, &id) != 0) return -1;
    while (moat_client_recv(c, reply, 30000) == 1) {
        if (reply->kind == MOAT_MSG_RESPONSE && reply->id == id) return reply->ok ? 0 : -1;
        take(reply);
        moat_msg_free(reply);
    }
    return -1;
}

int main(void)
{
    char err[256], dir[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    moat_msg m;
    if (!c || call(c, "test:tmpdir", &m) != 0 || m.value.type != MSGPACK_OBJECT_STR) return 1;
    snprintf(dir, sizeof dir, "%.*s/big.bin", (int)m.value.via.str.size, m.value.via.str.ptr);
    moat_msg_free(&m);
    if (call(c, "test:threads", &m) != 0) return 1;
    int64_t before = m.value.via.i64;
    moat_msg_free(&m);
    for (int i = 0; i < STREAMS; i++) {
        char chan[32];
        snprintf(chan, sizeof chan, "__CHANNEL__:%d", i + 1);
        msgpack_sbuffer sb;
        msgpack_packer pk;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, 2);
        msgpack_pack_str_with_body(&pk, "path", 4);
        msgpack_pack_str_with_body(&pk, dir, strlen(dir));
        msgpack_pack_str_with_body(&pk, "onChunk", 7);
        msgpack_pack_str_with_body(&pk, chan, strlen(chan));
        int rv = moat_client_request(c, "fs:read_file", sb.data, sb.size, &ids[i]);
        msgpack_sbuffer_destroy(&sb);
        if (rv != 0) return 1;
    }
    sleep(1); /* the core takes all forty meanwhile; none it accepted can finish */
    if (call(c, "test:threads", &m) != 0) return 1;
    int64_t during = m.value.via.i64;
    moat_msg_free(&m);
    while (answered < STREAMS && moat_client_recv(c, &m, 30000) == 1) {
        take(&m);
        moat_msg_free(&m);
    }
    printf("streams: %d whole, %d limited, %d other, %lld thread(s) added\n", whole, limited, other,
           (long long)(during - before));
    moat_client_close(c);
    return 0;
}
