// SPDX-License-Identifier: MIT
/*
 * timers.c: setTimeout/setInterval for the JS host, kept here rather than in
 * prelude.js: a binary heap ordered by (due time, sequence) and a table from
 * id to timer, so that starting, clearing and firing each cost O(log n) with
 * any number of timers (a flat array scanned per firing took 9 s for 100,000).
 * The heap holds its keys inline (no pointer chased while sifting), and a
 * cleared timer stays in it, marked, until it reaches the top or dead entries
 * outnumber live ones (then the heap is rebuilt without them).
 * The callback and its arguments are protected from the collector while the
 * timer lives; the loop calls the callback directly.
 */
#include "convert.h"
#include "host.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

struct timer {
    uint64_t id;
    int64_t interval_ms;  /* > 0 repeats */
    bool firing, cleared; /* cleared: out of the table, its heap entry dead */
    JSObjectRef fn;       /* protected, as is each argument, until cleared or done */
    size_t argc;
    JSValueRef argv[];
};

struct entry {
    int64_t due_ms; /* CLOCK_MONOTONIC milliseconds */
    uint64_t seq;   /* ties on due_ms fire in the order they were scheduled */
    struct timer *t;
};

static struct {
    struct entry *heap;
    size_t n, cap, dead;  /* entries, room, entries of cleared timers */
    struct timer **table; /* live timers by id: open addressing, linear probing */
    size_t table_cap;     /* a power of two, at most half full */
    uint64_t next_id, next_seq;
} T = {.next_id = 1};

int64_t host_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the heap */

static bool before(const struct entry *a, const struct entry *b)
{
    return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->seq < b->seq);
}

static void sift_up(size_t i)
{
    struct entry e = T.heap[i];
    while (i > 0 && before(&e, &T.heap[(i - 1) / 2])) {
        T.heap[i] = T.heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    T.heap[i] = e;
}

static void sift_down(size_t i)
{
    struct entry e = T.heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= T.n) break;
        if (c + 1 < T.n && before(&T.heap[c + 1], &T.heap[c])) c++;
        if (!before(&T.heap[c], &e)) break;
        T.heap[i] = T.heap[c];
        i = c;
    }
    T.heap[i] = e;
}

static void heap_pop(void)
{
    T.heap[0] = T.heap[--T.n];
    if (T.n) sift_down(0);
}

/* Frees the timers of dead entries at the top, so that the top is live (or the heap empty). */
static void drop_dead_top(void)
{
    while (T.n && T.heap[0].t->cleared) {
        struct timer *t = T.heap[0].t;
        heap_pop();
        T.dead--;
        if (!t->firing) free(t);
    }
}

/* Rebuilds the heap without dead entries, once they outnumber the live ones. */
static void compact(void)
{
    if (T.dead < 64 || T.dead < T.n - T.dead) return;
    size_t kept = 0, dead = 0;
    for (size_t i = 0; i < T.n; i++) {
        struct timer *t = T.heap[i].t;
        if (!t->cleared || t->firing) /* a running interval's entry stays: it frees it later */
            T.heap[kept++] = T.heap[i], dead += t->cleared;
        else
            free(t);
    }
    T.n = kept, T.dead = dead;
    for (size_t i = kept / 2; i-- > 0;)
        sift_down(i);
}

/* ---- the table */

static size_t slot_of(uint64_t id, size_t cap)
{
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

static void table_put(struct timer **table, size_t cap, struct timer *t)
{
    size_t i = slot_of(t->id, cap);
    while (table[i])
        i = (i + 1) & (cap - 1);
    table[i] = t;
}

static struct timer **table_find(uint64_t id)
{
    if (!T.table_cap) return NULL;
    for (size_t i = slot_of(id, T.table_cap); T.table[i]; i = (i + 1) & (T.table_cap - 1))
        if (T.table[i]->id == id) return &T.table[i];
    return NULL;
}

/* Removes the entry at *slot, moving back those that probed past it. */
static void table_delete(struct timer **slot)
{
    size_t mask = T.table_cap - 1, hole = (size_t)(slot - T.table);
    T.table[hole] = NULL;
    for (size_t i = (hole + 1) & mask; T.table[i]; i = (i + 1) & mask) {
        size_t home = slot_of(T.table[i]->id, T.table_cap);
        /* The entry at i may fill the hole when its home is not in (hole, i]. */
        if ((i > hole) ? (home <= hole || home > i) : (home <= hole && home > i)) {
            T.table[hole] = T.table[i];
            T.table[i] = NULL;
            hole = i;
        }
    }
}

/* Room for one more timer in the heap and the table; 0 or -1 without memory. */
static int reserve(void)
{
    if (T.n == T.cap) {
        size_t cap = T.cap ? T.cap * 2 : 64;
        struct entry *h = realloc(T.heap, cap * sizeof *h);
        if (!h) return -1;
        T.heap = h, T.cap = cap;
    }
    if (2 * (host.ntimers + 1) > T.table_cap) {
        size_t cap = T.table_cap ? T.table_cap * 2 : 128;
        struct timer **table = calloc(cap, sizeof *table);
        if (!table) return -1;
        for (size_t i = 0; i < T.table_cap; i++)
            if (T.table[i]) table_put(table, cap, T.table[i]);
        free(T.table);
        T.table = table, T.table_cap = cap;
    }
    return 0;
}

/* ---- timers' lives */

/* Lets the collector have the callback and its arguments. */
static void timer_release(struct timer *t)
{
    JSValueUnprotect(host.ctx, t->fn);
    for (size_t i = 0; i < t->argc; i++)
        JSValueUnprotect(host.ctx, t->argv[i]);
}

/* Clears a live timer: out of the table, its heap entry dead (freed when it surfaces). */
static void timer_clear(struct timer *t, struct timer **slot)
{
    table_delete(slot);
    timer_release(t);
    t->cleared = true;
    T.dead++;
    host.ntimers--;
    compact();
}

/* setTimeout(fn, ms, ...args) and setInterval: the new timer's id. */
static JSValueRef timer_start(JSContextRef ctx, size_t argc, const JSValueRef argv[], bool repeat,
                              JSValueRef *exc)
{
    if (argc < 1 || !JSValueIsObject(ctx, argv[0]) ||
        !JSObjectIsFunction(ctx, (JSObjectRef)argv[0])) {
        *exc = cv_type_error(ctx, "timer callback must be a function");
        return JSValueMakeUndefined(ctx);
    }
    double ms = argc > 1 ? JSValueToNumber(ctx, argv[1], exc) : 0;
    if (*exc) return JSValueMakeUndefined(ctx);
    if (!(ms >= 0)) ms = 0; /* NaN too, as Number(ms) || 0 */
    if (ms > 1e12) ms = 1e12;
    size_t nargs = argc > 2 ? argc - 2 : 0;
    struct timer *t = malloc(sizeof *t + nargs * sizeof t->argv[0]);
    if (!t || reserve() != 0) {
        free(t);
        *exc = cv_type_error(ctx, "out of memory for a timer");
        return JSValueMakeUndefined(ctx);
    }
    int64_t delay = (int64_t)floor(ms);
    /* Browsers clamp repeating timers; a 0 ms interval would spin the loop. */
    *t = (struct timer){.id = T.next_id++,
                        .interval_ms = repeat ? (delay > 0 ? delay : 1) : 0,
                        .fn = (JSObjectRef)argv[0],
                        .argc = nargs};
    JSValueProtect(ctx, t->fn);
    for (size_t i = 0; i < nargs; i++) {
        t->argv[i] = argv[i + 2];
        JSValueProtect(ctx, t->argv[i]);
    }
    T.heap[T.n] = (struct entry){host_now_ms() + delay, T.next_seq++, t};
    sift_up(T.n++);
    table_put(T.table, T.table_cap, t);
    host.ntimers++;
    return JSValueMakeNumber(ctx, (double)t->id);
}

JSValueRef host_js_set_timeout(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                               const JSValueRef argv[], JSValueRef *exc)
{
    (void)fn, (void)self;
    return timer_start(ctx, argc, argv, false, exc);
}

JSValueRef host_js_set_interval(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                                const JSValueRef argv[], JSValueRef *exc)
{
    (void)fn, (void)self;
    return timer_start(ctx, argc, argv, true, exc);
}

/* clearTimeout(id) and clearInterval(id): anything that is not a live timer's id is ignored. */
JSValueRef host_js_clear_timer(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                               const JSValueRef argv[], JSValueRef *exc)
{
    (void)fn, (void)self, (void)exc;
    double id = argc > 0 && JSValueIsNumber(ctx, argv[0]) ? JSValueToNumber(ctx, argv[0], NULL) : 0;
    struct timer **slot =
        id >= 1 && id < 18446744073709551616.0 && id == floor(id) ? table_find((uint64_t)id) : NULL;
    if (slot) timer_clear(*slot, slot);
    return JSValueMakeUndefined(ctx);
}

int host_timer_wait_ms(void)
{
    drop_dead_top();
    if (T.n == 0) return -1;
    int64_t wait = T.heap[0].due_ms - host_now_ms();
    return wait <= 0 ? 0 : (wait > 60000 ? 60000 : (int)wait);
}

/* Calls t's callback; an exception it throws ends the renderer, as any uncaught one. */
static void fire(struct timer *t)
{
    JSValueRef exc = NULL;
    t->firing = true;
    JSObjectCallAsFunction(host.ctx, t->fn, NULL, t->argc, t->argv, &exc);
    t->firing = false;
    if (exc) host_die_js("Uncaught", exc);
}

void host_timer_fire_due(void)
{
    int64_t now = host_now_ms();
    /* Only timers scheduled before this turn: a callback that schedules another
     * at 0 ms (or an interval) cannot keep the loop from its messages. */
    uint64_t limit = T.next_seq;
    for (drop_dead_top(); T.n && T.heap[0].due_ms <= now && T.heap[0].seq < limit;
         drop_dead_top()) {
        struct timer *t = T.heap[0].t;
        if (t->interval_ms > 0) {
            T.heap[0].due_ms = now + t->interval_ms;
            T.heap[0].seq = T.next_seq++;
            sift_down(0);
            JSValueProtect(host.ctx, t->fn); /* clearInterval from inside releases it */
            fire(t);
            JSValueUnprotect(host.ctx, t->fn);
            /* Cleared from inside: its new entry is dead and frees it when it surfaces. */
        } else {
            heap_pop();
            table_delete(table_find(t->id));
            host.ntimers--;
            fire(t);
            timer_release(t);
            free(t);
        }
    }
}
