// SPDX-License-Identifier: MIT
/*
 * notify.c: the core's side of the seccomp listener. A notification means the
 * renderer attempted a call outside the allowlist: it is killed first, then
 * the call is refused, so the call never runs and the renderer never sees the
 * refusal.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Above every native system call number of the architectures Moat builds for. */
#define NAME_TABLE_SIZE 1024

static const char *names[NAME_TABLE_SIZE];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

/* The table lives for the process: names are handed out as static strings. */
static void names_build(void)
{
    for (int nr = 0; nr < NAME_TABLE_SIZE; nr++)
        names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
}

const char *sbx_syscall_name(int nr)
{
    if (nr < 0 || nr >= NAME_TABLE_SIZE) return NULL;
    pthread_once(&names_once, names_build);
    return names[nr];
}

/* Small values (fds, flags, families) in decimal, pointers and masks in hex. */
static int format_arg(char *buf, size_t len, uint64_t v)
{
    return snprintf(buf, len, v < 0x10000 ? "%llu" : "0x%llx", (unsigned long long)v);
}

static void format_report(const struct seccomp_notif *req, char *report, size_t len)
{
    char a[3][24], nr[16];
    const char *name = sbx_syscall_name(req->data.nr);
    if (!name) {
        snprintf(nr, sizeof nr, "%d", req->data.nr);
        name = nr;
    }
    for (int i = 0; i < 3; i++)
        format_arg(a[i], sizeof a[i], req->data.args[i]);
    snprintf(report, len, "forbidden system call %s(%s, %s, %s)", name, a[0], a[1], a[2]);
}

/* True when a notification is queued, so that the receive cannot block. */
static int pending(int notify_fd)
{
    struct pollfd p = {.fd = notify_fd, .events = POLLIN};
    int n;
    do
        n = poll(&p, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    return n == 1 && (p.revents & POLLIN);
}

static int receive(int notify_fd, struct seccomp_notif *req)
{
    for (;;) {
        memset(req, 0, sizeof *req); /* the kernel insists on a zeroed buffer */
        if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) return 1;
        if (errno == ENOENT) return 0; /* the caller died after poll saw it: cancelled */
        if (errno != EINTR) return -1;
    }
}

static int refuse(int notify_fd, const struct seccomp_notif *req)
{
    struct seccomp_notif_resp resp = {.id = req->id, .error = -ENOSYS};
    if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0 || errno == ENOENT)
        return 0; /* ENOENT: the SIGKILL already ended the call */
    return -1;
}

int sbx_notify_handle(int notify_fd, int pidfd, char *report, size_t len)
{
    struct seccomp_notif req;
    int rc = pending(notify_fd);
    if (rc <= 0) return rc;
    rc = receive(notify_fd, &req);
    if (rc <= 0) return rc;
    if (report && len) format_report(&req, report, len);
    /* Killed before the answer, so no thread of it runs on after a violation. */
    int killed = (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    int kill_errno = errno;
    if (refuse(notify_fd, &req) < 0) return -1;
    if (killed < 0 && kill_errno != ESRCH) {
        errno = kill_errno;
        return -1;
    }
    return 1;
}
