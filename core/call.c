// SPDX-License-Identifier: MIT
/*
 * call.c: a request's life in the core: received -> checked -> handled ->
 * answered exactly once.
 *
 * A call has two references: the handler's (dropped when it answers) and
 * r->inflight's (dropped by whoever takes the call out of the map). Its
 * state moves PENDING -> ANSWERED once, by compare-and-swap: whoever wins
 * (the handler's answer, a CANCEL frame, a timeout, the renderer's end)
 * sends the one response, or none when the renderer is gone.
 */
#include "argschema.h"
#include "internal.h"
#include "scope.h"
#include "ipc_nng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CALL_PENDING, CALL_ANSWERED };

struct moat_call {
    atomic_int refs;
    atomic_int state;
    moat_renderer *r; /* a reference */
    uint64_t id, serial;
    struct core_frame frame; /* the request; args borrow from it */
    struct ipc_slice args;
    msgpack_zone *zone; /* for moat_call_args, made on first use */
    msgpack_object obj;
    moat_cancel_fn on_cancel; /* under r->mtx */
    void *on_cancel_ud;
    const char *cancel_code;       /* set before the cancel hook runs */
    bool hook_running;             /* end_call is in the cancel hook; under r->mtx */
    pthread_t hook_thread;         /* the thread running it */
    const struct pol_scope *scope; /* pol_check's merged scope, borrowed from view */
    struct pol_view *view;         /* a reference: the policy it was checked under, kept
                                      across reloads so that it finishes under it */
    char command[];
};

static atomic_size_t live_calls;

size_t moat_live_calls(void)
{
    return atomic_load(&live_calls);
}

static void call_unref(moat_call *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1) return;
    core_frame_drop(c->r, &c->frame);
    core_renderer_unref(c->r);
    pol_view_free(c->view);
    if (c->zone) msgpack_zone_free(c->zone);
    free(c);
    atomic_fetch_sub(&live_calls, 1);
}

/* ---- frames ---------------------------------------------------------------- */

static nng_msg *error_frame(uint64_t id, const char *code, const char *message)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, strlen(message) + 64) != 0) return NULL;
    ipc_pack_error(&pk, id, code, message);
    if (!b.failed) return b.msg;
    nng_msg_free(b.msg);
    return NULL;
}

/* value's large binaries go through tx (core_bulk_begin) when not NULL. */
static nng_msg *result_frame(uint64_t id, const void *value, size_t len, struct ipc_ring *tx)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    size_t moved;
    if (ipc_msgbuf_init(&b, &pk, tx ? 64 : len + 24) != 0) return NULL;
    ipc_pack_response_head(&pk, id, true);
    if (ipc_pack_value_bulk(&pk, tx, value, len, &moved) != 0) b.failed = 1;
    if (!b.failed) return b.msg;
    nng_msg_free(b.msg);
    return NULL;
}

static void send_or_abort(moat_renderer *r, uint64_t id, nng_msg *msg)
{
    if (msg)
        core_renderer_send(r, msg);
    else
        core_renderer_abort(r, "out of memory answering request %llu", (unsigned long long)id);
}

/* Answers a request that never became a call (plumbing, refusals). Run thread. */
static void finish_inline(moat_renderer *r, uint64_t id, nng_msg *msg)
{
    nng_mtx_lock(r->mtx);
    core_idmap_remove(&r->inflight, id, NULL);
    nng_mtx_unlock(r->mtx);
    send_or_abort(r, id, msg);
}

void core_send_error(moat_renderer *r, uint64_t id, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    finish_inline(r, id, error_frame(id, code, message));
}

void core_send_result(moat_renderer *r, uint64_t id, const void *value, size_t len)
{
    finish_inline(r, id, result_frame(id, value, len, NULL));
}

/* ---- answering --------------------------------------------------------------- */

/* Takes c out of r->inflight if it is still there; true if this caller did. */
static bool take_from_map(moat_call *c)
{
    void *v = NULL;
    nng_mtx_lock(c->r->mtx);
    bool mine = core_idmap_get(&c->r->inflight, c->id, &v) && v == c;
    if (mine) core_idmap_remove(&c->r->inflight, c->id, NULL);
    nng_mtx_unlock(c->r->mtx);
    return mine;
}

/*
 * The cancel hook never runs after the answer returned (moat.h): an answer
 * that lost to a cancel waits here until the hook has returned, unless it is
 * the hook itself answering. end_call marks the hook running in the same
 * critical section as its win, so no answer can slip between.
 */
static void wait_for_hook(moat_call *c)
{
    nng_mtx_lock(c->r->mtx);
    while (c->hook_running && !pthread_equal(c->hook_thread, pthread_self()))
        nng_cv_wait(c->r->cv);
    nng_mtx_unlock(c->r->mtx);
}

/* The handler's answer: sent if nothing answered first; drops the handler's reference. */
static void answer(moat_call *c, nng_msg *msg)
{
    int pending = CALL_PENDING;
    nng_mtx_lock(c->r->mtx);
    bool won = atomic_compare_exchange_strong(&c->state, &pending, CALL_ANSWERED);
    nng_mtx_unlock(c->r->mtx);
    if (won) {
        bool mine = take_from_map(c);
        send_or_abort(c->r, c->id, msg);
        if (mine) call_unref(c);
    } else {
        if (msg) nng_msg_free(msg); /* cancelled, timed out or the renderer is gone: dropped */
        wait_for_hook(c);
    }
    call_unref(c);
}

/* Ends c from the core's side: answers code (unless the renderer is gone), tells the handler. */
static void end_call(moat_call *c, const char *code)
{
    int pending = CALL_PENDING;
    nng_mtx_lock(c->r->mtx);
    bool won = atomic_compare_exchange_strong(&c->state, &pending, CALL_ANSWERED);
    moat_cancel_fn fn = won ? c->on_cancel : NULL;
    void *ud = c->on_cancel_ud;
    if (won) c->cancel_code = code;
    if (fn) c->hook_running = true, c->hook_thread = pthread_self();
    nng_mtx_unlock(c->r->mtx);
    if (won && strcmp(code, "renderer_gone") != 0)
        send_or_abort(c->r, c->id,
                      error_frame(c->id, code,
                                  strcmp(code, "timeout") == 0
                                      ? "the command did not answer in time"
                                      : "the call was cancelled"));
    if (fn) {
        fn(c, code, ud);
        nng_mtx_lock(c->r->mtx);
        c->hook_running = false;
        nng_cv_wake(c->r->cv);
        nng_mtx_unlock(c->r->mtx);
    }
    call_unref(c); /* the map's reference, which the caller took over */
}

void core_call_cancel(moat_renderer *r, uint64_t id, uint64_t serial, const char *code)
{
    moat_call *c = NULL;
    nng_mtx_lock(r->mtx);
    if (core_idmap_get(&r->inflight, id, (void **)&c) && c && (!serial || c->serial == serial))
        core_idmap_remove(&r->inflight, id, NULL);
    else
        c = NULL;
    nng_mtx_unlock(r->mtx);
    if (c) end_call(c, code);
}

struct taken {
    moat_call **calls;
    size_t n;
};

static void collect(uint64_t id, void *value, void *ud)
{
    (void)id;
    struct taken *t = ud;
    if (value) t->calls[t->n++] = value;
}

void core_calls_abandon(moat_renderer *r)
{
    nng_mtx_lock(r->mtx);
    struct taken t = {calloc(r->inflight.count + 1, sizeof *t.calls), 0};
    if (t.calls) core_idmap_each(&r->inflight, collect, &t);
    core_idmap_free(&r->inflight); /* ids answered inline hold no call */
    nng_mtx_unlock(r->mtx);
    for (size_t i = 0; i < t.n; i++)
        end_call(t.calls[i], "renderer_gone");
    free(t.calls);
}

void moat_call_on_cancel(moat_call *c, moat_cancel_fn fn, void *ud)
{
    nng_mtx_lock(c->r->mtx);
    c->on_cancel = fn;
    c->on_cancel_ud = ud;
    const char *already = c->cancel_code;
    nng_mtx_unlock(c->r->mtx);
    if (already && fn) fn(c, already, ud);
}

bool moat_call_cancelled(moat_call *c)
{
    return atomic_load(&c->state) == CALL_ANSWERED;
}

/* ---- receiving ----------------------------------------------------------------- */

/* Tauri's "plugin:NAME|cmd" invoke names are the commands "NAME:cmd"; its core plugins'
 * "core:NAME:cmd". */
static void canonical_name(const struct ipc_slice *s, char *out)
{
    static const char *const core_plugins[] = {"event",     "app",  "path", "window", "webview",
                                               "resources", "menu", "tray", "image"};
    const char *bar = memchr(s->ptr, '|', s->len);
    if (s->len > 7 && memcmp(s->ptr, "plugin:", 7) == 0 && bar) {
        int plen = (int)(bar - (const char *)s->ptr) - 7;
        const char *plugin = (const char *)s->ptr + 7, *prefix = "";
        for (size_t i = 0; i < sizeof core_plugins / sizeof *core_plugins; i++)
            if ((int)strlen(core_plugins[i]) == plen && !memcmp(core_plugins[i], plugin, plen))
                prefix = "core:";
        snprintf(out, IPC_MAX_NAME + 8, "%s%.*s:%.*s", prefix, plen, plugin,
                 (int)(s->len - (size_t)(bar - (const char *)s->ptr) - 1), bar + 1);
        return;
    }
    memcpy(out, s->ptr, s->len);
    out[s->len] = '\0';
}

/* Admits id into r->inflight; false (and the renderer answered or ended) if it may not. */
static bool admit(moat_renderer *r, uint64_t id)
{
    nng_mtx_lock(r->mtx);
    size_t n = r->inflight.count;
    int added = n >= r->app->lim.inflight ? 2 : core_idmap_add(&r->inflight, id, NULL);
    nng_mtx_unlock(r->mtx);
    if (added == 1) return true;
    if (added == 2)
        send_or_abort(r, id,
                      error_frame(id, "limit_exceeded",
                                  "requests_in_flight: this renderer already has its maximum of "
                                  "requests waiting for answers"));
    else
        core_renderer_abort(r,
                            added == 0 ? "reused request id %llu while it was in flight"
                                       : "out of memory tracking request %llu",
                            (unsigned long long)id);
    return false;
}

static moat_call *call_new(moat_renderer *r, uint64_t id, const char *name, struct core_frame *fr,
                           struct ipc_slice args)
{
    size_t n = strlen(name);
    moat_call *c = calloc(1, sizeof *c + n + 1);
    if (!c) return NULL;
    atomic_init(&c->refs, 2); /* the handler's and the map's */
    atomic_init(&c->state, CALL_PENDING);
    core_renderer_ref(r);
    c->r = r;
    c->id = id;
    c->serial = atomic_fetch_add(&r->app->next_serial, 1) + 1;
    c->frame = *fr;
    *fr = (struct core_frame){0};
    c->args = args;
    memcpy(c->command, name, n + 1);
    atomic_fetch_add(&live_calls, 1);
    return c;
}

/* Hands c to its handler, with a timer when the command has a timeout. */
static void dispatch(moat_renderer *r, moat_call *c, const struct core_command *cmd)
{
    nng_mtx_lock(r->mtx);
    core_idmap_set(&r->inflight, c->id, c);
    nng_mtx_unlock(r->mtx);
    int64_t now = core_now_ms();
    uint32_t warn = r->app->slow_call_ms;
    if ((cmd->timeout_ms &&
         core_timers_add(&r->app->timers, now + cmd->timeout_ms, r, c->id, c->serial, false)) ||
        (warn && (!cmd->timeout_ms || warn < cmd->timeout_ms) &&
         core_timers_add(&r->app->timers, now + warn, r, c->id, c->serial, true)))
        core_log(r->app, MOAT_LEVEL_ERROR, r->label, "no timer for %s: out of memory", c->command);
    /* The handler's reference is the handler's now. */
    if (cmd->flags & MOAT_COMMAND_WORKER)
        core_pool_run(r->app, c, cmd);
    else
        cmd->fn(c, cmd->ud);
}

/* The policy's decision, audited: denials always, allowed calls with audit_all. */
static bool check(moat_renderer *r, const char *name, const struct ipc_frame *f,
                  struct pol_reason *why)
{
    enum pol_decision d = pol_check(r->view, name, why);
    if (d != POL_ALLOW || r->app->audit_all) core_audit(r->app, r->label, name, d, why, f->body);
    return d == POL_ALLOW;
}

/*
 * The command's argument schema refuses c's arguments: answered invalid_args
 * and freed (both references: it never reached the map nor a handler).
 */
static bool refuse_args(moat_call *c, const struct core_command *cmd)
{
    char why[400];
    if (core_argschema_check(cmd->args, moat_call_args(c), why, sizeof why) == 0) return false;
    core_send_error(c->r, c->id, "invalid_args", "%s: %s", c->command, why);
    call_unref(c);
    call_unref(c);
    return true;
}

/* Checks the request; answers it at once unless it goes to a handler. Takes fr's bytes. */
void core_handle_request(moat_renderer *r, struct core_frame *fr, const struct ipc_frame *f)
{
    char name[IPC_MAX_NAME + 8];
    canonical_name(&f->name, name);
    if (!admit(r, f->id)) {
        core_frame_drop(r, fr);
        return;
    }
    /* What unpacking its arguments will take is charged now, before anything is built. */
    size_t decoded = (size_t)IPC_DECODED_BYTES(f);
    if (!core_hold(r, decoded)) {
        core_send_error(r, f->id, "limit_exceeded",
                        "memory: the request's %llu values would pass the renderer's %zu-byte "
                        "memory budget",
                        (unsigned long long)f->items, r->memory_limit);
        core_frame_drop(r, fr);
        return;
    }
    fr->cost += decoded;
    struct core_command *cmd = core_table_get(&r->app->commands, name);
    struct pol_reason why;
    moat_call *c = NULL;
    if (core_builtin_request(r, f->id, name)) {
        /* answered */
    } else if (!check(r, name, f, &why)) {
        /* Before the lookup: a renderer cannot probe what is registered. */
        core_send_error(r, f->id, "denied", "%s is not allowed for \"%s\": %s", name, r->label,
                        why.text);
    } else if (!cmd) {
        core_send_error(r, f->id, "unknown_command", "unknown command \"%s\"", name);
    } else if (!(c = call_new(r, f->id, name, fr, f->body))) {
        core_send_error(r, f->id, "failed", "out of memory");
    } else if (cmd->args && refuse_args(c, cmd)) {
        return; /* answered invalid_args; the handler never saw it */
    } else {
        c->scope = why.scope;
        c->view = pol_view_ref(r->view);
        core_learn(r->app, r->label, name, NULL);
        return dispatch(r, c, cmd);
    }
    core_frame_drop(r, fr);
}

/* ---- the handler's view ------------------------------------------------------------ */

const char *moat_call_command(const moat_call *c)
{
    return c->command;
}

const char *moat_call_renderer_kind(const moat_call *c)
{
    return c->r->kind;
}

void core_call_warn(moat_renderer *r, uint64_t id, uint64_t serial)
{
    moat_call *c = NULL;
    char command[IPC_MAX_NAME + 1] = "";
    nng_mtx_lock(r->mtx); /* in the map, c is not freed meanwhile */
    if (core_idmap_get(&r->inflight, id, (void **)&c) && c && c->serial == serial &&
        atomic_load(&c->state) == CALL_PENDING)
        snprintf(command, sizeof command, "%s", c->command);
    nng_mtx_unlock(r->mtx);
    if (command[0])
        core_log(r->app, MOAT_LEVEL_WARN, r->label,
                 "%s (request %llu from renderer \"%s\") is still unanswered after %u ms", command,
                 (unsigned long long)id, r->label, r->app->slow_call_ms);
}

const char *moat_call_label(const moat_call *c)
{
    return c->r->label;
}

moat_renderer *core_call_renderer(const moat_call *c)
{
    return c->r;
}

const struct pol_scope *core_call_scope(const moat_call *c)
{
    return c->scope;
}

const struct pol_view *core_call_view(const moat_call *c)
{
    return c->view;
}

msgpack_zone *core_call_zone(moat_call *c)
{
    if (!c->zone) moat_call_args(c);
    return c->zone;
}

const void *moat_call_args_raw(const moat_call *c, size_t *len)
{
    *len = c->args.len;
    return c->args.ptr;
}

const msgpack_object *moat_call_args(moat_call *c)
{
    if (!c->zone) {
        c->zone = msgpack_zone_new(4096);
        if (!c->zone || ipc_unpack(c->args.ptr, c->args.len, c->zone, &c->obj) != 0)
            c->obj.type = MSGPACK_OBJECT_NIL;
    }
    return &c->obj;
}

int moat_call_resolve(moat_call *c, const void *value, size_t len)
{
    char why[200], msg[IPC_MAX_NAME + 300];
    /* The renderer would end itself on a frame over its limit: refuse that here too. */
    size_t max = c->r->lim.max_frame;
    const char *code = "failed";
    if (ipc_check_value(value, len, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why)) {
        snprintf(msg, sizeof msg, "%s returned an invalid value: %s", c->command, why);
    } else if (len > max - IPC_HEAD_MAX) {
        code = "limit_exceeded";
        snprintf(msg, sizeof msg, "%s answered %zu bytes, over the %zu-byte frame limit",
                 c->command, len, max);
    } else {
        msg[0] = '\0';
    }
    if (msg[0]) { /* the rejection frees c: the message is composed before */
        moat_call_reject(c, code, "%s", msg);
        return core_fail("%s", msg);
    }
    /*
     * A frame naming bytes in the ring is queued before anything reserves more
     * of it. answer() may free c, and with it the last reference to r: hold one.
     */
    moat_renderer *r = c->r;
    core_renderer_ref(r);
    struct ipc_ring *tx = core_bulk_begin(r, len);
    answer(c, result_frame(c->id, value, len, tx));
    core_bulk_end(r, tx);
    core_renderer_unref(r);
    return 0;
}

int moat_call_resolve_null(moat_call *c)
{
    static const char nil = (char)0xc0;
    return moat_call_resolve(c, &nil, 1);
}

/* Packs one value with fn and resolves c with it. */
static int resolve_packed(moat_call *c, void (*fn)(msgpack_packer *, const void *), const void *v)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    fn(&pk, v);
    int rv = sb.data ? moat_call_resolve(c, sb.data, sb.size)
                     : moat_call_reject(c, "failed", "out of memory");
    msgpack_sbuffer_destroy(&sb);
    return rv;
}

static void pack_str(msgpack_packer *pk, const void *s)
{
    ipc_pack_cstr(pk, s);
}

static void pack_int(msgpack_packer *pk, const void *v)
{
    msgpack_pack_int64(pk, *(const int64_t *)v);
}

int moat_call_resolve_str(moat_call *c, const char *s)
{
    return resolve_packed(c, pack_str, s);
}

int moat_call_resolve_int(moat_call *c, int64_t v)
{
    return resolve_packed(c, pack_int, &v);
}

int moat_call_reject(moat_call *c, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (!code || !ipc_name_ok(code, strlen(code))) code = "failed";
    answer(c, error_frame(c->id, code, message));
    return 0;
}
