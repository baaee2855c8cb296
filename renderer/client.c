// SPDX-License-Identifier: MIT
/*
 * client.c: the renderer end of the IPC connection (moat_renderer.h).
 */
#include "moat_renderer.h"

#include "ipc.h"
#include "ipc_nng.h"

#include <errno.h>
#include <fcntl.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define HANDSHAKE_TIMEOUT_MS 10000
#define FLUSH_TIMEOUT_MS 2000

/*
 * The region shared with the core for large binaries (ipc.h, "bulk
 * transfer"). Messages whose values point into the down ring hold a
 * reference; the ring is released up to the furthest byte received once no
 * message holds any (references arrive in order, messages may be freed in any).
 */
struct bulk {
    struct ipc_bulk b;
    unsigned refs;        /* the client, and each message holding ring bytes */
    unsigned held;        /* messages holding ring bytes */
    uint64_t pending_end; /* the furthest byte received */
};

struct moat_client {
    nng_socket sock;
    struct bulk *bulk;    /* NULL: every binary goes inline */
    size_t frame_moved;   /* bytes of the frame being packed that went through the up ring */
    nng_aio *send_aio;    /* long-lived: nng_sendmsg allocates one per call */
    int fd;               /* epoll over the down link and lost_fd */
    int down_fd;          /* frames from the core: $MOAT_DOWN (PROTOCOL.md, "Transport") */
    uint8_t down_head[8]; /* the length of the message being read */
    size_t down_got;      /* bytes of it read, its length prefix included */
    nng_msg *down_msg;    /* the message being read, once its length is known */
    int lost_fd;          /* eventfd, written when the connection to the core closes */
    atomic_bool lost;
    bool welcomed;
    struct ipc_limits lim;
    uint64_t next_id;
    uint64_t *ignored; /* ids of emits, whose answers are dropped */
    size_t bulk_offer; /* ring size the core offered in WELCOME (0: none) */
    int corked;        /* while > 0, small frames gather in batch */
    nng_msg *batch;    /* frames waiting for moat_client_uncork */
    nng_msg *inbox;    /* a received batch, frames from inbox_off on not yet taken */
    size_t inbox_off;
    size_t nignored, capignored;
    moat_client_event_fn on_event;
    void *on_event_ud;
    char label[IPC_MAX_NAME + 1];
    char err[256];
};

struct moat_msg_priv {
    nng_msg *msg; /* the frame's bytes; value borrows from it via the zone */
    msgpack_zone zone;
    struct bulk *bulk; /* when value's binaries point into the down ring */
};

static int fail(moat_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(moat_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

const char *moat_client_error(const moat_client *c)
{
    return c->err;
}

const char *moat_client_label(const moat_client *c)
{
    return c->label;
}

size_t moat_client_max_frame(const moat_client *c)
{
    return c->lim.max_frame;
}

int moat_client_fd(moat_client *c)
{
    return c->fd;
}

void moat_client_on_event(moat_client *c, moat_client_event_fn fn, void *ud)
{
    c->on_event = fn;
    c->on_event_ud = ud;
}

/* ---- bulk transfer --------------------------------------------------------- */

static void bulk_unref(struct bulk *k)
{
    if (k && --k->refs == 0) {
        ipc_bulk_unmap(&k->b);
        free(k);
    }
}

/* Hands the down ring back to the core as far as no message still points into it. */
static void bulk_settle(struct bulk *k)
{
    if (k && k->held == 0) ipc_ring_release(&k->b.rx, k->pending_end);
}

static struct ipc_ring *up_ring(moat_client *c)
{
    return c->bulk ? &c->bulk->b.tx : NULL;
}

int moat_client_pack_bin(moat_client *c, msgpack_packer *pk, const void *bytes, size_t len)
{
    c->frame_moved += ipc_pack_bin_bulk(pk, up_ring(c), bytes, len);
    return 0;
}

/* ---- sending ------------------------------------------------------------- */

/* The largest message the core accepts: its frame limit, and batches stay under it. */
static size_t batch_limit(const moat_client *c)
{
    return c->lim.max_frame < IPC_BATCH_MAX ? c->lim.max_frame : IPC_BATCH_MAX;
}

static int send_now(moat_client *c, nng_msg *m)
{
    nng_aio_set_msg(c->send_aio, m);
    nng_send_aio(c->sock, c->send_aio);
    nng_aio_wait(c->send_aio);
    int rv = nng_aio_result(c->send_aio);
    if (rv != 0) {
        nng_msg_free(nng_aio_get_msg(c->send_aio));
        return fail(c, "send failed: %s", nng_strerror(rv));
    }
    return 0;
}

static int flush_batch(moat_client *c)
{
    nng_msg *m = c->batch;
    c->batch = NULL;
    return m ? send_now(c, m) : 0;
}

/* Sends a packed frame, or adds it to the batch while corked; takes b->msg in every case. */
static int send_frame(moat_client *c, struct ipc_msgbuf *b)
{
    if (b->failed) {
        nng_msg_free(b->msg);
        return fail(c, "out of memory while encoding a frame");
    }
    /* The core would end this renderer for it: refuse here, with a reason. */
    size_t len = nng_msg_len(b->msg), whole = len + c->frame_moved;
    c->frame_moved = 0;
    if (whole > c->lim.max_frame) {
        nng_msg_free(b->msg);
        return fail(c, "limit_exceeded: a %zu-byte frame is over the core's %zu-byte limit", whole,
                    c->lim.max_frame);
    }
    bool small = len <= IPC_BATCH_FRAME_MAX;
    if (c->corked && small && c->batch && nng_msg_len(c->batch) + len <= batch_limit(c)) {
        int rv = nng_msg_append(c->batch, nng_msg_body(b->msg), len);
        nng_msg_free(b->msg);
        return rv == 0 ? 0 : fail(c, "out of memory while batching a frame");
    }
    if (flush_batch(c) != 0) { /* frames keep their order */
        nng_msg_free(b->msg);
        return -1;
    }
    if (c->corked && small) {
        c->batch = b->msg;
        return 0;
    }
    return send_now(c, b->msg);
}

void moat_client_cork(moat_client *c)
{
    c->corked++;
}

int moat_client_uncork(moat_client *c)
{
    if (c->corked > 0 && --c->corked > 0) return 0;
    return flush_batch(c);
}

/* Packs body (NULL: nil) after a frame head. */
static int pack_body(moat_client *c, msgpack_packer *pk, const void *body, size_t len)
{
    if (!body) {
        msgpack_pack_nil(pk);
        return 0;
    }
    char why[160];
    size_t moved;
    if (ipc_check_value(body, len, c->lim.max_depth - 1, why, sizeof why) != 0)
        return fail(c, "invalid value: %s", why);
    if (ipc_pack_value_bulk(pk, up_ring(c), body, len, &moved) != 0) return -1;
    c->frame_moved += moved;
    return 0;
}

struct raw_args {
    moat_client *c;
    const void *args;
    size_t len;
};

static int pack_raw_args(msgpack_packer *pk, void *ud)
{
    struct raw_args *a = ud;
    return pack_body(a->c, pk, a->args, a->len);
}

int moat_client_request(moat_client *c, const char *cmd, const void *args, size_t len, uint64_t *id)
{
    struct raw_args a = {c, args, len};
    return moat_client_request_pack(c, cmd, pack_raw_args, &a, len, id);
}

/* The args a pack function wrote, checked as the core will check them. */
static int check_packed(moat_client *c, nng_msg *m, size_t from)
{
    char why[160];
    const uint8_t *p = (const uint8_t *)nng_msg_body(m) + from;
    if (ipc_walk_value(p, nng_msg_len(m) - from, c->lim.max_depth - 1, c->bulk != NULL, NULL, NULL,
                       why, sizeof why) != 0)
        return fail(c, "invalid value: %s", why);
    return 0;
}

int moat_client_request_pack(moat_client *c, const char *cmd, moat_pack_fn pack, void *ud,
                             size_t hint, uint64_t *id)
{
    size_t n = strlen(cmd);
    if (!ipc_name_ok(cmd, n)) return fail(c, "invalid command name \"%s\"", cmd);
    struct ipc_msgbuf b;
    msgpack_packer pk;
    /* A large binary leaves the frame small when it goes through the ring (nng zeroes room). */
    if (c->bulk && hint > IPC_BULK_MIN) hint = IPC_BULK_MIN;
    if (ipc_msgbuf_init(&b, &pk, hint + n + 32) != 0) return fail(c, "out of memory");
    uint64_t rid = ++c->next_id;
    c->frame_moved = 0;
    ipc_pack_request_head(&pk, rid, cmd, n);
    size_t head = nng_msg_len(b.msg);
    if (pack(&pk, ud) != 0 || b.failed || check_packed(c, b.msg, head) != 0) {
        nng_msg_free(b.msg);
        return b.failed ? fail(c, "out of memory") : -1;
    }
    if (send_frame(c, &b) != 0) return -1;
    if (id) *id = rid;
    return 0;
}

int moat_client_cancel(moat_client *c, uint64_t id)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, 16) != 0) return fail(c, "out of memory");
    ipc_pack_cancel(&pk, id);
    return send_frame(c, &b);
}

/* Remembers that the answer to id is not awaited. */
static int ignore_answer(moat_client *c, uint64_t id)
{
    if (c->nignored == c->capignored) {
        size_t cap = c->capignored ? c->capignored * 2 : 16;
        uint64_t *p = realloc(c->ignored, cap * sizeof *p);
        if (!p) return fail(c, "out of memory");
        c->ignored = p;
        c->capignored = cap;
    }
    c->ignored[c->nignored++] = id;
    return 0;
}

/* True (and forgotten) if the answer to id was not awaited. */
static bool was_ignored(moat_client *c, uint64_t id)
{
    for (size_t i = 0; i < c->nignored; i++) {
        if (c->ignored[i] == id) {
            c->ignored[i] = c->ignored[--c->nignored];
            return true;
        }
    }
    return false;
}

/* {event: name, payload: <raw msgpack>} for core:event:emit. */
static int pack_emit_args(moat_client *c, msgpack_packer *pk, const char *event,
                          const void *payload, size_t len)
{
    msgpack_pack_map(pk, 2);
    ipc_pack_cstr(pk, "event");
    ipc_pack_cstr(pk, event);
    ipc_pack_cstr(pk, "payload");
    return pack_body(c, pk, payload, len);
}

int moat_client_emit(moat_client *c, const char *event, const void *payload, size_t len)
{
    if (!ipc_name_ok(event, strlen(event))) return fail(c, "invalid event name \"%s\"", event);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    uint64_t id;
    int rv = pack_emit_args(c, &pk, event, payload, len);
    if (rv == 0) rv = moat_client_request(c, "core:event:emit", sb.data, sb.size, &id);
    msgpack_sbuffer_destroy(&sb);
    return rv == 0 ? ignore_answer(c, id) : -1;
}

int moat_client_ready(moat_client *c)
{
    uint64_t id;
    if (moat_client_request(c, "moat:ready", NULL, 0, &id) != 0) return -1;
    return ignore_answer(c, id);
}

/* ---- receiving ------------------------------------------------------------- */

void moat_msg_free(moat_msg *m)
{
    if (!m || !m->priv) return;
    struct bulk *k = m->priv->bulk;
    if (k) {
        k->held--;
        bulk_settle(k);
        bulk_unref(k);
    }
    msgpack_zone_destroy(&m->priv->zone);
    nng_msg_free(m->priv->msg);
    free(m->priv);
    memset(m, 0, sizeof *m);
}

static uint64_t load_be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (uint8_t)p[i];
    return v;
}

/* Turns each bulk reference in o into a bin pointing into the down ring. -1: a bad one. */
static int resolve_refs(const struct ipc_ring *rx, msgpack_object *o)
{
    if (o->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (resolve_refs(rx, &o->via.array.ptr[i]) != 0) return -1;
    } else if (o->type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < o->via.map.size; i++)
            if (resolve_refs(rx, &o->via.map.ptr[i].val) != 0) return -1;
    } else if (o->type == MSGPACK_OBJECT_EXT) {
        uint64_t pos = load_be64(o->via.ext.ptr), len = load_be64(o->via.ext.ptr + 8);
        const uint8_t *p = len <= UINT32_MAX ? ipc_ring_view(rx, pos, len) : NULL;
        if (!p) return -1;
        o->type = MSGPACK_OBJECT_BIN;
        o->via.bin.ptr = (const char *)p;
        o->via.bin.size = (uint32_t)len;
    }
    return 0;
}

/* A NUL-terminated copy of s in the message's zone. */
static const char *zone_str(msgpack_zone *z, struct ipc_slice s)
{
    char *p = msgpack_zone_malloc(z, s.len + 1);
    if (p) {
        memcpy(p, s.ptr, s.len);
        p[s.len] = '\0';
    }
    return p;
}

/* Fills m's fields from a decoded frame; the strings go to the message's zone. */
static int fill_fields(moat_msg *m, const struct ipc_frame *f)
{
    msgpack_zone *z = &m->priv->zone;
    m->id = f->id;
    if (f->kind == IPC_RESPONSE) {
        m->kind = MOAT_MSG_RESPONSE;
        m->ok = f->ok;
        if (!f->ok) {
            m->code = zone_str(z, f->err_code);
            m->message = zone_str(z, f->err_message);
            return m->code && m->message ? 0 : -1;
        }
    } else if (f->kind == IPC_CHANNEL) {
        m->kind = MOAT_MSG_CHANNEL;
        m->index = f->index;
        m->end = f->end;
    } else {
        m->kind = MOAT_MSG_EVENT;
        m->event = zone_str(z, f->name);
        m->sender = f->sender.len ? zone_str(z, f->sender) : NULL;
        return m->event && (m->sender || !f->sender.len) ? 0 : -1;
    }
    return 0;
}

/* Turns a decoded frame into m; takes msg. */
static int fill_msg(moat_client *c, nng_msg *msg, const struct ipc_frame *f, moat_msg *m)
{
    memset(m, 0, sizeof *m);
    struct moat_msg_priv *p = calloc(1, sizeof *p);
    if (!p || !msgpack_zone_init(&p->zone, 4096)) {
        free(p);
        nng_msg_free(msg);
        return fail(c, "out of memory");
    }
    p->msg = msg;
    m->priv = p;
    if (ipc_unpack(f->body.ptr, f->body.len, &p->zone, &m->value) != 0 || fill_fields(m, f)) {
        moat_msg_free(m);
        return fail(c, "could not unpack a frame's value");
    }
    if (f->nbulk) {
        p->bulk = c->bulk;
        c->bulk->refs++, c->bulk->held++;
        if (resolve_refs(&c->bulk->b.rx, &m->value) != 0) {
            moat_msg_free(m);
            return fail(c, "the core sent a bulk reference outside the shared ring");
        }
    }
    return 0;
}

static int wait_readable(moat_client *c, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    for (;;) {
        int n = poll(&p, 1, timeout_ms);
        if (n >= 0) return n;
        if (errno != EINTR) return fail(c, "poll: %s", strerror(errno));
    }
}

/*
 * Reads from the down link what is there of the next message: 1 with *out
 * once it is complete, 0 when the link has nothing more for now, -1 when it
 * closed or failed. Each message is its length (8 bytes, big-endian) and its
 * bytes.
 */
static int read_down(moat_client *c, nng_msg **out)
{
    for (;;) {
        size_t want =
            c->down_got < 8 ? 8 - c->down_got : 8 + nng_msg_len(c->down_msg) - c->down_got;
        uint8_t *to = c->down_got < 8 ? c->down_head + c->down_got
                                      : (uint8_t *)nng_msg_body(c->down_msg) + (c->down_got - 8);
        ssize_t n = want ? read(c->down_fd, to, want) : 0;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        if (want && n <= 0) {
            atomic_store(&c->lost, true);
            return fail(c, "the connection to the core is gone");
        }
        c->down_got += (size_t)n;
        if (c->down_got == 8 && !c->down_msg) {
            uint64_t len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | c->down_head[i];
            if (len > c->lim.max_frame) /* frames from the core obey the limit too */
                return fail(c, "the core sent a %llu-byte message", (unsigned long long)len);
            if (nng_msg_alloc(&c->down_msg, (size_t)len) != 0) return fail(c, "out of memory");
        }
        if (c->down_msg && c->down_got == 8 + nng_msg_len(c->down_msg)) {
            *out = c->down_msg;
            c->down_msg = NULL;
            c->down_got = 0;
            return 1;
        }
    }
}

/* Receives one raw message; 1 with *out, 0 on timeout, -1 on failure. */
static int recv_raw(moat_client *c, nng_msg **out, int timeout_ms)
{
    for (;;) {
        int rv = read_down(c, out);
        if (rv != 0) return rv;
        if (atomic_load(&c->lost)) return fail(c, "the connection to the core is gone");
        if (timeout_ms == 0) return 0;
        int w = wait_readable(c, timeout_ms);
        if (w <= 0) return w;
    }
}

/* Decodes msg into m. 1, or 0 when it was the answer to an emit (dropped), or -1. */
static int take_frame(moat_client *c, nng_msg *msg, moat_msg *m)
{
    struct ipc_frame f;
    char why[160];
    if (ipc_decode(nng_msg_body(msg), nng_msg_len(msg), &c->lim, &f, why, sizeof why) != 0) {
        nng_msg_free(msg);
        return fail(c, "malformed frame from the core: %s", why);
    }
    if (f.kind != IPC_RESPONSE && f.kind != IPC_EVENT && f.kind != IPC_CHANNEL) {
        nng_msg_free(msg);
        return fail(c, "unexpected %s frame from the core", ipc_kind_name(f.kind));
    }
    if (f.nbulk && f.bulk_end > c->bulk->pending_end) c->bulk->pending_end = f.bulk_end;
    if (f.kind == IPC_RESPONSE && was_ignored(c, f.id)) {
        if (!f.ok)
            fprintf(stderr, "moat: an emit was refused: %.*s: %.*s\n", (int)f.err_code.len,
                    f.err_code.ptr, (int)f.err_message.len, f.err_message.ptr);
        nng_msg_free(msg);
        bulk_settle(c->bulk);
        return 0;
    }
    return fill_msg(c, msg, &f, m) == 0 ? 1 : -1;
}

/* The next frame: from a received batch if one is being taken apart, else from nng. */
static int next_frame(moat_client *c, nng_msg **out, int timeout_ms)
{
    if (!c->inbox) {
        int rv = recv_raw(c, &c->inbox, timeout_ms);
        if (rv <= 0) return rv;
        c->inbox_off = 0;
    }
    const uint8_t *body = nng_msg_body(c->inbox);
    size_t len = nng_msg_len(c->inbox), start = c->inbox_off;
    struct ipc_frame f;
    if (start == 0 && (ipc_decode_next(body, len, &c->inbox_off, &c->lim, &f, NULL, 0) != 0 ||
                       c->inbox_off == len)) {
        *out = c->inbox; /* one frame (or a bad one, which take_frame reports) */
        c->inbox = NULL;
        return 1;
    }
    if (start > 0 && ipc_decode_next(body, len, &c->inbox_off, &c->lim, &f, NULL, 0) != 0)
        c->inbox_off = len; /* the rest is malformed: take_frame reports it */
    *out = ipc_msg_slice(c->inbox, start, (c->inbox_off > start ? c->inbox_off : len) - start);
    if (c->inbox_off >= len) {
        nng_msg_free(c->inbox);
        c->inbox = NULL;
    }
    return *out ? 1 : fail(c, "out of memory splitting a batch");
}

int moat_client_recv(moat_client *c, moat_msg *m, int timeout_ms)
{
    memset(m, 0, sizeof *m); /* safe to moat_msg_free whatever happens below */
    /* Waiting for answers to frames not sent yet would hang. */
    if (timeout_ms != 0 && flush_batch(c) != 0) return -1;
    for (;;) {
        nng_msg *msg;
        int rv = next_frame(c, &msg, timeout_ms);
        if (rv <= 0) return rv;
        rv = take_frame(c, msg, m);
        if (rv != 0) return rv;
    }
}

int moat_client_invoke(moat_client *c, const char *cmd, const void *args, size_t len,
                       moat_msg *reply, int timeout_ms)
{
    uint64_t id;
    memset(reply, 0, sizeof *reply); /* safe to moat_msg_free on every path */
    if (moat_client_request(c, cmd, args, len, &id) != 0) return -1;
    for (;;) {
        int rv = moat_client_recv(c, reply, timeout_ms);
        if (rv == 0) return fail(c, "timed out waiting for the answer to %s", cmd);
        if (rv < 0) return -1;
        if (reply->kind == MOAT_MSG_RESPONSE && reply->id == id) return 0;
        if (reply->kind == MOAT_MSG_EVENT && c->on_event) c->on_event(c->on_event_ud, reply);
        moat_msg_free(reply);
    }
}

int moat_client_listen(moat_client *c, const char *event, uint64_t *listener)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    ipc_pack_cstr(&pk, "event");
    ipc_pack_cstr(&pk, event);
    ipc_pack_cstr(&pk, "handler");
    msgpack_pack_uint8(&pk, 0);
    moat_msg reply; /* filled (or emptied) by moat_client_invoke on every path */
    int rv = moat_client_invoke(c, "core:event:listen", sb.data, sb.size, &reply, -1);
    msgpack_sbuffer_destroy(&sb);
    if (rv == 0 && (!reply.ok || reply.value.type != MSGPACK_OBJECT_POSITIVE_INTEGER))
        rv = fail(c, "listen %s: %s", event, reply.ok ? "bad answer" : reply.message);
    else if (rv == 0 && listener)
        *listener = reply.value.via.u64;
    moat_msg_free(&reply);
    return rv;
}

/* Maps the region the core passed as fd $MOAT_BULK; without it every binary goes inline. */
static void bulk_setup(moat_client *c)
{
    const char *env = getenv("MOAT_BULK");
    struct stat st;
    int fd = env ? atoi(env) : -1;
    uint64_t id;
    char why[160];
    if (!c->bulk_offer || fd <= 2 || fstat(fd, &st) != 0 ||
        (uint64_t)st.st_size < IPC_BULK_HEADER + 2 * (uint64_t)c->bulk_offer)
        return;
    struct bulk *k = calloc(1, sizeof *k);
    if (!k || ipc_bulk_map(&k->b, fd, c->bulk_offer, false, why, sizeof why) != 0) {
        free(k);
        return;
    }
    close(fd); /* the mapping stays */
    k->refs = 1;
    /* Frames after this one may carry references: the core reads them in order. */
    if (moat_client_request(c, "moat:bulk", NULL, 0, &id) != 0 || ignore_answer(c, id) != 0) {
        bulk_unref(k);
        return;
    }
    c->bulk = k;
    c->lim.bulk = true;
}

/* ---- connecting ---------------------------------------------------------------- */

/* Adopts the limits the core announced in WELCOME's config map. */
static void apply_config(moat_client *c, const struct ipc_frame *f)
{
    msgpack_zone zone;
    msgpack_object cfg;
    if (!msgpack_zone_init(&zone, 1024)) return;
    if (ipc_unpack(f->body.ptr, f->body.len, &zone, &cfg) == 0 && cfg.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < cfg.via.map.size; i++) {
            const msgpack_object *k = &cfg.via.map.ptr[i].key, *v = &cfg.via.map.ptr[i].val;
            if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) continue;
            if (k->via.str.size == 9 && !memcmp(k->via.str.ptr, "max_frame", 9))
                c->lim.max_frame = (size_t)v->via.u64;
            if (k->via.str.size == 4 && !memcmp(k->via.str.ptr, "bulk", 4))
                c->bulk_offer = (size_t)v->via.u64;
            if (k->via.str.size == 9 && !memcmp(k->via.str.ptr, "max_depth", 9) &&
                v->via.u64 >= 2 && v->via.u64 <= IPC_MAX_DEPTH_CEILING)
                c->lim.max_depth = (unsigned)v->via.u64;
        }
    }
    msgpack_zone_destroy(&zone);
    nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, c->lim.max_frame);
}

/* Sends HELLO and waits for WELCOME, which names this renderer's label. */
static int handshake(moat_client *c)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, 16) != 0) return fail(c, "out of memory");
    ipc_pack_hello(&pk, (int64_t)getpid());
    if (send_frame(c, &b) != 0) return -1;
    nng_msg *msg;
    int rv = recv_raw(c, &msg, HANDSHAKE_TIMEOUT_MS);
    if (rv == 0) return fail(c, "the core did not answer the handshake");
    if (rv < 0) return -1;
    struct ipc_frame f;
    char why[160];
    rv = ipc_decode(nng_msg_body(msg), nng_msg_len(msg), &c->lim, &f, why, sizeof why);
    if (rv == 0 && (f.kind != IPC_WELCOME || f.version != IPC_VERSION))
        rv = -1, snprintf(why, sizeof why, "expected welcome for protocol %d", IPC_VERSION);
    if (rv == 0) {
        memcpy(c->label, f.name.ptr, f.name.len);
        c->label[f.name.len] = '\0';
        apply_config(c, &f);
        c->welcomed = true;
    }
    nng_msg_free(msg);
    return rv == 0 ? 0 : fail(c, "handshake failed: %s", why);
}

/* The core closed the connection (or died): wake whoever polls. */
static void pipe_gone(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    (void)p, (void)ev;
    moat_client *c = arg;
    atomic_store(&c->lost, true);
    uint64_t one = 1;
    ssize_t n = write(c->lost_fd, &one, sizeof one);
    (void)n;
}

/* One fd for poll(): the down link and the lost-connection eventfd. */
static int make_poll_fd(moat_client *c)
{
    const char *down = getenv("MOAT_DOWN");
    if (!down) return fail(c, "MOAT_DOWN is not set: renderers are started by the moat core");
    c->down_fd = atoi(down);
    int fl = fcntl(c->down_fd, F_GETFL);
    if (fl < 0 || fcntl(c->down_fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
        fcntl(c->down_fd, F_SETFD, FD_CLOEXEC) != 0)
        return fail(c, "MOAT_DOWN=%s: %s", down, strerror(errno));
    c->lost_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    c->fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {.events = EPOLLIN};
    if (c->lost_fd < 0 || c->fd < 0 || epoll_ctl(c->fd, EPOLL_CTL_ADD, c->down_fd, &e) ||
        epoll_ctl(c->fd, EPOLL_CTL_ADD, c->lost_fd, &e))
        return fail(c, "cannot set up polling: %s", strerror(errno));
    return 0;
}

static int open_socket(moat_client *c, const char *url)
{
    int rv = nng_pair1_open(&c->sock);
    if (rv == 0) rv = nng_aio_alloc(&c->send_aio, NULL, NULL);
    if (rv != 0) return fail(c, "cannot open a socket: %s", nng_strerror(rv));
    /* The core sends nothing through nng: any message from it there is refused. */
    nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, 1);
    if (make_poll_fd(c) != 0) return -1;
    nng_pipe_notify(c->sock, NNG_PIPE_EV_REM_POST, pipe_gone, c);
    rv = nng_dial(c->sock, url, NULL, 0);
    if (rv != 0) return fail(c, "cannot connect to %s: %s", url, nng_strerror(rv));
    return 0;
}

moat_client *moat_client_connect(const char *url, char *err, size_t errlen)
{
    if (!url) url = getenv("MOAT_IPC");
    /* exec made this process dumpable again: keep other renderers out of its memory. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    moat_client *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ipc_limits_default(&c->lim);
    c->fd = c->lost_fd = c->down_fd = -1;
    if (!url)
        fail(c, "MOAT_IPC is not set: renderers are started by the moat core");
    else if (open_socket(c, url) == 0 && handshake(c) == 0) {
        bulk_setup(c);
        return c;
    }
    snprintf(err, errlen, "%s", c->err);
    moat_client_close(c);
    return NULL;
}

/*
 * nng_close drops frames it has not written yet. Frames arrive in order, so
 * once the core answers moat:flush it has read everything sent before.
 */
static void flush(moat_client *c)
{
    moat_msg m;
    uint64_t id;
    if (moat_client_request(c, "moat:flush", NULL, 0, &id) != 0) return;
    while (moat_client_recv(c, &m, FLUSH_TIMEOUT_MS) == 1) {
        bool done = m.kind == MOAT_MSG_RESPONSE && m.id == id;
        moat_msg_free(&m);
        if (done) return;
    }
}

void moat_client_close(moat_client *c)
{
    if (!c) return;
    if (c->welcomed && !atomic_load(&c->lost)) flush(c);
    c->corked = 0;
    flush_batch(c);
    if (c->inbox) nng_msg_free(c->inbox);
    if (nng_socket_id(c->sock) > 0)
        nng_close(c->sock); /* before the fds: its pipe callback writes lost_fd */
    if (c->send_aio) nng_aio_free(c->send_aio);
    if (c->fd >= 0) close(c->fd);
    if (c->down_fd >= 0) close(c->down_fd);
    if (c->down_msg) nng_msg_free(c->down_msg);
    if (c->lost_fd >= 0) close(c->lost_fd);
    free(c->ignored);
    bulk_unref(c->bulk);
    free(c);
}
