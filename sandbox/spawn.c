// SPDX-License-Identifier: MIT
/*
 * spawn.c: fork + exec of a renderer under the launcher filter.
 *
 * The parent is multi-threaded, so between fork and exec the child makes raw
 * system calls only (syscall(2), never a libc wrapper a sanitizer intercepts
 * or that allocates). It reports over a SOCK_SEQPACKET pair kept at fd 3: one
 * record when the filter is in place (with the seccomp listener attached as
 * SCM_RIGHTS), then either EOF (fd 3 is close-on-exec: the exec succeeded) or
 * a record naming the step that failed and its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define CTL_FD 3
#define RULESET_FD 4 /* the Landlock ruleset, when there is one */
#define FIRST_FREE_FD 7
#define NSTDIO 7 /* 0..6 */

enum step {
    STEP_READY, /* the filter is in place; not a failure */
    STEP_SIGNALS,
    STEP_CGROUP,
    STEP_STDIO,
    STEP_CLOSE_FDS,
    STEP_DEATHSIG,
    STEP_USERNS,
    STEP_ROOT,
    STEP_RLIMITS,
    STEP_CAPS,
    STEP_NO_NEW_PRIVS,
    STEP_LANDLOCK,
    STEP_SECCOMP,
    STEP_SEND_LISTENER,
    STEP_EXEC,
};

static const char *const step_names[] = {
    [STEP_READY] = "start",
    [STEP_SIGNALS] = "resetting signals",
    [STEP_CGROUP] = "joining its pids cgroup",
    [STEP_STDIO] = "setting up stdio",
    [STEP_CLOSE_FDS] = "closing inherited fds",
    [STEP_DEATHSIG] = "setting the parent-death signal",
    [STEP_USERNS] = "mapping the user namespace",
    [STEP_ROOT] = "building the root",
    [STEP_RLIMITS] = "setting rlimits",
    [STEP_CAPS] = "dropping capabilities",
    [STEP_NO_NEW_PRIVS] = "setting no_new_privs",
    [STEP_LANDLOCK] = "enforcing the Landlock ruleset",
    [STEP_SECCOMP] = "installing the seccomp filter",
    [STEP_SEND_LISTENER] = "sending the seccomp listener",
    [STEP_EXEC] = "exec",
};

/* What the child sends over fd 3. */
struct record {
    int step;
    int err;
    const char *what; /* the object a jail step failed on: the parent's copy has the same address */
};

/* What the child needs, prepared by the parent before fork. */
struct launch {
    const struct sbx_spawn_opts *o;
    struct sbx_filter *filter; /* the child's private copy-on-write copy */
    struct sbx_jail *jail;     /* ditto; NULL for the filter alone */
    unsigned long clone_flags; /* namespaces this attempt creates */
    pid_t parent;
    int devnull;
    int ctl;       /* the child's end of the control pair */
    int cgroup_fd; /* its pids cgroup's cgroup.procs, or -1 */
};

/* ---- the child: raw system calls only ---- */

static void child_send(int ctl, int step, int err, int fd, const char *what)
{
    struct record r = {.step = step, .err = err, .what = what};
    struct iovec iov = {.iov_base = &r, .iov_len = sizeof r};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        memset(&cm, 0, sizeof cm);
        m.msg_control = cm.buf;
        m.msg_controllen = sizeof cm.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    while (syscall(SYS_sendmsg, ctl, &m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

static _Noreturn void child_exit(void)
{
    for (;;)
        syscall(SYS_exit_group, 127);
}

static _Noreturn void child_fail_what(int ctl, int step, const char *what)
{
    child_send(ctl, step, errno, -1, what);
    child_exit();
}

static _Noreturn void child_fail(int ctl, int step)
{
    child_fail_what(ctl, step, NULL);
}

/*
 * Every disposition back to SIG_DFL, then the mask the parent blocked around
 * fork cleared. An all-zero kernel sigaction is SIG_DFL in every layout.
 */
static int child_signals(void)
{
    static const uint64_t zero_action[8];
    static const uint64_t no_signals[1]; /* the kernel's sigset: 64 signals */
    for (int sig = 1; sig < _NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, zero_action, NULL, sizeof no_signals);
    return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, no_signals, NULL, sizeof no_signals);
}

/*
 * stdin, stdout, stderr, the control socket, the Landlock ruleset and the
 * passed fds to 0..6 (the last three when there are any). Each source is
 * first copied above 6, so sources and targets inside 0..6 cannot overwrite
 * each other; *ctl follows the control socket so a failure can still be
 * reported. Returns the highest fd to keep.
 */
static int child_stdio(const struct launch *l, int *ctl)
{
    int ruleset = l->jail ? l->jail->ruleset_fd : -1;
    int src[NSTDIO] = {l->devnull,
                       l->o->stdout_fd,
                       l->o->stderr_fd,
                       l->ctl,
                       ruleset,
                       l->o->pass_fd > 0 ? l->o->pass_fd : -1,
                       l->o->pass_fd2 > 0 ? l->o->pass_fd2 : -1};
    int keep = CTL_FD;
    for (int i = 0; i < NSTDIO; i++) {
        if (i > CTL_FD && src[i] < 0) continue; /* no ruleset, no passed fd */
        src[i] = (int)syscall(SYS_fcntl, src[i], F_DUPFD_CLOEXEC, FIRST_FREE_FD);
        if (src[i] < 0) return -1;
        keep = i;
    }
    *ctl = src[CTL_FD];
    for (int i = 0; i < NSTDIO; i++) {
        /* Only the control socket and the ruleset end at exec. */
        int flags = i == CTL_FD || i == RULESET_FD ? O_CLOEXEC : 0;
        if (src[i] >= 0 && syscall(SYS_dup3, src[i], i, flags) < 0) return -1;
    }
    *ctl = CTL_FD;
    /* Gaps below the highest kept fd (no ruleset, no first passed fd): what was there goes. */
    for (int i = RULESET_FD; i < keep; i++)
        if (src[i] < 0) syscall(SYS_close, i);
    return keep;
}

/*
 * True when the parent has died before the death signal was armed. In a new
 * pid namespace getppid() is 0, so the control socket tells instead: its
 * other end closes with the parent.
 */
static int child_orphaned(const struct launch *l)
{
    if (!(l->clone_flags & CLONE_NEWPID)) return syscall(SYS_getppid) != l->parent;
    struct pollfd p = {.fd = CTL_FD, .events = POLLOUT};
    return syscall(SYS_poll, &p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR));
}

/* The jail's steps that need privilege (namespaces, mounts), then limits and capabilities. */
static void child_jail(struct sbx_jail *j, int ns)
{
    const char *what = NULL;
    if (!j) return;
    if (ns && sbx_child_userns(j) < 0) child_fail(CTL_FD, STEP_USERNS);
    if (ns && sbx_child_root(j, &what) < 0) child_fail_what(CTL_FD, STEP_ROOT, what);
    if (sbx_child_rlimits(j) < 0) child_fail(CTL_FD, STEP_RLIMITS);
    if (sbx_child_caps(j, &what) < 0) child_fail_what(CTL_FD, STEP_CAPS, what);
}

/* The filter, with a listener where the kernel and the filter stack allow one. */
static void child_seccomp(struct sbx_filter *f, pid_t self)
{
    int listener = -1;
    if (f->notify.fprog.len) {
        listener = sbx_prog_install(&f->notify, self, 1);
        /* EBUSY: an outer filter (a container runtime) already has a listener. */
        if (listener < 0 && errno != EINVAL && errno != EBUSY) child_fail(CTL_FD, STEP_SECCOMP);
    }
    if (listener < 0 && sbx_prog_install(&f->kill, self, 0) < 0) child_fail(CTL_FD, STEP_SECCOMP);
    child_send(CTL_FD, STEP_READY, 0, listener, NULL);
    if (listener >= 0) syscall(SYS_close, listener);
}

static _Noreturn void child_main(const struct launch *l)
{
    int ctl = l->ctl;
    if (child_signals() < 0) child_fail(ctl, STEP_SIGNALS);
    if (l->cgroup_fd >= 0 && syscall(SYS_write, l->cgroup_fd, "0", 1) != 1) /* "0": itself */
        child_fail(ctl, STEP_CGROUP);
    int keep = child_stdio(l, &ctl);
    if (keep < 0) child_fail(ctl, STEP_STDIO);
    if (syscall(SYS_close_range, keep + 1, ~0U, 0) < 0) child_fail(ctl, STEP_CLOSE_FDS);
    if (syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) child_fail(ctl, STEP_DEATHSIG);
    if (child_orphaned(l)) child_exit();
    child_jail(l->jail, l->clone_flags != 0);
    if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(ctl, STEP_NO_NEW_PRIVS);
    if (l->jail && l->jail->ruleset_fd >= 0 && sbx_child_landlock(l->jail, RULESET_FD) < 0)
        child_fail(ctl, STEP_LANDLOCK);
    /* In a new pid namespace this is 1: the pid the renderer sees for itself. */
    child_seccomp(l->filter, (pid_t)syscall(SYS_getpid));
    syscall(SYS_execve, l->o->path, l->o->argv, l->o->envp);
    child_fail(ctl, STEP_EXEC);
}

/* ---- the parent ---- */

/* One record (and any fd it carries); 0 on EOF, -1 on error. */
static int parent_recv(int ctl, struct record *r, int *fd)
{
    struct iovec iov = {.iov_base = r, .iov_len = sizeof *r};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof cm.buf};
    ssize_t n;
    do
        n = recvmsg(ctl, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return (int)n;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(fd, CMSG_DATA(c), sizeof *fd);
    if (n != sizeof *r || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        errno = EPROTO;
        return -1;
    }
    return 1;
}

static void format_failure(const char *path, const struct record *r, char *err, size_t errlen)
{
    int known = r->step > STEP_READY && r->step <= STEP_EXEC;
    snprintf(err, errlen, "spawn %s: %s%s%s failed: %s", path,
             known ? step_names[r->step] : "start-up", r->what ? " at " : "",
             r->what ? r->what : "", strerror(r->err));
}

/* Waits for the child's verdict: 0 with the listener (or -1) in out, or -1 (*step: which). */
static int parent_await(int ctl, const char *path, struct sbx_child *out, int *step, char *err,
                        size_t errlen)
{
    struct record r = {0};
    int fd = -1;
    int n = parent_recv(ctl, &r, &fd);
    if (n == 1 && r.step == STEP_READY) {
        out->notify_fd = fd;
        fd = -1;
        n = parent_recv(ctl, &r, &fd);
        if (n == 0) return 0; /* EOF: fd 3 closed by the exec */
    }
    if (fd >= 0) close(fd);
    *step = n == 1 ? r.step : -1;
    if (n == 1)
        format_failure(path, &r, err, errlen);
    else if (n == 0)
        snprintf(err, errlen, "spawn %s: the child died during start-up", path);
    else
        snprintf(err, errlen, "spawn %s: control channel: %s", path, strerror(errno));
    return -1;
}

/*
 * Appends how a child that died before saying it was ready ended: a signal
 * (SIGSYS: the launcher filter, SIGKILL: the OOM killer or a limit, or ours
 * if it was still alone in dying) or its exit status.
 */
static void say_how_it_ended(char *err, size_t errlen, int status)
{
    size_t n = strlen(err);
    if (WIFSIGNALED(status))
        snprintf(err + n, errlen - n, " (killed by signal %d, %s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status))
        snprintf(err + n, errlen - n, " (exit status %d)", WEXITSTATUS(status));
}

/* Ends and reaps a child that failed to start; its wait status in *status. */
static void parent_reap(struct sbx_child *c, int *status)
{
    if (c->pidfd >= 0)
        (void)syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
    else
        (void)kill(c->pid, SIGKILL);
    *status = 0;
    while (waitpid(c->pid, status, 0) < 0 && errno == EINTR)
        ;
    if (c->pidfd >= 0) close(c->pidfd);
    if (c->notify_fd >= 0) close(c->notify_fd);
    sbx_child_cleanup(c);
}

/*
 * fork with every signal blocked, so no parent handler runs in the child.
 * With namespaces it is a raw clone (as bubblewrap does): a new pid
 * namespace can only be entered by a new process. The child then runs on a
 * copy of this stack, like a forked one.
 */
static pid_t fork_blocked(const struct launch *l)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = l->clone_flags
                    ? (pid_t)syscall(SYS_clone, SIGCHLD | l->clone_flags, NULL, NULL, NULL, NULL)
                    : fork();
    if (pid == 0) child_main(l);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return pid;
}

static int check_opts(const struct sbx_spawn_opts *o, char *err, size_t errlen)
{
    if (!o || !o->path || !o->argv || !o->envp || !o->filter || o->stdout_fd < 0 ||
        o->stderr_fd < 0) {
        snprintf(err, errlen, "spawn: path, argv, envp, stdio fds and filter are required");
        return -1;
    }
    return 0;
}

static int start(struct launch *l, int ctl[2], char *err, size_t errlen)
{
    const char *path = l->o->path;
    l->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (l->devnull < 0) {
        snprintf(err, errlen, "spawn %s: /dev/null: %s", path, strerror(errno));
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0) {
        snprintf(err, errlen, "spawn %s: socketpair: %s", path, strerror(errno));
        close(l->devnull);
        return -1;
    }
    l->ctl = ctl[1];
    l->parent = getpid();
    return 0;
}

/* One attempt; *step is the child's failed step, or -1 for a failure before it ran. */
static int attempt(struct launch *l, struct sbx_child *out, int *step, char *err, size_t errlen)
{
    const char *path = l->o->path;
    int ctl[2];
    *step = -1;
    char cgroup[sizeof out->cgroup] = "";
    l->cgroup_fd = -1;
    if (l->jail && l->jail->pids_base[0] &&
        (l->cgroup_fd = sbx_pids_open(l->jail->pids_base, SBX_NPROC_MAX, cgroup, sizeof cgroup)) <
            0) {
        snprintf(err, errlen, "spawn %s: cannot make its pids cgroup under %s: %s", path,
                 l->jail->pids_base, strerror(errno));
        return -1;
    }
    if (start(l, ctl, err, errlen) < 0) {
        if (l->cgroup_fd >= 0) close(l->cgroup_fd), rmdir(cgroup);
        return -1;
    }
    struct sbx_child c = {.pid = fork_blocked(l), .pidfd = -1, .notify_fd = -1};
    int fork_errno = errno;
    close(l->devnull);
    close(ctl[1]);
    if (l->cgroup_fd >= 0) close(l->cgroup_fd);
    snprintf(c.cgroup, sizeof c.cgroup, "%s", cgroup);
    if (c.pid < 0) {
        snprintf(err, errlen, "spawn %s: %s: %s", path, l->clone_flags ? "clone" : "fork",
                 strerror(fork_errno));
        close(ctl[0]);
        sbx_child_cleanup(&c);
        return -1;
    }
    c.pidfd = (int)syscall(SYS_pidfd_open, c.pid, 0); /* valid: not yet reaped */
    if (c.pidfd < 0) snprintf(err, errlen, "spawn %s: pidfd_open: %s", path, strerror(errno));
    int rc = c.pidfd < 0 ? -1 : parent_await(ctl[0], path, &c, step, err, errlen);
    close(ctl[0]);
    if (rc < 0) {
        int status;
        parent_reap(&c, &status);
        if (strstr(err, "died during start-up")) say_how_it_ended(err, errlen, status);
        return -1;
    }
    *out = c;
    return 0;
}

/* Whether a failed attempt may go again without namespaces (and so without the root). */
static int degrade(struct launch *l, int fork_failed, int step, const char *why)
{
    struct sbx_jail *j = l->jail;
    if (!j || j->strict || !l->clone_flags) return 0;
    if (!(fork_failed || step == STEP_USERNS || step == STEP_ROOT)) return 0;
    if (step == STEP_ROOT) {
        j->root = 0; /* namespaces work: keep them, lose the root */
        sbx_jail_off(j, SBX_LAYER_ROOT, "%s", why);
        return 1;
    }
    l->clone_flags = 0;
    sbx_jail_drop_namespaces(j, why);
    return 1;
}

int sbx_spawn(const struct sbx_spawn_opts *o, struct sbx_child *out, char *err, size_t errlen)
{
    if (check_opts(o, err, errlen) < 0) return -1;
    struct launch l = {.o = o, .filter = (struct sbx_filter *)o->filter, .jail = o->jail};
    if (l.jail) l.clone_flags = l.jail->clone_flags;
    for (int tries = 0;; tries++) {
        int step, pid_failed;
        if (attempt(&l, out, &step, err, errlen) == 0) break;
        pid_failed = step == -1 && strstr(err, ": clone: ") != NULL;
        if (tries == 2 || !degrade(&l, pid_failed, step, strchr(err, ':') + 2)) return -1;
    }
    if (l.jail && out->notify_fd < 0)
        snprintf(l.jail->detail[SBX_LAYER_SECCOMP], sizeof l.jail->detail[SBX_LAYER_SECCOMP],
                 "launcher filter without user notification (kernel, or an outer filter): a "
                 "violation ends the renderer with SIGSYS, unnamed");
    return 0;
}
