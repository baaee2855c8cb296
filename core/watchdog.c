// SPDX-License-Identifier: MIT
/*
 * watchdog.c: the core's watch over each renderer's CPU time and memory.
 *
 * The kernel's limits alone do not say why a renderer died: a renderer is
 * the init of its pid namespace, which ignores SIGXCPU, so RLIMIT_CPU ends it
 * with a bare SIGKILL, and JavaScriptCore reserves far more address space
 * than it uses, so its memory can only be bounded by what is resident. A
 * thread per renderer reads both from /proc every 100 ms and ends a renderer
 * over a limit with a reason. The kernel limits (set a little higher) stay as
 * the backstop. The thread holds a reference to the renderer and ends when
 * the process has ended, so it never outlives what it reads.
 */
#include "sandbox_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PERIOD_MS 100

struct watch {
    moat_renderer *r; /* a reference */
    int pidfd;        /* its own: r's closes when r ends */
    pid_t pid;
    uint64_t cpu_ticks; /* 0: no CPU limit */
    uint64_t cpu_seconds;
    uint64_t rss_pages; /* 0: no memory limit */
    uint64_t memory_bytes;
};

/* utime + stime in clock ticks, from /proc/PID/stat; -1 when gone. */
static long long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

/* Resident pages, from /proc/PID/statm; -1 when gone. */
static long long resident_pages(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    unsigned long long size, rss;
    return sscanf(buf, "%llu %llu", &size, &rss) == 2 ? (long long)rss : -1;
}

/* 1 when w's renderer went over a limit and has been ended. */
static int check(const struct watch *w)
{
    long long t = w->cpu_ticks ? cpu_ticks(w->pid) : -1;
    if (t >= 0 && (uint64_t)t >= w->cpu_ticks) {
        core_renderer_abort(w->r, "exceeded its CPU time limit of %llu s",
                            (unsigned long long)w->cpu_seconds);
        return 1;
    }
    long long pages = w->rss_pages ? resident_pages(w->pid) : -1;
    if (pages >= 0 && (uint64_t)pages > w->rss_pages) {
        long page = sysconf(_SC_PAGESIZE);
        core_renderer_abort(w->r,
                            "exceeded its memory limit: %llu MiB resident, the limit is %llu MiB",
                            (unsigned long long)pages * (unsigned long long)page >> 20,
                            (unsigned long long)(w->memory_bytes >> 20));
        return 1;
    }
    return 0;
}

static void *watch_main(void *arg)
{
    struct watch *w = arg;
    struct pollfd p = {.fd = w->pidfd, .events = POLLIN};
    for (;;) {
        int n = poll(&p, 1, PERIOD_MS);
        if (n > 0 || (n < 0 && errno != EINTR)) break; /* the process has ended */
        if (check(w)) break;
    }
    close(w->pidfd);
    core_renderer_unref(w->r);
    free(w);
    return NULL;
}

int core_sandbox_watch(moat_renderer *r)
{
    moat_sandbox_opts o = core_sandbox_opts(r->app);
    long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    uint64_t memory = o.memory_bytes == UINT64_MAX ? 0 : o.memory_bytes;
    if (!o.cpu_seconds && !memory) return 0;
    struct watch *w = calloc(1, sizeof *w);
    if (!w) return core_fail("out of memory");
    *w = (struct watch){.r = r,
                        .pidfd = fcntl(r->child.pidfd, F_DUPFD_CLOEXEC, 0),
                        .pid = r->child.pid,
                        .cpu_ticks = o.cpu_seconds * (uint64_t)(ticks > 0 ? ticks : 100),
                        .cpu_seconds = o.cpu_seconds,
                        .rss_pages = memory / (uint64_t)(page > 0 ? page : 4096),
                        .memory_bytes = memory};
    if (w->pidfd < 0) {
        free(w);
        return core_fail("cannot watch the renderer: %m");
    }
    core_renderer_ref(r);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, watch_main, w);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        core_renderer_unref(r);
        close(w->pidfd);
        free(w);
        return core_fail("cannot start the renderer's watchdog: %s", strerror(rc));
    }
    return 0;
}
