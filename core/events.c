// SPDX-License-Identifier: MIT
/*
 * events.c: events, Tauri's way. A renderer listens, unlistens and emits by
 * invoking core:event:listen, unlisten, emit and emit_to (what
 * @tauri-apps/api sends as plugin:event|…), so the policy gates events like
 * any command. The core keeps each renderer's listeners and sends it an
 * event only when it listens for that name; events for names it does not
 * listen for yet are kept a while (early events, below).
 */
#include "internal.h"
#include "ipc_nng.h"

#include <stdlib.h>
#include <string.h>

static const msgpack_object *arg(const msgpack_object *m, const char *key)
{
    if (m->type != MSGPACK_OBJECT_MAP) return NULL;
    size_t n = strlen(key);
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->via.str.size == n && !memcmp(k->via.str.ptr, key, n)) return &m->via.map.ptr[i].val;
    }
    return NULL;
}

/* A valid event name from args[key] into out, or false. */
static bool name_arg(const msgpack_object *args, const char *key, char *out)
{
    const msgpack_object *v = arg(args, key);
    if (!v || v->type != MSGPACK_OBJECT_STR || !ipc_name_ok(v->via.str.ptr, v->via.str.size))
        return false;
    memcpy(out, v->via.str.ptr, v->via.str.size);
    out[v->via.str.size] = '\0';
    return true;
}

int core_send_event(moat_renderer *r, const char *name, const void *payload, size_t len,
                    const char *sender)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    size_t moved;
    struct ipc_ring *tx = payload ? core_bulk_begin(r, len) : NULL; /* until the frame is queued */
    if (ipc_msgbuf_init(
            &b, &pk, (tx ? 0 : len) + strlen(name) + (sender ? strlen(sender) + 8 : 0) + 16) != 0) {
        core_bulk_end(r, tx);
        return core_fail("out of memory");
    }
    ipc_pack_event_head(&pk, name, strlen(name), sender);
    if (!payload)
        msgpack_pack_nil(&pk);
    else if (ipc_pack_value_bulk(&pk, tx, payload, len, &moved) != 0)
        b.failed = 1;
    if (sender) ipc_pack_cstr(&pk, sender);
    if (b.failed) {
        core_bulk_end(r, tx);
        nng_msg_free(b.msg);
        return core_fail("out of memory");
    }
    core_renderer_send(r, b.msg);
    core_bulk_end(r, tx);
    return 0;
}

/* ---- delivery -------------------------------------------------------------- */

/*
 * Early events: an event for a name the renderer does not listen for yet is
 * kept, in order, while the renderer loads and for CORE_EARLY_KEEP_MS after
 * (an app's `await listen('a'); await listen('b')` registers b after its top
 * level ended), bounded by count and by the renderer's memory budget. A
 * listener for the name gets them as it registers.
 */
static void early_push(moat_renderer *r, const char *name, const void *payload, size_t len,
                       const char *sender)
{
    size_t cost = len + strlen(name) + sizeof(struct core_early) + 64;
    struct core_early *e = NULL;
    if (r->nearly < r->app->lim.early_events && core_hold_kept(r, cost)) {
        e = calloc(1, sizeof *e);
        if (!e || !(e->name = strdup(name)) || !(e->payload = malloc(len ? len : 1)) ||
            (sender && !(e->sender = strdup(sender)))) {
            if (e) free(e->name), free(e->payload);
            free(e);
            e = NULL;
            core_release(r, cost);
        }
    }
    if (!e) {
        if (!r->early_dropped++)
            core_log(r->app, MOAT_LEVEL_WARN, r->label,
                     "%zu events wait for renderer \"%s\" to load or to listen for them: "
                     "dropping more",
                     r->nearly, r->label);
        return;
    }
    memcpy(e->payload, payload, len);
    e->len = len;
    e->cost = cost;
    *r->early_tail = e;
    r->early_tail = &e->next;
    r->nearly++;
}

static void early_free_one(moat_renderer *r, struct core_early *e)
{
    core_release(r, e->cost);
    free(e->sender);
    free(e->name);
    free(e->payload);
    free(e);
    r->nearly--;
}

/*
 * Sends and frees, in order, the early events for name, which now has a
 * listener; with name NULL, those for every name that has one.
 */
static void early_send(moat_renderer *r, const char *name)
{
    struct core_early **link = &r->early;
    while (*link) {
        struct core_early *e = *link;
        if (name ? strcmp(name, e->name) != 0 : !core_table_get(&r->listener_names, e->name)) {
            link = &e->next;
            continue;
        }
        *link = e->next;
        core_send_event(r, e->name, e->payload, e->len, e->sender);
        early_free_one(r, e);
    }
    r->early_tail = link;
}

void core_event_deliver(moat_renderer *r, const char *name, const void *payload, size_t len,
                        const char *sender)
{
    static const uint8_t nil = 0xc0;
    if (!payload) payload = &nil, len = 1;
    if (r->state != RS_STARTING && r->state != RS_READY) return;
    if (len + strlen(name) + (sender ? strlen(sender) : 0) > r->lim.max_frame - IPC_HEAD_MAX) {
        /* It would end the renderer: a limit it was started with is smaller than the app's now. */
        core_log(r->app, MOAT_LEVEL_WARN, r->label,
                 "event \"%s\" not delivered: %zu bytes, over its %zu-byte frame limit", name, len,
                 r->lim.max_frame);
        return;
    }
    if (r->loaded && core_table_get(&r->listener_names, name))
        core_send_event(r, name, payload, len, sender);
    else if (!r->loaded || core_now_ms() < r->early_until)
        early_push(r, name, payload, len, sender);
}

static void early_free(moat_renderer *r)
{
    while (r->early) {
        struct core_early *e = r->early;
        r->early = e->next;
        early_free_one(r, e);
    }
    r->early_tail = &r->early;
}

void core_event_loaded(moat_renderer *r)
{
    r->loaded = true;
    r->early_until = core_now_ms() + CORE_EARLY_KEEP_MS;
    early_send(r, NULL); /* what has a listener now goes; the rest waits for one */
}

void core_event_expire(moat_renderer *r, int64_t now)
{
    if (!r->loaded || !r->early || now < r->early_until) return;
    size_t n = r->nearly;
    early_free(r);
    core_log(r->app, MOAT_LEVEL_WARN, r->label,
             "dropped %zu event(s) for names renderer \"%s\" did not listen for within %d ms "
             "of loading",
             n, r->label, CORE_EARLY_KEEP_MS);
}

/* What a listener costs the core, charged to its renderer's memory budget. */
static size_t listener_cost(const char *name)
{
    return 256 + 2 * strlen(name);
}

static void free_name(uint64_t id, void *name, void *ud)
{
    (void)id;
    core_release(ud, listener_cost(name));
    free(name);
}

void core_event_forget(moat_renderer *r)
{
    core_idmap_each(&r->listener_ids, free_name, r);
    core_idmap_free(&r->listener_ids);
    core_table_free(&r->listener_names, NULL);
    early_free(r);
}

size_t moat_renderer_listener_count(const moat_renderer *r)
{
    return r->listener_ids.count;
}

/* ---- the core's own listeners ------------------------------------------------- */

struct pending_listener {
    moat_event_fn fn;
    void *ud;
};

/* Calls the app's listeners for name; collected first, since one may unlisten others. */
static void core_listeners(moat_app *app, const char *label, const char *name,
                           const msgpack_object *payload)
{
    size_t n = 0, i = 0;
    for (struct core_listener *l = app->listeners; l; l = l->next)
        n += strcmp(l->event, name) == 0;
    struct pending_listener *ls = n ? calloc(n, sizeof *ls) : NULL;
    for (struct core_listener *l = app->listeners; ls && l; l = l->next)
        if (strcmp(l->event, name) == 0) ls[i++] = (struct pending_listener){l->fn, l->ud};
    for (i = 0; ls && i < n; i++)
        ls[i].fn(ls[i].ud, label, name, payload);
    free(ls);
}

/* ---- the commands ---------------------------------------------------------------- */

/* core:event:listen {event, target?, handler?} -> the listener's id */
static void cmd_listen(moat_call *c, void *ud)
{
    (void)ud;
    moat_renderer *r = core_call_renderer(c);
    char name[IPC_MAX_NAME + 1];
    if (!name_arg(moat_call_args(c), "event", name)) {
        moat_call_reject(c, "invalid_args", "listen: expected {event: name, handler: id}");
        return;
    }
    if (!core_hold_kept(r, listener_cost(name))) {
        moat_call_reject(c, "limit_exceeded",
                         "memory: this renderer's listeners and what else the core holds for it "
                         "passed its %zu-byte budget",
                         r->memory_limit);
        return;
    }
    uint64_t id = ++r->next_listener;
    char *copy = strdup(name);
    uintptr_t count = (uintptr_t)core_table_get(&r->listener_names, name);
    if (!copy || core_idmap_add(&r->listener_ids, id, copy) != 1 ||
        core_table_put(&r->listener_names, name, (void *)(count + 1)) != 0) {
        if (copy && !core_idmap_remove(&r->listener_ids, id, NULL)) free(copy);
        core_release(r, listener_cost(name));
        moat_call_reject(c, "failed", "listen: out of memory");
        return;
    }
    moat_call_resolve_int(c, (int64_t)id);
    if (count == 0 && r->loaded) early_send(r, name); /* after the answer: the id is known */
}

/* core:event:unlisten {event, eventId} */
static void cmd_unlisten(moat_call *c, void *ud)
{
    (void)ud;
    moat_renderer *r = core_call_renderer(c);
    const msgpack_object *id = arg(moat_call_args(c), "eventId");
    char *name = NULL;
    if (id && id->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
        core_idmap_remove(&r->listener_ids, id->via.u64, (void **)&name)) {
        uintptr_t count = (uintptr_t)core_table_get(&r->listener_names, name);
        if (count > 1)
            core_table_put(&r->listener_names, name, (void *)(count - 1));
        else
            core_table_remove(&r->listener_names, name); /* names are forgotten once unused */
        core_release(r, listener_cost(name));
        free(name);
    }
    moat_call_resolve_null(c); /* unlistening twice is harmless, as in Tauri */
}

/* The event-rate bucket: one second's worth of events may come at once. */
static bool take_token(moat_renderer *r)
{
    int64_t now = core_now_ms();
    double rate = r->app->lim.event_rate;
    r->event_tokens += (double)(now - r->event_refill_ms) * rate / 1000.0;
    if (r->event_tokens > rate) r->event_tokens = rate;
    r->event_refill_ms = now;
    if (r->event_tokens < 1) return false;
    r->event_tokens -= 1;
    return true;
}

/* The payload of an emit, as raw msgpack borrowed from the call (nil when absent). */
/* The value at *off in buf, *off past it; strings and bins borrow from buf. */
static bool next_value(const uint8_t *buf, size_t len, size_t *off, msgpack_zone *z,
                       msgpack_object *out)
{
    msgpack_unpack_return rv = msgpack_unpack((const char *)buf, len, off, z, out);
    return rv == MSGPACK_UNPACK_SUCCESS || rv == MSGPACK_UNPACK_EXTRA_BYTES;
}

static const uint8_t *payload_raw(moat_call *c, size_t *len)
{
    static const uint8_t nil = 0xc0;
    size_t n;
    const uint8_t *raw = moat_call_args_raw(c, &n), *map = raw;
    uint32_t count = 0;
    size_t off = 1;
    *len = 1;
    if (!n) return &nil;
    if ((map[0] & 0xf0) == 0x80)
        count = map[0] & 0x0f;
    else if (map[0] == 0xde && n >= 3)
        count = (uint32_t)map[1] << 8 | map[2], off = 3;
    else if (map[0] == 0xdf && n >= 5)
        count = (uint32_t)map[1] << 24 | (uint32_t)map[2] << 16 | (uint32_t)map[3] << 8 | map[4],
        off = 5;
    /* The payload's own bytes in the frame: an event of 16 MiB costs no copy. */
    msgpack_zone *z = core_call_zone(c);
    for (uint32_t i = 0; z && i < count; i++) {
        msgpack_object k, v;
        size_t start;
        if (!next_value(raw, n, &off, z, &k) || (start = off, !next_value(raw, n, &off, z, &v)))
            break;
        if (k.type == MSGPACK_OBJECT_STR && k.via.str.size == 7 &&
            !memcmp(k.via.str.ptr, "payload", 7)) {
            *len = off - start;
            return raw + start;
        }
    }
    return &nil;
}

static const struct pol_scope no_scope;

/* Names under moat:// and tauri:// are the core's; a renderer may only ping. */
static bool reserved(const char *name)
{
    return (!strncmp(name, "moat://", 7) || !strncmp(name, "tauri://", 8)) &&
           strcmp(name, "moat://ping") != 0;
}

/* Checks name and rate; answers the call itself when the emit may not go out. */
static const uint8_t *emit_prologue(moat_call *c, char *name, size_t *len)
{
    moat_renderer *r = core_call_renderer(c);
    if (!name_arg(moat_call_args(c), "event", name)) {
        moat_call_reject(c, "invalid_args", "emit: expected {event: name, payload?}");
        return NULL;
    }
    if (reserved(name)) { /* only the core speaks under them: moat://renderer-exited, ... */
        struct pol_reason why = {.text = "moat:// and tauri:// events are the core's own",
                                 .scope = &no_scope};
        size_t n;
        const void *raw = moat_call_args_raw(c, &n);
        core_audit(r->app, r->label, moat_call_command(c), POL_DENY, &why,
                   (struct ipc_slice){(const uint8_t *)raw, n});
        moat_call_reject(c, "denied", "emit: \"%s\" is a reserved event name (moat://, tauri://)",
                         name);
        return NULL;
    }
    if (!take_token(r)) {
        moat_call_reject(c, "limit_exceeded",
                         "event_rate: more than %.0f events per second from this renderer",
                         r->app->lim.event_rate);
        return NULL;
    }
    const uint8_t *p = payload_raw(c, len);
    if (!p) moat_call_reject(c, "failed", "emit: out of memory");
    return p;
}

/* core:event:emit {event, payload}: the app's listeners and every renderer listening. */
static void cmd_emit(moat_call *c, void *ud)
{
    moat_app *app = ud;
    char name[IPC_MAX_NAME + 1];
    size_t len;
    const uint8_t *payload = emit_prologue(c, name, &len);
    if (!payload) return;
    if (strcmp(name, "moat://ping") == 0) /* a liveness check: answered to the sender alone */
        core_event_deliver(core_call_renderer(c), "moat://pong", payload, len, NULL);
    else
        for (moat_renderer *r = app->renderers; r; r = r->next)
            core_event_deliver(r, name, payload, len, moat_call_label(c));
    msgpack_object obj;
    msgpack_zone *z = core_call_zone(c);
    if (z && ipc_unpack(payload, len, z, &obj) == 0)
        core_listeners(app, moat_call_label(c), name, &obj);
    moat_call_resolve_null(c);
}

/* The label an emit_to targets: a string, or {kind, label} (Tauri's EventTarget). */
static int target_label(const msgpack_object *t, char *label, bool *app)
{
    *app = false;
    if (t && t->type == MSGPACK_OBJECT_STR && ipc_name_ok(t->via.str.ptr, t->via.str.size)) {
        memcpy(label, t->via.str.ptr, t->via.str.size);
        label[t->via.str.size] = '\0';
        return 0;
    }
    const msgpack_object *kind = t ? arg(t, "kind") : NULL;
    if (!kind || kind->type != MSGPACK_OBJECT_STR) return -1;
    if ((kind->via.str.size == 3 && !memcmp(kind->via.str.ptr, "App", 3)) ||
        (kind->via.str.size == 3 && !memcmp(kind->via.str.ptr, "Any", 3))) {
        *app = true;
        label[0] = kind->via.str.ptr[1] == 'n' ? '*' : '\0'; /* Any: every renderer too */
        label[1] = '\0';
        return 0;
    }
    return name_arg(t, "label", label) ? 0 : -1;
}

/* core:event:emit_to {target, event, payload} */
static void cmd_emit_to(moat_call *c, void *ud)
{
    moat_app *app = ud;
    char name[IPC_MAX_NAME + 1], label[IPC_MAX_NAME + 1];
    bool to_app;
    if (target_label(arg(moat_call_args(c), "target"), label, &to_app) != 0) {
        moat_call_reject(c, "invalid_args", "emit_to: target must be a label or {kind, label}");
        return;
    }
    size_t len;
    const uint8_t *payload = emit_prologue(c, name, &len);
    if (!payload) return;
    for (moat_renderer *r = app->renderers; r; r = r->next)
        if (strcmp(label, "*") == 0 || strcmp(label, r->label) == 0)
            core_event_deliver(r, name, payload, len, moat_call_label(c));
    msgpack_object obj;
    if (to_app && ipc_unpack(payload, len, core_call_zone(c), &obj) == 0)
        core_listeners(app, moat_call_label(c), name, &obj);
    moat_call_resolve_null(c);
}

int core_event_register(moat_app *app)
{
    if (moat_app_command(app, "core:event:listen", cmd_listen, app) ||
        moat_app_command(app, "core:event:unlisten", cmd_unlisten, app) ||
        moat_app_command(app, "core:event:emit", cmd_emit, app) ||
        moat_app_command(app, "core:event:emit_to", cmd_emit_to,
                         app)) /* core:event:default: its manifest */
        return -1;
    return 0;
}

/* ---- emitting from the app ---------------------------------------------------------- */

/* An emit from another thread, waiting for the run thread. */
struct core_outbox {
    char *label, *event;
    uint8_t *payload;
    size_t len;
    struct core_outbox *next;
};

static void deliver_to(moat_app *app, const char *label, const char *event, const void *payload,
                       size_t len)
{
    for (moat_renderer *r = app->renderers; r; r = r->next)
        if (!label || strcmp(label, r->label) == 0)
            core_event_deliver(r, event, payload, len, NULL);
}

void core_outbox_flush(moat_app *app)
{
    pthread_mutex_lock(&app->lock);
    struct core_outbox *list = app->outbox;
    app->outbox = NULL;
    app->outbox_tail = &app->outbox;
    pthread_mutex_unlock(&app->lock);
    for (struct core_outbox *o = list, *next; o; o = next) {
        next = o->next;
        deliver_to(app, o->label, o->event, o->payload, o->len);
        free(o->label);
        free(o->event);
        free(o->payload);
        free(o);
    }
}

static int post(moat_app *app, const char *label, const char *event, const void *payload,
                size_t len)
{
    struct core_outbox *o = calloc(1, sizeof *o);
    if (!o || (label && !(o->label = strdup(label))) || !(o->event = strdup(event)) ||
        !(o->payload = malloc(len ? len : 1))) {
        if (o) {
            free(o->label);
            free(o->event);
        }
        free(o);
        return core_fail("out of memory");
    }
    memcpy(o->payload, payload, len);
    o->len = len;
    pthread_mutex_lock(&app->lock);
    *app->outbox_tail = o;
    app->outbox_tail = &o->next;
    pthread_mutex_unlock(&app->lock);
    core_app_wake(app);
    return 0;
}

/*
 * Whether a renderer labelled label has not ended. Any thread: renderers are
 * only ever added to the list, under app->lock, and closed under their mtx.
 */
static bool label_live(moat_app *app, const char *label)
{
    bool live = false;
    pthread_mutex_lock(&app->lock);
    for (moat_renderer *r = app->renderers; r && !live; r = r->next) {
        if (strcmp(label, r->label) != 0) continue;
        nng_mtx_lock(r->mtx);
        live = !r->closed;
        nng_mtx_unlock(r->mtx);
    }
    pthread_mutex_unlock(&app->lock);
    return live;
}

int moat_app_emit(moat_app *app, const char *label, const char *event, const void *payload,
                  size_t len)
{
    static const uint8_t nil = 0xc0;
    char why[200];
    if (!event || !ipc_name_ok(event, strlen(event)))
        return core_fail("invalid event name \"%s\"", event ? event : "");
    if (!payload) payload = &nil, len = 1;
    if (ipc_check_value(payload, len, app->limits.max_depth - 1, why, sizeof why))
        return core_fail("invalid payload for \"%s\": %s", event, why);
    if (len + strlen(event) > app->limits.max_frame - IPC_HEAD_MAX)
        return core_fail("the payload of \"%s\" is %zu bytes, over the %zu-byte frame limit", event,
                         len, app->limits.max_frame);
    if (label && !label_live(app, label))
        return core_fail("no renderer labelled \"%s\" is running: \"%s\" not sent", label, event);
    /* Listener tables belong to the run thread: other threads post. */
    if (atomic_load(&app->running) && !pthread_equal(pthread_self(), app->run_thread))
        return post(app, label, event, payload, len);
    deliver_to(app, label, event, payload, len);
    return 0;
}
