// SPDX-License-Identifier: MIT
/*
 * http_fetch.c: one fetch's worker thread (see http.h). libcurl performs
 * each hop with redirects off; a redirect is followed here, after its
 * target passed the scope, so a hop the scope refuses is never requested.
 * The status and headers answer fetch_send as soon as the final response's
 * headers are in; its body is buffered (at most HTTP_BUFFER_MAX ahead of
 * the reader: the transfer waits for fetch_read_body) and handed out by
 * hf_serve_read.
 *
 * libcurl is opened on the first fetch, not linked: with the ~26 libraries
 * it brings (TLS, Kerberos, LDAP, …) it cost every core ~9 ms of start-up,
 * which apps that never fetch paid too.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "scope.h"

/* libcurl's functions, from dlopen (load_curl); when they could not be had, error says why. */
static struct {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLcode (*global_init)(long);
    char error[300];
} cu;

struct hdr {
    char *name, *value;
};

/* One hop: the URL it asks for, and what came back. */
struct hop {
    struct hf *f;
    struct http_url url;
    char method[32];
    bool send_body, strip_auth, danger_certs, danger_hosts;
    long status;
    struct hdr *hdrs;
    size_t n_hdrs;
    char *location;
    bool follow, published;
    bool refused; /* by the scope, on a redirect: audited */
};

static void hop_clear_headers(struct hop *h)
{
    for (size_t i = 0; i < h->n_hdrs; i++)
        free(h->hdrs[i].name), free(h->hdrs[i].value);
    free(h->hdrs);
    free(h->location);
    h->hdrs = NULL;
    h->n_hdrs = 0;
    h->location = NULL;
}

static const char *reason_phrase(long s)
{
    static const struct {
        long code;
        const char *text;
    } t[] = {{100, "Continue"},
             {101, "Switching Protocols"},
             {200, "OK"},
             {201, "Created"},
             {202, "Accepted"},
             {203, "Non Authoritative Information"},
             {204, "No Content"},
             {205, "Reset Content"},
             {206, "Partial Content"},
             {300, "Multiple Choices"},
             {301, "Moved Permanently"},
             {302, "Found"},
             {303, "See Other"},
             {304, "Not Modified"},
             {307, "Temporary Redirect"},
             {308, "Permanent Redirect"},
             {400, "Bad Request"},
             {401, "Unauthorized"},
             {402, "Payment Required"},
             {403, "Forbidden"},
             {404, "Not Found"},
             {405, "Method Not Allowed"},
             {406, "Not Acceptable"},
             {408, "Request Timeout"},
             {409, "Conflict"},
             {410, "Gone"},
             {411, "Length Required"},
             {412, "Precondition Failed"},
             {413, "Payload Too Large"},
             {414, "URI Too Long"},
             {415, "Unsupported Media Type"},
             {416, "Range Not Satisfiable"},
             {418, "I'm a teapot"},
             {422, "Unprocessable Entity"},
             {429, "Too Many Requests"},
             {500, "Internal Server Error"},
             {501, "Not Implemented"},
             {502, "Bad Gateway"},
             {503, "Service Unavailable"},
             {504, "Gateway Timeout"},
             {505, "HTTP Version Not Supported"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (t[i].code == s) return t[i].text;
    return "";
}

/* Bytes that are not UTF-8 become '?': header values cross as strings. */
static void utf8_clean(unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80             ? 1
                : (*s & 0xe0) == 0xc0 ? 2
                : (*s & 0xf0) == 0xe0 ? 3
                : (*s & 0xf8) == 0xf0 ? 4
                                      : 0;
        bool ok = n > 0 && (n == 1 || *s >= 0xc2);
        for (int i = 1; ok && i < n; i++)
            ok = (s[i] & 0xc0) == 0x80;
        if (!ok) {
            *s++ = '?';
            continue;
        }
        s += n;
    }
}

static void pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

/* fetch_send's answer: {status, statusText, headers: [[name, value]], url, rid}. */
static void pack_response(msgpack_sbuffer *sb, long status, const char *text,
                          const struct hdr *hdrs, size_t n, const char *url, int64_t rid)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    pack_str(&pk, "status");
    msgpack_pack_int64(&pk, status);
    pack_str(&pk, "statusText");
    pack_str(&pk, text);
    pack_str(&pk, "headers");
    msgpack_pack_array(&pk, n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_array(&pk, 2);
        pack_str(&pk, hdrs[i].name);
        pack_str(&pk, hdrs[i].value);
    }
    pack_str(&pk, "url");
    pack_str(&pk, url);
    pack_str(&pk, "rid");
    msgpack_pack_int64(&pk, rid);
}

/* Answers call with sb's answer, or "failed" when packing ran out of memory. */
static void answer(moat_call *call, msgpack_sbuffer *sb)
{
    if (sb->data)
        moat_call_resolve(call, sb->data, sb->size);
    else
        moat_call_reject(call, "failed", "out of memory");
}

static void publish(struct hop *h)
{
    struct hf *f = h->f;
    char url[HTTP_URL_MAX * 3];
    http_url_format(&h->url, false, url, sizeof url);
    int64_t rid = hf_new_rid();
    msgpack_sbuffer sb;
    pack_response(&sb, h->status, reason_phrase(h->status), h->hdrs, h->n_hdrs, url, rid);
    pthread_mutex_lock(&f->mu);
    moat_call *call = f->send_call;
    f->send_call = NULL;
    f->resp_rid = rid;
    f->state = HF_BODY;
    f->last_used = time(NULL);
    pthread_mutex_unlock(&f->mu);
    h->published = true;
    if (call) {
        answer(call, &sb);
        hf_unref(f); /* the parked call's */
    }
    msgpack_sbuffer_destroy(&sb);
}

/* A data: URL's answer, made here: its bytes are already in f. */
void hf_answer_data(struct hf *f, moat_call *call)
{
    int64_t rid = hf_new_rid();
    struct hdr type = {"content-type", f->data_type};
    msgpack_sbuffer sb;
    pack_response(&sb, 200, "OK", &type, 1, f->data_url, rid);
    pthread_mutex_lock(&f->mu);
    f->resp_rid = rid;
    f->state = HF_BODY;
    f->eof = true;
    pthread_mutex_unlock(&f->mu);
    answer(call, &sb);
    msgpack_sbuffer_destroy(&sb);
}

static bool is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct hop *h = ud;
    size_t len = size * n, l = len;
    while (l && (p[l - 1] == '\n' || p[l - 1] == '\r'))
        l--;
    if (h->published) return len;              /* trailers: the answer has gone */
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) { /* a new response (1xx ones come first) */
        hop_clear_headers(h);
        const char *sp = memchr(p, ' ', l);
        h->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        return len;
    }
    if (l == 0) { /* the end of this response's headers */
        if (h->status < 200) return len;
        h->follow = is_redirect(h->status) && h->location && h->f->max_redirects > 0;
        if (!h->follow) publish(h);
        return len;
    }
    const char *colon = memchr(p, ':', l);
    if (!colon || colon == p) return len;
    struct hdr *grown = realloc(h->hdrs, (h->n_hdrs + 1) * sizeof *grown);
    if (!grown || h->n_hdrs >= 512) return 0;
    h->hdrs = grown;
    const char *v = colon + 1, *end = p + l;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    struct hdr *d = &h->hdrs[h->n_hdrs];
    d->name = strndup(p, (size_t)(colon - p));
    d->value = strndup(v, (size_t)(end - v));
    if (!d->name || !d->value) return free(d->name), free(d->value), 0;
    h->n_hdrs++;
    for (char *c = d->name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    utf8_clean((unsigned char *)d->name);
    utf8_clean((unsigned char *)d->value);
    if (!strcmp(d->name, "location") && !h->location) h->location = strdup(d->value);
    return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct hop *h = ud;
    struct hf *f = h->f;
    size_t len = size * n;
    if (h->follow || !h->published) return len; /* a redirect's body is dropped */
    pthread_mutex_lock(&f->mu);
    while (f->len && f->len + len > HTTP_BUFFER_MAX && !f->cancelled) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        if (time(NULL) - f->last_used > HTTP_IDLE_SECONDS) f->cancelled = true; /* nobody reads */
    }
    unsigned char *grown = f->cancelled ? NULL : realloc(f->buf, f->len + len);
    if (grown) {
        f->buf = grown;
        memcpy(f->buf + f->len, p, len);
        f->len += len;
    }
    pthread_mutex_unlock(&f->mu);
    if (!grown) return 0; /* cancelled (or out of memory): curl ends the transfer */
    hf_serve_read(f);
    return len;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    struct hf *f = ud;
    pthread_mutex_lock(&f->mu);
    bool stop = f->cancelled;
    pthread_mutex_unlock(&f->mu);
    return stop;
}

static bool header_is(const char *line, const char *name)
{
    size_t n = strlen(name);
    return !strncasecmp(line, name, n) && (line[n] == ':' || line[n] == ';');
}

/* The request headers of this hop: the renderer's (less what a hop must not carry) and ours. */
static struct curl_slist *hop_headers(const struct hop *h)
{
    const struct hf *f = h->f;
    struct curl_slist *l = NULL, *t;
    for (size_t i = 0; i < f->n_headers; i++) {
        const char *line = f->headers[i];
        if (h->strip_auth && (header_is(line, "authorization") || header_is(line, "cookie") ||
                              header_is(line, "www-authenticate")))
            continue;
        if (!h->send_body && header_is(line, "content-type")) continue;
        if (!(t = cu.slist_append(l, line))) return cu.slist_free_all(l), NULL;
        l = t;
    }
    const char *ours[] = {"Expect:", "Origin: tauri://localhost",
                          h->send_body && !f->has_type ? "Content-Type:" : NULL,
                          f->has_range ? "Accept-Encoding: identity" : NULL};
    for (size_t i = 0; i < sizeof ours / sizeof *ours; i++) {
        if (!ours[i]) continue;
        if (!(t = cu.slist_append(l, ours[i]))) return cu.slist_free_all(l), NULL;
        l = t;
    }
    return l;
}

static void set_method(CURL *c, const struct hop *h)
{
    const struct hf *f = h->f;
    bool post_like = !strcmp(h->method, "POST") || !strcmp(h->method, "PUT");
    if (!strcmp(h->method, "HEAD")) {
        cu.easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (h->send_body || post_like) {
        /* POST and PUT without a body still say Content-Length: 0, as Tauri does. */
        cu.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       (curl_off_t)(h->send_body ? f->body_len : 0));
        cu.easy_setopt(c, CURLOPT_POSTFIELDS, h->send_body && f->body ? (char *)f->body : "");
        if (strcmp(h->method, "POST")) cu.easy_setopt(c, CURLOPT_CUSTOMREQUEST, h->method);
    } else if (strcmp(h->method, "GET")) {
        cu.easy_setopt(c, CURLOPT_CUSTOMREQUEST, h->method);
    }
}

/* Performs one hop; a CURLcode. */
static CURLcode perform(struct hop *h, char *errbuf)
{
    struct hf *f = h->f;
    CURL *c = cu.easy_init();
    if (!c) return CURLE_OUT_OF_MEMORY;
    char url[HTTP_URL_MAX * 3];
    http_url_format(&h->url, false, url, sizeof url);
    struct curl_slist *hdrs = hop_headers(h);
    cu.easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    cu.easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    cu.easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    cu.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    cu.easy_setopt(c, CURLOPT_HEADERDATA, h);
    cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cu.easy_setopt(c, CURLOPT_WRITEDATA, h);
    cu.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    cu.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    cu.easy_setopt(c, CURLOPT_XFERINFODATA, f);
    if (!f->has_ua) cu.easy_setopt(c, CURLOPT_USERAGENT, "tauri-plugin-http (moat)");
    if (f->connect_timeout_ms) cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->connect_timeout_ms);
    if (f->proxy[0]) {
        cu.easy_setopt(c, CURLOPT_PROXY, f->proxy);
        if (f->proxy_user[0]) cu.easy_setopt(c, CURLOPT_PROXYUSERNAME, f->proxy_user);
        if (f->proxy_user[0]) cu.easy_setopt(c, CURLOPT_PROXYPASSWORD, f->proxy_pass);
        if (f->no_proxy[0]) cu.easy_setopt(c, CURLOPT_NOPROXY, f->no_proxy);
    }
    if (h->danger_certs) cu.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    if (h->danger_hosts) cu.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    set_method(c, h);
    CURLcode rc = hdrs || !f->n_headers ? cu.easy_perform(c) : CURLE_OUT_OF_MEMORY;
    cu.easy_cleanup(c);
    cu.slist_free_all(hdrs);
    return rc;
}

/* The danger options for this hop: only those its granting entry grants. */
static void hop_danger(struct hop *h, long grant)
{
    const msgpack_object *g = plugin_arg(h->f->scope.allow[grant], "danger");
    const msgpack_object *c = plugin_arg(g, "acceptInvalidCerts"),
                         *n = plugin_arg(g, "acceptInvalidHostnames");
    h->danger_certs =
        h->f->danger_certs && c && c->type == MSGPACK_OBJECT_BOOLEAN && c->via.boolean;
    h->danger_hosts =
        h->f->danger_hosts && n && n->type == MSGPACK_OBJECT_BOOLEAN && n->via.boolean;
}

/* Moves h to the redirect's target, if the scope allows it; -1 with msg otherwise. */
static int next_hop(struct hop *h, long *count, char *msg, size_t len)
{
    struct http_url next;
    const char *why;
    char reason[400], target[HTTP_URL_MAX * 3];
    if (++*count > h->f->max_redirects)
        return snprintf(msg, len, "error following redirect: too many redirects (%ld)",
                        h->f->max_redirects),
               -1;
    if (http_url_resolve(&h->url, h->location, &next, &why) < 0)
        return snprintf(msg, len, "error following redirect to %.300s: %s", h->location, why), -1;
    http_url_format(&next, false, target, sizeof target);
    long grant = hf_scope_check(h->f, &next, reason, sizeof reason);
    if (grant < 0)
        return h->refused = true,
               snprintf(msg, len, "url not allowed on the configured scope: %.1000s (%s)", target,
                        reason),
               -1;
    hop_danger(h, grant);
    if (h->status == 303 ||
        ((h->status == 301 || h->status == 302) && !strcmp(h->method, "POST"))) {
        if (strcmp(h->method, "HEAD")) snprintf(h->method, sizeof h->method, "GET");
        h->send_body = false;
    }
    h->strip_auth |= strcmp(next.scheme, h->url.scheme) || strcmp(next.host, h->url.host) ||
                     http_url_port_number(&next) != http_url_port_number(&h->url);
    h->url = next;
    return 0;
}

/* The end of the transfer: the error where it belongs, or the body's end. */
static void finish(struct hop *h, const char *msg)
{
    struct hf *f = h->f;
    pthread_mutex_lock(&f->mu);
    bool cancelled = f->cancelled;
    moat_call *call = h->published ? NULL : f->send_call;
    f->send_call = h->published ? f->send_call : NULL;
    if (h->published && msg)
        snprintf(f->err, sizeof f->err, "%s", cancelled ? "Request cancelled" : msg);
    f->eof = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    if (call && h->refused && msg) /* as the first hop's refusal is (http_config.c) */
        core_audit_scope(call, moat_call_command(call), NULL, NULL, msg);
    if (call) {
        if (cancelled)
            moat_call_reject(call, "cancelled", "Request cancelled");
        else
            moat_call_reject(call, "failed", "%s", msg ? msg : "no response");
        hf_unref(f); /* the parked call's */
    }
    if (!h->published) hf_forget(f); /* nothing more will be asked of this rid */
    hf_serve_read(f);
}

static void *worker(void *arg)
{
    struct hf *f = arg;
    struct hop *h = calloc(1, sizeof *h);
    char *errbuf = calloc(1, CURL_ERROR_SIZE + 1);
    char msg[HTTP_URL_MAX + 600] = "";
    if (!h || !errbuf) {
        struct hop none = {.f = f};
        finish(&none, "out of memory");
        goto out;
    }
    h->f = f;
    if (!cu.easy_init) {
        finish(h, cu.error);
        goto out;
    }
    h->url = f->url;
    snprintf(h->method, sizeof h->method, "%s", f->method);
    h->send_body = f->has_body;
    char why[400];
    long grant = hf_scope_check(f, &f->url, why, sizeof why), count = 0;
    if (grant >= 0) hop_danger(h, grant);
    for (;;) {
        h->follow = false;
        errbuf[0] = '\0';
        CURLcode rc = perform(h, errbuf);
        if (rc != CURLE_OK) {
            snprintf(msg, sizeof msg, "error sending request for url (%s): %s", h->url.host,
                     errbuf[0] ? errbuf : cu.easy_strerror(rc));
            break;
        }
        if (!h->follow) break;
        if (next_hop(h, &count, msg, sizeof msg) < 0) break;
        hop_clear_headers(h);
    }
    finish(h, msg[0] ? msg : NULL);
out:
    if (h) hop_clear_headers(h);
    free(h);
    free(errbuf);
    hf_unref(f); /* the worker's */
    return NULL;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

/* Fills cu once, for every worker after it (pthread_create orders the writes before them); the
 * library stays open for the process's life. */
static void load_curl(void)
{
    const char *names[] = {"curl_easy_init",      "curl_easy_setopt",   "curl_easy_perform",
                           "curl_easy_cleanup",   "curl_easy_strerror", "curl_slist_append",
                           "curl_slist_free_all", "curl_global_init"};
    void **slots[] = {(void **)&cu.easy_init,      (void **)&cu.easy_setopt,
                      (void **)&cu.easy_perform,   (void **)&cu.easy_cleanup,
                      (void **)&cu.easy_strerror,  (void **)&cu.slist_append,
                      (void **)&cu.slist_free_all, (void **)&cu.global_init};
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(cu.error, sizeof cu.error, "libcurl cannot be loaded: %.250s", dlerror());
        return;
    }
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!(*slots[i] = dlsym(lib, names[i]))) {
            snprintf(cu.error, sizeof cu.error, "libcurl.so.4 has no %s", names[i]);
            cu.easy_init = NULL; /* the mark workers check */
            return;
        }
    if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(cu.error, sizeof cu.error, "libcurl's curl_global_init failed");
        cu.easy_init = NULL;
    }
}

int hf_start(struct hf *f)
{
    pthread_once(&curl_once, load_curl);
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    hf_ref(f); /* the worker's */
    int rc = pthread_create(&t, &a, worker, f);
    pthread_attr_destroy(&a);
    if (rc) hf_unref(f);
    return rc ? -1 : 0;
}
