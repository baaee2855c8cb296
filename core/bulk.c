// SPDX-License-Identifier: MIT
/*
 * bulk.c: the core's end of bulk transfer (ipc.h): a shared region per
 * renderer for binaries of IPC_BULK_MIN bytes or more.
 */
#include "internal.h"
#include "ipc_nng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int core_bulk_setup(moat_renderer *r)
{
    size_t ring = r->app->lim.bulk_ring;
    char why[200];
    if (ring == 0) return 0;
    if (ipc_bulk_create(ring, &r->bulk_fd, why, sizeof why) != 0 ||
        ipc_bulk_map(&r->bulk, r->bulk_fd, ring, true, why, sizeof why) != 0)
        return core_fail("cannot share memory with the renderer: %s", why);
    return 0;
}

void core_bulk_enable(moat_renderer *r)
{
    if (!r->bulk.base) return; /* it claims a region it was never given: refer to nothing */
    r->lim.bulk = true;
    atomic_store(&r->bulk_on, true);
}

struct ipc_ring *core_bulk_begin(moat_renderer *r, size_t len)
{
    if (len < IPC_BULK_MIN || !atomic_load(&r->bulk_on)) return NULL;
    pthread_mutex_lock(&r->bulk_lock);
    if (atomic_load(&r->bulk_on)) return &r->bulk.tx;
    pthread_mutex_unlock(&r->bulk_lock); /* closed meanwhile (core_bulk_close) */
    return NULL;
}

void core_bulk_close(moat_renderer *r)
{
    pthread_mutex_lock(&r->bulk_lock);
    atomic_store(&r->bulk_on, false);
    r->lim.bulk = false;
    ipc_bulk_unmap(&r->bulk);
    pthread_mutex_unlock(&r->bulk_lock);
}

void core_bulk_end(moat_renderer *r, struct ipc_ring *tx)
{
    if (tx) pthread_mutex_unlock(&r->bulk_lock);
}

const uint8_t *core_frame_bytes(const struct core_frame *fr)
{
    return fr->heap ? fr->heap : nng_msg_body(fr->msg);
}

void core_frame_free(struct core_frame *fr)
{
    if (fr->msg) nng_msg_free(fr->msg);
    free(fr->heap);
    *fr = (struct core_frame){0};
}

void core_frame_drop(moat_renderer *r, struct core_frame *fr)
{
    core_release(r, fr->cost);
    core_frame_free(fr);
}

/* A msgpack writer into a block sized beforehand. */
struct block {
    uint8_t *p;
    size_t len, cap;
    bool failed;
};

static int block_write(void *data, const char *buf, size_t len)
{
    struct block *b = data;
    if (b->failed || len > b->cap - b->len) {
        b->failed = true;
        return -1;
    }
    memcpy(b->p + b->len, buf, len);
    b->len += len;
    return 0;
}

/*
 * The references' bytes are copied out of the shared ring before anything
 * reads them: the renderer can rewrite the ring at any time.
 */
int core_bulk_resolve(moat_renderer *r, struct core_frame *fr, const struct ipc_frame *f)
{
    char why[200];
    size_t cost = fr->cost + (size_t)f->bulk_bytes;
    if (f->bulk_bytes > r->lim.max_frame) {
        core_frame_drop(r, fr);
        core_renderer_abort(r, "sent a frame over the %zu-byte limit once its bulk bytes are in",
                            r->lim.max_frame);
        return -1;
    }
    /* Each reference's 18 bytes become a bin header of at most 5 and its bytes. */
    struct block b = {.cap = fr->len + (size_t)f->bulk_bytes};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &b, block_write);
    b.p = malloc(b.cap);
    int rv = b.p ? ipc_bulk_resolve(&pk, &r->bulk.rx, core_frame_bytes(fr), fr->len, &r->lim, why,
                                    sizeof why)
                 : -1;
    core_frame_drop(r, fr);
    if (rv != 0 || b.failed) {
        free(b.p);
        core_renderer_abort(r, "sent a bad bulk reference: %s",
                            b.p && !b.failed ? why : "out of memory");
        return -1;
    }
    /* The bytes were in shared memory: now the core holds a copy. */
    *fr = (struct core_frame){.heap = b.p, .len = b.len, .cost = cost};
    if (!core_hold_anyway(r, cost)) {
        core_frame_drop(r, fr);
        core_renderer_abort(r, "sent bulk bytes past its %zu-byte memory budget", r->memory_limit);
        return -1;
    }
    return 0;
}
