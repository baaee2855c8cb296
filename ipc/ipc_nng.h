/*
 * ipc_nng.h: packing frames straight into nng messages, so a frame is
 * encoded once into the buffer that nng sends (no intermediate copy).
 */
#ifndef MOAT_IPC_NNG_H
#define MOAT_IPC_NNG_H

#include "ipc.h"
#include <nng/nng.h>

struct ipc_msgbuf {
    nng_msg *msg; /* owned by whoever owns the ipc_msgbuf */
    int failed;   /* set when an append ran out of memory */
};

static inline int ipc_msgbuf_write(void *data, const char *buf, size_t len)
{
    struct ipc_msgbuf *b = data;
    if (b->failed || nng_msg_append(b->msg, buf, len) != 0) {
        b->failed = 1;
        return -1;
    }
    return 0;
}

/*
 * Allocates an empty message with room for hint bytes and points pk at it.
 * Returns 0, or -1 when out of memory.
 */
static inline int ipc_msgbuf_init(struct ipc_msgbuf *b, msgpack_packer *pk, size_t hint)
{
    b->failed = 0;
    if (nng_msg_alloc(&b->msg, 0) != 0) return -1;
    if (hint && nng_msg_reserve(b->msg, hint) != 0) {
        nng_msg_free(b->msg);
        return -1;
    }
    msgpack_packer_init(pk, b, ipc_msgbuf_write);
    return 0;
}

#endif
