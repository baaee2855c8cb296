/*
 * asset.c: asset://localhost/<encoded path>, what convertFileSrc makes of a
 * file's path. The host cannot read the file (its jail holds the bundle
 * only) and decides nothing: it asks the core (moat:asset, core/webview_asset.c),
 * which checks the path against app.security.assetProtocol's scope and opens
 * it, a piece of at most 1 MiB at a time. The pieces go into a pipe WebKit
 * reads as the response body, and the next is asked for once the pipe has
 * taken the last: a file is never held whole, and a page that stops reading
 * stops the asking.
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

struct stream {
    WebKitURISchemeRequest *req; /* until the response has started */
    char *path;
    uint64_t offset, size;
    int wfd; /* the pipe's end we write; -1 once done */
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
    if (s->offset < s->size && progress)
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

/* The response, its body the pipe's other end, once the first piece said the size. */
static int respond(struct stream *s)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    fcntl(p[1], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; the default 64 KiB where refused */
    s->wfd = p[1];
    GInputStream *in = g_unix_input_stream_new(p[0], TRUE);
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, (gint64)s->size);
    const char *type = wv_mime_type(s->path);
    webkit_uri_scheme_response_set_status(resp, 200, "OK");
    webkit_uri_scheme_response_set_content_type(resp, type);
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    soup_message_headers_set_content_type(h, type, NULL);
    /* As Tauri's: the page's origin may read it (fetch, canvas). */
    soup_message_headers_append(h, "Access-Control-Allow-Origin", "tauri://localhost");
    /* A type known by extension is final; an unknown one WebKit may still sniff (an image). */
    if (strcmp(type, "application/octet-stream") != 0)
        soup_message_headers_append(h, "X-Content-Type-Options", "nosniff");
    webkit_uri_scheme_response_set_http_headers(resp, h); /* takes h */
    webkit_uri_scheme_request_finish_with_response(s->req, resp);
    g_object_unref(resp);
    g_object_unref(in);
    g_object_unref(s->req);
    s->req = NULL;
    return 0;
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
        s->size = size->via.u64;
        if (respond(s) != 0) return fail(s, G_IO_ERROR_FAILED, "cannot make a pipe");
    }
    s->buf = g_memdup2(data->via.bin.ptr, data->via.bin.size);
    s->len = data->via.bin.size, s->pos = 0;
    s->offset += data->via.bin.size;
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
    ask(s);
}

void wv_asset_register(WebKitWebContext *ctx)
{
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "asset");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "asset");
    webkit_web_context_register_uri_scheme(ctx, "asset", on_request, NULL, NULL);
}
