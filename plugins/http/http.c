/*
 * http.c: plugin-http's commands (see http.h): the arguments of
 * @tauri-apps/plugin-http v2 checked, the URL scope applied, fetches kept in
 * a table by resource id and renderer label. The transfer itself is in
 * http_fetch.c; the URL scope in http_url.c and http_pattern.c.
 */
#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins_internal.h"
#include "scope.h"

/* ---- the table of fetches ------------------------------------------------ */

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hf *table[1024];
static int64_t next_rid = 1;

static void scope_free(struct hf_scope *s)
{
    msgpack_unpacked_destroy(&s->allow_u);
    msgpack_unpacked_destroy(&s->deny_u);
    free(s->allow);
    free(s->deny);
    free(s->allow_buf);
    free(s->deny_buf);
}

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
    scope_free(&f->scope);
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

/* ---- arguments ------------------------------------------------------------ */

static bool is_nil(const msgpack_object *o)
{
    return !o || o->type == MSGPACK_OBJECT_NIL;
}

/* A whole number >= 0 (JS numbers may arrive as floats). */
static bool uint_of(const msgpack_object *o, uint64_t *v)
{
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return *v = o->via.u64, true;
    if (o && (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32) &&
        o->via.f64 >= 0 && o->via.f64 < 1e15 && o->via.f64 == (double)(uint64_t)o->via.f64)
        return *v = (uint64_t)o->via.f64, true;
    return false;
}

/* Forbidden request headers (the Fetch standard's list), dropped as Tauri drops them. */
static bool forbidden_header(const char *name, size_t n)
{
    static const char *const names[] = {"accept-charset",
                                        "accept-encoding",
                                        "access-control-request-headers",
                                        "access-control-request-method",
                                        "connection",
                                        "content-length",
                                        "cookie",
                                        "date",
                                        "dnt",
                                        "expect",
                                        "host",
                                        "origin",
                                        "referer",
                                        "set-cookie",
                                        "te",
                                        "trailer",
                                        "transfer-encoding",
                                        "upgrade",
                                        "via",
                                        "keep-alive"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && !strncasecmp(name, names[i], n)) return true;
    return (n >= 6 && !strncasecmp(name, "proxy-", 6)) || (n >= 4 && !strncasecmp(name, "sec-", 4));
}

static bool token_char(unsigned char c)
{
    return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* One [name, value] pair into f->headers; -1 with why. */
static int add_header(struct hf *f, const msgpack_object *pair, const char **why)
{
    if (pair->type != MSGPACK_OBJECT_ARRAY || pair->via.array.size != 2 ||
        pair->via.array.ptr[0].type != MSGPACK_OBJECT_STR ||
        pair->via.array.ptr[1].type != MSGPACK_OBJECT_STR)
        return *why = "each header must be a [name, value] pair of strings", -1;
    const char *n = pair->via.array.ptr[0].via.str.ptr, *v = pair->via.array.ptr[1].via.str.ptr;
    uint32_t nl = pair->via.array.ptr[0].via.str.size, vl = pair->via.array.ptr[1].via.str.size;
    if (!nl || nl > 256 || vl > 16384) return *why = "a header name or value is too long", -1;
    for (uint32_t i = 0; i < nl; i++)
        if (!token_char((unsigned char)n[i])) return *why = "a header name is not a token", -1;
    for (uint32_t i = 0; i < vl; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0')
            return *why = "a header value has CR, LF or NUL", -1;
    if (forbidden_header(n, nl)) return 0;
    if (f->n_headers >= 128) return *why = "too many headers", -1;
    char *line = malloc(nl + vl + 3);
    if (!line) return *why = "out of memory", -1;
    /* curl sends "name;" as an empty header, "name:" would remove it. */
    snprintf(line, nl + vl + 3, "%.*s%s%.*s", (int)nl, n, vl ? ": " : ";", (int)vl, v);
    f->headers[f->n_headers++] = line;
    f->has_ua |= nl == 10 && !strncasecmp(n, "user-agent", 10);
    f->has_type |= nl == 12 && !strncasecmp(n, "content-type", 12);
    f->has_range |= nl == 5 && !strncasecmp(n, "range", 5);
    return 0;
}

static int headers_of(struct hf *f, const msgpack_object *h, const char **why)
{
    if (is_nil(h)) return 0;
    if (h->type != MSGPACK_OBJECT_ARRAY) return *why = "headers must be [name, value] pairs", -1;
    f->headers = calloc(128, sizeof *f->headers);
    if (!f->headers) return *why = "out of memory", -1;
    for (uint32_t i = 0; i < h->via.array.size; i++)
        if (add_header(f, &h->via.array.ptr[i], why) < 0) return -1;
    return 0;
}

/* data: number[] of bytes (as the package sends it), bytes, or null. */
static int body_of(struct hf *f, const msgpack_object *d, const char **why)
{
    if (is_nil(d)) return 0;
    if (d->type == MSGPACK_OBJECT_BIN) {
        f->body = malloc(d->via.bin.size + 1);
        if (!f->body) return *why = "out of memory", -1;
        memcpy(f->body, d->via.bin.ptr, d->via.bin.size);
        f->body_len = d->via.bin.size;
    } else if (d->type == MSGPACK_OBJECT_ARRAY) {
        f->body = malloc(d->via.array.size + 1);
        if (!f->body) return *why = "out of memory", -1;
        for (uint32_t i = 0; i < d->via.array.size; i++) {
            uint64_t b;
            if (!uint_of(&d->via.array.ptr[i], &b) || b > 255)
                return *why = "data must be an array of bytes (0 to 255)", -1;
            f->body[i] = (unsigned char)b;
        }
        f->body_len = d->via.array.size;
    } else {
        return *why = "data must be an array of bytes or null", -1;
    }
    f->has_body = true;
    return 0;
}

static int method_of(struct hf *f, const msgpack_object *m, const char **why)
{
    if (!m || m->type != MSGPACK_OBJECT_STR || !m->via.str.size ||
        m->via.str.size >= sizeof f->method)
        return *why = "method must be an HTTP method name", -1;
    for (uint32_t i = 0; i < m->via.str.size; i++)
        if (!token_char((unsigned char)m->via.str.ptr[i]))
            return *why = "method must be an HTTP method name", -1;
    memcpy(f->method, m->via.str.ptr, m->via.str.size);
    if (!strcasecmp(f->method, "CONNECT") || !strcasecmp(f->method, "TRACE") ||
        !strcasecmp(f->method, "TRACK"))
        return *why = "the CONNECT, TRACE and TRACK methods are not allowed", -1;
    return 0;
}

/* ---- the scope ----------------------------------------------------------- */

/* Copies the call's scope entries of kind into f (they outlive the call, for redirects). */
static int scope_copy(moat_call *call, moat_scope_kind kind, msgpack_unpacked *u, char **buf,
                      const msgpack_object ***out, size_t *n)
{
    size_t count = moat_call_scope_count(call, kind);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, count);
    for (size_t i = 0; i < count; i++)
        msgpack_pack_object(&pk, *moat_call_scope_entry(call, kind, i));
    msgpack_unpacked_init(u);
    size_t off = 0;
    int rc = sb.data && msgpack_unpack_next(u, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS
                 ? 0
                 : -1;
    *buf = msgpack_sbuffer_release(&sb); /* the strings of u point into it */
    *out = calloc(count + 1, sizeof **out);
    if (rc < 0 || !*out) return -1;
    for (size_t i = 0; i < count; i++)
        (*out)[i] = &u->data.via.array.ptr[i];
    *n = count;
    return 0;
}

long hf_scope_check(const struct hf *f, const struct http_url *u, char *why, size_t len)
{
    return http_scope_check(u, f->scope.allow, f->scope.n_allow, f->scope.deny, f->scope.n_deny,
                            why, len);
}

/* The danger options asked for must be granted by the entry that allows the URL. */
static int danger_of(struct hf *f, const msgpack_object *d, long grant, const char **why)
{
    if (is_nil(d)) return 0;
    if (d->type != MSGPACK_OBJECT_MAP) return *why = "danger must be an object", -1;
    const msgpack_object *c = http_map_get(d, "acceptInvalidCerts"),
                         *h = http_map_get(d, "acceptInvalidHostnames");
    f->danger_certs = c && c->type == MSGPACK_OBJECT_BOOLEAN && c->via.boolean;
    f->danger_hosts = h && h->type == MSGPACK_OBJECT_BOOLEAN && h->via.boolean;
    const msgpack_object *g = http_map_get(f->scope.allow[grant], "danger");
    const msgpack_object *gc = http_map_get(g, "acceptInvalidCerts"),
                         *gh = http_map_get(g, "acceptInvalidHostnames");
    if ((f->danger_certs && !(gc && gc->type == MSGPACK_OBJECT_BOOLEAN && gc->via.boolean)) ||
        (f->danger_hosts && !(gh && gh->type == MSGPACK_OBJECT_BOOLEAN && gh->via.boolean)))
        return *why = "the danger options are not granted for this URL by the scope", -2;
    return 0;
}

/* proxy: {all?, http?, https?}, each a URL or {url, basicAuth?, noProxy?}; its URL is scoped too.
 */
static int proxy_of(struct hf *f, const msgpack_object *p, char *why, size_t len)
{
    if (is_nil(p)) return 0;
    if (p->type != MSGPACK_OBJECT_MAP) return snprintf(why, len, "proxy must be an object"), -1;
    const msgpack_object *e = http_map_get(p, f->url.scheme);
    if (is_nil(e)) e = http_map_get(p, "all");
    if (is_nil(e)) return 0;
    const msgpack_object *url = e->type == MSGPACK_OBJECT_STR ? e : http_map_get(e, "url");
    if (!url || url->type != MSGPACK_OBJECT_STR)
        return snprintf(why, len, "a proxy is a URL or {url, basicAuth?, noProxy?}"), -1;
    struct http_url pu;
    const char *w;
    if (http_url_parse(url->via.str.ptr, url->via.str.size, &pu, &w) < 0)
        return snprintf(why, len, "proxy: %s", w), -1;
    char reason[400];
    if (hf_scope_check(f, &pu, reason, sizeof reason) < 0)
        return snprintf(why, len, "the proxy is not allowed on the configured scope: %s", reason),
               -2;
    http_url_format(&pu, false, f->proxy, sizeof f->proxy);
    const msgpack_object *auth = http_map_get(e, "basicAuth"), *np = http_map_get(e, "noProxy");
    const msgpack_object *un = http_map_get(auth, "username"), *pw = http_map_get(auth, "password");
    if (un && un->type == MSGPACK_OBJECT_STR && pw && pw->type == MSGPACK_OBJECT_STR)
        snprintf(f->proxy_user, sizeof f->proxy_user, "%.*s", (int)un->via.str.size,
                 un->via.str.ptr),
            snprintf(f->proxy_pass, sizeof f->proxy_pass, "%.*s", (int)pw->via.str.size,
                     pw->via.str.ptr);
    if (np && np->type == MSGPACK_OBJECT_STR)
        snprintf(f->no_proxy, sizeof f->no_proxy, "%.*s", (int)np->via.str.size, np->via.str.ptr);
    return 0;
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

/* Checks clientConfig into f; rejects the call and returns -1 when it is refused. */
static int configure(struct hf *f, moat_call *call, const msgpack_object *cfg)
{
    const char *why = NULL;
    char reason[600];
    const msgpack_object *url = http_map_get(cfg, "url");
    uint64_t v;
    if (!cfg || cfg->type != MSGPACK_OBJECT_MAP || !url || url->type != MSGPACK_OBJECT_STR)
        return moat_call_reject(call, "invalid_args",
                                "expected {clientConfig: {method, url, headers, data, ...}}"),
               -1;
    if (method_of(f, http_map_get(cfg, "method"), &why) < 0 ||
        headers_of(f, http_map_get(cfg, "headers"), &why) < 0 ||
        body_of(f, http_map_get(cfg, "data"), &why) < 0)
        return moat_call_reject(call, "invalid_args", "%s", why), -1;
    const msgpack_object *ct = http_map_get(cfg, "connectTimeout"),
                         *mr = http_map_get(cfg, "maxRedirections");
    if (!is_nil(ct) && (!uint_of(ct, &v) || v > 86400000))
        return moat_call_reject(call, "invalid_args", "connectTimeout must be milliseconds"), -1;
    f->connect_timeout_ms = is_nil(ct) ? 0 : (long)v;
    if (!is_nil(mr) && (!uint_of(mr, &v) || v > 1000))
        return moat_call_reject(call, "invalid_args", "maxRedirections must be a count"), -1;
    if (!is_nil(mr)) f->max_redirects = (long)v;
    if (url->via.str.size >= 5 && !strncasecmp(url->via.str.ptr, "data:", 5)) {
        f->data_url = strndup(url->via.str.ptr, url->via.str.size);
        if (!f->data_url || http_data_url(url->via.str.ptr, url->via.str.size, &f->buf, &f->len,
                                          f->data_type, sizeof f->data_type, &why) < 0)
            return moat_call_reject(call, "invalid_args", "%s", f->data_url ? why : "no memory"),
                   -1;
        return 0;
    }
    if (http_url_parse(url->via.str.ptr, url->via.str.size, &f->url, &why) < 0)
        return moat_call_reject(call, "invalid_args", "%.*s: %s",
                                (int)(url->via.str.size > 200 ? 200 : url->via.str.size),
                                url->via.str.ptr, why),
               -1;
    if (scope_copy(call, MOAT_SCOPE_ALLOW, &f->scope.allow_u, &f->scope.allow_buf, &f->scope.allow,
                   &f->scope.n_allow) < 0 ||
        scope_copy(call, MOAT_SCOPE_DENY, &f->scope.deny_u, &f->scope.deny_buf, &f->scope.deny,
                   &f->scope.n_deny) < 0)
        return moat_call_reject(call, "failed", "out of memory"), -1;
    char canon[HTTP_URL_MAX * 3];
    http_url_format(&f->url, false, canon, sizeof canon);
    long grant = hf_scope_check(f, &f->url, reason, sizeof reason);
    if (grant < 0) {
        char msg[HTTP_URL_MAX * 3 + 700];
        snprintf(msg, sizeof msg, "url not allowed on the configured scope: %s (%s)", canon,
                 reason);
        core_audit_scope(call, moat_call_command(call), NULL, NULL, msg);
        return moat_call_reject(call, "denied", "%s", msg), -1;
    }
    int rc = danger_of(f, http_map_get(cfg, "danger"), grant, &why);
    if (rc < 0) return moat_call_reject(call, rc == -2 ? "denied" : "invalid_args", "%s", why), -1;
    rc = proxy_of(f, http_map_get(cfg, "proxy"), reason, sizeof reason);
    if (rc < 0)
        return moat_call_reject(call, rc == -2 ? "denied" : "invalid_args", "%s", reason), -1;
    return 0;
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
    if (configure(f, call, http_map_get(moat_call_args(call), "clientConfig")) < 0) {
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
    if (!uint_of(http_map_get(moat_call_args(call), "rid"), &v) || v > INT64_MAX) {
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
