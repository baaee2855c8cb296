// SPDX-License-Identifier: MIT
/*
 * channel.c: streams from a command to the renderer (Tauri's Channel). The
 * renderer passes "__CHANNEL__:<id>" as an argument; the command sends
 * CHANNEL frames [5, id, index, end, value] through the renderer's one
 * outgoing queue, so they arrive in order and before anything sent later.
 */
#include "internal.h"
#include "ipc_nng.h"

#include <stdlib.h>
#include <string.h>

#define CHANNEL_HIGH_WATER ((size_t)4 << 20)
#define CHANNEL_STALL_MS 30000

struct moat_channel {
    moat_renderer *r; /* a reference */
    uint64_t id, next;
};

moat_channel *moat_call_channel(moat_call *call, const char *key)
{
    static const char prefix[] = "__CHANNEL__:";
    const msgpack_object *args = moat_call_args(call);
    for (uint32_t i = 0; args->type == MSGPACK_OBJECT_MAP && i < args->via.map.size; i++) {
        const msgpack_object *k = &args->via.map.ptr[i].key, *v = &args->via.map.ptr[i].val;
        if (k->via.str.size != strlen(key) || memcmp(k->via.str.ptr, key, k->via.str.size) ||
            v->type != MSGPACK_OBJECT_STR || v->via.str.size <= sizeof prefix - 1 ||
            v->via.str.size > 32 || memcmp(v->via.str.ptr, prefix, sizeof prefix - 1))
            continue;
        char digits[32];
        size_t n = v->via.str.size - (sizeof prefix - 1);
        memcpy(digits, v->via.str.ptr + sizeof prefix - 1, n);
        digits[n] = '\0';
        char *end;
        unsigned long long id = strtoull(digits, &end, 10);
        moat_channel *ch = *end ? NULL : calloc(1, sizeof *ch);
        if (!ch) break;
        ch->r = core_call_renderer(call);
        core_renderer_ref(ch->r);
        ch->id = id;
        return ch;
    }
    core_fail("no channel argument \"%s\"", key);
    return NULL;
}

/* Waits until the renderer's queue is below the high-water mark; -1 if it never drains. */
static int wait_for_room(moat_renderer *r)
{
    nng_time until = nng_clock() + CHANNEL_STALL_MS;
    int rv = 0;
    nng_mtx_lock(r->mtx);
    while (!r->closed && r->out.bytes > CHANNEL_HIGH_WATER && rv == 0)
        rv = nng_cv_until(r->drained, until);
    bool closed = r->closed;
    nng_mtx_unlock(r->mtx);
    if (closed) return core_fail("the renderer is gone");
    if (rv != 0)
        return core_fail("the renderer has not read its messages for %d ms", CHANNEL_STALL_MS);
    return 0;
}

int core_channel_room(moat_channel *ch)
{
    moat_renderer *r = ch->r;
    nng_mtx_lock(r->mtx);
    int room = r->closed ? -1 : r->out.bytes <= CHANNEL_HIGH_WATER;
    nng_mtx_unlock(r->mtx);
    return room;
}

static int send_frame(moat_channel *ch, bool end, const void *value, size_t len)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    size_t moved;
    struct ipc_ring *tx = core_bulk_begin(ch->r, len); /* until the frame is queued */
    if (ipc_msgbuf_init(&b, &pk, tx ? 64 : len + 32) != 0) {
        core_bulk_end(ch->r, tx);
        return core_fail("out of memory");
    }
    ipc_pack_channel_head(&pk, ch->id, ch->next++, end);
    if (ipc_pack_value_bulk(&pk, tx, value, len, &moved) != 0) b.failed = 1;
    if (b.failed) {
        core_bulk_end(ch->r, tx);
        nng_msg_free(b.msg);
        return core_fail("out of memory");
    }
    core_renderer_send(ch->r, b.msg);
    core_bulk_end(ch->r, tx);
    return 0;
}

int moat_channel_send(moat_channel *ch, const void *value, size_t len)
{
    char why[200];
    if (ipc_check_value(value, len, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why))
        return core_fail("invalid channel message: %s", why);
    if (len > ch->r->lim.max_frame - IPC_HEAD_MAX)
        return core_fail("a channel message of %zu bytes is over the %zu-byte frame limit", len,
                         ch->r->lim.max_frame);
    if (wait_for_room(ch->r) != 0) return -1;
    return send_frame(ch, false, value, len);
}

void moat_channel_close(moat_channel *ch)
{
    static const uint8_t nil = 0xc0;
    if (!ch) return;
    send_frame(ch, true, &nil, 1);
    core_renderer_unref(ch->r);
    free(ch);
}
