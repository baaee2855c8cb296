// SPDX-License-Identifier: MIT
/*
 * down.h: for the suite's raw renderers (they speak the protocol without the
 * client library): reading what the core sends, from the down link
 * ($MOAT_DOWN), one message at a time (ipc/PROTOCOL.md, "Transport").
 */
#ifndef MOAT_TEST_DOWN_H
#define MOAT_TEST_DOWN_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static int down_read_full(int fd, void *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

/* Reads one message (blocking); returns its bytes (malloc'd, *len) or NULL when the link closed. */
static inline void *down_recv(size_t *len)
{
    const char *env = getenv("MOAT_DOWN");
    int fd = env ? atoi(env) : -1;
    uint8_t head[8];
    if (fd < 0 || down_read_full(fd, head, 8) != 0) return NULL;
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n = n << 8 | head[i];
    void *buf = malloc(n ? n : 1);
    if (!buf || down_read_full(fd, buf, n) != 0) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

#endif
