// SPDX-License-Identifier: MIT
/*
 * http.c: plugin-http's commands (see http.h): the arguments of
 * @tauri-apps/plugin-http v2 checked, the URL scope applied, fetches kept in
 * a table by resource id and renderer label. The arguments are checked in
 * http_config.c, the transfer is in http_fetch.c, the URL scope in
 * http_url.c and http_pattern.c.
 */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins_internal.h"

/* ---- the table of fetches ------------------------------------------------ */

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hf *table[1024];
static int64_t next_rid = 1;

void hf_ref(struct hf *f)
{
    pthread_mutex_lock(&f->mu);
    f->refs++;
    pthread_mutex_unlock(&f->mu);
}

void hf_unref(struct hf *f)
{
    pthread_mutex_lock(&f->mu);
    int left = --f->refs;
    pthread_mutex_unlock(&f->mu);
    if (left) return;
    for (size_t i = 0; i < f->n_headers; i++)
        free(f->headers[i]);
    free(f->headers);
    free(f->body);
    free(f->buf);
    free(f->data_url);
    hf_scope_free(&f->scope);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void hf_forget(struct hf *f)
{
    bool was = false;
    pthread_mutex_lock(&table_mu);
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (table[i] == f) table[i] = NULL, was = true;
    pthread_mutex_unlock(&table_mu);
    if (was) hf_unref(f);
}

/* Marks f cancelled and wakes its worker. */
static void hf_cancel(struct hf *f)
{
    pthread_mutex_lock(&f->mu);
    f->cancelled = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

/* Drops fetches of app nobody has touched for HTTP_IDLE_SECONDS (their renderer may be gone). */
static void sweep(const moat_app *app)
{
    struct hf *idle[64];
    size_t n = 0;
    time_t now = time(NULL);
    pthread_mutex_lock(&table_mu);
    for (size_t i = 0; i < sizeof table / sizeof *table && n < 64; i++) {
        struct hf *f = table[i];
        if (!f || f->app != app) continue;
        pthread_mutex_lock(&f->mu);
        bool stale = !f->send_call && !f->read_call && now - f->last_used > HTTP_IDLE_SECONDS;
        pthread_mutex_unlock(&f->mu);
        if (stale) idle[n++] = f, table[i] = NULL;
    }
    pthread_mutex_unlock(&table_mu);
    for (size_t i = 0; i < n; i++)
        hf_cancel(idle[i]), hf_unref(idle[i]);
}

/* A response whose body nobody has asked for in HTTP_EVICT_SECONDS: the first to go at the cap. */
static bool evictable(struct hf *f, time_t now)
{
    pthread_mutex_lock(&f->mu);
    bool idle = f->state == HF_BODY && !f->send_call && !f->read_call &&
                now - f->last_used >= HTTP_EVICT_SECONDS;
    pthread_mutex_unlock(&f->mu);
    return idle;
}

/*
 * Adds f (its req_rid set here); -1 when the label holds HTTP_MAX_HELD already. At the
 * cap, the least recently used unread body goes first: a page that never reads the
 * bodies of its responses (it looked at the status) must not run out of fetches.
 */
static int table_add(struct hf *f)
{
    int held = 0, slot = -1;
    struct hf *oldest = NULL;
    time_t now = time(NULL);
    pthread_mutex_lock(&table_mu);
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        struct hf *g = table[i];
        if (!g) {
            if (slot < 0) slot = (int)i;
        } else if (g->app == f->app && !strcmp(g->label, f->label)) {
            held++;
            if (evictable(g, now) && (!oldest || g->last_used < oldest->last_used)) oldest = g;
        }
    }
    if (held >= HTTP_MAX_HELD && oldest) {
        for (size_t i = 0; i < sizeof table / sizeof *table; i++)
            if (table[i] == oldest) table[i] = NULL, slot = slot < 0 ? (int)i : slot;
        held--;
    } else {
        oldest = NULL;
    }
    bool ok = held < HTTP_MAX_HELD && slot >= 0;
    if (ok) table[slot] = f, f->req_rid = next_rid++;
    pthread_mutex_unlock(&table_mu);
    if (oldest) hf_cancel(oldest), hf_unref(oldest);
    return ok ? 0 : -1;
}

/* How many of the label's fetches have a running worker. */
static int running(const moat_app *app, const char *label)
{
    int n = 0;
    pthread_mutex_lock(&table_mu);
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        struct hf *f = table[i];
        if (f && f->app == app && !strcmp(f->label, label)) {
            pthread_mutex_lock(&f->mu);
            n += f->state == HF_RUNNING || (f->state == HF_BODY && !f->eof);
            pthread_mutex_unlock(&f->mu);
        }
    }
    pthread_mutex_unlock(&table_mu);
    return n;
}

/* The fetch the call's renderer knows as rid (request or response id), referenced; or NULL. */
static struct hf *lookup(moat_call *call, const moat_app *app, int64_t rid, bool response)
{
    struct hf *found = NULL;
    pthread_mutex_lock(&table_mu);
    for (size_t i = 0; i < sizeof table / sizeof *table && !found; i++) {
        struct hf *f = table[i];
        if (f && f->app == app && !strcmp(f->label, moat_call_label(call)) &&
            (response ? f->resp_rid : f->req_rid) == rid && rid > 0)
            found = f, hf_ref(f);
    }
    pthread_mutex_unlock(&table_mu);
    return found;
}

/* ---- the commands -------------------------------------------------------- */

int64_t hf_new_rid(void)
{
    pthread_mutex_lock(&table_mu);
    int64_t rid = next_rid++;
    pthread_mutex_unlock(&table_mu);
    return rid;
}

static struct hf *hf_new(moat_call *call, const moat_app *app)
{
    struct hf *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->refs = 1;
    f->app = app;
    snprintf(f->label, sizeof f->label, "%s", moat_call_label(call));
    f->last_used = time(NULL);
    f->max_redirects = 10; /* reqwest's default policy */
    msgpack_unpacked_init(&f->scope.allow_u);
    msgpack_unpacked_init(&f->scope.deny_u);
    return f;
}

static void cmd_fetch(moat_call *call, void *ud)
{
    const moat_app *app = ud;
    sweep(app);
    struct hf *f = hf_new(call, app);
    if (!f) {
        moat_call_reject(call, "failed", "out of memory");
        return;
    }
    if (hf_configure(f, call, plugin_arg(moat_call_args(call), "clientConfig")) < 0) {
        hf_unref(f);
        return;
    }
    if (table_add(f) < 0) {
        moat_call_reject(call, "limit_exceeded",
                         "this renderer holds %d fetches already: read or cancel some",
                         HTTP_MAX_HELD);
        hf_unref(f);
        return;
    }
    moat_call_resolve_int(call, f->req_rid);
}

/* {rid} of the call, or -1 with the call rejected. */
static int64_t rid_arg(moat_call *call)
{
    uint64_t v;
    if (!hf_uint_of(plugin_arg(moat_call_args(call), "rid"), &v) || v > INT64_MAX) {
        moat_call_reject(call, "invalid_args", "expected {rid: number}");
        return -1;
    }
    return (int64_t)v;
}

/* A parked call whose renderer went away or gave up: answered here, the fetch cancelled. */
static void on_parked_cancel(moat_call *call, const char *code, void *ud)
{
    struct hf *f = ud;
    pthread_mutex_lock(&f->mu);
    bool mine = f->send_call == call || f->read_call == call;
    if (f->send_call == call) f->send_call = NULL;
    if (f->read_call == call) f->read_call = NULL;
    f->cancelled = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    if (!mine) return; /* the worker took it and is answering it */
    moat_call_reject(call, "cancelled", "Request cancelled (%s)", code);
    hf_forget(f);
    hf_unref(f);
}

static void cmd_fetch_send(moat_call *call, void *ud)
{
    const moat_app *app = ud;
    int64_t rid = rid_arg(call);
    if (rid < 0) return;
    struct hf *f = lookup(call, app, rid, false);
    if (!f) {
        moat_call_reject(call, "not_found", "no request with rid %lld", (long long)rid);
        return;
    }
    pthread_mutex_lock(&f->mu);
    const char *bad = f->cancelled           ? "Request cancelled"
                      : f->state != HF_READY ? "this request was sent already"
                                             : NULL;
    pthread_mutex_unlock(&f->mu);
    if (!bad && running(app, f->label) >= HTTP_MAX_RUNNING) {
        moat_call_reject(call, "limit_exceeded",
                         "this renderer runs %d fetches already: wait for one to end",
                         HTTP_MAX_RUNNING);
        hf_unref(f);
        return;
    }
    if (bad) {
        moat_call_reject(call, f->cancelled ? "cancelled" : "invalid_args", "%s", bad);
        if (f->cancelled) hf_forget(f);
        hf_unref(f);
        return;
    }
    if (f->data_url) {
        hf_answer_data(f, call);
        hf_unref(f);
        return;
    }
    pthread_mutex_lock(&f->mu);
    f->state = HF_RUNNING;
    f->send_call = call;
    f->refs++; /* the parked call's */
    f->last_used = time(NULL);
    pthread_mutex_unlock(&f->mu);
    moat_call_on_cancel(call, on_parked_cancel, f);
    if (hf_start(f) < 0) {
        pthread_mutex_lock(&f->mu);
        moat_call *c = f->send_call;
        f->send_call = NULL;
        pthread_mutex_unlock(&f->mu);
        if (c) moat_call_reject(c, "failed", "cannot start the request's thread"), hf_unref(f);
        hf_forget(f);
    }
    hf_unref(f);
}

/* Resolves call with chunk + flag byte (0: more follows, 1: the end). */
static void answer_chunk(moat_call *call, const unsigned char *p, size_t n, unsigned char flag)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_bin(&pk, n + 1);
    msgpack_pack_bin_body(&pk, p, n);
    msgpack_pack_bin_body(&pk, &flag, 1);
    if (sb.data)
        moat_call_resolve(call, sb.data, sb.size);
    else
        moat_call_reject(call, "failed", "out of memory");
    msgpack_sbuffer_destroy(&sb);
}

void hf_serve_read(struct hf *f)
{
    pthread_mutex_lock(&f->mu);
    moat_call *call = f->read_call;
    if (!call || (!f->len && !f->eof && !f->err[0] && !f->cancelled)) {
        pthread_mutex_unlock(&f->mu);
        return;
    }
    f->read_call = NULL;
    f->last_used = time(NULL);
    size_t n = f->cancelled ? 0 : f->len < HTTP_CHUNK_MAX ? f->len : HTTP_CHUNK_MAX;
    unsigned char *chunk = n ? malloc(n) : NULL;
    char err[sizeof f->err];
    snprintf(err, sizeof err, "%s", f->err[0] ? f->err : f->cancelled ? "Request cancelled" : "");
    bool end = !n && f->eof && !err[0];
    if (chunk) {
        memcpy(chunk, f->buf, n);
        memmove(f->buf, f->buf + n, f->len - n);
        f->len -= n;
        pthread_cond_broadcast(&f->cv); /* room for the worker */
    }
    pthread_mutex_unlock(&f->mu);
    if (n && !chunk)
        moat_call_reject(call, "failed", "out of memory");
    else if (n)
        answer_chunk(call, chunk, n, 0);
    else if (end)
        answer_chunk(call, NULL, 0, 1);
    else
        moat_call_reject(call, f->cancelled ? "cancelled" : "failed", "%s", err);
    free(chunk);
    if (!n) hf_forget(f); /* the end, an error or a cancel: the rid is spent */
    hf_unref(f);          /* the parked call's */
}

static void cmd_fetch_read_body(moat_call *call, void *ud)
{
    int64_t rid = rid_arg(call);
    if (rid < 0) return;
    struct hf *f = lookup(call, ud, rid, true);
    if (!f) {
        moat_call_reject(call, "not_found", "no response body with rid %lld", (long long)rid);
        return;
    }
    /* The hook goes on before the call is parked: once parked, the worker may answer it. A
     * hook that runs before parking finds nothing parked, but leaves f cancelled. */
    moat_call_on_cancel(call, on_parked_cancel, f);
    pthread_mutex_lock(&f->mu);
    bool busy = f->read_call != NULL;
    if (!busy) f->read_call = call, f->refs++;
    pthread_mutex_unlock(&f->mu);
    if (busy)
        moat_call_reject(call, "invalid_args", "a read of this body is already waiting");
    else
        hf_serve_read(f);
    hf_unref(f);
}

static void cmd_cancel(moat_call *call, const moat_app *app, bool response)
{
    int64_t rid = rid_arg(call);
    if (rid < 0) return;
    struct hf *f = lookup(call, app, rid, response);
    if (!f) {
        moat_call_reject(call, "not_found", "no %s with rid %lld",
                         response ? "response body" : "request", (long long)rid);
        return;
    }
    hf_cancel(f);
    pthread_mutex_lock(&f->mu);
    bool idle = f->state == HF_READY || response;
    pthread_mutex_unlock(&f->mu);
    hf_serve_read(f); /* a waiting read ends now */
    if (idle) hf_forget(f);
    hf_unref(f);
    moat_call_resolve_null(call);
}

static void cmd_fetch_cancel(moat_call *call, void *ud)
{
    cmd_cancel(call, ud, false);
}

static void cmd_fetch_cancel_body(moat_call *call, void *ud)
{
    cmd_cancel(call, ud, true);
}

int moat_plugin_http_register(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"http:fetch", cmd_fetch},
        {"http:fetch_send", cmd_fetch_send},
        {"http:fetch_read_body", cmd_fetch_read_body},
        {"http:fetch_cancel", cmd_fetch_cancel},
        {"http:fetch_cancel_body", cmd_fetch_cancel_body},
    };
    static const char *const manifest[] = {"http/permissions.json"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    return plugin_load_manifests(app, manifest, 1);
}
