// SPDX-License-Identifier: MIT
/*
 * renderer.c: a renderer's life in the core: its socket, its frames, its
 * output, its end. Spawning is in spawn.c.
 *
 * Everything here runs on the app's run thread except the nng callbacks
 * (pipe_cb, recv_cb) and the functions marked "any thread", which only touch
 * the fields documented as guarded by r->mtx.
 */
#include "internal.h"
#include "sandbox_opts.h"
#include "ipc_nng.h"

#include <nng/protocol/pair1/pair.h>
#include <nng/transport/ipc/ipc.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/*
 * From exec to hello. The webview host maps WebKit's ~100 libraries first:
 * on a cold page cache with the machine busy that alone took over 10 s in CI.
 */
#define HANDSHAKE_MS 10000
#define WEBVIEW_HANDSHAKE_MS 30000
#define EXIT_GRACE_MS 1000 /* how long to wait for a dead renderer's last frames */
#define MAX_LINE 65536
#define MSG_OVERHEAD 256 /* nng's message struct, headroom and malloc's own */
/* One turn's worth of a renderer's input: then the others get theirs. */
#define TURN_FRAMES 64
#define TURN_BYTES ((size_t)1 << 20)
/* nng's receive queue: only for the instants between one receive and the next (recv_cb). */
#define RECV_QUEUE 1024

enum { FD_PID, FD_NOTIFY, FD_OUT, FD_ERR, FD_DOWN, FD_COUNT };
_Static_assert(FD_COUNT == CORE_RENDERER_NFDS, "the run loop reserves CORE_RENDERER_NFDS fds");

void core_renderer_ref(moat_renderer *r)
{
    atomic_fetch_add(&r->refs, 1);
}

/* ---- the memory budget (any thread) ---------------------------------------- */

size_t core_msg_cost(nng_msg *m)
{
    return nng_msg_len(m) + MSG_OVERHEAD;
}

static bool hold_upto(moat_renderer *r, size_t n, size_t limit)
{
    size_t held = atomic_load(&r->held);
    do {
        if (n > limit || held > limit - n) return false;
    } while (!atomic_compare_exchange_weak(&r->held, &held, held + n));
    return true;
}

bool core_hold(moat_renderer *r, size_t n)
{
    return hold_upto(r, n, r->memory_limit);
}

bool core_hold_kept(moat_renderer *r, size_t n)
{
    return hold_upto(r, n, r->memory_limit / 4 * 3);
}

bool core_hold_anyway(moat_renderer *r, size_t n)
{
    return atomic_fetch_add(&r->held, n) + n <= r->memory_limit;
}

void core_release(moat_renderer *r, size_t n)
{
    atomic_fetch_sub(&r->held, n);
}

/* ---- message queues (under r->mtx) ----------------------------------------- */

static int msgq_push(struct core_msgq *q, nng_msg *m, size_t cost)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        nng_msg **v = malloc(cap * sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < q->count; i++)
            v[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = v;
        q->cap = cap;
        q->head = 0;
    }
    q->v[(q->head + q->count++) % q->cap] = m;
    q->bytes += nng_msg_len(m);
    q->cost += cost;
    return 0;
}

/* Queues m first, ahead of the others (none of which may be partly written). */
static int msgq_push_front(struct core_msgq *q, nng_msg *m, size_t cost)
{
    if (msgq_push(q, m, cost) != 0) return -1;
    q->count--;
    q->head = (q->head + q->cap - 1) % q->cap;
    q->v[q->head] = m;
    q->count++;
    return 0;
}

/* Takes the oldest message (the queue is not empty); *cost: what it was charged. */
static nng_msg *msgq_pop(struct core_msgq *q, size_t *cost)
{
    nng_msg *m = q->v[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    q->bytes -= nng_msg_len(m);
    *cost = core_msg_cost(m);
    q->cost -= *cost;
    return m;
}

/* Frees every message in q and gives back what they cost r. */
static void msgq_clear(moat_renderer *r, struct core_msgq *q)
{
    for (size_t i = 0; i < q->count; i++)
        nng_msg_free(q->v[(q->head + i) % q->cap]);
    core_release(r, q->cost);
    free(q->v);
    *q = (struct core_msgq){0};
}

void core_renderer_unref(moat_renderer *r)
{
    if (atomic_fetch_sub(&r->refs, 1) != 1) return;
    if (r->recv_aio) nng_aio_free(r->recv_aio);
    msgq_clear(r, &r->out);
    msgq_clear(r, &r->inbox);
    if (r->cur) nng_msg_free(r->cur);
    ipc_bulk_unmap(&r->bulk);
    if (r->bulk_fd >= 0) close(r->bulk_fd);
    if (r->down_fd >= 0) close(r->down_fd);
    pthread_mutex_destroy(&r->bulk_lock);
    for (int *fd = &r->child.pidfd; fd <= &r->child.notify_fd; fd++)
        if (*fd >= 0) close(*fd);
    if (r->out_fd >= 0) close(r->out_fd);
    if (r->err_fd >= 0) close(r->err_fd);
    free(r->out_line.data);
    free(r->err_line.data);
    core_idmap_free(&r->inflight);
    core_event_forget(r);
    if (r->drained) nng_cv_free(r->drained);
    pol_view_free(r->view);
    if (r->cv) nng_cv_free(r->cv);
    if (r->mtx) nng_mtx_free(r->mtx);
    free(r->kill_reason);
    free(r->label);
    free(r->dir);
    free(r);
}

void core_renderer_abort(moat_renderer *r, const char *fmt, ...)
{
    char reason[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    nng_mtx_lock(r->mtx); /* finalize closes the pidfd under it */
    if (!r->kill_reason) r->kill_reason = strdup(reason);
    if (r->child.pidfd >= 0) syscall(SYS_pidfd_send_signal, r->child.pidfd, SIGKILL, NULL, 0);
    nng_mtx_unlock(r->mtx);
}

/* ---- sending (any thread) ------------------------------------------------ */

/*
 * Frames to the renderer do not go through nng: they are written to the down
 * link, a stream socket whose other end the renderer got as fd SBX_PASS_FD2
 * and can only read (see down_link in spawn.c and PROTOCOL.md, "Transport").
 * Each message is its length (8 bytes, big-endian) and its bytes. Writes are
 * non-blocking, under r->mtx, from whichever thread queued the frame; what
 * the socket does not take waits, and the run loop writes it once the socket
 * is writable again (POLLOUT).
 */

/*
 * Queues msg (taken unless -1) behind the frames waiting for r. A small frame
 * joins the last queued message when that is a batch with room and none of
 * it is written yet: a renderer that does not read costs the core one message
 * per 64 KiB, not one per answer. *cost: what it adds. Under r->mtx.
 */
static int out_push(moat_renderer *r, nng_msg *msg, size_t *cost)
{
    size_t len = nng_msg_len(msg);
    size_t max = r->lim.max_frame < IPC_BATCH_MAX ? r->lim.max_frame : IPC_BATCH_MAX;
    struct core_msgq *q = &r->out;
    if (q->count > (r->out_off ? 1u : 0u) && len <= IPC_BATCH_FRAME_MAX) {
        nng_msg *last = q->v[(q->head + q->count - 1) % q->cap];
        size_t have = nng_msg_len(last);
        if (have + len <= max && nng_msg_append(last, nng_msg_body(msg), len) == 0) {
            nng_msg_free(msg);
            q->bytes += len;
            q->cost += len;
            *cost = len;
            return 0;
        }
    }
    *cost = core_msg_cost(msg);
    return msgq_push(q, msg, *cost);
}

/* Frees the oldest queued message, written in full, and gives its cost back. */
static void out_done(moat_renderer *r)
{
    size_t cost;
    nng_msg_free(msgq_pop(&r->out, &cost));
    core_release(r, cost);
    r->out_off = 0;
}

/*
 * Writes what the down link takes of r's queue. Returns false when the link
 * is gone (the renderer closed its end or died): the queue is dropped, and
 * nothing more is written. Under r->mtx; r->welcomed.
 */
static bool out_flush(moat_renderer *r)
{
    while (r->out.count > 0 && r->down_fd >= 0) {
        nng_msg *m = r->out.v[r->out.head];
        size_t len = nng_msg_len(m);
        uint8_t head[8];
        for (int i = 0; i < 8; i++)
            head[i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        struct iovec iov[2] = {{head, 8}, {nng_msg_body(m), len}};
        size_t skip = r->out_off;
        int first = skip >= 8 ? 1 : 0;
        iov[first].iov_base = (uint8_t *)iov[first].iov_base + (skip - (first ? 8 : 0));
        iov[first].iov_len -= skip - (first ? 8 : 0);
        struct msghdr mh = {.msg_iov = iov + first, .msg_iovlen = (size_t)(2 - first)};
        ssize_t n = sendmsg(r->down_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            r->out_blocked = true;
            return true;
        }
        if (n < 0) {
            msgq_clear(r, &r->out);
            close(r->down_fd);
            r->down_fd = -1;
            r->out_off = 0;
            nng_cv_wake(r->drained);
            return false;
        }
        r->out_off += (size_t)n;
        if (r->out_off == 8 + len) out_done(r);
    }
    r->out_blocked = false;
    nng_cv_wake(r->drained); /* channel senders wait for room */
    return true;
}

/*
 * Frames wait in r->out until the handshake is done, so that WELCOME is
 * always the renderer's first frame and events emitted to a starting
 * renderer are delivered, not lost.
 */
void core_renderer_send(moat_renderer *r, nng_msg *msg)
{
    nng_mtx_lock(r->mtx);
    if (r->closed || (r->welcomed && r->down_fd < 0)) {
        nng_mtx_unlock(r->mtx);
        nng_msg_free(msg);
        return;
    }
    size_t cost;
    int rv = out_push(r, msg, &cost);
    bool within = rv == 0 && core_hold_anyway(r, cost);
    bool was_blocked = r->out_blocked;
    if (rv == 0 && r->welcomed && !r->out_blocked) out_flush(r);
    size_t queued = r->out.bytes;
    bool wake = r->out_blocked && !was_blocked; /* the loop must poll for POLLOUT now */
    nng_mtx_unlock(r->mtx);
    if (wake) core_app_wake(r->app);
    if (rv != 0) {
        nng_msg_free(msg);
        core_renderer_abort(r, "out of memory queueing a frame for it");
    } else if (queued > r->app->lim.queued_bytes) {
        core_renderer_abort(r, "stopped reading: %zu bytes queued for it", queued);
    } else if (!within) {
        core_renderer_abort(r,
                            "stopped reading: the frames queued for it passed its %zu-byte "
                            "memory budget",
                            r->memory_limit);
    }
}

/* ---- the connection ------------------------------------------------------ */

/*
 * Admits exactly one peer: the process the core started. nng calls this
 * before adding a pipe; the spawn may still be finishing, so wait for it.
 */
static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    moat_renderer *r = arg;
    if (ev == NNG_PIPE_EV_REM_POST) {
        nng_mtx_lock(r->mtx);
        /* Only the admitted pipe counts: refused ones end too. */
        if (r->connected && nng_pipe_id(p) == r->pipe_id) r->disconnected = true;
        nng_mtx_unlock(r->mtx);
        core_app_wake(r->app);
        return;
    }
    uint64_t peer_pid = 0;
    nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_PID, &peer_pid);
    int peer = (int)peer_pid;
    nng_mtx_lock(r->mtx);
    nng_time until = nng_clock() + 5000;
    while (!r->spawned && nng_cv_until(r->cv, until) == 0)
        ;
    bool ok = r->pid > 0 && peer == r->pid && !r->connected;
    if (ok)
        r->connected = true, r->pipe_id = nng_pipe_id(p);
    else if (r->pid > 0 && peer == r->pid)
        r->redialed++; /* its own dialer again: one link per life, and no foreigner */
    else
        r->refused_pid = peer, r->refused++;
    nng_mtx_unlock(r->mtx);
    if (!ok) {
        nng_pipe_close(p);
        core_app_wake(r->app);
    }
}

static void recv_cb(void *arg);

int core_renderer_listen(moat_renderer *r, const char *url)
{
    r->lim = r->app->limits;
    r->memory_limit = r->app->lim.memory;
    r->lim.bulk = false; /* until it has mapped the region (moat:bulk) */
    r->early_tail = &r->early;
    r->event_tokens = r->app->lim.event_rate;
    r->event_refill_ms = core_now_ms();
    int rv = nng_cv_alloc(&r->drained, r->mtx);
    if (rv == 0) rv = nng_pair1_open(&r->sock);
    if (rv == 0) rv = nng_socket_set_size(r->sock, NNG_OPT_RECVMAXSZ, r->lim.max_frame);
    if (rv == 0) rv = nng_pipe_notify(r->sock, NNG_PIPE_EV_ADD_PRE, pipe_cb, r);
    if (rv == 0) rv = nng_pipe_notify(r->sock, NNG_PIPE_EV_REM_POST, pipe_cb, r);
    if (rv == 0) rv = nng_socket_set_int(r->sock, NNG_OPT_RECVBUF, RECV_QUEUE);
    if (rv == 0) rv = nng_aio_alloc(&r->recv_aio, recv_cb, r);
    if (rv == 0) rv = nng_listen(r->sock, url, NULL, 0);
    if (rv != 0) return core_fail("cannot listen on %s: %s", url, nng_strerror(rv));
    nng_recv_aio(r->sock, r->recv_aio);
    return 0;
}

/* ---- frames from the renderer -------------------------------------------- */

static void send_welcome(moat_renderer *r)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, 64) != 0) return core_renderer_abort(r, "out of memory");
    ipc_pack_welcome_head(&pk, r->label);
    msgpack_pack_map(&pk, r->bulk.base ? 4 : 3);
    ipc_pack_cstr(&pk, "app");
    ipc_pack_cstr(&pk, r->app->name);
    ipc_pack_cstr(&pk, "max_frame");
    msgpack_pack_uint64(&pk, r->lim.max_frame);
    ipc_pack_cstr(&pk, "max_depth");
    msgpack_pack_uint32(&pk, r->lim.max_depth);
    if (r->bulk.base) { /* the region is its fd SBX_PASS_FD */
        ipc_pack_cstr(&pk, "bulk");
        msgpack_pack_uint64(&pk, r->bulk.tx.size);
    }
    if (b.failed) {
        nng_msg_free(b.msg);
        return core_renderer_abort(r, "out of memory");
    }
    /* Ahead of everything queued: the renderer expects WELCOME first. */
    nng_mtx_lock(r->mtx);
    int rv = r->closed ? 0 : msgq_push_front(&r->out, b.msg, core_msg_cost(b.msg));
    if (!r->closed && rv == 0) {
        core_hold_anyway(r, core_msg_cost(b.msg));
        r->welcomed = true;
        out_flush(r);
    }
    bool wake = r->out_blocked;
    nng_mtx_unlock(r->mtx);
    if (r->closed || rv != 0) nng_msg_free(b.msg);
    if (rv != 0) core_renderer_abort(r, "out of memory");
    if (wake) core_app_wake(r->app);
}

static void on_hello(moat_renderer *r, const struct ipc_frame *f)
{
    if (f->version != IPC_VERSION)
        return core_renderer_abort(r, "speaks protocol version %llu, the core speaks %d",
                                   (unsigned long long)f->version, IPC_VERSION);
    r->state = RS_READY;
    core_log(r->app, MOAT_LEVEL_DEBUG, r->label,
             "renderer \"%s\" said hello %lld ms after its start", r->label,
             (long long)(core_now_ms() - r->exec_ms));
    send_welcome(r);
}

/*
 * A request: it keeps its bytes (its arguments borrow from them), so a
 * request served out of a batch gets a copy, charged to the budget like any
 * memory (core_handle_request answers limit_exceeded when that passed it).
 */
static void on_request(moat_renderer *r, struct core_frame *fr, const uint8_t *bytes, size_t len,
                       struct ipc_frame *f)
{
    char why[200];
    struct core_frame own = {0};
    if (!fr) {
        own = (struct core_frame){.heap = malloc(len ? len : 1), .len = len};
        if (!own.heap) return core_renderer_abort(r, "out of memory copying a request");
        memcpy(own.heap, bytes, len);
        own.cost = len + MSG_OVERHEAD;
        core_hold_anyway(r, own.cost);
        fr = &own;
        if (ipc_decode(own.heap, len, &r->lim, f, why, sizeof why) != 0) { /* was decoded */
            core_frame_drop(r, fr);
            return core_renderer_abort(r, "sent a malformed frame: %s", why);
        }
    }
    if (f->nbulk) { /* the same frame with the bytes in it, decoded again */
        if (core_bulk_resolve(r, fr, f) != 0) return;
        if (ipc_decode(core_frame_bytes(fr), fr->len, &r->lim, f, why, sizeof why) != 0) {
            core_frame_drop(r, fr);
            return core_renderer_abort(r, "sent a malformed frame: %s", why);
        }
    }
    core_handle_request(r, fr, f); /* takes fr */
}

/*
 * Handles one decoded frame. fr holds its bytes when they are the frame's own
 * (a request keeps them: its arguments borrow from them); NULL when they are
 * borrowed from a batch that goes on (then a request gets a copy).
 */
static void on_frame(moat_renderer *r, struct core_frame *fr, const uint8_t *bytes, size_t len,
                     struct ipc_frame *f)
{
    if (r->state == RS_STARTING) {
        if (f->kind == IPC_HELLO)
            on_hello(r, f);
        else
            core_renderer_abort(r, "sent a %s frame before the handshake", ipc_kind_name(f->kind));
    } else if (f->kind == IPC_REQUEST) {
        if (r->state == RS_READY) return on_request(r, fr, bytes, len, f);
    } else if (f->kind == IPC_CANCEL) {
        core_call_cancel(r, f->id, 0, "cancelled");
    } else if (f->kind == IPC_HELLO) {
        core_renderer_abort(r, "sent a second hello");
    } else {
        core_renderer_abort(r, "sent a %s frame, which only the core may send",
                            ipc_kind_name(f->kind));
    }
    if (fr) core_frame_drop(r, fr);
}

static bool aborted(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    bool a = r->kill_reason != NULL;
    nng_mtx_unlock(r->mtx);
    return a;
}

/* The next message waiting in r's inbox, with its cost, or NULL. */
static nng_msg *inbox_pop(moat_renderer *r, size_t *cost)
{
    nng_mtx_lock(r->mtx);
    nng_msg *m = r->inbox.count ? msgq_pop(&r->inbox, cost) : NULL;
    nng_mtx_unlock(r->mtx);
    return m;
}

/* Ends serving r->cur. */
static void cur_done(moat_renderer *r)
{
    if (r->cur) {
        core_release(r, r->cur_cost);
        nng_msg_free(r->cur);
    }
    r->cur = NULL;
    r->cur_off = r->cur_cost = 0;
}

/*
 * Serves the next frame of r->cur; returns its length. A message that is one
 * frame is handed over whole; a batch is served a frame at a time, so that a
 * batch of a million frames takes as many turns as a million messages would.
 */
static size_t serve_frame(moat_renderer *r)
{
    const uint8_t *body = nng_msg_body(r->cur);
    size_t len = nng_msg_len(r->cur), start = r->cur_off, off = start;
    struct ipc_frame f;
    char why[200];
    if (ipc_decode_next(body, len, &off, &r->lim, &f, why, sizeof why) != 0) {
        core_renderer_abort(r, "sent a malformed frame: %s", why);
        cur_done(r);
        return len - start;
    }
    if (start == 0 && off == len) { /* the common case: one frame, one message */
        struct core_frame fr = {.msg = r->cur, .len = len, .cost = r->cur_cost};
        r->cur = NULL;
        r->cur_off = r->cur_cost = 0;
        on_frame(r, &fr, body, len, &f);
        return len;
    }
    r->cur_off = off;
    on_frame(r, NULL, body + start, off - start, &f);
    if (r->cur && r->cur_off == len) cur_done(r);
    return off - start;
}

bool core_renderer_serve(moat_renderer *r)
{
    size_t bytes = 0;
    for (int frames = 0; frames < TURN_FRAMES && bytes < TURN_BYTES; frames++) {
        if (aborted(r)) { /* what it sent after that does not matter */
            cur_done(r);
            nng_mtx_lock(r->mtx);
            msgq_clear(r, &r->inbox);
            nng_mtx_unlock(r->mtx);
            return false;
        }
        if (!r->cur && !(r->cur = inbox_pop(r, &r->cur_cost))) return false;
        bytes += serve_frame(r);
    }
    nng_mtx_lock(r->mtx);
    bool more = r->cur || r->inbox.count;
    nng_mtx_unlock(r->mtx);
    return more;
}

/*
 * Receiving. The core never receives on demand: one receive is always
 * posted, and its callback posts the next. nng 1.5.2's pair1 parks a message
 * on the pipe when no receive is waiting and its receive queue is full, and a
 * pipe closing at that moment leaves the socket marked ready with no pipe:
 * the next receive dereferences NULL (pair1_sock_recv). With a receive always
 * waiting, and a queue (NNG_OPT_RECVBUF) for the instants between one and the
 * next, nothing is ever parked. The callback only moves the message to the
 * inbox, charged to the renderer's budget; the run thread serves it.
 */
static void recv_cb(void *arg)
{
    moat_renderer *r = arg;
    if (nng_aio_result(r->recv_aio) != 0) return; /* the socket closed: nothing more comes */
    nng_msg *m = nng_aio_get_msg(r->recv_aio);
    nng_aio_set_msg(r->recv_aio, NULL);
    size_t cost = core_msg_cost(m);
    bool held = core_hold(r, cost), wake = false;
    nng_mtx_lock(r->mtx);
    bool keep = held && !r->closed && !r->kill_reason && msgq_push(&r->inbox, m, cost) == 0;
    if (keep) wake = r->inbox.count == 1;
    nng_mtx_unlock(r->mtx);
    if (!keep) {
        nng_msg_free(m);
        if (held) core_release(r, cost);
        if (!held)
            core_renderer_abort(r, "sent more than its %zu-byte memory budget holds",
                                r->memory_limit);
    }
    if (wake) core_app_wake(r->app);
    nng_recv_aio(r->sock, r->recv_aio);
}

/* ---- output -------------------------------------------------------------- */

/*
 * What a renderer prints cannot steer a terminal or pass for more than one
 * line: control characters (but tab), DEL and the C1 controls (U+0080..U+009F,
 * which some terminals obey as escapes) become '?', in place.
 */
static void neutralise(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            *p = '?';
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            p[0] = p[1] = '?';
    }
}

static void emit_line(moat_renderer *r, int stream, char *line)
{
    neutralise(line);
    r->app->output(r->app->output_ud, r->label, stream, line);
}

static void line_out(moat_renderer *r, struct core_linebuf *b, int stream, bool flush)
{
    size_t start = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] != '\n') continue;
        b->data[i] = '\0';
        emit_line(r, stream, b->data + start);
        start = i + 1;
    }
    if ((flush || b->len - start >= MAX_LINE) && b->len > start) {
        b->data[b->len] = '\0';
        emit_line(r, stream, b->data + start);
        start = b->len;
    }
    memmove(b->data, b->data + start, b->len - start);
    b->len -= start;
}

/* Reads what the renderer printed; closes *fd at end of file. */
static void read_output(moat_renderer *r, int *fd, struct core_linebuf *b, int stream)
{
    if (!b->data && !(b->data = malloc(MAX_LINE + 1))) return;
    b->cap = MAX_LINE;
    for (;;) {
        ssize_t n = read(*fd, b->data + b->len, b->cap - b->len);
        if (n > 0) {
            b->len += (size_t)n;
            line_out(r, b, stream, false);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            line_out(r, b, stream, true);
            close(*fd);
            *fd = -1;
        }
        return;
    }
}

/* ---- the end ------------------------------------------------------------- */

static void describe_exit(moat_renderer *r, const siginfo_t *si)
{
    moat_exit *e = &r->exit;
    if (si->si_code == CLD_EXITED) {
        e->code = si->si_status;
        e->signal = 0;
    } else {
        e->code = -1;
        e->signal = si->si_status;
    }
    if (r->kill_reason)
        snprintf(r->exit_reason, sizeof r->exit_reason, "%s", r->kill_reason);
    else if (core_sandbox_explain_exit(r->app, si, r->exit_reason, sizeof r->exit_reason)) {
        /* a limit the kernel enforced, named */
    } else if (e->signal == SIGSYS)
        snprintf(r->exit_reason, sizeof r->exit_reason,
                 "killed by seccomp (SIGSYS): a forbidden system call");
    else if (e->signal)
        snprintf(r->exit_reason, sizeof r->exit_reason, "killed by signal %d (%s)", e->signal,
                 sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?");
    else
        snprintf(r->exit_reason, sizeof r->exit_reason, "exited with code %d", e->code);
    e->reason = r->exit_reason;
}

static void on_child_exit(moat_renderer *r)
{
    siginfo_t si = {0};
    if (waitid(P_PIDFD, (id_t)r->child.pidfd, &si, WEXITED | WNOHANG) != 0 || si.si_pid == 0)
        return;
    describe_exit(r, &si);
    r->state = RS_EXITING;
    r->exiting_ms = core_now_ms();
}

/* Tells the other renderers (those listening) that r ended, and why. */
static void announce_exit(moat_renderer *r)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    ipc_pack_cstr(&pk, "label");
    ipc_pack_cstr(&pk, r->label);
    ipc_pack_cstr(&pk, "pid");
    msgpack_pack_int64(&pk, r->pid);
    ipc_pack_cstr(&pk, "code");
    msgpack_pack_int(&pk, r->exit.code);
    ipc_pack_cstr(&pk, "signal");
    msgpack_pack_int(&pk, r->exit.signal);
    ipc_pack_cstr(&pk, "reason");
    ipc_pack_cstr(&pk, r->exit.reason);
    for (moat_renderer *o = r->app->renderers; sb.data && o; o = o->next)
        if (o != r) core_event_deliver(o, "moat://renderer-exited", sb.data, sb.size, NULL);
    msgpack_sbuffer_destroy(&sb);
}

/*
 * What an ended renderer's handle no longer needs: its connection, queues,
 * descriptors and buffers. The handle itself lives on (the embedder and
 * late answers may hold it) holding only its label, exit and counters.
 * The socket closes with no lock held: nng_close waits for recv_cb, which
 * takes r->mtx.
 */
static void release_handle(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    r->closed = true;
    msgq_clear(r, &r->out);
    msgq_clear(r, &r->inbox);
    nng_cv_wake(r->drained);
    for (int *fd = &r->child.pidfd; fd <= &r->child.notify_fd; fd++)
        if (*fd >= 0) close(*fd), *fd = -1;
    sbx_child_cleanup(&r->child); /* reaped by now: its pids cgroup is empty */
    if (r->down_fd >= 0) close(r->down_fd);
    r->down_fd = -1;
    nng_mtx_unlock(r->mtx);
    cur_done(r);
    /*
     * Stop the receive before the close: recv_cb posts the next receive
     * itself, and one posted while nng_close takes the socket down stayed
     * queued on the freed socket, whose cancel hook nng_aio_free then ran
     * (a corrupted mutex after a thousand renderer lives). Once stopped,
     * the aio takes no new operation. Never under r->mtx: recv_cb takes it.
     */
    if (r->recv_aio) nng_aio_stop(r->recv_aio);
    nng_close(r->sock);
    for (int *fd = &r->out_fd; fd <= &r->err_fd; fd++)
        if (*fd >= 0) close(*fd), *fd = -1;
    free(r->out_line.data);
    free(r->err_line.data);
    r->out_line = r->err_line = (struct core_linebuf){0};
    core_bulk_close(r);     /* an exited renderer's handle lives on: its shared memory need not */
    pol_view_free(r->view); /* calls in flight hold their own */
    r->view = NULL;
}

/* The renderer is gone and its last frames are served: close everything. */
static void finalize(moat_renderer *r)
{
    if (r->out_fd >= 0) read_output(r, &r->out_fd, &r->out_line, 1);
    if (r->err_fd >= 0) read_output(r, &r->err_fd, &r->err_line, 2);
    release_handle(r);
    r->state = RS_EXITED;
    core_calls_abandon(r);
    core_event_forget(r);
    announce_exit(r);
    if (r->exit.code != 0)
        core_log(r->app, MOAT_LEVEL_WARN, r->label, "renderer \"%s\" (pid %d) ended: %s", r->label,
                 (int)r->pid, r->exit.reason);
    for (struct core_end_hook *h = r->app->end_hooks; h; h = h->next)
        h->fn(h->ud, r, &r->exit);
    if (r->app->on_exit) r->app->on_exit(r->app->on_exit_ud, r, &r->exit);
}

/* ---- the run loop's view ------------------------------------------------- */

size_t core_renderer_pollfds(moat_renderer *r, struct pollfd *fds)
{
    bool exiting = r->state == RS_EXITING;
    int want[FD_DOWN] = {exiting ? -1 : r->child.pidfd, r->child.notify_fd, r->out_fd, r->err_fd};
    for (int i = 0; i < FD_DOWN; i++)
        fds[i] = (struct pollfd){.fd = want[i], .events = POLLIN};
    /* The down link for POLLOUT only while a frame waits for room in it (out_flush stopped at
     * EAGAIN; core_renderer_send wakes the loop then). This slot used to be left 0, stdin: a
     * /dev/null there is always readable, and the loop spun at full CPU beside every renderer. */
    nng_mtx_lock(r->mtx);
    bool blocked = r->out_blocked && r->down_fd >= 0;
    fds[FD_DOWN] = (struct pollfd){.fd = blocked ? r->down_fd : -1, .events = POLLOUT};
    nng_mtx_unlock(r->mtx);
    return FD_COUNT;
}

static void report_refusals(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    unsigned n = r->refused - r->refused_logged, again = r->redialed - r->redialed_logged;
    int pid = r->refused_pid;
    r->refused_logged = r->refused;
    r->redialed_logged = r->redialed;
    nng_mtx_unlock(r->mtx);
    if (again)
        core_log(r->app, MOAT_LEVEL_WARN, r->label,
                 "refused %u more connection(s) from renderer \"%s\" itself: one per renderer",
                 again, r->label);
    if (n)
        core_log(r->app, MOAT_LEVEL_WARN, r->label,
                 "refused %u connection(s) to renderer \"%s\"'s socket (last from pid %d): "
                 "only the renderer may connect",
                 n, r->label, pid);
}

void core_renderer_poll(moat_renderer *r, const struct pollfd *fds, size_t n)
{
    (void)n;
    char report[256];
    if (fds[FD_NOTIFY].revents & POLLIN) {
        if (sbx_notify_handle(r->child.notify_fd, r->child.pidfd, report, sizeof report) == 1)
            core_renderer_abort(r, "%s", report);
    } else if (fds[FD_NOTIFY].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        close(r->child.notify_fd);
        r->child.notify_fd = -1;
    }
    if (fds[FD_OUT].revents) read_output(r, &r->out_fd, &r->out_line, 1);
    if (fds[FD_ERR].revents) read_output(r, &r->err_fd, &r->err_line, 2);
    if (fds[FD_DOWN].revents) {
        nng_mtx_lock(r->mtx);
        if (!r->closed) out_flush(r);
        nng_mtx_unlock(r->mtx);
    }
    report_refusals(r);
    if (fds[FD_PID].revents) on_child_exit(r);
}

static int handshake_ms(const moat_renderer *r)
{
    return strcmp(r->kind, "webview") == 0 ? WEBVIEW_HANDSHAKE_MS : HANDSHAKE_MS;
}

/* The run loop sees a renderer only once moat_app_spawn set exec_ms and listed it. */
static int64_t handshake_due(const moat_renderer *r)
{
    return r->exec_ms + handshake_ms(r);
}

/* Where a renderer that never said hello is: its state and wait channel (/proc/PID). */
static void where_stuck(const moat_renderer *r, char *buf, size_t len)
{
    char path[64], stat[512] = "", wchan[64] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)r->child.pid);
    FILE *f = fopen(path, "re");
    if (f) {
        if (!fgets(stat, sizeof stat, f)) stat[0] = '\0';
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)r->child.pid);
    if ((f = fopen(path, "re"))) {
        if (!fgets(wchan, sizeof wchan, f)) wchan[0] = '\0';
        fclose(f);
    }
    const char *paren = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
    char state = paren && paren[1] == ' ' ? paren[2] : '?';
    if (!wchan[0] || !strcmp(wchan, "0")) /* "0": running, not in the kernel */
        snprintf(buf, len, "process state %c, not waiting", state);
    else
        snprintf(buf, len, "process state %c, waiting in %s", state, wchan);
}

int core_renderer_timeout(moat_renderer *r, int64_t now)
{
    int64_t due;
    if (r->state == RS_STARTING)
        due = handshake_due(r);
    else if (r->state == RS_READY && r->disconnected_ms)
        due = r->disconnected_ms + EXIT_GRACE_MS;
    else if (r->state == RS_EXITING)
        due = r->exiting_ms + EXIT_GRACE_MS;
    else
        return -1;
    return due <= now ? 0 : (int)(due - now);
}

void core_renderer_check_deadlines(moat_renderer *r, int64_t now)
{
    nng_mtx_lock(r->mtx);
    bool gone = r->disconnected || !r->connected;
    nng_mtx_unlock(r->mtx);
    if (r->state == RS_STARTING && now >= handshake_due(r) && !aborted(r)) {
        char where[160];
        where_stuck(r, where, sizeof where);
        core_renderer_abort(r, "did not complete the handshake within %d ms of its start (%s)",
                            handshake_ms(r), where);
    }
    if (r->state == RS_READY && r->disconnected_ms == 0 && gone) r->disconnected_ms = now;
    if (r->state == RS_READY) core_event_expire(r, now);
    /* A renderer closes its connection just before it exits; one that lives on has lost it. */
    if (r->state == RS_READY && r->disconnected_ms && now - r->disconnected_ms >= EXIT_GRACE_MS &&
        !aborted(r))
        core_renderer_abort(r,
                            "lost its connection without exiting (nng drops a connection that "
                            "carries a frame over the %zu-byte limit)",
                            r->lim.max_frame);
    if (r->state != RS_EXITING) return;
    /*
     * The connection closes after the renderer's last frame came in; once the
     * inbox is served too, nothing is left in flight. What a dead renderer
     * sent is served for EXIT_GRACE_MS at most.
     */
    nng_mtx_lock(r->mtx);
    bool served = !r->cur && r->inbox.count == 0;
    nng_mtx_unlock(r->mtx);
    if ((gone && served) || now - r->exiting_ms >= EXIT_GRACE_MS) finalize(r);
}

/* ---- public accessors ---------------------------------------------------- */

const char *moat_renderer_label(const moat_renderer *r)
{
    return r->label;
}

size_t moat_renderer_queued_bytes(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    size_t n = r->out.bytes;
    nng_mtx_unlock(r->mtx);
    return n;
}

pid_t moat_renderer_pid(const moat_renderer *r)
{
    return r->pid;
}

bool moat_renderer_exited(const moat_renderer *r, moat_exit *info)
{
    if (r->state != RS_EXITED) return false;
    if (info) *info = r->exit;
    return true;
}

int moat_renderer_kill(moat_renderer *r, const char *reason)
{
    nng_mtx_lock(r->mtx);
    bool gone = r->closed;
    nng_mtx_unlock(r->mtx);
    if (gone) return core_fail("renderer \"%s\" has already ended", r->label);
    core_renderer_abort(r, "killed by the embedder: %s", reason ? reason : "no reason given");
    return 0;
}
