// SPDX-License-Identifier: MIT
/*
 * timers.c: command timeouts, a binary min-heap on the run thread. An entry
 * names a call by (renderer, id, serial), so a timer whose call was answered
 * (or whose id was reused) fires harmlessly.
 */
#include "internal.h"

#include <stdlib.h>

static void swap(struct core_timer *a, struct core_timer *b)
{
    struct core_timer t = *a;
    *a = *b;
    *b = t;
}

int core_timers_add(struct core_timers *t, int64_t due_ms, moat_renderer *r, uint64_t id,
                    uint64_t serial, bool warn)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct core_timer *h = realloc(t->heap, cap * sizeof *h);
        if (!h) return -1;
        t->heap = h;
        t->cap = cap;
    }
    core_renderer_ref(r);
    size_t i = t->count++;
    t->heap[i] = (struct core_timer){due_ms, r, id, serial, warn};
    while (i > 0 && t->heap[(i - 1) / 2].due_ms > t->heap[i].due_ms) {
        swap(&t->heap[(i - 1) / 2], &t->heap[i]);
        i = (i - 1) / 2;
    }
    return 0;
}

static struct core_timer pop(struct core_timers *t)
{
    struct core_timer top = t->heap[0];
    t->heap[0] = t->heap[--t->count];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->count && t->heap[l].due_ms < t->heap[m].due_ms) m = l;
        if (r < t->count && t->heap[r].due_ms < t->heap[m].due_ms) m = r;
        if (m == i) break;
        swap(&t->heap[i], &t->heap[m]);
        i = m;
    }
    return top;
}

int core_timers_wait(const struct core_timers *t, int64_t now)
{
    if (t->count == 0) return -1;
    int64_t wait = t->heap[0].due_ms - now;
    return wait <= 0 ? 0 : (wait > 60000 ? 60000 : (int)wait);
}

void core_timers_fire(struct core_timers *t, int64_t now)
{
    while (t->count > 0 && t->heap[0].due_ms <= now) {
        struct core_timer e = pop(t);
        if (e.warn)
            core_call_warn(e.r, e.id, e.serial);
        else
            core_call_cancel(e.r, e.id, e.serial, "timeout");
        core_renderer_unref(e.r);
    }
}

void core_timers_free(struct core_timers *t)
{
    for (size_t i = 0; i < t->count; i++)
        core_renderer_unref(t->heap[i].r);
    free(t->heap);
    t->heap = NULL;
    t->count = t->cap = 0;
}
