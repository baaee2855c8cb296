// SPDX-License-Identifier: MIT
/*
 * http_config.c: plugin-http's clientConfig checked into a fetch (see http.h):
 * method, headers (the forbidden ones dropped, as Tauri drops them), body,
 * timeouts, redirects, the URL against the call's scope (kept with the fetch
 * for its redirects), the danger options and the proxy.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "scope.h"

void hf_scope_free(struct hf_scope *s)
{
    msgpack_unpacked_destroy(&s->allow_u);
    msgpack_unpacked_destroy(&s->deny_u);
    free(s->allow);
    free(s->deny);
    free(s->allow_buf);
    free(s->deny_buf);
}

/* ---- arguments ------------------------------------------------------------ */

static bool is_nil(const msgpack_object *o)
{
    return !o || o->type == MSGPACK_OBJECT_NIL;
}

/* A whole number >= 0 (JS numbers may arrive as floats). */
bool hf_uint_of(const msgpack_object *o, uint64_t *v)
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
            if (!hf_uint_of(&d->via.array.ptr[i], &b) || b > 255)
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
    const msgpack_object *c = plugin_arg(d, "acceptInvalidCerts"),
                         *h = plugin_arg(d, "acceptInvalidHostnames");
    f->danger_certs = c && c->type == MSGPACK_OBJECT_BOOLEAN && c->via.boolean;
    f->danger_hosts = h && h->type == MSGPACK_OBJECT_BOOLEAN && h->via.boolean;
    const msgpack_object *g = plugin_arg(f->scope.allow[grant], "danger");
    const msgpack_object *gc = plugin_arg(g, "acceptInvalidCerts"),
                         *gh = plugin_arg(g, "acceptInvalidHostnames");
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
    const msgpack_object *e = plugin_arg(p, f->url.scheme);
    if (is_nil(e)) e = plugin_arg(p, "all");
    if (is_nil(e)) return 0;
    const msgpack_object *url = e->type == MSGPACK_OBJECT_STR ? e : plugin_arg(e, "url");
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
    const msgpack_object *auth = plugin_arg(e, "basicAuth"), *np = plugin_arg(e, "noProxy");
    const msgpack_object *un = plugin_arg(auth, "username"), *pw = plugin_arg(auth, "password");
    if (un && un->type == MSGPACK_OBJECT_STR && pw && pw->type == MSGPACK_OBJECT_STR)
        snprintf(f->proxy_user, sizeof f->proxy_user, "%.*s", (int)un->via.str.size,
                 un->via.str.ptr),
            snprintf(f->proxy_pass, sizeof f->proxy_pass, "%.*s", (int)pw->via.str.size,
                     pw->via.str.ptr);
    if (np && np->type == MSGPACK_OBJECT_STR)
        snprintf(f->no_proxy, sizeof f->no_proxy, "%.*s", (int)np->via.str.size, np->via.str.ptr);
    return 0;
}

/* Checks clientConfig into f; rejects the call and returns -1 when it is refused. */
int hf_configure(struct hf *f, moat_call *call, const msgpack_object *cfg)
{
    const char *why = NULL;
    char reason[600];
    const msgpack_object *url = plugin_arg(cfg, "url");
    uint64_t v;
    if (!cfg || cfg->type != MSGPACK_OBJECT_MAP || !url || url->type != MSGPACK_OBJECT_STR)
        return moat_call_reject(call, "invalid_args",
                                "expected {clientConfig: {method, url, headers, data, ...}}"),
               -1;
    if (method_of(f, plugin_arg(cfg, "method"), &why) < 0 ||
        headers_of(f, plugin_arg(cfg, "headers"), &why) < 0 ||
        body_of(f, plugin_arg(cfg, "data"), &why) < 0)
        return moat_call_reject(call, "invalid_args", "%s", why), -1;
    const msgpack_object *ct = plugin_arg(cfg, "connectTimeout"),
                         *mr = plugin_arg(cfg, "maxRedirections");
    if (!is_nil(ct) && (!hf_uint_of(ct, &v) || v > 86400000))
        return moat_call_reject(call, "invalid_args", "connectTimeout must be milliseconds"), -1;
    f->connect_timeout_ms = is_nil(ct) ? 0 : (long)v;
    if (!is_nil(mr) && (!hf_uint_of(mr, &v) || v > 1000))
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
    int rc = danger_of(f, plugin_arg(cfg, "danger"), grant, &why);
    if (rc < 0) return moat_call_reject(call, rc == -2 ? "denied" : "invalid_args", "%s", why), -1;
    rc = proxy_of(f, plugin_arg(cfg, "proxy"), reason, sizeof reason);
    if (rc < 0)
        return moat_call_reject(call, rc == -2 ? "denied" : "invalid_args", "%s", reason), -1;
    return 0;
}
