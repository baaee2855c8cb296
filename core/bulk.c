/*
 * bulk.c: the core's end of bulk transfer (ipc.h): a shared region per
 * renderer for binaries of IPC_BULK_MIN bytes or more.
 */
#include "internal.h"
#include "ipc_nng.h"

#include <stdio.h>
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
    return &r->bulk.tx;
}

void core_bulk_end(moat_renderer *r, struct ipc_ring *tx)
{
    if (tx) pthread_mutex_unlock(&r->bulk_lock);
}

/*
 * A frame whose references are replaced by their bytes, copied out of the
 * shared ring before anything reads them (the renderer can rewrite the ring
 * at any time). f is msg decoded. Takes msg; NULL when r has been ended for a bad reference.
 */
nng_msg *core_bulk_resolve(moat_renderer *r, nng_msg *msg, const struct ipc_frame *f)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    char why[200];
    if (f->bulk_bytes > r->lim.max_frame) {
        nng_msg_free(msg);
        core_renderer_abort(r, "sent a frame over the %zu-byte limit once its bulk bytes are in",
                            r->lim.max_frame);
        return NULL;
    }
    /* Sized once: growing a message while copying megabytes would copy them again. */
    size_t size = nng_msg_len(msg) + (size_t)f->bulk_bytes + 5 * (size_t)f->nbulk;
    if (ipc_msgbuf_init(&b, &pk, size) != 0) {
        nng_msg_free(msg);
        core_renderer_abort(r, "out of memory");
        return NULL;
    }
    int rv = ipc_bulk_resolve(&pk, &r->bulk.rx, nng_msg_body(msg), nng_msg_len(msg), &r->lim, why,
                              sizeof why);
    nng_msg_free(msg);
    if (rv != 0 || b.failed) {
        nng_msg_free(b.msg);
        core_renderer_abort(r, "sent a bad bulk reference: %s", b.failed ? "out of memory" : why);
        return NULL;
    }
    return b.msg;
}
