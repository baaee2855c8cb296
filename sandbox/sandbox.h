// SPDX-License-Identifier: MIT
/*
 * sandbox.h: starting a renderer process locked down (internal, prefix sbx_).
 *
 * The core is multi-threaded and uses nng, so the child of fork() may only
 * make raw system calls until it execs: everything that allocates (building
 * the seccomp program with libseccomp) happens in the parent beforehand, and
 * the child just applies prepared steps. Each layer is a separate step so the
 * sandbox can be deepened one layer at a time.
 *
 * seccomp: the launcher filter is an allowlist whose default action is
 * SECCOMP_RET_USER_NOTIF where the kernel offers it: the core holds the
 * listener, so a forbidden call reaches the core with its number and
 * arguments, the core kills the renderer and reports the call by name. Where
 * user notification is missing the default action is SECCOMP_RET_KILL_PROCESS
 * and the report only says the renderer died of SIGSYS.
 */
#ifndef MOAT_SANDBOX_H
#define MOAT_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <stdbool.h>

/* A compiled BPF program pair (notify and kill variants), built once. */
struct sbx_filter;

/* Variants of the launcher filter. */
enum {
    /*
     * The renderer may make memory executable (a JIT). Without it, W^X is
     * enforced: mprotect never adds PROT_EXEC, anonymous or writable
     * mappings are never executable, so only the loaded program's own code runs.
     */
    SBX_FILTER_JIT = 1u << 0,
};

/*
 * Builds the launcher filter: what the renderer needs to start, run
 * JavaScriptCore and nng, and talk over its socket. Caller frees with
 * sbx_filter_free. Returns 0, or -1 with a reason in err.
 * sbx_filter_new_launcher is sbx_filter_new(SBX_FILTER_JIT).
 */
int sbx_filter_new(unsigned flags, struct sbx_filter **out, char *err, size_t errlen);
int sbx_filter_new_launcher(struct sbx_filter **out, char *err, size_t errlen);
void sbx_filter_free(struct sbx_filter *f);

/*
 * Writes the launcher filter (flags as for sbx_filter_new) to fd as
 * libseccomp's pseudo-filter-code text, for `moat doctor --filter`.
 */
int sbx_filter_print(unsigned flags, int fd, char *err, size_t errlen);

/* ---- the jail: layers around the launcher filter -------------------------- */

/* The layers a jail is built from; each is reported active or not, and why. */
enum sbx_layer {
    SBX_LAYER_NAMESPACES, /* user (when not root), pid, net, ipc, uts, mount, cgroup */
    SBX_LAYER_ROOT,       /* an empty read-only root: bundle, program files, socket */
    SBX_LAYER_LANDLOCK,   /* file access to the bundle and program only; no TCP; scopes */
    SBX_LAYER_RLIMITS,    /* memory, CPU, files, processes, file size 0, core 0 */
    SBX_LAYER_CAPS,       /* every capability dropped, the bounding set cleared */
    SBX_LAYER_SECCOMP,    /* the launcher filter, violations reported by name */
    SBX_LAYER_COUNT
};

/* "namespaces", "root", "landlock", "rlimits", "capabilities", "seccomp". */
const char *sbx_layer_name(enum sbx_layer l);

struct sbx_jail_opts {
    const char *exe;       /* the program the child execs; what it loads is put in its root */
    const char *bundle;    /* a directory, read-only inside; NULL for none */
    const char *socket;    /* a unix socket file reachable at the same path inside, or NULL */
    uint64_t memory_bytes; /* RLIMIT_DATA; 0: none */
    uint64_t cpu_seconds;  /* RLIMIT_CPU (SIGKILL when used up); 0: none */
    unsigned skip;         /* 1 << sbx_layer for each layer to leave out (tests, doctor) */
    bool strict;           /* a layer that cannot be set up is an error, not a warning */
};

/* A jail prepared in the parent (everything the child needs, computed before fork). */
struct sbx_jail;

/*
 * Prepares a jail for one spawn. Layers this machine or user cannot have are
 * left out and reported (sbx_jail_layer), unless strict, when that is an
 * error. Caller frees with sbx_jail_free after sbx_spawn. Returns 0, or -1
 * with a reason in err.
 */
int sbx_jail_prepare(const struct sbx_jail_opts *o, struct sbx_jail **out, char *err,
                     size_t errlen);
void sbx_jail_free(struct sbx_jail *j);

/*
 * Whether layer l took effect (after sbx_spawn: in the child that was
 * started). *detail (borrowed from j) says what it covers, or why it is off.
 */
bool sbx_jail_layer(const struct sbx_jail *j, enum sbx_layer l, const char **detail);

/*
 * One line per layer that is off, "sandbox: LAYER unavailable: WHY", joined by
 * newlines, into buf; empty when every layer is on. Returns the line count.
 */
int sbx_jail_warnings(const struct sbx_jail *j, char *buf, size_t len);

struct sbx_spawn_opts {
    const char *path;  /* executable to exec */
    char *const *argv; /* NULL-terminated */
    char *const *envp; /* NULL-terminated; the child gets exactly this */
    int stdout_fd;     /* becomes the child's fd 1 */
    int stderr_fd;     /* becomes the child's fd 2; fd 0 is /dev/null */
    const struct sbx_filter *filter;
    struct sbx_jail *jail; /* the layers around the filter, or NULL for the filter alone */
    int pass_fd;           /* > 0: becomes the child's fd SBX_PASS_FD, open across exec */
    int pass_fd2;          /* > 0: becomes the child's fd SBX_PASS_FD2, open across exec */
};

#define SBX_PASS_FD 5
#define SBX_PASS_FD2 6

/* A started child. The caller owns both fds and closes them. */
struct sbx_child {
    pid_t pid;
    int pidfd;        /* pollable; readable once the child has exited */
    int notify_fd;    /* seccomp listener, or -1 where the kernel lacks it */
    char cgroup[256]; /* its pids cgroup (root only), "" for none: sbx_child_cleanup */
};

/* Removes what the child left behind once it has exited (its pids cgroup). */
void sbx_child_cleanup(struct sbx_child *c);

/*
 * fork + exec with, in the child and in this order: stdio set up, every other
 * fd closed, death signal SIGKILL when the parent thread exits, then the
 * jail's layers (namespaces, root, rlimits, capabilities), no new privileges,
 * Landlock, the seccomp filter. Returns 0 once the exec has succeeded, or -1
 * with a reason in err (including the failed step and its errno). A jail
 * whose namespaces or root cannot be set up here is retried without them
 * (recorded in the jail) unless it is strict.
 */
int sbx_spawn(const struct sbx_spawn_opts *o, struct sbx_child *out, char *err, size_t errlen);

/*
 * Handles one pending notification on notify_fd: the call was forbidden, so
 * the child (pidfd) is killed and the call is refused. Writes a report such
 * as "forbidden system call socket(2, 1, 0)" into report. Returns 1 when a
 * violation was handled, 0 when there was nothing to read, -1 on error.
 */
int sbx_notify_handle(int notify_fd, int pidfd, char *report, size_t len);

/*
 * The second stage, for a renderer to apply to itself after connecting and
 * reading its bundle: no exec, no new sockets or connections, on every thread;
 * such a call kills the process. Returns 0, or -1 with a reason in err.
 */
int sbx_lockdown_self(char *err, size_t errlen);

/* Name of a syscall number on the native architecture, or NULL. Static string. */
const char *sbx_syscall_name(int nr);

#endif
