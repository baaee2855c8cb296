// SPDX-License-Identifier: MIT
/*
 * bulk.c: large binaries through shared memory (see "bulk transfer" in ipc.h).
 */
#include "ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Where each ring's released position lives in the header page (own cache lines). */
#define UP_TAIL_OFF 0
#define DOWN_TAIL_OFF 64

int ipc_bulk_create(size_t ring, int *fd, char *err, size_t errlen)
{
    int f = memfd_create("moat-bulk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (f < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        return -1;
    }
    /* Sealed at its size: a renderer that could shrink it would fault the core (SIGBUS). */
    if (ftruncate(f, (off_t)(IPC_BULK_HEADER + 2 * ring)) != 0 ||
        fcntl(f, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        snprintf(err, errlen, "sizing the bulk region: %s", strerror(errno));
        close(f);
        return -1;
    }
    *fd = f;
    return 0;
}

static void ring_init(struct ipc_ring *r, uint8_t *data, size_t size, void *shared)
{
    *r = (struct ipc_ring){.data = data, .size = size, .shared = shared};
}

int ipc_bulk_map(struct ipc_bulk *b, int fd, size_t ring, bool core, char *err, size_t errlen)
{
    size_t len = IPC_BULK_HEADER + 2 * ring;
    memset(b, 0, sizeof *b);
    if (ring == 0 || ring % 4096) {
        snprintf(err, errlen, "bulk ring size %zu is not a positive multiple of 4096", ring);
        return -1;
    }
    void *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        snprintf(err, errlen, "mapping the bulk region: %s", strerror(errno));
        return -1;
    }
    uint8_t *p = base;
    uint8_t *up = p + IPC_BULK_HEADER, *down = up + ring;
    void *up_tail = p + UP_TAIL_OFF, *down_tail = p + DOWN_TAIL_OFF;
    ring_init(&b->tx, core ? down : up, ring, core ? down_tail : up_tail);
    ring_init(&b->rx, core ? up : down, ring, core ? up_tail : down_tail);
    b->base = base;
    b->map_len = len;
    return 0;
}

void ipc_bulk_unmap(struct ipc_bulk *b)
{
    if (b->base) munmap(b->base, b->map_len);
    memset(b, 0, sizeof *b);
}

/*
 * The consumer's published position, believed only within what is possible:
 * not behind what was known, not past what was produced. (The core reads the
 * renderer's; a lie could only make the renderer overwrite its own data.)
 */
static void refresh_tail(struct ipc_ring *t)
{
    uint64_t seen = __atomic_load_n(t->shared, __ATOMIC_ACQUIRE);
    if (seen > t->tail && seen <= t->head) t->tail = seen;
}

void *ipc_ring_reserve(struct ipc_ring *t, size_t len, uint64_t *pos)
{
    if (!t->data || len == 0 || len > t->size) return NULL;
    uint64_t off = t->head % t->size;
    uint64_t skip = off + len > t->size ? t->size - off : 0; /* a reservation never wraps */
    uint64_t end = t->head + skip + len;
    /* Room unless unreleased bytes lie in the way; an empty ring always has room. */
    if (end - t->tail > t->size) {
        refresh_tail(t);
        if (end - t->tail > t->size && t->tail != t->head) return NULL;
    }
    *pos = t->head + skip;
    t->head = end;
    return t->data + *pos % t->size;
}

const uint8_t *ipc_ring_view(const struct ipc_ring *rx, uint64_t pos, uint64_t len)
{
    if (!rx->data || len == 0 || len > rx->size || pos < rx->tail || pos > UINT64_MAX - len)
        return NULL;
    uint64_t off = pos % rx->size;
    if (off + len > rx->size) return NULL;
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* the bytes were written before the frame was sent */
    return rx->data + off;
}

void ipc_ring_release(struct ipc_ring *rx, uint64_t end)
{
    if (end <= rx->tail) return;
    rx->tail = end;
    __atomic_store_n(rx->shared, end, __ATOMIC_RELEASE);
}

static void pack_ref(msgpack_packer *pk, uint64_t pos, uint64_t len)
{
    char body[16];
    for (int i = 0; i < 8; i++) {
        body[i] = (char)(pos >> (56 - 8 * i));
        body[8 + i] = (char)(len >> (56 - 8 * i));
    }
    msgpack_pack_ext(pk, sizeof body, IPC_BULK_EXT);
    msgpack_pack_ext_body(pk, body, sizeof body);
}

size_t ipc_pack_bin_bulk(msgpack_packer *pk, struct ipc_ring *tx, const void *p, size_t len)
{
    uint64_t pos;
    void *dst = tx && len >= IPC_BULK_MIN ? ipc_ring_reserve(tx, len, &pos) : NULL;
    if (!dst) {
        msgpack_pack_bin(pk, len);
        msgpack_pack_bin_body(pk, p, len);
        return 0;
    }
    memcpy(dst, p, len);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the bytes before the frame that names them */
    pack_ref(pk, pos, len);
    return len;
}

/* A walk that copies its input to pk, with some binaries rewritten on the way. */
struct rewrite {
    msgpack_packer *pk;
    const uint8_t *copied; /* input before this is written out */
    struct ipc_ring *ring;
    size_t moved;      /* pack: bytes sent through the ring */
    size_t out, max;   /* resolve: bytes written, and the limit */
    uint64_t last_end; /* resolve: the end of the last reference */
};

static void copy_upto(struct rewrite *w, const uint8_t *at)
{
    if (at > w->copied) ipc_pack_raw(w->pk, w->copied, (size_t)(at - w->copied));
    w->out += (size_t)(at - w->copied);
}

static const char *to_bulk(void *ud, const struct ipc_blob *b)
{
    struct rewrite *w = ud;
    if (b->ref || b->len < IPC_BULK_MIN) return NULL;
    copy_upto(w, b->at);
    w->moved += ipc_pack_bin_bulk(w->pk, w->ring, b->at + (b->size - b->len), b->len);
    w->copied = b->at + b->size;
    return NULL;
}

int ipc_pack_value_bulk(msgpack_packer *pk, struct ipc_ring *tx, const void *value, size_t len,
                        size_t *moved)
{
    struct rewrite w = {.pk = pk, .copied = value, .ring = tx};
    *moved = 0;
    if (!tx || !tx->data || len < IPC_BULK_MIN) return ipc_pack_raw(pk, value, len);
    if (ipc_walk_value(value, len, IPC_MAX_DEPTH_CEILING, false, to_bulk, &w, NULL, 0) != 0)
        return -1;
    copy_upto(&w, (const uint8_t *)value + len);
    *moved = w.moved;
    return 0;
}

/* Size of a bin header for len bytes. */
static size_t bin_header(uint64_t len)
{
    return len < 256 ? 2 : len < 65536 ? 3 : 5;
}

static const char *from_bulk(void *ud, const struct ipc_blob *b)
{
    struct rewrite *w = ud;
    if (!b->ref) return NULL;
    const uint8_t *bytes = ipc_ring_view(w->ring, b->pos, b->len);
    if (!bytes || b->pos < w->last_end) return "bulk reference outside the shared ring";
    size_t grow = (size_t)(b->at - w->copied) + bin_header(b->len) + b->len;
    if (w->out + grow > w->max) return "frame over the size limit once its bulk bytes are in";
    copy_upto(w, b->at);
    msgpack_pack_bin(w->pk, (size_t)b->len);
    msgpack_pack_bin_body(w->pk, bytes, (size_t)b->len);
    w->out += bin_header(b->len) + b->len;
    w->copied = b->at + b->size;
    w->last_end = b->pos + b->len;
    return NULL;
}

int ipc_bulk_resolve(msgpack_packer *pk, struct ipc_ring *rx, const void *frame, size_t len,
                     const struct ipc_limits *lim, char *err, size_t errlen)
{
    struct rewrite w = {.pk = pk, .copied = frame, .ring = rx, .max = lim->max_frame};
    struct ipc_limits l = *lim;
    l.bulk = true;
    if (ipc_walk_frame(frame, len, &l, from_bulk, &w, err, errlen) != 0) return -1;
    if (w.out + (size_t)((const uint8_t *)frame + len - w.copied) > w.max) {
        snprintf(err, errlen, "frame: over the size limit once its bulk bytes are in");
        return -1;
    }
    copy_upto(&w, (const uint8_t *)frame + len);
    ipc_ring_release(rx, w.last_end);
    return 0;
}
