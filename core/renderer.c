/*
 * renderer.c: a renderer's life in the core: its socket, its frames, its
 * output, its end. Spawning is in spawn.c.
 *
 * Everything here runs on the app's run thread except the nng callbacks
 * (pipe_cb, send_cb) and the functions marked "any thread", which only touch
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define HANDSHAKE_MS 10000
#define EXIT_GRACE_MS 1000 /* how long to wait for a dead renderer's last frames */
#define MAX_LINE 65536

enum { FD_RECV, FD_PID, FD_NOTIFY, FD_OUT, FD_ERR, FD_COUNT };
_Static_assert(FD_COUNT == CORE_RENDERER_NFDS, "the run loop reserves CORE_RENDERER_NFDS fds");

void core_renderer_ref(moat_renderer *r)
{
    atomic_fetch_add(&r->refs, 1);
}

static void free_queue(moat_renderer *r)
{
    for (size_t i = 0; i < r->qcount; i++)
        nng_msg_free(r->queue[(r->qhead + i) % r->qcap]);
    free(r->queue);
    r->queue = NULL;
    r->qcount = r->qcap = r->qhead = r->qbytes = 0;
}

void core_renderer_unref(moat_renderer *r)
{
    if (atomic_fetch_sub(&r->refs, 1) != 1) return;
    if (r->send_aio) nng_aio_free(r->send_aio); /* waits for a running send_cb */
    if (r->recv_aio) nng_aio_free(r->recv_aio);
    /* Every frame handed to nng came back through send_cb: nng owns it or it was freed. */
    if (atomic_load(&r->sends_started) != atomic_load(&r->sends_done)) {
        fprintf(stderr, "moat: internal error: %ld sends to renderer \"%s\" never completed\n",
                (long)(atomic_load(&r->sends_started) - atomic_load(&r->sends_done)), r->label);
        abort();
    }
    free_queue(r);
    ipc_bulk_unmap(&r->bulk);
    if (r->bulk_fd >= 0) close(r->bulk_fd);
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
    nng_mtx_lock(r->mtx);
    if (!r->kill_reason) r->kill_reason = strdup(reason);
    nng_mtx_unlock(r->mtx);
    if (r->child.pidfd >= 0) syscall(SYS_pidfd_send_signal, r->child.pidfd, SIGKILL, NULL, 0);
}

/* ---- sending (any thread) ------------------------------------------------ */

static int queue_push(moat_renderer *r, nng_msg *msg)
{
    if (r->qcount == r->qcap) {
        size_t cap = r->qcap ? r->qcap * 2 : 16;
        nng_msg **q = malloc(cap * sizeof *q);
        if (!q) return -1;
        for (size_t i = 0; i < r->qcount; i++)
            q[i] = r->queue[(r->qhead + i) % r->qcap];
        free(r->queue);
        r->queue = q;
        r->qcap = cap;
        r->qhead = 0;
    }
    r->queue[(r->qhead + r->qcount++) % r->qcap] = msg;
    r->qbytes += nng_msg_len(msg);
    return 0;
}

/* Starts sending msg now; the caller has set r->sending under r->mtx. */
static void start_send(moat_renderer *r, nng_msg *msg)
{
    atomic_fetch_add(&r->sends_started, 1);
    nng_aio_set_msg(r->send_aio, msg);
    nng_send_aio(r->sock, r->send_aio);
}

/*
 * Frames wait in r->queue while another is being sent, and until the
 * handshake is done, so that WELCOME is always the renderer's first frame
 * and events emitted to a starting renderer are delivered, not lost.
 */
void core_renderer_send(moat_renderer *r, nng_msg *msg)
{
    nng_mtx_lock(r->mtx);
    if (r->closed) {
        nng_mtx_unlock(r->mtx);
        nng_msg_free(msg);
        return;
    }
    if (r->welcomed && !r->sending) {
        r->sending = true;
        nng_mtx_unlock(r->mtx);
        return start_send(r, msg);
    }
    int rv = queue_push(r, msg);
    size_t queued = r->qbytes;
    nng_mtx_unlock(r->mtx);
    if (rv != 0) {
        nng_msg_free(msg);
        core_renderer_abort(r, "out of memory queueing a frame for it");
    } else if (queued > r->app->lim.queued_bytes) {
        core_renderer_abort(r, "stopped reading: %zu bytes queued for it", queued);
    }
}

static nng_msg *queue_pop(moat_renderer *r)
{
    nng_msg *m = r->queue[r->qhead];
    r->qhead = (r->qhead + 1) % r->qcap;
    r->qcount--;
    r->qbytes -= nng_msg_len(m);
    return m;
}

/*
 * The next message to send: the oldest frame, with the small frames queued
 * behind it appended (one nng message, many frames), since each message
 * costs nng a hand-off between threads. Nothing waits to be batched: only
 * frames already queued join. Under r->mtx.
 */
static nng_msg *batch_from_queue(moat_renderer *r)
{
    nng_msg *m = queue_pop(r);
    /* The renderer drops a message over the frame limit, batch or not. */
    size_t max = r->lim.max_frame < IPC_BATCH_MAX ? r->lim.max_frame : IPC_BATCH_MAX;
    if (nng_msg_len(m) > IPC_BATCH_FRAME_MAX) return m;
    while (r->qcount > 0) {
        nng_msg *n = r->queue[r->qhead];
        size_t len = nng_msg_len(n);
        if (len > IPC_BATCH_FRAME_MAX || nng_msg_len(m) + len > max ||
            nng_msg_append(m, nng_msg_body(n), len) != 0)
            break;
        nng_msg_free(queue_pop(r));
    }
    return m;
}

static void send_cb(void *arg)
{
    moat_renderer *r = arg;
    atomic_fetch_add(&r->sends_done, 1);
    if (nng_aio_result(r->send_aio) != 0) nng_msg_free(nng_aio_get_msg(r->send_aio));
    nng_mtx_lock(r->mtx);
    if (r->closed || r->qcount == 0) {
        r->sending = false;
        nng_mtx_unlock(r->mtx);
        return;
    }
    nng_msg *next = batch_from_queue(r);
    nng_cv_wake(r->drained); /* channel senders wait for room */
    nng_mtx_unlock(r->mtx);
    start_send(r, next);
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
    else
        r->refused_pid = peer, r->refused++;
    nng_mtx_unlock(r->mtx);
    if (!ok) {
        nng_pipe_close(p);
        core_app_wake(r->app);
    }
}

int core_renderer_listen(moat_renderer *r, const char *url)
{
    r->lim = r->app->limits;
    r->lim.bulk = false; /* until it has mapped the region (moat:bulk) */
    r->early_tail = &r->early;
    r->event_tokens = r->app->lim.event_rate;
    r->event_refill_ms = core_now_ms();
    int rv = nng_cv_alloc(&r->drained, r->mtx);
    if (rv == 0) rv = nng_pair1_open(&r->sock);
    if (rv == 0) rv = nng_socket_set_size(r->sock, NNG_OPT_RECVMAXSZ, r->lim.max_frame);
    if (rv == 0) rv = nng_pipe_notify(r->sock, NNG_PIPE_EV_ADD_PRE, pipe_cb, r);
    if (rv == 0) rv = nng_pipe_notify(r->sock, NNG_PIPE_EV_REM_POST, pipe_cb, r);
    if (rv == 0) rv = nng_aio_alloc(&r->send_aio, send_cb, r);
    if (rv == 0) rv = nng_aio_alloc(&r->recv_aio, NULL, NULL);
    if (rv == 0) rv = nng_listen(r->sock, url, NULL, 0);
    if (rv == 0) rv = nng_socket_get_int(r->sock, NNG_OPT_RECVFD, &r->recv_fd);
    return rv == 0 ? 0 : core_fail("cannot listen on %s: %s", url, nng_strerror(rv));
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
    bool go = !r->closed && !r->sending;
    r->welcomed = r->sending = true;
    nng_mtx_unlock(r->mtx);
    if (go)
        start_send(r, b.msg);
    else
        nng_msg_free(b.msg);
}

static void on_hello(moat_renderer *r, const struct ipc_frame *f)
{
    if (f->version != IPC_VERSION)
        return core_renderer_abort(r, "speaks protocol version %llu, the core speaks %d",
                                   (unsigned long long)f->version, IPC_VERSION);
    r->state = RS_READY;
    send_welcome(r);
}

/* Takes msg. */
static void on_frame(moat_renderer *r, nng_msg *msg)
{
    struct ipc_frame f;
    struct core_frame fr = {.msg = msg, .len = nng_msg_len(msg)};
    char why[200];
    int bad = ipc_decode(core_frame_bytes(&fr), fr.len, &r->lim, &f, why, sizeof why);
    if (!bad && f.nbulk) { /* the same frame with the bytes in it, decoded again */
        if (core_bulk_resolve(r, &fr, &f) != 0) return;
        bad = ipc_decode(core_frame_bytes(&fr), fr.len, &r->lim, &f, why, sizeof why);
    }
    if (bad) {
        core_renderer_abort(r, "sent a malformed frame: %s", why);
    } else if (r->state == RS_STARTING) {
        if (f.kind == IPC_HELLO)
            on_hello(r, &f);
        else
            core_renderer_abort(r, "sent a %s frame before the handshake", ipc_kind_name(f.kind));
    } else if (f.kind == IPC_REQUEST) {
        if (r->state == RS_READY) return core_handle_request(r, &fr, &f); /* takes fr */
    } else if (f.kind == IPC_CANCEL) {
        core_call_cancel(r, f.id, 0, "cancelled");
    } else if (f.kind == IPC_HELLO) {
        core_renderer_abort(r, "sent a second hello");
    } else {
        core_renderer_abort(r, "sent a %s frame, which only the core may send",
                            ipc_kind_name(f.kind));
    }
    core_frame_free(&fr);
}

static bool aborted(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    bool a = r->kill_reason != NULL;
    nng_mtx_unlock(r->mtx);
    return a;
}

/* Splits a message that carries several frames (a batch) into one message per frame. */
static void on_message(moat_renderer *r, nng_msg *msg)
{
    const uint8_t *body = nng_msg_body(msg);
    size_t len = nng_msg_len(msg), off = 0, start;
    struct ipc_frame f;
    char why[200];
    if (ipc_decode_next(body, len, &off, &r->lim, &f, why, sizeof why) != 0 || off == len)
        return on_frame(r, msg); /* one frame (or a bad one: on_frame says why) */
    for (start = 0; start < len && !aborted(r); start = off) {
        if (start > 0 && ipc_decode_next(body, len, &off, &r->lim, &f, why, sizeof why)) {
            core_renderer_abort(r, "sent a malformed frame: %s", why);
            break;
        }
        nng_msg *one = ipc_msg_slice(msg, start, off - start);
        if (!one) {
            core_renderer_abort(r, "out of memory splitting a batch");
            break;
        }
        on_frame(r, one);
    }
    nng_msg_free(msg);
}

/*
 * A non-blocking receive on a long-lived aio: nng_recvmsg would allocate an
 * aio (and draw random bytes for its id) on every call.
 */
int core_recv_now(nng_socket sock, nng_aio *aio, nng_msg **out)
{
    nng_aio_set_timeout(aio, NNG_DURATION_ZERO);
    nng_recv_aio(sock, aio);
    nng_aio_wait(aio);
    int rv = nng_aio_result(aio);
    if (rv == 0) *out = nng_aio_get_msg(aio);
    return rv;
}

static void read_frames(moat_renderer *r)
{
    nng_msg *msg;
    while (!aborted(r) && core_recv_now(r->sock, r->recv_aio, &msg) == 0)
        on_message(r, msg);
}

/* ---- output -------------------------------------------------------------- */

static void line_out(moat_renderer *r, struct core_linebuf *b, int stream, bool flush)
{
    size_t start = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] != '\n') continue;
        b->data[i] = '\0';
        r->app->output(r->app->output_ud, r->label, stream, b->data + start);
        start = i + 1;
    }
    if ((flush || b->len - start >= MAX_LINE) && b->len > start) {
        b->data[b->len] = '\0';
        r->app->output(r->app->output_ud, r->label, stream, b->data + start);
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
        if (o != r) core_event_deliver(o, "moat://renderer-exited", sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* The renderer is gone and its last frames are in: close everything. */
static void finalize(moat_renderer *r)
{
    read_frames(r);
    if (r->out_fd >= 0) read_output(r, &r->out_fd, &r->out_line, 1);
    if (r->err_fd >= 0) read_output(r, &r->err_fd, &r->err_line, 2);
    nng_mtx_lock(r->mtx);
    r->closed = true;
    free_queue(r);
    nng_cv_wake(r->drained);
    nng_mtx_unlock(r->mtx);
    nng_close(r->sock);
    r->recv_fd = -1;
    core_bulk_close(r); /* an exited renderer's handle lives on: its shared memory need not */
    r->state = RS_EXITED;
    core_calls_abandon(r);
    core_event_forget(r);
    announce_exit(r);
    if (r->exit.code != 0)
        core_output(r->app, r->label, 0, "renderer \"%s\" (pid %d) ended: %s", r->label,
                    (int)r->pid, r->exit.reason);
    if (r->app->on_exit) r->app->on_exit(r->app->on_exit_ud, r, &r->exit);
}

/* ---- the run loop's view ------------------------------------------------- */

size_t core_renderer_pollfds(moat_renderer *r, struct pollfd *fds)
{
    bool exiting = r->state == RS_EXITING;
    int want[FD_COUNT] = {exiting ? -1 : r->recv_fd, exiting ? -1 : r->child.pidfd,
                          r->child.notify_fd, r->out_fd, r->err_fd};
    for (int i = 0; i < FD_COUNT; i++)
        fds[i] = (struct pollfd){.fd = want[i], .events = POLLIN};
    return FD_COUNT;
}

static void report_refusals(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    unsigned n = r->refused - r->refused_logged;
    int pid = r->refused_pid;
    r->refused_logged = r->refused;
    nng_mtx_unlock(r->mtx);
    if (n)
        core_output(r->app, r->label, 0,
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
    if (fds[FD_RECV].revents) read_frames(r);
    if (fds[FD_OUT].revents) read_output(r, &r->out_fd, &r->out_line, 1);
    if (fds[FD_ERR].revents) read_output(r, &r->err_fd, &r->err_line, 2);
    report_refusals(r);
    if (fds[FD_PID].revents) on_child_exit(r);
}

int core_renderer_timeout(moat_renderer *r, int64_t now)
{
    int64_t due;
    if (r->state == RS_STARTING)
        due = r->started_ms + HANDSHAKE_MS;
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
    if (r->state == RS_STARTING && now - r->started_ms >= HANDSHAKE_MS && !aborted(r))
        core_renderer_abort(r, "did not complete the handshake within %d ms", HANDSHAKE_MS);
    if (r->state == RS_READY && r->disconnected_ms == 0 && gone) r->disconnected_ms = now;
    /* A renderer closes its connection just before it exits; one that lives on has lost it. */
    if (r->state == RS_READY && r->disconnected_ms && now - r->disconnected_ms >= EXIT_GRACE_MS &&
        !aborted(r))
        core_renderer_abort(r,
                            "lost its connection without exiting (nng drops a connection that "
                            "carries a frame over the %zu-byte limit)",
                            r->lim.max_frame);
    if (r->state != RS_EXITING) return;
    /* The connection closes after the last frame is read: then nothing is left in flight. */
    if (gone || now - r->exiting_ms >= EXIT_GRACE_MS) finalize(r);
}

/* ---- public accessors ---------------------------------------------------- */

const char *moat_renderer_label(const moat_renderer *r)
{
    return r->label;
}

size_t moat_renderer_queued_bytes(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    size_t n = r->qbytes;
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
