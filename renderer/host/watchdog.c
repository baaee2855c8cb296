/*
 * watchdog.c: a CPU-bound script is stopped inside the renderer, with a
 * reason, before the core's limits end the whole process.
 *
 * JavaScriptCore measures each turn of JS against a limit and, at its next
 * safe point past the limit, asks a callback whether to terminate. The
 * function is exported by the library but missing from its public headers
 * (it lives in JSContextRefPrivate.h), so it is declared here.
 */
#include "watchdog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
    return 0;
}
