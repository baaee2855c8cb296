// SPDX-License-Identifier: MIT
/*
 * fs_debounce.c: watch events in plugin-fs's shape, and the debounced
 * watch's queue (see fs_debounce.h). The rules follow notify-debouncer-full
 * 0.3.2 (the version Tauri's plugin-fs 2 locks), whose queue per path keeps
 * first a remove or move out, then a rename, then the rest.
 */
#include "fs_debounce.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct queue {
    char *path; /* owned */
    struct fsd_event *ev;
    size_t n, cap;
};

struct fsd {
    int64_t delay, tick, start;
    struct queue *q;
    size_t nq, capq;
    struct fsd_event from; /* the last rename's from, until its to (paths[0] owned) */
    bool has_from;
};

int64_t fsd_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the shape ------------------------------------------------------------ */

static void pack_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str_with_body(pk, s, strlen(s));
}

/* notify's EventKind as serde writes it: {group: {kind, mode?}}. */
static void pack_kind(msgpack_packer *pk, const struct fsd_event *e)
{
    static const char *const subs[] = {"file", "folder", "any"};
    static const struct {
        const char *group, *kind, *mode;
    } k[] = {
        [FSD_CREATE] = {"create", NULL, NULL},     [FSD_REMOVE] = {"remove", NULL, NULL},
        [FSD_DATA] = {"modify", "data", "any"},    [FSD_META] = {"modify", "metadata", "any"},
        [FSD_FROM] = {"modify", "rename", "from"}, [FSD_TO] = {"modify", "rename", "to"},
        [FSD_BOTH] = {"modify", "rename", "both"}, [FSD_CLOSE] = {"access", "close", "write"},
    };
    msgpack_pack_map(pk, 1);
    pack_str(pk, k[e->kind].group);
    msgpack_pack_map(pk, k[e->kind].mode ? 2 : 1);
    pack_str(pk, "kind");
    pack_str(pk, k[e->kind].kind ? k[e->kind].kind : subs[e->sub]);
    if (k[e->kind].mode) pack_str(pk, "mode"), pack_str(pk, k[e->kind].mode);
}

void fsd_pack(msgpack_packer *pk, const struct fsd_event *e)
{
    msgpack_pack_map(pk, 3);
    pack_str(pk, "type");
    pack_kind(pk, e);
    pack_str(pk, "paths");
    msgpack_pack_array(pk, (uint32_t)e->n_paths);
    for (int i = 0; i < e->n_paths; i++)
        pack_str(pk, e->paths[i]);
    pack_str(pk, "attrs");
    msgpack_pack_map(pk, (uint32_t)e->has_tracker + (uint32_t)e->override);
    if (e->has_tracker) pack_str(pk, "tracker"), msgpack_pack_uint32(pk, e->tracker);
    if (e->override) pack_str(pk, "info"), pack_str(pk, "override");
}

/* ---- queues ---------------------------------------------------------------- */

static void event_clear(struct fsd_event *e)
{
    for (int i = 0; i < e->n_paths; i++)
        free(e->paths[i]);
    e->n_paths = 0;
}

/* e with one path, path (copied); false out of memory. */
static bool event_set_path(struct fsd_event *e, const char *path)
{
    char *p = strdup(path);
    if (!p) return false;
    event_clear(e);
    e->paths[0] = p;
    e->n_paths = 1;
    return true;
}

static bool was_created(const struct queue *q)
{
    return q->n && (q->ev[0].kind == FSD_CREATE || q->ev[0].kind == FSD_TO);
}

static bool was_removed(const struct queue *q)
{
    return q->n && (q->ev[0].kind == FSD_REMOVE || q->ev[0].kind == FSD_FROM);
}

static struct queue *find(struct fsd *d, const char *path)
{
    for (size_t i = 0; i < d->nq; i++)
        if (!strcmp(d->q[i].path, path)) return &d->q[i];
    return NULL;
}

static struct queue *make(struct fsd *d, const char *path)
{
    if (d->nq == d->capq) {
        size_t cap = d->capq ? 2 * d->capq : 16;
        struct queue *q = realloc(d->q, cap * sizeof *q);
        if (!q) return NULL;
        d->q = q, d->capq = cap;
    }
    char *p = strdup(path);
    if (!p) return NULL;
    d->q[d->nq] = (struct queue){.path = p};
    return &d->q[d->nq++];
}

/* Frees q's events (and, with drop, q itself, moving the last queue into its place). */
static void queue_clear(struct fsd *d, struct queue *q, bool drop)
{
    for (size_t i = 0; i < q->n; i++)
        event_clear(&q->ev[i]);
    q->n = 0;
    if (!drop) return;
    free(q->path);
    free(q->ev);
    *q = d->q[--d->nq];
}

/* Takes e (its paths) into q at position at (0: the front; q->n: the back). */
static bool insert(struct queue *q, size_t at, struct fsd_event *e)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 4;
        struct fsd_event *ev = realloc(q->ev, cap * sizeof *ev);
        if (!ev) return event_clear(e), false;
        q->ev = ev, q->cap = cap;
    }
    memmove(q->ev + at + 1, q->ev + at, (q->n - at) * sizeof *q->ev);
    q->ev[at] = *e;
    q->n++;
    return true;
}

static struct fsd_event take(struct queue *q, size_t at)
{
    struct fsd_event e = q->ev[at];
    memmove(q->ev + at, q->ev + at + 1, (q->n - at - 1) * sizeof *q->ev);
    q->n--;
    return e;
}

static size_t pending(const struct fsd *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nq; i++)
        n += d->q[i].n;
    return n;
}

/* No duplicate creates, no modifications right after a create. Takes e. */
static void push_event(struct fsd *d, struct fsd_event *e)
{
    struct queue *q = find(d, e->paths[0]);
    if (q && was_created(q) &&
        (e->kind == FSD_DATA || e->kind == FSD_META || e->kind == FSD_CREATE)) {
        event_clear(e);
        return;
    }
    if (!q) q = make(d, e->paths[0]);
    if (!q || !insert(q, q->n, e)) event_clear(e);
}

/* A remove ends what was below it; a remove of what was just made leaves nothing. */
static void push_remove(struct fsd *d, struct fsd_event *e)
{
    const char *path = e->paths[0];
    size_t len = strlen(path);
    for (size_t i = 0; i < d->nq;) {
        const char *p = d->q[i].path;
        if (!strncmp(p, path, len) && (p[len] == '/' || (len == 1 && p[1])))
            queue_clear(d, &d->q[i], true);
        else
            i++;
    }
    struct queue *q = find(d, path);
    if (q && was_created(q)) {
        queue_clear(d, q, true);
        event_clear(e);
    } else if (q) {
        queue_clear(d, q, false);
        insert(q, 0, e);
    } else {
        push_event(d, e);
    }
}

/* A rename from old_path (at time) to e's path: the old path's events move with it. Takes e. */
static void push_rename(struct fsd *d, const char *old_path, struct fsd_event *e, int64_t time)
{
    struct queue src = {0};
    struct queue *q = find(d, old_path);
    if (q) {
        src = *q;
        free(q->path);
        *q = d->q[--d->nq]; /* src now owns the events */
        src.path = NULL;
    }
    if (src.n) {
        struct fsd_event last = take(&src, src.n - 1); /* the rename's from */
        event_clear(&last);
    }
    char *original = strdup(old_path);
    for (size_t i = 0; i < src.n; i++)
        if (src.ev[i].kind == FSD_BOTH) { /* renamed before: keep where it started */
            struct fsd_event both = take(&src, i);
            free(original);
            original = both.paths[0];
            both.paths[0] = NULL;
            time = both.time;
            event_clear(&both);
            break;
        }
    if (was_removed(&src)) { /* that stays with the old path */
        struct fsd_event gone = take(&src, 0);
        struct queue *old = find(d, gone.paths[0]);
        if (old) queue_clear(d, old, false);
        if (!old) old = make(d, gone.paths[0]);
        if (!old || !insert(old, 0, &gone)) event_clear(&gone);
    }
    for (size_t i = 0; i < src.n; i++)
        event_set_path(&src.ev[i], e->paths[0]);
    if (!was_created(&src) && original) {
        struct fsd_event both = {.kind = FSD_BOTH,
                                 .paths = {original, strdup(e->paths[0])},
                                 .n_paths = 2,
                                 .has_tracker = e->has_tracker,
                                 .tracker = e->tracker,
                                 .time = time};
        original = NULL;
        if (both.paths[1])
            insert(&src, 0, &both);
        else
            event_clear(&both);
    }
    free(original);
    struct queue *target = find(d, e->paths[0]);
    if (target && !was_created(target)) {
        struct fsd_event rm = {.kind = FSD_REMOVE,
                               .sub = FSD_ANY,
                               .paths = {strdup(e->paths[0])},
                               .n_paths = 1,
                               .override = !was_removed(target),
                               .time = time};
        if (rm.paths[0]) insert(&src, 0, &rm);
    }
    if (!target) target = make(d, e->paths[0]);
    if (target) {
        queue_clear(d, target, false);
        free(target->ev);
        target->ev = src.ev, target->n = src.n, target->cap = src.cap;
    } else {
        queue_clear(d, &src, false);
        free(src.ev);
    }
    event_clear(e);
}

struct fsd *fsd_new(uint64_t delay_ms)
{
    struct fsd *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->delay = delay_ms > INT32_MAX ? INT32_MAX : (int64_t)delay_ms;
    d->tick = d->delay / 4 ? d->delay / 4 : 1;
    d->start = fsd_now();
    return d;
}

void fsd_free(struct fsd *d)
{
    if (!d) return;
    while (d->nq)
        queue_clear(d, &d->q[0], true);
    free(d->q);
    event_clear(&d->from);
    free(d);
}

void fsd_add(struct fsd *d, const struct fsd_event *in, const char *path)
{
    if (pending(d) >= FSD_MAX_PENDING) return;
    struct fsd_event e = *in;
    e.n_paths = 0;
    if (!event_set_path(&e, path)) return;
    switch (e.kind) {
    case FSD_FROM:
        event_clear(&d->from);
        d->from = (struct fsd_event){.paths = {strdup(path)},
                                     .n_paths = 1,
                                     .has_tracker = e.has_tracker,
                                     .tracker = e.tracker,
                                     .time = e.time};
        d->has_from = d->from.paths[0] != NULL;
        push_event(d, &e);
        break;
    case FSD_TO:
        if (d->has_from && d->from.has_tracker && e.has_tracker && d->from.tracker == e.tracker)
            push_rename(d, d->from.paths[0], &e, d->from.time);
        else
            push_event(d, &e); /* moved in */
        event_clear(&d->from);
        d->has_from = false;
        break;
    case FSD_BOTH: /* made from from and to here */
        event_clear(&e);
        break;
    case FSD_REMOVE:
        push_remove(d, &e);
        break;
    default:
        push_event(d, &e);
    }
}

int64_t fsd_wait(const struct fsd *d, int64_t now)
{
    int64_t first = -1;
    for (size_t i = 0; i < d->nq; i++)
        if (d->q[i].n && (first < 0 || d->q[i].ev[0].time < first)) first = d->q[i].ev[0].time;
    if (first < 0) return -1;
    /* The first tick (start + k * tick, k >= 1) at which the oldest is delay old. */
    int64_t due = first + d->delay, k = (due - d->start + d->tick - 1) / d->tick;
    int64_t at = d->start + (k < 1 ? 1 : k) * d->tick;
    return at > now ? at - now : 0;
}

/* ---- a batch ----------------------------------------------------------------- */

struct batch {
    struct fsd_event *ev;
    size_t n, cap;
};

static bool same_kind(const struct fsd_event *a, const struct fsd_event *b)
{
    return a->kind == b->kind &&
           ((a->kind != FSD_CREATE && a->kind != FSD_REMOVE) || a->sub == b->sub);
}

/* The due events of q into b: of one kind only the last, where that one was. */
static void expire(struct queue *q, int64_t now, int64_t delay, struct batch *b)
{
    size_t first = b->n;
    while (q->n && now - q->ev[0].time >= delay) {
        if (b->n == b->cap) {
            size_t cap = b->cap ? 2 * b->cap : 16;
            struct fsd_event *ev = realloc(b->ev, cap * sizeof *ev);
            if (!ev) return;
            b->ev = ev, b->cap = cap;
        }
        struct fsd_event e = take(q, 0);
        for (size_t i = first; i < b->n; i++)
            if (same_kind(&b->ev[i], &e)) {
                event_clear(&b->ev[i]);
                memmove(b->ev + i, b->ev + i + 1, (b->n - i - 1) * sizeof *b->ev);
                b->n--;
                break;
            }
        b->ev[b->n++] = e;
    }
}

static const char *last_path(const struct fsd_event *e)
{
    return e->paths[e->n_paths - 1];
}

/*
 * notify's sort_events: by path (the last one: a rename's target), the path
 * whose next event is oldest first (equal times: the smaller path), taking
 * each time every event of that path up to that time, so one path's order stays.
 */
static void emit_sorted(struct batch *b, fsd_emit_fn emit, void *ud)
{
    /* heads[g]: path g's next event not sent; next[i]: the one after i on its path. */
    size_t *next = malloc((b->n + 1) * sizeof *next), *heads = malloc((b->n + 1) * sizeof *heads);
    size_t n_heads = 0;
    if (!next || !heads) goto out;
    for (size_t i = 0; i < b->n; i++) {
        next[i] = SIZE_MAX;
        size_t g = 0;
        while (g < n_heads && strcmp(last_path(&b->ev[heads[g]]), last_path(&b->ev[i])))
            g++;
        if (g == n_heads) {
            heads[n_heads++] = i;
        } else {
            size_t j = heads[g];
            while (next[j] != SIZE_MAX)
                j = next[j];
            next[j] = i;
        }
    }
    for (;;) {
        size_t best = SIZE_MAX; /* the group whose next event is oldest (equal: smaller path) */
        for (size_t g = 0; g < n_heads; g++) {
            if (heads[g] == SIZE_MAX) continue;
            const struct fsd_event *e = &b->ev[heads[g]];
            if (best == SIZE_MAX || e->time < b->ev[heads[best]].time ||
                (e->time == b->ev[heads[best]].time &&
                 strcmp(last_path(e), last_path(&b->ev[heads[best]])) < 0))
                best = g;
        }
        if (best == SIZE_MAX) break;
        int64_t t = b->ev[heads[best]].time;
        do {
            emit(ud, &b->ev[heads[best]]);
            heads[best] = next[heads[best]];
        } while (heads[best] != SIZE_MAX && b->ev[heads[best]].time <= t);
    }
out:
    free(next), free(heads);
}

void fsd_flush(struct fsd *d, int64_t now, fsd_emit_fn emit, void *ud)
{
    struct batch b = {0};
    for (size_t i = 0; i < d->nq;) {
        expire(&d->q[i], now, d->delay, &b);
        if (d->q[i].n)
            i++;
        else
            queue_clear(d, &d->q[i], true);
    }
    emit_sorted(&b, emit, ud);
    for (size_t i = 0; i < b.n; i++)
        event_clear(&b.ev[i]);
    free(b.ev);
}
