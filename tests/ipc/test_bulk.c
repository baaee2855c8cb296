// SPDX-License-Identifier: MIT
/*
 * test_bulk.c: bulk transfer through shared memory (ipc/bulk.c and the bulk
 * references in ipc/codec.c): the sealed region and its two mappings (the
 * core's and the renderer's), ring reservation, release and wrap, the
 * producer's distrust of the consumer's published position, ipc_ring_view's
 * bounds, ipc_pack_value_bulk (through the ring, and inline when there is no
 * room), ipc_bulk_resolve (byte-identical to inline packing, and what it
 * refuses), and how ipc_decode and the walks treat bulk references.
 */
#include "ipc.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SMALL_RING ((size_t)16384)
#define RING ((size_t)256 << 10)
#define BIG ((size_t)100 << 10)
#define PATTERN_LEN ((size_t)512 << 10)

static char err[256];
static uint8_t *pattern; /* PATTERN_LEN bytes of binary payload */
static struct ipc_frame fr;

/* An sbuffer with its packer (not to be moved once initialised). */
struct buf {
    msgpack_sbuffer sb;
    msgpack_packer pk;
};

static void buf_init(struct buf *b)
{
    msgpack_sbuffer_init(&b->sb);
    msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
}

static bool buf_eq(const struct buf *a, const struct buf *b)
{
    return a->sb.size == b->sb.size && memcmp(a->sb.data, b->sb.data, a->sb.size) == 0;
}

/* One region mapped twice, as the core and the renderer see it. */
struct pair {
    int fd;
    struct ipc_bulk core, rend;
};

static bool pair_open(struct pair *p, size_t ring)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    snprintf(err, sizeof err, "(unset)");
    bool ok = ipc_bulk_create(ring, &p->fd, err, sizeof err) == 0 &&
              ipc_bulk_map(&p->core, p->fd, ring, true, err, sizeof err) == 0 &&
              ipc_bulk_map(&p->rend, p->fd, ring, false, err, sizeof err) == 0;
    if (!ok) fprintf(stderr, "  bulk region: %s\n", err);
    CHECK(ok);
    return ok;
}

static void pair_close(struct pair *p)
{
    ipc_bulk_unmap(&p->core);
    ipc_bulk_unmap(&p->rend);
    if (p->fd >= 0) close(p->fd);
}

/* A bulk reference written byte by byte: fixext16 of type, pos and len big-endian. */
static void pack_ref(msgpack_packer *pk, uint8_t type, uint64_t pos, uint64_t len)
{
    uint8_t r[IPC_BULK_REF_SIZE] = {0xd8, type};
    for (int i = 0; i < 8; i++) {
        r[2 + i] = (uint8_t)(pos >> (56 - 8 * i));
        r[10 + i] = (uint8_t)(len >> (56 - 8 * i));
    }
    ipc_pack_raw(pk, r, sizeof r);
}

/* {"a": bin(alen), "b": bin(10), "c": "str"} */
static void pack_sample(msgpack_packer *pk, size_t alen)
{
    msgpack_pack_map(pk, 3);
    ipc_pack_cstr(pk, "a");
    msgpack_pack_bin_with_body(pk, pattern, alen);
    ipc_pack_cstr(pk, "b");
    msgpack_pack_bin_with_body(pk, "0123456789", 10);
    ipc_pack_cstr(pk, "c");
    ipc_pack_cstr(pk, "str");
}

/* An array of n bins of the given lengths, each with different bytes. */
static void pack_bins(msgpack_packer *pk, const size_t *lens, size_t n)
{
    msgpack_pack_array(pk, n);
    for (size_t k = 0; k < n; k++)
        msgpack_pack_bin_with_body(pk, pattern + 4099 * k, lens[k]);
}

/* [2, 7, "upload", value] */
static void pack_request(struct buf *b, const struct buf *value)
{
    ipc_pack_request_head(&b->pk, 7, "upload", 6);
    ipc_pack_raw(&b->pk, value->sb.data, value->sb.size);
}

static const char *decode(const struct buf *b, bool bulk)
{
    struct ipc_limits lim;
    ipc_limits_default(&lim);
    lim.bulk = bulk;
    snprintf(err, sizeof err, "(unset)");
    if (ipc_decode(b->sb.data, b->sb.size, &lim, &fr, err, sizeof err) == 0) return "accepted";
    return err;
}

/* Resolves in's references from rx into out (cleared first). */
static const char *resolve(struct ipc_ring *rx, const struct buf *in, struct buf *out,
                           size_t max_frame)
{
    struct ipc_limits lim;
    ipc_limits_default(&lim);
    lim.max_frame = max_frame;
    msgpack_sbuffer_clear(&out->sb);
    snprintf(err, sizeof err, "(unset)");
    if (ipc_bulk_resolve(&out->pk, rx, in->sb.data, in->sb.size, &lim, err, sizeof err) == 0)
        return "resolved";
    return err;
}

/* What a walk reported: every blob in order, and an optional reason to stop at a reference. */
struct seen {
    unsigned n, refs, bins;
    struct ipc_blob b[8];
    const char *stop;
};

static const char *note_blob(void *ud, const struct ipc_blob *b)
{
    struct seen *s = ud;
    if (s->n < 8) s->b[s->n] = *b;
    s->n++;
    if (b->ref)
        s->refs++;
    else
        s->bins++;
    return b->ref ? s->stop : NULL;
}

static struct seen walk_value(const struct buf *v)
{
    struct seen s = {0};
    snprintf(err, sizeof err, "(unset)");
    if (ipc_walk_value(v->sb.data, v->sb.size, IPC_MAX_DEPTH_CEILING, true, note_blob, &s, err,
                       sizeof err) != 0)
        fprintf(stderr, "  walk: %s\n", err);
    return s;
}

static void test_region(void)
{
    struct pair p;
    struct stat st;
    size_t size = IPC_BULK_HEADER + 2 * SMALL_RING;

    if (!pair_open(&p, SMALL_RING)) return;
    /* A sealed memfd of the header page and two rings. */
    CHECK(fstat(p.fd, &st) == 0 && (size_t)st.st_size == size);
    int seals = fcntl(p.fd, F_GET_SEALS);
    int want = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
    CHECK(seals >= 0 && (seals & want) == want);
    errno = 0;
    CHECK(ftruncate(p.fd, IPC_BULK_HEADER) == -1 && errno == EPERM);
    errno = 0;
    CHECK(ftruncate(p.fd, (off_t)(2 * size)) == -1 && errno == EPERM);
    errno = 0;
    CHECK(fcntl(p.fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM);
    CHECK(fcntl(p.fd, F_GETFD) & FD_CLOEXEC);
    CHECK(ftruncate(p.fd, (off_t)size) == 0); /* the same size is no change */

    /* Two mappings of the same layout: up ring after the header page, down ring after it. */
    CHECK(p.core.base && p.rend.base && p.core.base != p.rend.base);
    CHECK(p.core.map_len == size && p.rend.map_len == size);
    uint8_t *cb = p.core.base, *rb = p.rend.base;
    CHECK(p.core.rx.data == cb + IPC_BULK_HEADER);
    CHECK(p.core.tx.data == cb + IPC_BULK_HEADER + SMALL_RING);
    CHECK(p.rend.tx.data == rb + IPC_BULK_HEADER);
    CHECK(p.rend.rx.data == rb + IPC_BULK_HEADER + SMALL_RING);
    CHECK((uint8_t *)p.core.rx.shared == cb && (uint8_t *)p.core.tx.shared == cb + 64);
    CHECK((uint8_t *)p.rend.tx.shared == rb && (uint8_t *)p.rend.rx.shared == rb + 64);
    CHECK(p.core.tx.size == SMALL_RING && p.core.rx.size == SMALL_RING);
    CHECK(p.rend.tx.size == SMALL_RING && p.rend.rx.size == SMALL_RING);
    CHECK(p.core.tx.head == 0 && p.core.tx.tail == 0 && p.rend.rx.tail == 0);
    CHECK(*p.core.tx.shared == 0 && *p.core.rx.shared == 0);

    /* The renderer's tx is the core's rx, and the other way round; the rings don't overlap. */
    memcpy(p.rend.tx.data, "up!", 4);
    p.rend.tx.data[SMALL_RING - 1] = 0x5a;
    CHECK(memcmp(p.core.rx.data, "up!", 4) == 0);
    CHECK(p.core.rx.data[SMALL_RING - 1] == 0x5a);
    memcpy(p.core.tx.data, "down", 5);
    p.core.tx.data[SMALL_RING - 1] = 0xa5;
    CHECK(memcmp(p.rend.rx.data, "down", 5) == 0);
    CHECK(p.rend.rx.data[SMALL_RING - 1] == 0xa5);
    CHECK(memcmp(p.core.rx.data, "up!", 4) == 0 && p.core.rx.data[SMALL_RING - 1] == 0x5a);

    /* A consumer's release reaches the other side's producer through the header page. */
    ipc_ring_release(&p.core.rx, 4096);
    CHECK(p.core.rx.tail == 4096 && *p.rend.tx.shared == 4096 && *p.rend.rx.shared == 0);
    ipc_ring_release(&p.rend.rx, 8192);
    CHECK(p.rend.rx.tail == 8192 && *p.core.tx.shared == 8192 && *p.core.rx.shared == 4096);
    ipc_ring_release(&p.core.rx, 100); /* never backwards */
    CHECK(p.core.rx.tail == 4096 && *p.rend.tx.shared == 4096);

    /* Ring sizes must be positive multiples of a page; a failed map leaves nothing mapped. */
    struct ipc_bulk b;
    CHECK(ipc_bulk_map(&b, p.fd, 1000, true, err, sizeof err) == -1);
    CHECK_STR(err, "bulk ring size 1000 is not a positive multiple of 4096");
    CHECK(b.base == NULL && b.tx.data == NULL);
    CHECK(ipc_bulk_map(&b, p.fd, 0, false, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "not a positive multiple of 4096");
    CHECK(ipc_bulk_map(&b, -1, SMALL_RING, false, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "mapping the bulk region");

    /* Unmapping forgets the region: nothing can be reserved or viewed through it. */
    uint64_t pos;
    ipc_bulk_unmap(&p.rend);
    CHECK(p.rend.base == NULL && p.rend.tx.data == NULL);
    CHECK(ipc_ring_reserve(&p.rend.tx, 1, &pos) == NULL);
    CHECK(ipc_ring_view(&p.rend.rx, 8192, 1) == NULL);
    CHECK(memcmp(p.core.rx.data, "up!", 4) == 0); /* the core's mapping is its own */
    pair_close(&p);
}

static void test_reserve(void)
{
    struct pair p;
    uint64_t pos = 99;

    if (!pair_open(&p, SMALL_RING)) return;
    struct ipc_ring *tx = &p.rend.tx, *rx = &p.core.rx;
    CHECK(ipc_ring_reserve(tx, 0, &pos) == NULL);
    CHECK(ipc_ring_reserve(tx, SMALL_RING + 1, &pos) == NULL);
    CHECK(pos == 99 && tx->head == 0);

    /* Fill the ring exactly; then there is no room, not even for a byte. */
    for (uint64_t k = 0; k < 4; k++) {
        uint8_t *d = ipc_ring_reserve(tx, 4096, &pos);
        CHECK(d == tx->data + 4096 * k && pos == 4096 * k);
    }
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL);
    CHECK(tx->head == SMALL_RING && tx->tail == 0);

    /* The consumer releases half: the producer gets exactly that room back. */
    ipc_ring_release(rx, 8192);
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data && pos == SMALL_RING);
    CHECK(tx->tail == 8192);
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data + 4096 && pos == SMALL_RING + 4096);
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL);
    CHECK(tx->head == SMALL_RING + 8192);

    /* A reservation that would cross the end starts at the next lap instead. */
    ipc_ring_release(rx, SMALL_RING + 8192);
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data + 8192 && pos == SMALL_RING + 8192);
    ipc_ring_release(rx, SMALL_RING + 12288);
    CHECK(ipc_ring_reserve(tx, 8192, &pos) == tx->data && pos == 2 * SMALL_RING);
    CHECK(tx->head == 2 * SMALL_RING + 8192);
    CHECK(ipc_ring_reserve(tx, SMALL_RING + 1, &pos) == NULL);
    /* Released up to SMALL_RING + 12288, produced up to 2 * SMALL_RING + 8192: 4096 bytes of room.
     */
    CHECK(ipc_ring_reserve(tx, 4097, &pos) == NULL);
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data + 8192 && pos == 2 * SMALL_RING + 8192);
    pair_close(&p);
}

/* The core produces into the down ring; the renderer may write anything in its released slot. */
static void test_distrust(void)
{
    struct pair p;
    uint64_t pos;

    if (!pair_open(&p, SMALL_RING)) return;
    struct ipc_ring *tx = &p.core.tx;
    uint64_t *lie = p.rend.rx.shared;
    for (int k = 0; k < 4; k++)
        CHECK(ipc_ring_reserve(tx, 4096, &pos) != NULL);
    CHECK(tx->head == SMALL_RING);

    /* Past what the core has produced: not believed. */
    *lie = SMALL_RING + 4096;
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == NULL);
    *lie = UINT64_MAX;
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL);
    CHECK(tx->tail == 0 && tx->head == SMALL_RING);

    /* A true release is believed... */
    *lie = 8192;
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data && pos == SMALL_RING);
    CHECK(tx->tail == 8192);
    /* ...but not a step back: the producer keeps the room it knows of. */
    *lie = 4096;
    CHECK(ipc_ring_reserve(tx, 4096, &pos) == tx->data + 4096 && pos == SMALL_RING + 4096);
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL);
    CHECK(tx->tail == 8192);
    *lie = 0;
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL && tx->tail == 8192);

    /* Exactly what has been produced is a true release of everything. */
    *lie = tx->head;
    CHECK(ipc_ring_reserve(tx, SMALL_RING - 8192, &pos) == tx->data + 8192);
    CHECK(tx->tail == SMALL_RING + 8192);
    pair_close(&p);
}

static void test_view(void)
{
    struct pair p;
    uint64_t pos;

    if (!pair_open(&p, SMALL_RING)) return;
    struct ipc_ring *rx = &p.core.rx;
    uint8_t *d = ipc_ring_reserve(&p.rend.tx, 5, &pos);
    CHECK(d != NULL && pos == 0);
    if (d) memcpy(d, "hello", 5);
    const uint8_t *v = ipc_ring_view(rx, 0, 5);
    CHECK(v == rx->data && memcmp(v, "hello", 5) == 0);

    CHECK(ipc_ring_view(rx, 0, 0) == NULL);
    CHECK(ipc_ring_view(rx, 0, SMALL_RING + 1) == NULL);
    CHECK(ipc_ring_view(rx, 0, SMALL_RING) == rx->data);
    CHECK(ipc_ring_view(rx, SMALL_RING - 100, 200) == NULL); /* would cross the end */
    CHECK(ipc_ring_view(rx, SMALL_RING - 100, 101) == NULL);
    CHECK(ipc_ring_view(rx, SMALL_RING - 100, 100) == rx->data + SMALL_RING - 100);
    CHECK(ipc_ring_view(rx, 3 * SMALL_RING + 5, 10) == rx->data + 5); /* positions wrap */

    /* Behind the tail: already released. */
    ipc_ring_release(rx, 4096);
    CHECK(ipc_ring_view(rx, 0, 5) == NULL);
    CHECK(ipc_ring_view(rx, 4095, 1) == NULL);
    CHECK(ipc_ring_view(rx, 4096, 1) == rx->data + 4096);

    /* pos + len past UINT64_MAX, though pos % size + len would fit. */
    uint64_t top = UINT64_MAX - (SMALL_RING - 1); /* a multiple of the ring size */
    CHECK(top % SMALL_RING == 0);
    CHECK(ipc_ring_view(rx, top, SMALL_RING) == NULL);
    CHECK(ipc_ring_view(rx, top, SMALL_RING - 1) == rx->data);
    CHECK(ipc_ring_view(rx, UINT64_MAX, 1) == NULL);
    CHECK(ipc_ring_view(rx, UINT64_MAX - 1, 1) == rx->data + SMALL_RING - 2);

    struct ipc_ring none = {0};
    CHECK(ipc_ring_view(&none, 0, 1) == NULL);
    pair_close(&p);
}

/* A big bin goes through the up ring; the core resolves it back to the inline frame. */
static void test_pack_resolve(void)
{
    struct pair p;
    struct buf val, packed, frame, want, got;
    size_t moved = 7;
    uint64_t pos;

    if (!pair_open(&p, RING)) return;
    buf_init(&val), buf_init(&packed), buf_init(&frame), buf_init(&want), buf_init(&got);
    pack_sample(&val.pk, BIG);
    CHECK(ipc_pack_value_bulk(&packed.pk, &p.rend.tx, val.sb.data, val.sb.size, &moved) == 0);
    CHECK(moved == BIG);
    CHECK(packed.sb.size == val.sb.size - (5 + BIG) + IPC_BULK_REF_SIZE);

    /* One reference (pos 0, len 100 KiB = 0x19000) where "a"'s bin was; "b" stays inline. */
    static const uint8_t ref[IPC_BULK_REF_SIZE] = {0xd8, 0x01, 0, 0, 0, 0, 0,    0,    0,
                                                   0,    0,    0, 0, 0, 0, 0x01, 0x90, 0x00};
    CHECK(packed.sb.size > 3 + sizeof ref && memcmp(packed.sb.data + 3, ref, sizeof ref) == 0);
    struct seen s = walk_value(&packed);
    CHECK(s.n == 2 && s.refs == 1 && s.bins == 1);
    CHECK(s.b[0].ref && s.b[0].pos == 0 && s.b[0].len == BIG);
    CHECK(s.b[0].size == IPC_BULK_REF_SIZE && s.b[0].at == (uint8_t *)packed.sb.data + 3);
    CHECK(!s.b[1].ref && s.b[1].len == 10 && s.b[1].size == 12);
    CHECK(memcmp(s.b[1].at + 2, "0123456789", 10) == 0);
    CHECK(memcmp(p.rend.tx.data, pattern, BIG) == 0);
    CHECK(memcmp(p.core.rx.data, pattern, BIG) == 0);
    CHECK(p.rend.tx.head == BIG);
    CHECK(ipc_walk_value(packed.sb.data, packed.sb.size, 32, false, note_blob, &s, err,
                         sizeof err) == -1);
    CHECK_STR(err, "value: ext type 0xd8 is not allowed at byte 3");

    /* In a frame: a reference only where the limits allow one. */
    pack_request(&frame, &packed);
    pack_request(&want, &val);
    CHECK_STR(decode(&frame, true), "accepted");
    CHECK(fr.kind == IPC_REQUEST && fr.id == 7 && fr.nbulk == 1);
    CHECK(fr.body.len == packed.sb.size && memcmp(fr.body.ptr, packed.sb.data, fr.body.len) == 0);
    CHECK_STR(decode(&frame, false), "frame: ext type 0xd8 is not allowed at byte 13");

    /* The renderer fills the rest of its ring: no room until the core releases. */
    CHECK(ipc_ring_reserve(&p.rend.tx, RING - BIG, &pos) != NULL && pos == BIG);
    CHECK(ipc_ring_reserve(&p.rend.tx, 1, &pos) == NULL);

    CHECK_STR(resolve(&p.core.rx, &frame, &got, 80u << 20), "resolved");
    CHECK(buf_eq(&got, &want));
    CHECK(p.core.rx.tail == BIG && *p.rend.tx.shared == BIG);
    CHECK_STR(decode(&got, false), "accepted");
    CHECK(fr.nbulk == 0 && fr.body.len == val.sb.size);
    /* The bytes were copied out: the ring changing afterwards changes nothing. */
    memset(p.rend.tx.data, 0, BIG);
    CHECK(buf_eq(&got, &want));

    /* The producer sees the release; the room comes back at the next lap. */
    CHECK(ipc_ring_reserve(&p.rend.tx, BIG, &pos) == p.rend.tx.data && pos == RING);
    CHECK(ipc_ring_reserve(&p.rend.tx, 1, &pos) == NULL);
    /* The same reference again is behind the core's tail now. */
    CHECK_STR(resolve(&p.core.rx, &frame, &got, 80u << 20),
              "frame: bulk reference outside the shared ring at byte 13");
    CHECK(p.core.rx.tail == BIG);

    msgpack_sbuffer_destroy(&val.sb), msgpack_sbuffer_destroy(&packed.sb);
    msgpack_sbuffer_destroy(&frame.sb), msgpack_sbuffer_destroy(&want.sb);
    msgpack_sbuffer_destroy(&got.sb);
    pair_close(&p);
}

/*
 * Several big bins per value: what fits goes through the ring, the rest
 * inline; a later value wraps to the next lap; both directions resolve to the
 * frame packed inline.
 */
static void test_pack_several(void)
{
    struct pair p;
    struct buf val, packed, frame, want, got;
    size_t moved;
    struct seen s;

    if (!pair_open(&p, RING)) return;
    buf_init(&val), buf_init(&packed), buf_init(&frame), buf_init(&want), buf_init(&got);

    /* 200 KiB fits at 0; neither 100 KiB bin fits after it. */
    pack_bins(&val.pk, (const size_t[]){200 << 10, BIG, BIG}, 3);
    CHECK(ipc_pack_value_bulk(&packed.pk, &p.rend.tx, val.sb.data, val.sb.size, &moved) == 0);
    CHECK(moved == 200 << 10);
    s = walk_value(&packed);
    CHECK(s.refs == 1 && s.bins == 2 && s.b[0].ref && s.b[0].pos == 0);
    CHECK(!s.b[1].ref && s.b[1].len == BIG && !s.b[2].ref && s.b[2].len == BIG);
    pack_request(&frame, &packed);
    pack_request(&want, &val);
    CHECK_STR(resolve(&p.core.rx, &frame, &got, 80u << 20), "resolved");
    CHECK(buf_eq(&got, &want));
    CHECK(p.core.rx.tail == 200 << 10);

    /* Two 100 KiB bins: the first skips to the next lap, the second follows it. */
    msgpack_sbuffer_clear(&val.sb), msgpack_sbuffer_clear(&packed.sb);
    msgpack_sbuffer_clear(&frame.sb), msgpack_sbuffer_clear(&want.sb);
    pack_bins(&val.pk, (const size_t[]){BIG, BIG}, 2);
    CHECK(ipc_pack_value_bulk(&packed.pk, &p.rend.tx, val.sb.data, val.sb.size, &moved) == 0);
    CHECK(moved == 2 * BIG);
    s = walk_value(&packed);
    CHECK(s.refs == 2 && s.bins == 0);
    CHECK(s.b[0].pos == RING && s.b[0].len == BIG);
    CHECK(s.b[1].pos == RING + BIG && s.b[1].len == BIG);
    pack_request(&frame, &packed);
    pack_request(&want, &val);
    CHECK_STR(decode(&frame, true), "accepted");
    CHECK(fr.nbulk == 2);
    CHECK_STR(resolve(&p.core.rx, &frame, &got, 80u << 20), "resolved");
    CHECK(buf_eq(&got, &want));
    CHECK(p.core.rx.tail == RING + 2 * BIG && *p.rend.tx.shared == RING + 2 * BIG);

    /* Down: the core sends a channel value, the renderer resolves it. */
    msgpack_sbuffer_clear(&val.sb), msgpack_sbuffer_clear(&packed.sb);
    msgpack_sbuffer_clear(&frame.sb), msgpack_sbuffer_clear(&want.sb);
    pack_sample(&val.pk, IPC_BULK_MIN);
    CHECK(ipc_pack_value_bulk(&packed.pk, &p.core.tx, val.sb.data, val.sb.size, &moved) == 0);
    CHECK(moved == IPC_BULK_MIN);
    ipc_pack_channel_head(&frame.pk, 3, 0, false);
    ipc_pack_raw(&frame.pk, packed.sb.data, packed.sb.size);
    ipc_pack_channel_head(&want.pk, 3, 0, false);
    ipc_pack_raw(&want.pk, val.sb.data, val.sb.size);
    CHECK_STR(resolve(&p.rend.rx, &frame, &got, 80u << 20), "resolved");
    CHECK(buf_eq(&got, &want));
    CHECK(p.rend.rx.tail == IPC_BULK_MIN && *p.core.tx.shared == IPC_BULK_MIN);
    CHECK(p.core.rx.tail == RING + 2 * BIG); /* the up ring is untouched */

    msgpack_sbuffer_destroy(&val.sb), msgpack_sbuffer_destroy(&packed.sb);
    msgpack_sbuffer_destroy(&frame.sb), msgpack_sbuffer_destroy(&want.sb);
    msgpack_sbuffer_destroy(&got.sb);
    pair_close(&p);
}

/* Packs val with ipc_pack_value_bulk; true when it came out inline, byte for byte. */
static bool packs_inline(struct ipc_ring *tx, const struct buf *val)
{
    struct buf out;
    size_t moved = 7;
    buf_init(&out);
    int rc = ipc_pack_value_bulk(&out.pk, tx, val->sb.data, val->sb.size, &moved);
    bool same = rc == 0 && moved == 0 && buf_eq(&out, val);
    msgpack_sbuffer_destroy(&out.sb);
    return same;
}

static void test_pack_inline(void)
{
    struct pair p;
    struct buf val;
    size_t moved;
    uint64_t pos;

    if (!pair_open(&p, RING)) return;
    buf_init(&val);
    struct ipc_ring *tx = &p.rend.tx;

    /* Below IPC_BULK_MIN, whatever the value's size. */
    pack_bins(&val.pk, (const size_t[]){IPC_BULK_MIN - 1, IPC_BULK_MIN - 1}, 2);
    CHECK(packs_inline(tx, &val));
    CHECK(tx->head == 0);
    /* No ring at all. */
    msgpack_sbuffer_clear(&val.sb);
    pack_sample(&val.pk, BIG);
    CHECK(packs_inline(NULL, &val));
    /* Bigger than the ring. */
    msgpack_sbuffer_clear(&val.sb);
    pack_sample(&val.pk, RING + 1);
    CHECK(packs_inline(tx, &val));
    CHECK(tx->head == 0);

    /* A full ring: inline, and the ring is left as it was. */
    CHECK(ipc_ring_reserve(tx, RING - IPC_BULK_MIN + 1, &pos) != NULL);
    msgpack_sbuffer_clear(&val.sb);
    pack_sample(&val.pk, IPC_BULK_MIN);
    CHECK(packs_inline(tx, &val));
    CHECK(tx->head == RING - IPC_BULK_MIN + 1);
    CHECK(ipc_ring_reserve(tx, IPC_BULK_MIN - 1, &pos) != NULL);
    CHECK(ipc_ring_reserve(tx, 1, &pos) == NULL);
    msgpack_sbuffer_clear(&val.sb);
    pack_sample(&val.pk, BIG);
    CHECK(packs_inline(tx, &val));
    CHECK(tx->head == RING);

    /* Not one valid value (checked when it is big enough to be walked). */
    struct buf out;
    buf_init(&out);
    msgpack_sbuffer_clear(&val.sb);
    msgpack_pack_array(&val.pk, 2);
    ipc_pack_raw(&val.pk, "\xc1", 1);
    msgpack_pack_bin_with_body(&val.pk, pattern, BIG);
    CHECK(ipc_pack_value_bulk(&out.pk, tx, val.sb.data, val.sb.size, &moved) == -1);
    msgpack_sbuffer_clear(&val.sb);
    msgpack_pack_array(&val.pk, 2);
    msgpack_pack_bin_with_body(&val.pk, pattern, BIG);
    ipc_pack_raw(&val.pk, "\xc1", 1);
    CHECK(ipc_pack_value_bulk(&out.pk, tx, val.sb.data, val.sb.size, &moved) == -1);
    msgpack_sbuffer_clear(&val.sb);
    pack_sample(&val.pk, BIG);
    CHECK(ipc_pack_value_bulk(&out.pk, tx, val.sb.data, val.sb.size - 1, &moved) == -1);

    msgpack_sbuffer_destroy(&out.sb);
    msgpack_sbuffer_destroy(&val.sb);
    pair_close(&p);
}

/* [2, 1, "put", refs...] (one ref), or [2, 1, "put", [refs...]]; a ref starts at byte 7. */
static void ref_frame(struct buf *b, size_t n, const uint64_t *pos, const uint64_t *len)
{
    msgpack_sbuffer_clear(&b->sb);
    ipc_pack_request_head(&b->pk, 1, "put", 3);
    if (n != 1) msgpack_pack_array(&b->pk, n);
    for (size_t k = 0; k < n; k++)
        pack_ref(&b->pk, IPC_BULK_EXT, pos[k], len[k]);
}

static void test_resolve_fail(void)
{
    struct pair p;
    struct buf frame, got;
    const size_t max = 80u << 20;

    if (!pair_open(&p, RING)) return;
    buf_init(&frame), buf_init(&got);
    struct ipc_ring *rx = &p.core.rx;
    const char *outside = "frame: bulk reference outside the shared ring at byte 7";

    ref_frame(&frame, 1, (uint64_t[]){0}, (uint64_t[]){RING + 1});
    CHECK_STR(resolve(rx, &frame, &got, max), outside);
    ref_frame(&frame, 1, (uint64_t[]){RING - 10}, (uint64_t[]){20});
    CHECK_STR(resolve(rx, &frame, &got, max), outside);
    ref_frame(&frame, 1, (uint64_t[]){0}, (uint64_t[]){0});
    CHECK_STR(resolve(rx, &frame, &got, max), outside);
    ref_frame(&frame, 1, (uint64_t[]){UINT64_MAX - (RING - 1)}, (uint64_t[]){RING});
    CHECK_STR(resolve(rx, &frame, &got, max), outside);
    ref_frame(&frame, 1, (uint64_t[]){UINT64_MAX}, (uint64_t[]){UINT64_MAX});
    CHECK_STR(resolve(rx, &frame, &got, max), outside);

    /* Within one frame, each reference must start at or after the end of the one before. */
    ref_frame(&frame, 2, (uint64_t[]){8192, 0}, (uint64_t[]){4096, 4096});
    CHECK_STR(resolve(rx, &frame, &got, max),
              "frame: bulk reference outside the shared ring at byte 26");
    ref_frame(&frame, 2, (uint64_t[]){0, 4095}, (uint64_t[]){4096, 10});
    CHECK_CONTAINS(resolve(rx, &frame, &got, max), "outside the shared ring");
    ref_frame(&frame, 2, (uint64_t[]){0, 0}, (uint64_t[]){4096, 4096});
    CHECK_CONTAINS(resolve(rx, &frame, &got, max), "outside the shared ring");

    /* Not a valid frame: refused as ipc_decode would. */
    msgpack_sbuffer_clear(&frame.sb);
    ipc_pack_request_head(&frame.pk, 1, "put", 3);
    pack_ref(&frame.pk, 2, 0, 4096);
    CHECK_STR(resolve(rx, &frame, &got, max), "frame: ext type 2 is not allowed at byte 7");

    /* The size limit counts the bytes once they are in: head, bin16 header, payload. */
    ref_frame(&frame, 1, (uint64_t[]){0}, (uint64_t[]){4096});
    size_t whole = 7 + 3 + 4096;
    CHECK_STR(resolve(rx, &frame, &got, whole - 1),
              "frame: frame over the size limit once its bulk bytes are in at byte 7");
    CHECK_STR(resolve(rx, &frame, &got, 100), "frame: frame over the size limit once its bulk "
                                              "bytes are in at byte 7");
    /* Bytes after the last reference count too. */
    msgpack_sbuffer_clear(&frame.sb);
    ipc_pack_request_head(&frame.pk, 1, "put", 3);
    msgpack_pack_array(&frame.pk, 2);
    pack_ref(&frame.pk, IPC_BULK_EXT, 0, 4096);
    ipc_pack_cstr(&frame.pk, "tail");
    CHECK_STR(resolve(rx, &frame, &got, 8 + 3 + 4096 + 4),
              "frame: over the size limit once its bulk bytes are in");
    /* And a frame without references. */
    msgpack_sbuffer_clear(&frame.sb);
    ipc_pack_request_head(&frame.pk, 1, "put", 3);
    ipc_pack_cstr(&frame.pk, "0123456789");
    CHECK_CONTAINS(resolve(rx, &frame, &got, frame.sb.size - 1), "size limit");
    CHECK_STR(resolve(rx, &frame, &got, frame.sb.size), "resolved");
    CHECK(buf_eq(&got, &frame));
    /* Nothing was released by any failure. */
    CHECK(rx->tail == 0 && *p.rend.tx.shared == 0);

    /* At the limit exactly: resolved. Adjacent references are fine. */
    ref_frame(&frame, 1, (uint64_t[]){0}, (uint64_t[]){4096});
    CHECK_STR(resolve(rx, &frame, &got, whole), "resolved");
    CHECK(got.sb.size == whole && rx->tail == 4096);
    ref_frame(&frame, 2, (uint64_t[]){4096, 8192}, (uint64_t[]){4096, 10});
    CHECK_STR(resolve(rx, &frame, &got, max), "resolved");
    CHECK(rx->tail == 8192 + 10 && *p.rend.tx.shared == 8192 + 10);

    msgpack_sbuffer_destroy(&frame.sb), msgpack_sbuffer_destroy(&got.sb);
    pair_close(&p);
}

static void test_decode(void)
{
    struct buf b;
    struct ipc_limits lim;

    buf_init(&b);
    ipc_limits_default(&lim);
    CHECK(!lim.bulk);

    /* [4, "e", ref]: the reference is at byte 4. */
    ipc_pack_event_head(&b.pk, "e", 1, NULL);
    pack_ref(&b.pk, IPC_BULK_EXT, 0, 100);
    CHECK_STR(decode(&b, false), "frame: ext type 0xd8 is not allowed at byte 4");
    CHECK_STR(decode(&b, true), "accepted");
    CHECK(fr.kind == IPC_EVENT && fr.nbulk == 1 && fr.body.len == IPC_BULK_REF_SIZE);
    CHECK(fr.body.ptr == (uint8_t *)b.sb.data + 4);

    /* Of another type, or another ext format: refused even where references are allowed. */
    const char *types[][2] = {{"\x02", "frame: ext type 2 is not allowed at byte 4"},
                              {"\xff", "frame: ext type -1 is not allowed at byte 4"},
                              {"\x00", "frame: ext type 0 is not allowed at byte 4"}};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        msgpack_sbuffer_clear(&b.sb);
        ipc_pack_event_head(&b.pk, "e", 1, NULL);
        pack_ref(&b.pk, (uint8_t)types[k][0][0], 0, 100);
        CHECK_STR(decode(&b, true), types[k][1]);
    }
    msgpack_sbuffer_clear(&b.sb);
    ipc_pack_event_head(&b.pk, "e", 1, NULL);
    msgpack_pack_ext_with_body(&b.pk, "01234567", 8, IPC_BULK_EXT); /* fixext8 */
    CHECK_STR(decode(&b, true), "frame: ext type 0xd7 is not allowed at byte 4");
    msgpack_sbuffer_clear(&b.sb);
    ipc_pack_event_head(&b.pk, "e", 1, NULL);
    ipc_pack_raw(&b.pk, "\xc7\x10\x01", 3); /* ext8 of 16 bytes */
    ipc_pack_raw(&b.pk, "0123456789abcdef", 16);
    CHECK_STR(decode(&b, true), "frame: ext type 0xc7 is not allowed at byte 4");

    /* Truncated: the frame ends inside the reference. */
    for (size_t cut = 1; cut < IPC_BULK_REF_SIZE; cut++) {
        msgpack_sbuffer_clear(&b.sb);
        ipc_pack_event_head(&b.pk, "e", 1, NULL);
        pack_ref(&b.pk, IPC_BULK_EXT, 0, 100);
        b.sb.size -= cut;
        CHECK_STR(decode(&b, true), "frame: truncated value at byte 4");
    }

    /* Not as a map key, nor in place of a field. */
    msgpack_sbuffer_clear(&b.sb);
    ipc_pack_event_head(&b.pk, "e", 1, NULL);
    msgpack_pack_map(&b.pk, 1);
    pack_ref(&b.pk, IPC_BULK_EXT, 0, 100);
    ipc_pack_cstr(&b.pk, "v");
    CHECK_STR(decode(&b, true), "frame: map key is not a string at byte 5");
    msgpack_sbuffer_clear(&b.sb);
    msgpack_pack_array(&b.pk, 4);
    msgpack_pack_uint8(&b.pk, IPC_REQUEST);
    pack_ref(&b.pk, IPC_BULK_EXT, 0, 100);
    ipc_pack_cstr(&b.pk, "put");
    msgpack_pack_nil(&b.pk);
    CHECK_STR(decode(&b, true), "frame: request id is not a non-negative integer at byte 2");

    /* nbulk counts every reference; the walk reports bins and references in order. */
    msgpack_sbuffer_clear(&b.sb);
    ipc_pack_event_head(&b.pk, "e", 1, NULL);
    msgpack_pack_array(&b.pk, 4);
    pack_ref(&b.pk, IPC_BULK_EXT, 0x0102030405060708ull, 0x1122334455667788ull);
    msgpack_pack_map(&b.pk, 1);
    ipc_pack_cstr(&b.pk, "k");
    pack_ref(&b.pk, IPC_BULK_EXT, 5, 6);
    msgpack_pack_bin_with_body(&b.pk, "xyz", 3);
    pack_ref(&b.pk, IPC_BULK_EXT, UINT64_MAX, 0);
    CHECK_STR(decode(&b, true), "accepted");
    CHECK(fr.nbulk == 3);
    CHECK_CONTAINS(decode(&b, false), "ext type 0xd8 is not allowed");
    CHECK(fr.nbulk == 0);

    struct seen s = {0};
    lim.bulk = true;
    CHECK(ipc_walk_frame(b.sb.data, b.sb.size, &lim, note_blob, &s, err, sizeof err) == 0);
    CHECK(s.n == 4 && s.refs == 3 && s.bins == 1);
    const uint8_t *base = (const uint8_t *)b.sb.data;
    CHECK(s.b[0].ref && s.b[0].at == base + 5 && s.b[0].size == IPC_BULK_REF_SIZE);
    CHECK(s.b[0].pos == 0x0102030405060708ull && s.b[0].len == 0x1122334455667788ull);
    CHECK(s.b[1].ref && s.b[1].pos == 5 && s.b[1].len == 6);
    CHECK(!s.b[2].ref && s.b[2].len == 3 && s.b[2].size == 5 &&
          memcmp(s.b[2].at + 2, "xyz", 3) == 0);
    CHECK(s.b[3].ref && s.b[3].pos == UINT64_MAX && s.b[3].len == 0);
    /* A visitor's reason fails the walk, at the reference. */
    s = (struct seen){.stop = "no thanks"};
    CHECK(ipc_walk_frame(b.sb.data, b.sb.size, &lim, note_blob, &s, err, sizeof err) == -1);
    CHECK_STR(err, "frame: no thanks at byte 5");
    CHECK(s.n == 1);
    lim.bulk = false;
    s = (struct seen){0};
    CHECK(ipc_walk_frame(b.sb.data, b.sb.size, &lim, note_blob, &s, err, sizeof err) == -1);
    CHECK_STR(err, "frame: ext type 0xd8 is not allowed at byte 5");

    /* ipc_check_value never allows references; ipc_decode_next does where lim allows. */
    CHECK(ipc_check_value(base + 4, b.sb.size - 4, 32, err, sizeof err) == -1);
    CHECK_STR(err, "value: ext type 0xd8 is not allowed at byte 1");
    size_t one = b.sb.size, off = 0;
    ipc_pack_event_head(&b.pk, "f", 1, NULL);
    pack_ref(&b.pk, IPC_BULK_EXT, 0, 1);
    lim.bulk = true;
    CHECK(ipc_decode_next(b.sb.data, b.sb.size, &off, &lim, &fr, err, sizeof err) == 0);
    CHECK(off == one && fr.nbulk == 3);
    CHECK(ipc_decode_next(b.sb.data, b.sb.size, &off, &lim, &fr, err, sizeof err) == 0);
    CHECK(off == b.sb.size && fr.nbulk == 1);
    off = 0;
    lim.bulk = false;
    CHECK(ipc_decode_next(b.sb.data, b.sb.size, &off, &lim, &fr, err, sizeof err) == -1);
    CHECK_STR(err, "frame: ext type 0xd8 is not allowed at byte 5");

    msgpack_sbuffer_destroy(&b.sb);
}

int main(void)
{
    pattern = malloc(PATTERN_LEN);
    if (!pattern) return 1;
    for (size_t k = 0; k < PATTERN_LEN; k++)
        pattern[k] = (uint8_t)(k * 131 + (k >> 9));

    RUN(test_region);
    RUN(test_reserve);
    RUN(test_distrust);
    RUN(test_view);
    RUN(test_pack_resolve);
    RUN(test_pack_several);
    RUN(test_pack_inline);
    RUN(test_resolve_fail);
    RUN(test_decode);

    free(pattern);
    return TEST_RESULT();
}
