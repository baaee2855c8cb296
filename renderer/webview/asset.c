// SPDX-License-Identifier: MIT
/*
 * asset.c: asset://localhost/<encoded path>, what convertFileSrc makes of a
 * file's path. The host cannot read the file (its jail holds the bundle
 * only) and decides nothing: it asks the core (moat:asset, core/webview_asset.c),
 * which checks the path against app.security.assetProtocol's scope and opens
 * it, a piece of at most 1 MiB at a time. The pieces go into a pipe WebKit
 * reads as the response body, and the next is asked for once the pipe has
 * taken the last: a file is never held whole, and a page that stops reading
 * stops the asking. A single Range (bytes=A-B, A-, -N) is answered with 206
 * and only those bytes are asked for, as Tauri's asset protocol does for
 * <video> seeking; several ranges get the whole file (RFC 9110 lets a server
 * ignore Range), a range past the end gets 416.
 */
#include "wv.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ASSET_ORIGIN "asset://localhost/"

/* The request's Range: none, bytes=A-[B] (B: UINT64_MAX when open), or the last N bytes. */
struct range {
    enum { RANGE_NONE, RANGE_FROM, RANGE_SUFFIX } kind;
    uint64_t a, b;
};

struct stream {
    WebKitURISchemeRequest *req; /* until the response has started */
    char *path;
    struct range range;
    uint64_t offset, size, limit; /* limit: where the answer's bytes end (exclusive) */
    int wfd;                      /* the pipe's end we write; -1 once done */
    guint8 *buf;
    size_t len, pos;
    guint watch;
    bool asking, dead; /* a piece is on its way; WebKit stopped reading (or we failed) */
};

static void ask(struct stream *s);

static void stream_free(struct stream *s)
{
    if (s->req) g_object_unref(s->req);
    g_free(s->path);
    g_free(s->buf);
    g_free(s);
}

/* The stream ends; it is freed now, or when the piece on its way arrives. */
static void end(struct stream *s)
{
    if (s->watch) g_source_remove(s->watch);
    s->watch = 0;
    if (s->wfd >= 0) close(s->wfd);
    s->wfd = -1;
    s->dead = true;
    if (!s->asking) stream_free(s);
}

static void fail(struct stream *s, int code, const char *what)
{
    GError *e =
        g_error_new(G_IO_ERROR, code, "%s: %s", webkit_uri_scheme_request_get_uri(s->req), what);
    webkit_uri_scheme_request_finish_error(s->req, e);
    g_error_free(e);
    end(s);
}

static void pump(struct stream *s);

static gboolean on_writable(gint fd, GIOCondition cond, gpointer ud)
{
    (void)fd, (void)cond;
    struct stream *s = ud;
    s->watch = 0;
    pump(s);
    return G_SOURCE_REMOVE;
}

/* What is held into the pipe; then the next piece, or the end. */
static void pump(struct stream *s)
{
    while (s->pos < s->len) {
        ssize_t n = write(s->wfd, s->buf + s->pos, s->len - s->pos);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            s->watch = g_unix_fd_add(s->wfd, G_IO_OUT | G_IO_ERR | G_IO_HUP, on_writable, s);
            return;
        }
        if (n < 0) return end(s); /* EPIPE: WebKit no longer wants it */
        s->pos += (size_t)n;
    }
    bool progress = s->len > 0;
    g_free(s->buf);
    s->buf = NULL, s->len = s->pos = 0;
    if (s->offset < s->limit && progress)
        ask(s);
    else
        end(s); /* all of it (or a file that shrank meanwhile) */
}

static const msgpack_object *get(const msgpack_object *m, const char *key)
{
    for (uint32_t i = 0; m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

/* Parses "bytes=A-B", "bytes=A-" or "bytes=-N"; anything else (several ranges too) is no range. */
static struct range parse_range(const char *h)
{
    struct range r = {RANGE_NONE, 0, 0};
    char *end;
    if (!h || strncmp(h, "bytes=", 6) || strchr(h, ',')) return r;
    h += 6;
    while (*h == ' ')
        h++;
    if (*h == '-') {
        if (!g_ascii_isdigit(h[1])) return r;
        r.b = g_ascii_strtoull(h + 1, &end, 10);
        r.kind = RANGE_SUFFIX;
    } else {
        if (!g_ascii_isdigit(*h)) return r;
        r.a = g_ascii_strtoull(h, &end, 10);
        if (*end++ != '-') return r;
        r.b = g_ascii_isdigit(*end) ? g_ascii_strtoull(end, &end, 10) : UINT64_MAX;
        if (r.b < r.a) return r;
        r.kind = RANGE_FROM;
    }
    while (*end == ' ')
        end++;
    if (*end || errno == ERANGE) r.kind = RANGE_NONE;
    return r;
}

/* Answers s's request with resp, headers h and body in (all taken); s keeps no request. */
static void finish(struct stream *s, WebKitURISchemeResponse *resp, SoupMessageHeaders *h,
                   GInputStream *in)
{
    webkit_uri_scheme_response_set_http_headers(resp, h); /* takes h */
    webkit_uri_scheme_request_finish_with_response(s->req, resp);
    g_object_unref(resp);
    g_object_unref(in);
    g_object_unref(s->req);
    s->req = NULL;
}

/* The response, its body the pipe's other end, once the first piece said the size. */
static int respond(struct stream *s, uint64_t start)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    fcntl(p[1], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; the default 64 KiB where refused */
    s->wfd = p[1];
    GInputStream *in = g_unix_input_stream_new(p[0], TRUE);
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, (gint64)(s->limit - start));
    const char *type = wv_mime_type(s->path);
    bool partial = s->range.kind != RANGE_NONE;
    webkit_uri_scheme_response_set_status(resp, partial ? 206 : 200,
                                          partial ? "Partial Content" : "OK");
    webkit_uri_scheme_response_set_content_type(resp, type);
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    soup_message_headers_set_content_type(h, type, NULL);
    /* As Tauri's: the page's origin may read it (fetch, canvas). */
    soup_message_headers_append(h, "Access-Control-Allow-Origin", "tauri://localhost");
    /* A type known by extension is final; an unknown one WebKit may still sniff (an image). */
    if (strcmp(type, "application/octet-stream") != 0)
        soup_message_headers_append(h, "X-Content-Type-Options", "nosniff");
    soup_message_headers_append(h, "Accept-Ranges", "bytes");
    /* A page that seeks reads where the piece sits (a cross-origin fetch hides it otherwise). */
    soup_message_headers_append(h, "Access-Control-Expose-Headers", "Content-Range, Accept-Ranges");
    if (partial) {
        char cr[80];
        snprintf(cr, sizeof cr,
                 "bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, start,
                 s->limit - 1, s->size);
        soup_message_headers_append(h, "Content-Range", cr);
    }
    finish(s, resp, h, in);
    return 0;
}

/* 416, for a range that starts past the end: nothing is streamed. */
static void unsatisfiable(struct stream *s)
{
    GInputStream *in = g_memory_input_stream_new();
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, 0);
    webkit_uri_scheme_response_set_status(resp, 416, "Range Not Satisfiable");
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    char cr[48];
    snprintf(cr, sizeof cr, "bytes */%" G_GUINT64_FORMAT, s->size);
    soup_message_headers_append(h, "Content-Range", cr);
    soup_message_headers_append(h, "Access-Control-Allow-Origin", "tauri://localhost");
    soup_message_headers_append(h, "Access-Control-Expose-Headers", "Content-Range");
    finish(s, resp, h, in);
    end(s);
}

/*
 * The first piece said the file's size: where the answer starts and ends.
 * false: the range cannot be served (then 416 has been answered).
 */
static bool place(struct stream *s, uint64_t *start)
{
    struct range r = s->range;
    *start = 0, s->limit = s->size;
    if (r.kind == RANGE_FROM) {
        if (r.a >= s->size) return unsatisfiable(s), false;
        *start = r.a;
        s->limit = r.b < s->size ? r.b + 1 : s->size;
    } else if (r.kind == RANGE_SUFFIX) {
        if (r.b == 0 || s->size == 0) return unsatisfiable(s), false;
        *start = s->size - (r.b < s->size ? r.b : s->size);
    }
    return true;
}

static void on_piece(const moat_msg *m, void *ud)
{
    struct stream *s = ud;
    s->asking = false;
    if (s->dead) return stream_free(s);
    if (!m->ok) {
        fprintf(stderr, "moat-webview: refused %s (%s): %s\n", s->path, m->code ? m->code : "",
                m->message ? m->message : "");
        if (!s->req) return end(s);
        bool denied = m->code && !strcmp(m->code, "denied");
        bool missing = m->code && !strcmp(m->code, "not_found");
        return fail(s,
                    denied    ? G_IO_ERROR_PERMISSION_DENIED
                    : missing ? G_IO_ERROR_NOT_FOUND
                              : G_IO_ERROR_FAILED,
                    m->message ? m->message : "refused");
    }
    const msgpack_object *size = get(&m->value, "size"), *data = get(&m->value, "data");
    if (!size || size->type != MSGPACK_OBJECT_POSITIVE_INTEGER || !data ||
        data->type != MSGPACK_OBJECT_BIN) {
        if (s->req) return fail(s, G_IO_ERROR_FAILED, "a malformed answer from the core");
        return end(s);
    }
    if (s->req) {
        uint64_t start;
        s->size = size->via.u64;
        if (!place(s, &start)) return;
        if (respond(s, start) != 0) return fail(s, G_IO_ERROR_FAILED, "cannot make a pipe");
        if (start != s->offset) { /* a suffix: the first ask only learnt the size */
            s->offset = start;
            return ask(s);
        }
    }
    uint64_t left = s->limit > s->offset ? s->limit - s->offset : 0;
    s->len = data->via.bin.size < left ? data->via.bin.size : (size_t)left, s->pos = 0;
    s->buf = g_memdup2(data->via.bin.ptr, s->len);
    s->offset += s->len;
    pump(s);
}

static void ask(struct stream *s)
{
    json_t *args = json_pack("{s:s,s:I}", "path", s->path, "offset", (json_int_t)s->offset);
    int rv = args ? wv_ipc_request("moat:asset", args, on_piece, s) : -1;
    json_decref(args);
    if (rv == 0)
        s->asking = true;
    else if (s->req)
        fail(s, G_IO_ERROR_FAILED, "the core cannot be asked");
    else
        end(s);
}

static void on_request(WebKitURISchemeRequest *req, gpointer ud)
{
    (void)ud;
    const char *uri = webkit_uri_scheme_request_get_uri(req);
    struct stream *s = g_new0(struct stream, 1);
    s->req = g_object_ref(req);
    s->wfd = -1;
    if (g_ascii_strncasecmp(uri, ASSET_ORIGIN, strlen(ASSET_ORIGIN)))
        return fail(s, G_IO_ERROR_PERMISSION_DENIED, "only asset://localhost/ is served");
    /* As Tauri: the path without its leading '/', percent-decoded (convertFileSrc encodes
     * every '/'). The core checks what it is: no "..", no NUL, inside the scope. */
    const char *path = webkit_uri_scheme_request_get_path(req);
    s->path = g_uri_unescape_string(path && *path == '/' ? path + 1 : path ? path : "", NULL);
    if (!s->path || !*s->path) return fail(s, G_IO_ERROR_INVALID_ARGUMENT, "not a path");
    SoupMessageHeaders *h = webkit_uri_scheme_request_get_http_headers(req);
    errno = 0;
    s->range = parse_range(h ? soup_message_headers_get_one(h, "Range") : NULL);
    /* A suffix needs the size first: an offset past any end answers it with no bytes. */
    s->offset = s->range.kind == RANGE_FROM     ? s->range.a
                : s->range.kind == RANGE_SUFFIX ? INT64_MAX
                                                : 0;
    ask(s);
}

void wv_asset_register(WebKitWebContext *ctx)
{
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "asset");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "asset");
    webkit_web_context_register_uri_scheme(ctx, "asset", on_request, NULL, NULL);
}
