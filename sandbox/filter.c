// SPDX-License-Identifier: MIT
/*
 * filter.c: the launcher seccomp allowlist, compiled once in the parent.
 *
 * libseccomp allocates, so it may only run in the (multi-threaded) core, never
 * between fork and exec: the filter is built here, exported to raw BPF, and
 * the child only patches its own pid in and hands the program to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

/*
 * tgkill may only target the calling process. Its pid is unknown until fork,
 * so the rule compares against this placeholder (above PID_MAX_LIMIT, so never
 * a real pid) and the child overwrites it in its copy of the program.
 */
#define TGID_PLACEHOLDER 0x5adb0c5aU

enum args {
    ANY,       /* allowed whatever the arguments */
    AF_UNIX0,  /* arg0, the address family, must be AF_UNIX */
    IOCTL1,    /* arg1, the request, must be one of safe_ioctls */
    THREAD0,   /* clone: arg0 must make a thread, never a process or namespace */
    OWN_TGID0, /* tgkill: arg0 must be the caller's own process */
    SELF0,     /* arg0, a pid, must be 0: the caller (prlimit64 could change other processes) */
    ENOSYS_,   /* refused with ENOSYS (not killed) so that libc falls back */
    PRCTL0,    /* arg0, the option, must be one of safe_prctls (PR_SET_DUMPABLE only to 0) */
    READ1,     /* open: arg1, the flags, must not ask for writing or creating */
    READ2,     /* openat: the same for arg2 */
    NOEXEC2,   /* mprotect: arg2 must not add PROT_EXEC, unless the JIT is on */
    WX_MMAP, /* mmap: executable only for a file mapping that is not writable, unless the JIT is on
              */
};

struct allow {
    const char *name;
    enum args args;
};

/* The flags of a filter being built (SBX_FILTER_*). */
struct build {
    unsigned flags;
};

/*
 * The launcher allowlist: the child after the filter is loaded, ld.so and
 * glibc start-up, JavaScriptCore (GC and JIT threads), nng over ipc://, and
 * the ASan/UBSan runtime of sanitizer builds. Observed with strace -f on a
 * probe doing all of these; names missing on an architecture are skipped.
 */
static const struct allow launcher_allowlist[] = {
    /* The child's own last steps: hand over the listener, report, exec. */
    {"sendmsg", ANY},
    {"close", ANY},
    {"execve", ANY},
    {"exit", ANY},
    {"exit_group", ANY},
    /* ld.so and libc start-up; ASan reads /proc/self/maps with open(). */
    {"brk", ANY},
    {"arch_prctl", ANY},
    {"set_tid_address", ANY},
    {"set_robust_list", ANY},
    {"rseq", ANY},
    {"prlimit64", SELF0}, /* getrlimit/setrlimit on itself only */
    {"getrandom", ANY},
    {"uname", ANY},
    {"sysinfo", ANY}, /* JSC sizes its heap from the RAM size */
    {"open", READ1},
    {"openat", READ2},
    {"read", ANY},
    {"readv", ANY}, /* nng reads frames with readv */
    {"pread64", ANY},
    {"lseek", ANY},
    {"fstat", ANY},
    {"stat", ANY},
    {"lstat", ANY},
    {"newfstatat", ANY},
    {"statx", ANY},
    {"statfs", ANY}, /* libselinux (via glib) probes /sys/fs/selinux */
    {"fstatfs", ANY},
    {"access", ANY},
    {"faccessat", ANY},
    {"faccessat2", ANY},
    {"readlink", ANY}, /* the sanitizer runtime finds its binary */
    {"readlinkat", ANY},
    {"getdents64", ANY},
    {"getcwd", ANY},
    {"fcntl", ANY},
    {"dup", ANY},
    {"dup2", ANY},
    {"dup3", ANY},
    /* Memory: the allocators, the JIT (W^X via mprotect), the GC. */
    {"mmap", WX_MMAP},
    {"munmap", ANY},
    {"mprotect", NOEXEC2},
    {"mremap", ANY},
    {"madvise", ANY},
    {"mincore", ANY},
    {"membarrier", ANY},
    /* Threads: JSC's GC and JIT workers, nng's task threads. clone3 passes
     * its flags in memory, out of seccomp's reach, so it is refused with
     * ENOSYS and glibc falls back to clone, whose flags are checked. */
    {"clone", THREAD0},
    {"clone3", ENOSYS_},
    {"futex", ANY},
    {"futex_waitv", ANY},
    {"sched_yield", ANY},
    {"sched_getaffinity", ANY},
    {"sched_getparam", ANY},
    {"sched_getscheduler", ANY},
    {"sched_setscheduler", ANY}, /* JSC sets SCHED_RESET_ON_FORK on its workers */
    {"sched_get_priority_min", ANY},
    {"sched_get_priority_max", ANY},
    {"gettid", ANY},
    {"getpid", ANY},
    {"getppid", ANY},
    {"getuid", ANY},
    {"geteuid", ANY},
    {"getgid", ANY},
    {"getegid", ANY},
    {"getresuid", ANY},
    {"getresgid", ANY},
    {"getgroups", ANY},
    {"getrusage", ANY},
    {"times", ANY},
    {"prctl", PRCTL0}, /* thread names (JSC, nng), capability probes, sanitizers */
    /* The renderer's own stage (lockdown.c): a further filter only narrows. */
    {"seccomp", ANY},
    /* Signals: JSC suspends threads with SIGUSR1 (pthread_kill, sigsuspend);
     * abort() and raise() use tgkill on the own process only. */
    {"rt_sigaction", ANY},
    {"rt_sigprocmask", ANY},
    {"rt_sigreturn", ANY},
    {"rt_sigsuspend", ANY},
    {"rt_sigpending", ANY},
    {"rt_sigtimedwait", ANY},
    {"sigaltstack", ANY}, /* sanitizer runtimes handle SEGV on an alternate stack */
    {"restart_syscall", ANY},
    {"tgkill", OWN_TGID0},
    {"kill", OWN_TGID0},
    /* Time. */
    {"clock_gettime", ANY},
    {"clock_getres", ANY},
    {"clock_nanosleep", ANY},
    {"nanosleep", ANY},
    {"gettimeofday", ANY},
    {"time", ANY},
    /* Event loops: nng's epoll poller, its eventfd wake-ups, glib. */
    {"poll", ANY},
    {"ppoll", ANY},
    {"select", ANY},
    {"pselect6", ANY},
    {"epoll_create", ANY},
    {"epoll_create1", ANY},
    {"epoll_ctl", ANY},
    {"epoll_wait", ANY},
    {"epoll_pwait", ANY},
    {"epoll_pwait2", ANY},
    {"eventfd", ANY},
    {"eventfd2", ANY},
    {"pipe", ANY},
    {"pipe2", ANY},
    {"timerfd_create", ANY},
    {"timerfd_settime", ANY},
    {"timerfd_gettime", ANY},
    /* I/O on the descriptors the process holds: stdio and its nng socket. */
    {"write", ANY},
    {"writev", ANY},
    {"recvmsg", ANY},
    {"sendto", ANY},
    {"recvfrom", ANY},
    {"ioctl", IOCTL1},
    /* Sockets: local (AF_UNIX) only, to dial the core's ipc:// address. */
    {"socket", AF_UNIX0},
    {"socketpair", AF_UNIX0},
    {"connect", ANY},
    {"getsockopt", ANY},
    {"setsockopt", ANY},
    {"getsockname", ANY},
    {"getpeername", ANY},
    {"shutdown", ANY},
};

/* isatty (TCGETS), non-blocking mode and pending bytes: nothing that writes to a terminal. */
static const unsigned long safe_ioctls[] = {TCGETS,   TIOCGWINSZ, FIONBIO,
                                            FIONREAD, FIOCLEX,    FIONCLEX};

/*
 * Reading and naming only. Not here: PR_SET_MM, PR_SET_PTRACER,
 * PR_SET_SECUREBITS, PR_SET_SYSCALL_USER_DISPATCH, PR_SET_CHILD_SUBREAPER…
 */
static const unsigned long safe_prctls[] = {
    PR_SET_NAME,         PR_GET_NAME,         PR_SET_VMA,        PR_GET_DUMPABLE,
    PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_GET_SECCOMP,    PR_SET_SECCOMP,
    PR_CAPBSET_READ,     PR_GET_PDEATHSIG,    PR_GET_TIMERSLACK, PR_GET_SECUREBITS,
    PR_GET_KEEPCAPS,     PR_GET_THP_DISABLE,
};

/* Any of these in open's flags writes, creates or truncates. */
#define WRITE_FLAGS                                                                                \
    (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | (__O_TMPFILE & ~O_DIRECTORY))

/* Masks the low 32 bits: the kernel reads these arguments as int. */
#define LOW32(i, v) SCMP_CMP((i), SCMP_CMP_MASKED_EQ, 0xffffffffU, (v))
#define NONE_OF(i, bits) SCMP_CMP((i), SCMP_CMP_MASKED_EQ, (bits), 0)

static int add_prctl(scmp_filter_ctx ctx, int nr)
{
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, LOW32(0, PR_SET_DUMPABLE), LOW32(1, 0));
    for (size_t i = 0; rc == 0 && i < sizeof safe_prctls / sizeof *safe_prctls; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, LOW32(0, safe_prctls[i]));
    return rc;
}

/*
 * Opening for reading only. A plain O_RDWR is answered EROFS instead of
 * killing: glibc opens /proc/self/task/TID/comm that way to name another
 * thread (nng does), and everything the renderer sees is read-only anyway.
 * Creating, truncating, appending or write-only opening is a violation.
 */
static int add_read_only(scmp_filter_ctx ctx, int nr, unsigned arg)
{
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, NONE_OF(arg, WRITE_FLAGS));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EROFS), nr, 1,
                              SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, WRITE_FLAGS, O_RDWR));
    return rc;
}

/* W^X: nothing the process can write ever becomes executable. */
static int add_wx_mmap(scmp_filter_ctx ctx, int nr)
{
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, NONE_OF(2, PROT_EXEC));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, NONE_OF(2, PROT_WRITE),
                              NONE_OF(3, MAP_ANONYMOUS));
    return rc;
}

static int add_rule(scmp_filter_ctx ctx, const struct build *b, int nr, enum args args)
{
    const uint64_t new_ns = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                            CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
    int rc = 0;
    int jit = b->flags & SBX_FILTER_JIT;

    switch (args) {
    case ANY:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    case PRCTL0:
        return add_prctl(ctx, nr);
    case READ1:
    case READ2:
        return add_read_only(ctx, nr, args == READ1 ? 1 : 2);
    case NOEXEC2:
        return jit ? seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)
                   : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, NONE_OF(2, PROT_EXEC));
    case WX_MMAP:
        return jit ? seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) : add_wx_mmap(ctx, nr);
    case AF_UNIX0:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, LOW32(0, AF_UNIX));
    case IOCTL1:
        for (size_t i = 0; rc == 0 && i < sizeof safe_ioctls / sizeof *safe_ioctls; i++)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, LOW32(1, safe_ioctls[i]));
        return rc;
    case THREAD0:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD | new_ns, CLONE_THREAD));
    case OWN_TGID0:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, LOW32(0, TGID_PLACEHOLDER));
    case SELF0:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, LOW32(0, 0));
    case ENOSYS_:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
    }
    return -EINVAL;
}

static int add_allowlist(scmp_filter_ctx ctx, const struct build *b, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof launcher_allowlist / sizeof *launcher_allowlist; i++) {
        const struct allow *a = &launcher_allowlist[i];
        int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, a->name);
        if (nr < 0) continue; /* not a system call on this architecture */
        int rc = add_rule(ctx, b, nr, a->args);
        if (rc < 0) {
            snprintf(err, errlen, "seccomp rule for %s: %s", a->name, strerror(-rc));
            return -1;
        }
    }
    return 0;
}

/* A context for one default action, or NULL (the kernel may lack USER_NOTIF). */
static scmp_filter_ctx new_ctx(uint32_t def, const struct build *b, char *err, size_t errlen)
{
    scmp_filter_ctx ctx = seccomp_init(def);
    if (!ctx) {
        snprintf(err, errlen, "seccomp_init failed");
        return NULL;
    }
    /* Only the native ABI: i386 (int 0x80) and x32 calls kill the process. */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* the child sets it itself */
    if (rc < 0) {
        snprintf(err, errlen, "seccomp attributes: %s", strerror(-rc));
        seccomp_release(ctx);
        return NULL;
    }
    (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* binary tree where offered */
    if (add_allowlist(ctx, b, err, errlen) < 0) {
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}

/* Reads the exported program back from fd into p. */
static int read_prog(int fd, struct sbx_prog *p, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
        st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        snprintf(err, errlen, "exported seccomp program has a bad size");
        return -1;
    }
    p->fprog.filter = malloc(st.st_size);
    if (!p->fprog.filter) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (pread(fd, p->fprog.filter, st.st_size, 0) != st.st_size) {
        snprintf(err, errlen, "reading the exported seccomp program failed");
        return -1;
    }
    p->fprog.len = st.st_size / sizeof(struct sock_filter);
    return 0;
}

/* Records every comparison against the pid placeholder; there must be one. */
static int find_patches(struct sbx_prog *p, char *err, size_t errlen)
{
    p->n_tgid = 0;
    for (unsigned short i = 0; i < p->fprog.len; i++) {
        const struct sock_filter *ins = &p->fprog.filter[i];
        if (ins->code != (BPF_JMP | BPF_JEQ | BPF_K) || ins->k != TGID_PLACEHOLDER) continue;
        if (p->n_tgid == SBX_MAX_PATCHES) break;
        p->tgid_at[p->n_tgid++] = i;
    }
    if (p->n_tgid == 0 || p->n_tgid == SBX_MAX_PATCHES) {
        snprintf(err, errlen, "seccomp program: tgkill check not found");
        return -1;
    }
    return 0;
}

static int export_prog(scmp_filter_ctx ctx, struct sbx_prog *p, char *err, size_t errlen)
{
    int fd = memfd_create("moat-seccomp", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        return -1;
    }
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) {
        snprintf(err, errlen, "seccomp_export_bpf: %s", strerror(-rc));
        close(fd);
        return -1;
    }
    rc = read_prog(fd, p, err, errlen);
    close(fd);
    return rc < 0 ? -1 : find_patches(p, err, errlen);
}

static int build(uint32_t def, const struct build *b, struct sbx_prog *p, char *err, size_t errlen)
{
    scmp_filter_ctx ctx = new_ctx(def, b, err, errlen);
    if (!ctx) return -1;
    int rc = export_prog(ctx, p, err, errlen);
    seccomp_release(ctx);
    return rc;
}

int sbx_filter_new_launcher(struct sbx_filter **out, char *err, size_t errlen)
{
    return sbx_filter_new(SBX_FILTER_JIT, out, err, errlen);
}

int sbx_filter_print(unsigned flags, int fd, char *err, size_t errlen)
{
    struct build b = {.flags = flags};
    scmp_filter_ctx ctx = new_ctx(SCMP_ACT_NOTIFY, &b, err, errlen);
    if (!ctx) ctx = new_ctx(SCMP_ACT_KILL_PROCESS, &b, err, errlen);
    if (!ctx) return -1;
    int rc = seccomp_export_pfc(ctx, fd);
    seccomp_release(ctx);
    if (rc < 0) snprintf(err, errlen, "seccomp_export_pfc: %s", strerror(-rc));
    return rc < 0 ? -1 : 0;
}

int sbx_filter_new(unsigned flags, struct sbx_filter **out, char *err, size_t errlen)
{
    struct build b = {.flags = flags};
    struct sbx_filter *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (build(SCMP_ACT_KILL_PROCESS, &b, &f->kill, err, errlen) < 0) {
        sbx_filter_free(f);
        return -1;
    }
    /* Without user notification in the kernel the children get the kill variant. */
    char ignored[128];
    if (build(SCMP_ACT_NOTIFY, &b, &f->notify, ignored, sizeof ignored) < 0) {
        free(f->notify.fprog.filter);
        memset(&f->notify, 0, sizeof f->notify);
    }
    *out = f;
    return 0;
}

void sbx_filter_free(struct sbx_filter *f)
{
    if (!f) return;
    free(f->notify.fprog.filter);
    free(f->kill.fprog.filter);
    free(f);
}

int sbx_prog_install(struct sbx_prog *p, pid_t pid, int with_listener)
{
    for (unsigned i = 0; i < p->n_tgid; i++)
        p->fprog.filter[p->tgid_at[i]].k = (uint32_t)pid;
    unsigned long flags = with_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p->fprog);
}
