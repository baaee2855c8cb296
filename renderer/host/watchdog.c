// SPDX-License-Identifier: MIT
/*
 * watchdog.c: a CPU-bound script is stopped inside the renderer, with a
 * reason, before the core's limits end the whole process.
 *
 * JavaScriptCore measures each turn of JS against a limit and, at its next
 * safe point past the limit, asks a callback whether to terminate. The
 * function is exported by the library but missing from its public headers
 * (it lives in JSContextRefPrivate.h), so it is declared here.
 *
 * JavaScriptCore's limit does not cover the promise jobs it runs as a turn
 * ends (an endless chain of them ran 26 s): a thread of the host's own
 * watches the JS thread's CPU time across the whole turn as well, and ends
 * the process when the turn passes the same limit.
 */
#include "watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef bool (*JSShouldTerminateCallback)(JSContextRef ctx, void *context);
extern void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit,
                                                JSShouldTerminateCallback callback, void *context);

static unsigned long long limit_ms;

/* Runs on the JS thread at a safe point: stdio is usable, and nothing of the script runs after. */
static bool stop_script(JSContextRef ctx, void *context)
{
    (void)ctx, (void)context;
    fflush(stdout);
    fprintf(stderr,
            "moat-renderer: a script ran for more than %llu ms of CPU time without returning "
            "to the event loop: stopped by the watchdog\n",
            limit_ms);
    fflush(stderr);
    _exit(HOST_WATCHDOG_EXIT);
}

static clockid_t js_clock;
static atomic_llong turn_start_ns =
    -1; /* the JS thread's CPU time at the turn's start; -1: between turns */

static long long cpu_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void host_watchdog_turn(bool begins)
{
    if (limit_ms) atomic_store(&turn_start_ns, begins ? cpu_ns(CLOCK_THREAD_CPUTIME_ID) : -1);
}

static void *watch(void *arg)
{
    (void)arg;
    struct timespec nap = {0, (long)(limit_ms < 40 ? 10 : limit_ms / 4) * 1000000};
    if (nap.tv_nsec >= 1000000000) nap.tv_sec = nap.tv_nsec / 1000000000, nap.tv_nsec %= 1000000000;
    for (;;) {
        nanosleep(&nap, NULL);
        long long start = atomic_load(&turn_start_ns);
        if (start < 0 || cpu_ns(js_clock) - start <= (long long)limit_ms * 1000000) continue;
        fprintf(stderr,
                "moat-renderer: a script ran for more than %llu ms of CPU time without returning "
                "to the event loop (promise jobs included): stopped by the watchdog\n",
                limit_ms);
        _exit(HOST_WATCHDOG_EXIT); /* the JS thread is busy: nothing of it can be flushed safely */
    }
    return NULL;
}

int host_watchdog_arm(JSGlobalContextRef ctx)
{
    const char *env = getenv("MOAT_TURN_LIMIT_MS");
    if (!env || !*env) return 0;
    char *end;
    errno = 0;
    limit_ms = strtoull(env, &end, 10);
    if (errno || *end) {
        fprintf(stderr, "moat-renderer: MOAT_TURN_LIMIT_MS=%s is not a number of milliseconds\n",
                env);
        return -1;
    }
    if (limit_ms == 0) return 0;
    JSContextGroupSetExecutionTimeLimit(JSContextGetGroup(ctx), (double)limit_ms / 1000.0,
                                        stop_script, NULL);
    pthread_t t;
    if (pthread_getcpuclockid(pthread_self(), &js_clock) != 0 ||
        pthread_create(&t, NULL, watch, NULL) != 0) {
        fprintf(stderr, "moat-renderer: cannot start the watchdog's thread\n");
        return -1;
    }
    pthread_detach(t);
    return 0;
}
