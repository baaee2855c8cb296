// SPDX-License-Identifier: MIT
/*
 * slowreader.c: a native renderer that asks for a flood through a channel and
 * reads it slowly, checking the order. The core must hold the producer back
 * instead of queueing the flood in memory. Built with SLOWREADER_STALL, it
 * never reads after asking: the core must end it once the frames queued for
 * it pass the limit (it gives up by itself after a minute, to fail, not hang).
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "slowreader: %s\n", err);
        return 1;
    }
    /* {onEvent: "__CHANNEL__:1"} */
    static const char args[] = "\x81\xa7onEvent\xad__CHANNEL__:1";
    uint64_t id;
    if (moat_client_request(c, "test:flood", args, sizeof args - 1, &id) != 0) return 1;
#ifdef SLOWREADER_STALL
    sleep(60);
    printf("slowreader: never ended\n");
    return 0;
#endif
    uint64_t expect = 0, bytes = 0;
    int ordered = 1, answered = 0, ended = 0;
    moat_msg m;
    while ((!ended || !answered) && moat_client_recv(c, &m, 30000) == 1) {
        if (m.kind == MOAT_MSG_CHANNEL && m.id == 1 && !m.end) {
            ordered &= m.index == expect++;
            bytes += m.value.type == MSGPACK_OBJECT_BIN ? m.value.via.bin.size : 0;
            usleep(200);
        }
        ended |= m.kind == MOAT_MSG_CHANNEL && m.end;
        answered |= m.kind == MOAT_MSG_RESPONSE && m.id == id && m.ok;
        moat_msg_free(&m);
    }
    printf("slowreader: %llu messages, %s, %llu bytes, %s\n", (unsigned long long)expect,
           ordered ? "in order" : "OUT OF ORDER", (unsigned long long)bytes,
           ended && answered ? "ended and answered" : "incomplete");
    moat_client_close(c);
    return 0;
}
