// SPDX-License-Identifier: MIT
/*
 * wv_self.c: the webview host's own lockdown (webview.h, sbx_wv_lockdown_self),
 * applied by moat-webview to itself before gtk_init, inherited by every
 * process WebKit starts (network process, bubblewrap, web process).
 *
 * Landlock: TCP bind and connect handled with no rule allowing any, signals
 * scoped to the host's own domain. No file rules unless asked (the degraded
 * mode): Landlock refuses mount(2) to a domain that handles file access, and
 * WebKit's bubblewrap must mount. No abstract-socket scope: an X display
 * listening on an abstract socket would be cut off.
 *
 * seccomp: an allowlist, default SECCOMP_RET_TRAP. The host's SIGSYS handler
 * names the call on stderr and exits 159 (128 + SIGSYS): as pid 1 of its
 * namespace a re-raised SIGSYS would be ignored. Processes WebKit execs have
 * no such handler and die of SIGSYS. Built from strace runs of the webview
 * tests on every path (root and unprivileged, start and teardown).
 */
#include "webview.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Every process of the window: GTK, GLib, WebKit's UI, network and web processes, bubblewrap. */
static const char *const wv_allow[] = {
    /* Process life, exec (WebKit starts its helpers, bubblewrap execs the web process). */
    "execve",
    "exit",
    "exit_group",
    "wait4",
    "waitid",
    "clone",
    "vfork",
    "set_tid_address",
    "set_robust_list",
    "rseq",
    "arch_prctl",
    "prctl",
    "prlimit64",
    "getrlimit",
    "setrlimit",
    "getrusage",
    "times",
    "uname",
    "sysinfo",
    "getrandom",
    "personality",
    "restart_syscall",
    /* bubblewrap (WebKit's web-process sandbox): namespaces, its root, capabilities, its filter. */
    "unshare",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "capget",
    "capset",
    "seccomp",
    "sethostname",
    "setsid",
    "setpgid",
    "getpgid",
    "getpgrp",
    "getsid",
    "setresuid",
    "setresgid",
    "setuid",
    "setgid",
    "setgroups",
    "setfsuid",
    "setfsgid",
    "chdir",
    "fchdir",
    "umask",
    /* Ids. */
    "getpid",
    "getppid",
    "gettid",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getresuid",
    "getresgid",
    "getgroups",
    /* Files (the root is read-only and the rest is the jail's: Landlock adds rules only in the
     * degraded mode). */
    "open",
    "openat",
    "openat2",
    "creat",
    "close",
    "close_range",
    "read",
    "readv",
    "pread64",
    "preadv",
    "preadv2",
    "write",
    "writev",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "lseek",
    "sendfile",
    "copy_file_range",
    "splice",
    "tee",
    "fstat",
    "stat",
    "lstat",
    "newfstatat",
    "statx",
    "statfs",
    "fstatfs",
    "access",
    "faccessat",
    "faccessat2",
    "readlink",
    "readlinkat",
    "getdents64",
    "getcwd",
    "fcntl",
    "flock",
    "dup",
    "dup2",
    "dup3",
    "ftruncate",
    "truncate",
    "fallocate",
    "fadvise64",
    "fsync",
    "fdatasync",
    "sync_file_range",
    "mkdir",
    "mkdirat",
    "rmdir",
    "unlink",
    "unlinkat",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "chmod",
    "fchmod",
    "fchmodat",
    "fchown",
    "chown",
    "lchown",
    "fchownat",
    "utimensat",
    "utime",
    "utimes",
    "futimesat",
    "getxattr",
    "lgetxattr",
    "fgetxattr",
    "listxattr",
    "flistxattr",
    "inotify_init",
    "inotify_init1",
    "inotify_add_watch",
    "inotify_rm_watch",
    "memfd_create",
    "name_to_handle_at",
    /* Memory (the JIT of WebKit's web process included). */
    "brk",
    "mmap",
    "munmap",
    "mprotect",
    "mremap",
    "madvise",
    "mincore",
    "msync",
    "mlock",
    "mlock2",
    "munlock",
    "mlockall",
    "munlockall",
    "membarrier",
    "get_mempolicy",
    "set_mempolicy",
    "mbind",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    /* Threads and scheduling. */
    "futex",
    "futex_waitv",
    "sched_yield",
    "sched_getaffinity",
    "sched_setaffinity",
    "sched_getparam",
    "sched_setparam",
    "sched_getscheduler",
    "sched_setscheduler",
    "sched_getattr",
    "sched_setattr",
    "sched_get_priority_min",
    "sched_get_priority_max",
    "getpriority",
    "setpriority",
    "ioprio_get",
    "ioprio_set",
    /* Signals (Landlock scopes them to the window's own processes). */
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigpending",
    "rt_sigtimedwait",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "sigaltstack",
    "kill",
    "tkill",
    "tgkill",
    "pidfd_open",
    "pidfd_send_signal",
    "signalfd",
    "signalfd4",
    "pause",
    "alarm",
    "getitimer",
    "setitimer",
    /* Time. */
    "clock_gettime",
    "clock_getres",
    "clock_nanosleep",
    "nanosleep",
    "gettimeofday",
    "time",
    /* Event loops. */
    "poll",
    "ppoll",
    "select",
    "pselect6",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_wait",
    "epoll_pwait",
    "epoll_pwait2",
    "eventfd",
    "eventfd2",
    "pipe",
    "pipe2",
    "timerfd_create",
    "timerfd_settime",
    "timerfd_gettime",
    /* Sockets (socket and socketpair: below): the core's, the display's, WebKit's own. */
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "sendmsg",
    "sendmmsg",
    "recvmsg",
    "recvmmsg",
    "sendto",
    "recvfrom",
    "shutdown",
    "getsockopt",
    "setsockopt",
    "getsockname",
    "getpeername",
    /* Devices: terminals and GPU ioctls (TIOCSTI and TIOCLINUX are refused below). */
    "ioctl",
};

/* What a process of the window may never do, answered with an error instead of SIGSYS. */
static const struct {
    const char *name;
    int err;
} wv_refuse[] = {
    {"clone3", ENOSYS}, /* flags in memory, out of seccomp's reach: glibc falls back to clone */
    /* SysV shared memory: the host's own IPC namespace keeps an X server from attaching it
     * anyway (MIT-SHM, offered to a trusted client); refused, cairo draws without it. */
    {"shmget", ENOSYS},
};

/* Masks the low 32 bits: the kernel reads these arguments as int. */
#define LOW32(i, v) SCMP_CMP((i), SCMP_CMP_MASKED_EQ, 0xffffffffU, (v))

static int add_sockets(scmp_filter_ctx ctx)
{
    int nr_socket = SCMP_SYS(socket), nr_pair = SCMP_SYS(socketpair);
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr_socket, 1, LOW32(0, AF_UNIX));
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr_socket, 1, LOW32(0, AF_NETLINK));
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr_pair, 1, LOW32(0, AF_UNIX));
    /* Any other family (AF_INET, AF_INET6, AF_PACKET, …): refused, not fatal; GLib probes. */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), nr_socket, 1,
                              SCMP_CMP(0, SCMP_CMP_MASKED_EQ, 0xffffffffU, AF_INET));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), nr_socket, 1,
                              SCMP_CMP(0, SCMP_CMP_MASKED_EQ, 0xffffffffU, AF_INET6));
    return rc;
}

static int add_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof wv_allow / sizeof *wv_allow; i++) {
        int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, wv_allow[i]);
        if (nr < 0) continue; /* not on this architecture */
        if (!strcmp(wv_allow[i], "ioctl")) {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, LOW32(1, TIOCSTI));
            if (rc == 0)
                rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, LOW32(1, TIOCLINUX));
            if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        } else {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        }
        if (rc < 0) snprintf(err, errlen, "seccomp rule for %s: %s", wv_allow[i], strerror(-rc));
    }
    for (size_t i = 0; rc == 0 && i < sizeof wv_refuse / sizeof *wv_refuse; i++) {
        int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, wv_refuse[i].name);
        if (nr >= 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(wv_refuse[i].err), nr, 0);
    }
    if (rc == 0 && (rc = add_sockets(ctx)) < 0)
        snprintf(err, errlen, "seccomp rule for socket: %s", strerror(-rc));
    return rc < 0 ? -1 : 0;
}

/* A forbidden call in the host itself: its name on stderr, then the end (async-signal-safe). */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    char buf[160];
    const char *name = sbx_syscall_name(si->si_syscall);
    int n = snprintf(buf, sizeof buf, "moat-webview: forbidden system call %s (%d)\n",
                     name ? name : "?", si->si_syscall);
    if (n > 0 && write(2, buf, (size_t)n) < 0) n = 0;
    syscall(SYS_exit_group, 128 + SIGSYS);
}

static int seccomp_self(char *err, size_t errlen)
{
    (void)sbx_syscall_name(0); /* the name table, built now: the handler only reads it */
    struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) != 0)
        return snprintf(err, errlen, "sigaction(SIGSYS): %s", strerror(errno)), -1;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
    if (!ctx) return snprintf(err, errlen, "seccomp_init failed"), -1;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); /* nng's threads too */
    if (rc < 0) snprintf(err, errlen, "seccomp attributes: %s", strerror(-rc));
    if (rc == 0) rc = add_rules(ctx, err, errlen);
    if (rc == 0 && (rc = seccomp_load(ctx)) < 0)
        snprintf(err, errlen, "seccomp_load: %s", strerror(-rc));
    seccomp_release(ctx);
    return rc < 0 ? -1 : 0;
}

/* ---- Landlock ------------------------------------------------------------ */

#define LL_NET_BIND_TCP (1ull << 0) /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_SIGNAL (1ull << 1) /* ABI 6 */
#define LL_FS_V1 ((1ull << 13) - 1)
#define LL_FS_REFER (1ull << 13)
#define LL_FS_TRUNCATE (1ull << 14)
#define LL_FS_IOCTL_DEV (1ull << 15)
#define LL_READ ((1ull << 0) | (1ull << 2) | (1ull << 3)) /* execute, read file, read dir */

struct ll_attr {
    uint64_t fs, net, scoped;
};

static uint64_t fs_bits(int abi)
{
    return LL_FS_V1 | (abi >= 2 ? LL_FS_REFER : 0) | (abi >= 3 ? LL_FS_TRUNCATE : 0) |
           (abi >= 5 ? LL_FS_IOCTL_DEV : 0);
}

static int ll_path(int rs, const char *path, uint64_t access)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return errno == ENOENT ? 0 : -1; /* a folder this machine lacks */
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
        access &=
            ~((1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 7) | (1ull << 8) |
              (1ull << 9) | (1ull << 10) | (1ull << 11) | (1ull << 12) | LL_FS_REFER);
    struct landlock_path_beneath_attr r = {.allowed_access = access, .parent_fd = fd};
    long rc = syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &r, 0);
    close(fd);
    return rc < 0 ? -1 : 0;
}

static int landlock_self(const struct sbx_wv_self *o, char *err, size_t errlen)
{
    int abi = sbx_landlock_abi(NULL);
    if (abi < 1 || (abi < 4 && !o->file_rules)) return 0; /* nothing this kernel can add */
    struct ll_attr a = {0};
    size_t size = offsetof(struct ll_attr, net);
    if (abi >= 4)
        a.net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP, size = offsetof(struct ll_attr, scoped);
    if (abi >= 6) a.scoped = LL_SCOPE_SIGNAL, size = sizeof a;
    if (o->file_rules) a.fs = fs_bits(abi);
    int rs = (int)syscall(SYS_landlock_create_ruleset, &a, size, 0);
    if (rs < 0) return snprintf(err, errlen, "landlock_create_ruleset: %s", strerror(errno)), -1;
    int rc = 0;
    for (size_t i = 0; o->file_rules && rc == 0 && o->read && o->read[i]; i++)
        if ((rc = ll_path(rs, o->read[i], LL_READ)) < 0)
            snprintf(err, errlen, "landlock rule for %s: %s", o->read[i], strerror(errno));
    for (size_t i = 0; o->file_rules && rc == 0 && o->write && o->write[i]; i++)
        if ((rc = ll_path(rs, o->write[i], fs_bits(abi))) < 0)
            snprintf(err, errlen, "landlock rule for %s: %s", o->write[i], strerror(errno));
    if (rc == 0 && (rc = (int)syscall(SYS_landlock_restrict_self, rs, 0)) < 0)
        snprintf(err, errlen, "landlock_restrict_self: %s", strerror(errno));
    close(rs);
    return rc < 0 ? -1 : 0;
}

int sbx_wv_lockdown_self(const struct sbx_wv_self *o, char *err, size_t errlen)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return snprintf(err, errlen, "no_new_privs: %s", strerror(errno)), -1;
    if (landlock_self(o, err, errlen) != 0) return -1;
    return seccomp_self(err, errlen);
}
