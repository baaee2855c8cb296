/*
 * timers.c: setTimeout/setInterval for the JS host. A flat array: bundles
 * keep few timers alive at once, and a scan beats a heap at that size.
 */
#include "host.h"

#include <stdlib.h>
#include <time.h>

int64_t host_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int host_timer_start(double id, int64_t delay_ms, bool repeat)
{
    if (host.ntimers == host.captimers) {
        size_t cap = host.captimers ? host.captimers * 2 : 16;
        struct host_timer *t = realloc(host.timers, cap * sizeof *t);
        if (!t) return -1;
        host.timers = t;
        host.captimers = cap;
    }
    /* Browsers clamp repeating timers; a 0 ms interval would spin the loop. */
    int64_t interval = repeat ? (delay_ms > 0 ? delay_ms : 1) : 0;
    host.timers[host.ntimers++] = (struct host_timer){id, host_now_ms() + delay_ms, interval};
    return 0;
}

void host_timer_stop(double id)
{
    for (size_t i = 0; i < host.ntimers; i++) {
        if (host.timers[i].id == id) {
            host.timers[i] = host.timers[--host.ntimers];
            return;
        }
    }
}

int host_timer_wait_ms(void)
{
    if (host.ntimers == 0) return -1;
    int64_t next = host.timers[0].due_ms;
    for (size_t i = 1; i < host.ntimers; i++)
        if (host.timers[i].due_ms < next) next = host.timers[i].due_ms;
    int64_t wait = next - host_now_ms();
    return wait <= 0 ? 0 : (wait > 60000 ? 60000 : (int)wait);
}

/* Index of the earliest due timer, or -1. Earliest first keeps setTimeout order. */
static long earliest_due(int64_t now)
{
    long best = -1;
    for (size_t i = 0; i < host.ntimers; i++)
        if (host.timers[i].due_ms <= now &&
            (best < 0 || host.timers[i].due_ms < host.timers[best].due_ms ||
             (host.timers[i].due_ms == host.timers[best].due_ms &&
              host.timers[i].id < host.timers[best].id)))
            best = (long)i;
    return best;
}

void host_timer_fire_due(void)
{
    int64_t now = host_now_ms();
    /* Fire at most the timers due now, so that an interval cannot starve I/O. */
    size_t budget = host.ntimers;
    long i;
    while (budget-- > 0 && (i = earliest_due(now)) >= 0) {
        struct host_timer t = host.timers[i];
        if (t.interval_ms > 0)
            host.timers[i].due_ms = now + t.interval_ms;
        else
            host.timers[i] = host.timers[--host.ntimers];
        JSValueRef arg = JSValueMakeNumber(host.ctx, t.id);
        host_call_hook("timer", 1, &arg);
    }
}
