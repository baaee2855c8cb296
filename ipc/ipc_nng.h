// SPDX-License-Identifier: MIT
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

/*
 * A new message holding bytes [off, off + len) of m: one frame cut out of a
 * batch, so that it can be owned on its own. NULL when out of memory.
 */
static inline nng_msg *ipc_msg_slice(nng_msg *m, size_t off, size_t len)
{
    nng_msg *out;
    if (nng_msg_alloc(&out, 0) != 0) return NULL;
    if (nng_msg_append(out, (const char *)nng_msg_body(m) + off, len) != 0) {
        nng_msg_free(out);
        return NULL;
    }
    return out;
}

/* Frames this small are batched: several share one nng message when waiting together. */
#define IPC_BATCH_FRAME_MAX (16u << 10)
#define IPC_BATCH_MAX (64u << 10)

#endif
