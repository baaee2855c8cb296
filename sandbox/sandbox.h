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

/* A compiled BPF program pair (notify and kill variants), built once. */
struct sbx_filter;

/*
 * Builds the launcher filter: what the renderer needs to start, run
 * JavaScriptCore and nng, and talk over its socket. Caller frees with
 * sbx_filter_free. Returns 0, or -1 with a reason in err.
 */
int sbx_filter_new_launcher(struct sbx_filter **out, char *err, size_t errlen);
void sbx_filter_free(struct sbx_filter *f);

struct sbx_spawn_opts {
    const char *path;  /* executable to exec */
    char *const *argv; /* NULL-terminated */
    char *const *envp; /* NULL-terminated; the child gets exactly this */
    int stdout_fd;     /* becomes the child's fd 1 */
    int stderr_fd;     /* becomes the child's fd 2; fd 0 is /dev/null */
    const struct sbx_filter *filter;
};

/* A started child. The caller owns both fds and closes them. */
struct sbx_child {
    pid_t pid;
    int pidfd;     /* pollable; readable once the child has exited */
    int notify_fd; /* seccomp listener, or -1 where the kernel lacks it */
};

/*
 * fork + exec with, in the child and in this order: stdio set up, every other
 * fd closed, death signal SIGKILL when the parent thread exits, no new
 * privileges, the seccomp filter. Returns 0 once the exec has succeeded, or
 * -1 with a reason in err (including the child's exec errno).
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
