// SPDX-License-Identifier: MIT
/*
 * shell_child.c: the processes plugin-shell runs. They are outside the
 * renderer's sandbox, so each is started and watched with care:
 *
 *   - posix_spawn (glibc's clone(CLONE_VM | CLONE_VFORK): nothing of the
 *     core's runs in the child but exec setup, which matters beside nng's
 *     threads), of an absolute path, with no shell; fds 0-2 are its pipes
 *     (or /dev/null) and every other fd is closed (closefrom); default signal
 *     dispositions and an empty mask; its own process group; the
 *     environment built by shell.c.
 *   - a pidfd per child, reaped by waitid(P_PIDFD) on it alone: the core
 *     reaps its renderers the same way, so neither takes the other's children.
 *   - one thread per child reads its output and waits for it and for its
 *     renderer's end (a dup of the renderer's pidfd): when the renderer ends
 *     the child's process group is killed. The thread is the only one that
 *     reaps; kills go through the pidfd, and to the group only while the
 *     child is unreaped (its pid, the group's id, cannot be reused before).
 *   - bounds: SHELL_CHILDREN_PER_RENDERER and SHELL_CHILDREN_MAX running at
 *     once, SHELL_EXECUTE_MAX_OUTPUT kept for execute, charged to the
 *     renderer's memory budget (past either the child is killed and the call
 *     fails), lines cut at SHELL_LINE_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "shell.h"

#define DRAIN_AFTER_EXIT_MS 1000 /* output still read once the child has exited */
#define WRITE_TIMEOUT_MS 5000    /* stdin_write waits this long for the child to read */
#define OPENERS_MAX 16

struct child {
    moat_app *app;
    moat_renderer *r; /* a reference */
    pid_t pid;
    int pidfd, rpidfd, wake_fd;
    int in_fd, out_fd, err_fd; /* in_fd: under lock (stdin_write dups it) */
    bool reaped, kill_asked;   /* under lock */
    bool over_budget;          /* execute's output passed the renderer's memory budget */
    moat_call *call;           /* execute */
    moat_channel *ch;          /* spawn */
    enum shell_encoding encoding;
    char charset[32];
    struct child *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gone_cv = PTHREAD_COND_INITIALIZER;
static struct child *children;
static size_t n_children;
static int n_openers;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Kills k and its group, unless reaped. Under lock. */
static void kill_locked(struct child *k)
{
    if (k->reaped) return;
    kill(-k->pid, SIGKILL); /* the group: what the program started */
    syscall(SYS_pidfd_send_signal, k->pidfd, SIGKILL, NULL, 0);
}

/* ---- output ------------------------------------------------------------ */

struct stream {
    int fd;
    bool eof;
    struct core_linebuf line; /* spawn: the line being read */
    msgpack_sbuffer all;      /* execute: everything */
};

/* Appends s as Tauri's output: a string (UTF-8, checked or made so) or bytes as numbers. */
static bool valid_utf8(const unsigned char *s, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        bool ok = len > 0 && i + len <= n;
        for (size_t j = 1; ok && j < len; j++)
            ok = (s[i + j] & 0xc0) == 0x80, cp = (cp << 6) | (s[i + j] & 0x3f);
        ok = ok && (len == 1 || (len == 2 && cp >= 0x80) ||
                    (len == 3 && cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) ||
                    (len == 4 && cp >= 0x10000 && cp <= 0x10ffff));
        if (!ok) return *bad = i, false;
        i += len;
    }
    return true;
}

/* Packs s, in charset, as a UTF-8 string; what does not convert becomes U+FFFD. */
static bool pack_charset(msgpack_packer *pk, const unsigned char *s, size_t n, const char *charset)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    char *in = (char *)s, buf[4096];
    size_t left = n;
    while (cd != (iconv_t)-1 && left > 0) {
        char *o = buf;
        size_t room = sizeof buf;
        size_t rc = iconv(cd, &in, &left, &o, &room);
        msgpack_sbuffer_write(&sb, buf, (size_t)(o - buf));
        if (rc == (size_t)-1 && errno != E2BIG) { /* EILSEQ, EINVAL: one byte replaced */
            msgpack_sbuffer_write(&sb, "\xef\xbf\xbd", 3);
            in++, left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    if (cd != (iconv_t)-1) iconv_close(cd);
    msgpack_pack_str_with_body(pk, sb.data ? sb.data : "", sb.size);
    msgpack_sbuffer_destroy(&sb);
    return true;
}

/* Packs bytes as the encoding says; false (nothing packed) for invalid UTF-8 under SHELL_UTF8. */
static bool pack_output(msgpack_packer *pk, const unsigned char *s, size_t n, const struct child *k,
                        char *why, size_t whylen)
{
    size_t bad;
    enum shell_encoding enc = k->encoding;
    if (enc == SHELL_CHARSET) return pack_charset(pk, s, n, k->charset);
    if (enc == SHELL_RAW) {
        msgpack_pack_array(pk, (uint32_t)n);
        for (size_t i = 0; i < n; i++)
            msgpack_pack_uint8(pk, s[i]);
        return true;
    }
    if (valid_utf8(s, n, &bad)) {
        msgpack_pack_str_with_body(pk, s, n);
        return true;
    }
    if (enc == SHELL_UTF8) {
        snprintf(why, whylen, "invalid utf-8 sequence from index %zu", bad);
        return false;
    }
    /* Lossy: each byte that starts no valid sequence becomes U+FFFD. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    for (size_t i = 0; i < n;) {
        size_t ok = 0;
        valid_utf8(s + i, n - i, &ok) ? (void)(ok = n - i) : (void)0;
        msgpack_sbuffer_write(&sb, (const char *)s + i, ok);
        i += ok;
        if (i < n) msgpack_sbuffer_write(&sb, "\xef\xbf\xbd", 3), i++;
    }
    msgpack_pack_str_with_body(pk, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    return true;
}

/* Sends {event, payload: bytes} on k's channel ({Error} for bytes no UTF-8). -1 once it failed. */
static int send_bytes(struct child *k, const char *event, const unsigned char *s, size_t n)
{
    char why[128];
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (int attempt = 0; attempt < 2; attempt++) {
        msgpack_sbuffer_clear(&sb);
        msgpack_pack_map(&pk, 2);
        msgpack_pack_str_with_body(&pk, "event", 5);
        msgpack_pack_str_with_body(&pk, attempt ? "Error" : event,
                                   strlen(attempt ? "Error" : event));
        msgpack_pack_str_with_body(&pk, "payload", 7);
        if (attempt) msgpack_pack_str_with_body(&pk, why, strlen(why));
        if (attempt || pack_output(&pk, s, n, k, why, sizeof why)) break;
    }
    int rc = moat_channel_send(k->ch, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

/* Spawn: sends the complete lines in st (all of it when flush). -1 once the channel failed. */
static int send_lines(struct child *k, struct stream *st, const char *event, bool flush)
{
    struct core_linebuf *b = &st->line;
    size_t start = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] != '\n' && b->data[i] != '\r') continue;
        if (b->data[i] == '\r' && i + 1 == b->len && !flush) break; /* its \n may follow */
        if (send_bytes(k, event, (unsigned char *)b->data + start, i - start) < 0) return -1;
        if (b->data[i] == '\r' && i + 1 < b->len && b->data[i + 1] == '\n') i++;
        start = i + 1;
    }
    if ((flush || b->len - start >= SHELL_LINE_MAX) && b->len > start) {
        if (send_bytes(k, event, (unsigned char *)b->data + start, b->len - start) < 0) return -1;
        start = b->len;
    }
    if (start > 0) memmove(b->data, b->data + start, b->len - start);
    b->len -= start;
    return 0;
}

/* Reads what st's pipe has. 1 read, 0 at its end, -1 the channel failed or the cap passed. */
static int read_stream(struct child *k, struct stream *st, const char *event, size_t *total)
{
    unsigned char buf[16384];
    ssize_t n = read(st->fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
    if (n <= 0) {
        st->eof = true;
        return k->ch && k->encoding != SHELL_RAW ? send_lines(k, st, event, true) : 0;
    }
    if (!k->ch) {
        /* Kept output is charged to the renderer's memory budget, as all it makes the core hold. */
        if (*total + (size_t)n > SHELL_EXECUTE_MAX_OUTPUT) return -1;
        if (!core_hold(k->r, (size_t)n)) return k->over_budget = true, -1;
        *total += (size_t)n;
        msgpack_sbuffer_write(&st->all, (const char *)buf, (size_t)n);
        return 1;
    }
    if (k->encoding == SHELL_RAW) return send_bytes(k, event, buf, (size_t)n) < 0 ? -1 : 1;
    struct core_linebuf *b = &st->line;
    if (b->len + (size_t)n > b->cap) {
        size_t cap = b->len + (size_t)n + SHELL_LINE_MAX;
        char *more = realloc(b->data, cap);
        if (!more) return -1;
        b->data = more, b->cap = cap;
    }
    memcpy(b->data + b->len, buf, (size_t)n);
    b->len += (size_t)n;
    return send_lines(k, st, event, false) < 0 ? -1 : 1;
}

/* ---- the child's thread --------------------------------------------------- */

static void pack_status(msgpack_packer *pk, const siginfo_t *si)
{
    msgpack_pack_str_with_body(pk, "code", 4);
    si->si_code == CLD_EXITED ? msgpack_pack_int(pk, si->si_status) : msgpack_pack_nil(pk);
    msgpack_pack_str_with_body(pk, "signal", 6);
    si->si_code == CLD_EXITED ? msgpack_pack_nil(pk) : msgpack_pack_int(pk, si->si_status);
}

/* Execute's answer: {code, signal, stdout, stderr}. */
static void answer_execute(struct child *k, const siginfo_t *si, struct stream *st, bool over)
{
    if (over && k->over_budget) {
        moat_call_reject(k->call, "limit_exceeded",
                         "shell:execute: the program's output passed what the core may hold for "
                         "this renderer (memory) and it was killed");
        return;
    }
    if (over) {
        moat_call_reject(k->call, "limit_exceeded",
                         "shell:execute: the program's output passed %u bytes and it was killed; "
                         "use spawn to read more",
                         SHELL_EXECUTE_MAX_OUTPUT);
        return;
    }
    char why[128];
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 4);
    pack_status(&pk, si);
    bool ok = true;
    for (int i = 0; i < 2 && ok; i++) {
        msgpack_pack_str_with_body(&pk, i ? "stderr" : "stdout", 6);
        ok = pack_output(&pk, (unsigned char *)st[i].all.data, st[i].all.size, k, why, sizeof why);
    }
    if (ok)
        moat_call_resolve(k->call, sb.data, sb.size);
    else
        moat_call_reject(k->call, "failed", "shell:execute: the output is no UTF-8: %s", why);
    msgpack_sbuffer_destroy(&sb);
}

static void send_terminated(struct child *k, const siginfo_t *si)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "event", 5);
    msgpack_pack_str_with_body(&pk, "Terminated", 10);
    msgpack_pack_str_with_body(&pk, "payload", 7);
    msgpack_pack_map(&pk, 2);
    pack_status(&pk, si);
    moat_channel_send(k->ch, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static void child_free(struct child *k)
{
    pthread_mutex_lock(&lock);
    for (struct child **p = &children; *p; p = &(*p)->next)
        if (*p == k) {
            *p = k->next;
            break;
        }
    n_children--;
    if (k->in_fd >= 0) close(k->in_fd);
    k->in_fd = -1;
    pthread_cond_broadcast(&gone_cv);
    pthread_mutex_unlock(&lock);
    for (int *fd = &k->pidfd; fd <= &k->err_fd; fd++)
        if (*fd >= 0 && fd != &k->in_fd) close(*fd);
    if (k->ch) moat_channel_close(k->ch);
    core_renderer_unref(k->r);
    free(k);
}

static void *child_main(void *arg)
{
    struct child *k = arg;
    struct stream st[2] = {{.fd = k->out_fd}, {.fd = k->err_fd}};
    msgpack_sbuffer_init(&st[0].all), msgpack_sbuffer_init(&st[1].all);
    bool exited = false, over = false, stop = false;
    int64_t exit_ms = 0;
    size_t total = 0;
    while (!(exited && ((st[0].eof && st[1].eof) || now_ms() - exit_ms > DRAIN_AFTER_EXIT_MS))) {
        struct pollfd p[5] = {{st[0].eof ? -1 : st[0].fd, POLLIN, 0},
                              {st[1].eof ? -1 : st[1].fd, POLLIN, 0},
                              {exited ? -1 : k->pidfd, POLLIN, 0},
                              {stop ? -1 : k->rpidfd, POLLIN, 0},
                              {k->wake_fd, POLLIN, 0}};
        if (poll(p, 5, exited ? 50 : -1) < 0 && errno != EINTR) break;
        uint64_t v;
        if ((p[3].revents || p[4].revents) && !stop) {
            if (p[4].revents && read(k->wake_fd, &v, sizeof v) < 0) v = 0;
            pthread_mutex_lock(&lock);
            if (p[3].revents || k->kill_asked) kill_locked(k), stop = p[3].revents || stop;
            pthread_mutex_unlock(&lock);
        }
        for (int i = 0; i < 2; i++)
            if (p[i].revents && !over &&
                read_stream(k, &st[i], i ? "Stderr" : "Stdout", &total) < 0) {
                over = true; /* the cap passed or the renderer stopped reading: no more */
                st[0].eof = st[1].eof = true;
                pthread_mutex_lock(&lock);
                kill_locked(k);
                pthread_mutex_unlock(&lock);
            }
        if (p[2].revents) exited = true, exit_ms = now_ms();
    }
    if (!exited) { /* poll failed: the wait below must not wait for a program left running */
        pthread_mutex_lock(&lock);
        kill_locked(k);
        pthread_mutex_unlock(&lock);
    }
    siginfo_t si = {0};
    while (waitid(P_PIDFD, (id_t)k->pidfd, &si, WEXITED) != 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&lock);
    k->reaped = true;
    pthread_mutex_unlock(&lock);
    if (k->call)
        answer_execute(k, &si, st, over && !k->ch);
    else if (!over)
        send_terminated(k, &si);
    for (int i = 0; i < 2; i++)
        msgpack_sbuffer_destroy(&st[i].all), free(st[i].line.data);
    if (total) core_release(k->r, total);
    child_free(k);
    return NULL;
}

/* ---- starting ------------------------------------------------------------ */

/*
 * posix_spawn of c with stdin from in (-1: /dev/null), stdout and stderr to
 * out and err (-1: /dev/null). pid and its pidfd, or -1 with e.
 */
static int spawn_one(const struct shell_cmd *c, int in, int out, int err, bool own_group,
                     pid_t *pid, int *pidfd, struct shell_err *e)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    int fds[3] = {in, out, err};
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            posix_spawn_file_actions_adddup2(&fa, fds[i], i);
        else
            posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i ? O_WRONLY : O_RDONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (c->cwd) posix_spawn_file_actions_addchdir_np(&fa, c->cwd);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      (own_group ? POSIX_SPAWN_SETPGROUP : 0));
    int rc = posix_spawn(pid, c->path, &fa, &at, c->argv, c->envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) return shell_fail(e, "failed", "cannot run %s: %s", c->path, strerror(rc));
    *pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
    if (*pidfd < 0) { /* cannot watch it: it must not run unwatched */
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        return shell_fail(e, "failed", "cannot watch %s: %m", c->path);
    }
    return 0;
}

/* Starts c for call's renderer, stdin piped when piped_in. The child (not yet watched), or NULL
 * with e. */
static struct child *start(moat_call *call, const struct shell_cmd *c, bool piped_in,
                           struct shell_err *e)
{
    moat_renderer *r = core_call_renderer(call);
    pthread_mutex_lock(&lock);
    size_t mine = 0;
    for (struct child *k = children; k; k = k->next)
        mine += k->r == r;
    bool room = mine < SHELL_CHILDREN_PER_RENDERER && n_children < SHELL_CHILDREN_MAX;
    if (room) n_children++; /* reserved; child_free or the failure below gives it back */
    pthread_mutex_unlock(&lock);
    if (!room)
        return shell_fail(e, "limit_exceeded",
                          "more than %d programs running for this renderer (%d in all)",
                          SHELL_CHILDREN_PER_RENDERER, SHELL_CHILDREN_MAX),
               NULL;
    struct child *k = calloc(1, sizeof *k);
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    bool ok = k != NULL;
    if (k) {
        *k = (struct child){.app = r->app,
                            .r = r,
                            .pidfd = -1,
                            .rpidfd = -1,
                            .in_fd = -1,
                            .out_fd = -1,
                            .err_fd = -1,
                            .encoding = c->encoding};
        memcpy(k->charset, c->charset, sizeof k->charset);
        k->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        nng_mtx_lock(r->mtx); /* the renderer's pidfd is closed under it when it ends */
        k->rpidfd = r->child.pidfd >= 0 ? fcntl(r->child.pidfd, F_DUPFD_CLOEXEC, 0) : -1;
        nng_mtx_unlock(r->mtx);
        ok = k->wake_fd >= 0 && k->rpidfd >= 0 && pipe2(out, O_CLOEXEC) == 0 &&
             pipe2(err, O_CLOEXEC) == 0 && (!piped_in || pipe2(in, O_CLOEXEC) == 0);
        if (!ok)
            shell_fail(e, "failed", k->rpidfd < 0 ? "the renderer has ended" : "cannot start: %m");
        else
            ok = spawn_one(c, in[0], out[1], err[1], true, &k->pid, &k->pidfd, e) == 0;
    } else
        shell_fail(e, "failed", "out of memory");
    /* The child's ends go; ours are kept, or go too on failure. */
    int *const ends[] = {&in[0], &out[1], &err[1], &in[1], &out[0], &err[0]};
    for (size_t i = 0; i < 6; i++)
        if (*ends[i] >= 0 && (i < 3 || !ok)) close(*ends[i]), *ends[i] = -1;
    if (!ok) {
        if (k && k->wake_fd >= 0) close(k->wake_fd);
        if (k && k->rpidfd >= 0) close(k->rpidfd);
        free(k);
        pthread_mutex_lock(&lock);
        n_children--;
        pthread_mutex_unlock(&lock);
        return NULL;
    }
    k->in_fd = in[1], k->out_fd = out[0], k->err_fd = err[0];
    if (k->in_fd >= 0) fcntl(k->in_fd, F_SETFL, O_NONBLOCK);
    core_renderer_ref(r);
    return k;
}

/* Lists k and starts its thread; on failure kills it and frees it. 0, or -1 with e. */
static int watch(struct child *k, struct shell_err *e)
{
    pthread_mutex_lock(&lock);
    k->next = children, children = k;
    pthread_mutex_unlock(&lock);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, child_main, k);
    pthread_attr_destroy(&attr);
    if (rc == 0) return 0;
    syscall(SYS_pidfd_send_signal, k->pidfd, SIGKILL, NULL, 0);
    kill(-k->pid, SIGKILL);
    siginfo_t si;
    waitid(P_PIDFD, (id_t)k->pidfd, &si, WEXITED);
    k->ch = NULL, k->call = NULL; /* the caller answers */
    child_free(k);
    return shell_fail(e, "failed", "cannot watch the program: %s", strerror(rc));
}

/*
 * An execute the renderer gave up on (cancelled, or the renderer ended): its
 * program is killed. Run thread; k lives until the call is answered, and an
 * answer waits for this hook to return.
 */
static void execute_cancelled(moat_call *call, const char *code, void *ud)
{
    (void)call, (void)code;
    pthread_mutex_lock(&lock);
    kill_locked(ud);
    pthread_mutex_unlock(&lock);
}

void shell_run_execute(moat_call *call, struct shell_cmd *c)
{
    struct shell_err e;
    struct child *k = start(call, c, false, &e);
    shell_cmd_free(c);
    if (k) k->call = call, moat_call_on_cancel(call, execute_cancelled, k);
    if (!k || watch(k, &e) != 0) moat_call_reject(call, e.code, "shell:execute: %s", e.msg);
}

void shell_run_spawn(moat_call *call, struct shell_cmd *c, moat_channel *ch)
{
    struct shell_err e;
    struct child *k = start(call, c, true, &e);
    shell_cmd_free(c);
    if (!k) {
        moat_channel_close(ch);
        moat_call_reject(call, e.code, "shell:spawn: %s", e.msg);
        return;
    }
    k->ch = ch;
    pid_t pid = k->pid;
    moat_call_resolve_int(call, pid); /* before the thread: the pid comes before its lines */
    if (watch(k, &e) != 0) {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, 2);
        msgpack_pack_str_with_body(&pk, "event", 5);
        msgpack_pack_str_with_body(&pk, "Error", 5);
        msgpack_pack_str_with_body(&pk, "payload", 7);
        msgpack_pack_str_with_body(&pk, e.msg, strlen(e.msg));
        moat_channel_send(ch, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
        moat_channel_close(ch);
    }
}

/* ---- detached openers ---------------------------------------------------- */

static void *opener_main(void *arg)
{
    int pidfd = (int)(intptr_t)arg;
    siginfo_t si;
    while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) != 0 && errno == EINTR)
        ;
    close(pidfd);
    pthread_mutex_lock(&lock);
    n_openers--;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int shell_run_open(const char *program, const char *arg1, const char *path, struct shell_err *e)
{
    char exe[PATH_MAX];
    if (shell_which(program, exe, sizeof exe) != 0)
        return shell_fail(e, "failed", "%s is not installed", program);
    pthread_mutex_lock(&lock);
    bool room = n_openers < OPENERS_MAX;
    if (room) n_openers++;
    pthread_mutex_unlock(&lock);
    if (!room) return shell_fail(e, "limit_exceeded", "%d openers running", OPENERS_MAX);
    char *argv[] = {(char *)program, (char *)(arg1 ? arg1 : path), arg1 ? (char *)path : NULL,
                    NULL};
    extern char **environ; /* the opener is the desktop's: the core's environment */
    struct shell_cmd c = {.path = exe, .argv = argv, .envp = environ};
    pid_t pid;
    int pidfd;
    int rc = spawn_one(&c, -1, -1, -1, false, &pid, &pidfd, e);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (rc == 0 && pthread_create(&t, &attr, opener_main, (void *)(intptr_t)pidfd) != 0) {
        siginfo_t si; /* no thread to reap it: wait here */
        waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
        close(pidfd);
        rc = 0;
    } else if (rc == 0)
        pidfd = -1;
    pthread_attr_destroy(&attr);
    if (rc != 0 || pidfd >= 0) {
        pthread_mutex_lock(&lock);
        n_openers--;
        pthread_mutex_unlock(&lock);
    }
    return rc;
}

/* ---- stdin, kill, the end ------------------------------------------------ */

/* call's renderer's child pid, under lock, or NULL. */
static struct child *find_locked(moat_call *call, int64_t pid)
{
    moat_renderer *r = core_call_renderer(call);
    for (struct child *k = children; k; k = k->next)
        if (k->r == r && k->pid == pid && !k->reaped) return k;
    return NULL;
}

int shell_child_write(moat_call *call, int64_t pid, const void *buf, size_t len,
                      struct shell_err *e)
{
    pthread_mutex_lock(&lock);
    struct child *k = find_locked(call, pid);
    int fd = k && k->in_fd >= 0 ? fcntl(k->in_fd, F_DUPFD_CLOEXEC, 0) : -1;
    pthread_mutex_unlock(&lock);
    if (!k)
        return shell_fail(e, "not_found", "no running child %lld of this renderer", (long long)pid);
    if (fd < 0) return shell_fail(e, "failed", "the child's stdin is closed");
    const char *p = buf;
    int64_t until = now_ms() + WRITE_TIMEOUT_MS;
    int rc = 0;
    while (len > 0 && rc == 0) {
        ssize_t n = write(fd, p, len);
        if (n > 0) {
            p += n, len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = {fd, POLLOUT, 0};
            int64_t left = until - now_ms();
            if (left <= 0 || poll(&pf, 1, (int)left) == 0)
                rc = shell_fail(e, "failed", "the child did not read its input for %d ms",
                                WRITE_TIMEOUT_MS);
        } else {
            rc = shell_fail(e, "failed", "writing to the child's stdin: %s",
                            n < 0 ? strerror(errno) : "nothing written");
        }
    }
    close(fd);
    return rc;
}

int shell_child_kill(moat_call *call, int64_t pid, struct shell_err *e)
{
    pthread_mutex_lock(&lock);
    struct child *k = find_locked(call, pid);
    if (k) kill_locked(k);
    pthread_mutex_unlock(&lock);
    /* Tauri answers a pid it does not know with success; so does this. */
    (void)e;
    return 0;
}

void plugin_shell_forget(moat_app *app)
{
    pthread_mutex_lock(&lock);
    for (struct child *k = children; k; k = k->next)
        if (k->app == app) {
            k->kill_asked = true;
            uint64_t one = 1;
            if (write(k->wake_fd, &one, sizeof one) < 0) kill_locked(k);
        }
    for (;;) {
        bool any = false;
        for (struct child *k = children; k && !any; k = k->next)
            any = k->app == app;
        if (!any) break;
        pthread_cond_wait(&gone_cv, &lock);
    }
    pthread_mutex_unlock(&lock);
}
