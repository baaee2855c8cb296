// SPDX-License-Identifier: MIT
/*
 * rawipc.c: invokes with binaries over ipc://localhost/<cmd>, as Tauri's IPC
 * protocol carries them (a POST whose body is the bytes): page.js fetches
 * with the args as the body and this answers in the response body, so no
 * byte crosses as base64 or as a JSON array of numbers. The message handler
 * (ipc.c) stays the path of JSON-only invokes (the faster one for small calls,
 * bench row 10); a binary answer to one of those is stashed here under a
 * random token the page then fetches (ipc://localhost/, header Moat-Answer).
 * The URL names the command alone (the invoke's id is header Moat-Id, for
 * its cancel) so that WebKit's preflight cache keeps one entry per command.
 *
 * Bodies, by Content-Type:
 *   application/octet-stream   the args are one binary (the body)
 *   application/json           the args are JSON (page.js sends none so)
 *   application/x-moat-parts   "N\n", N bytes of JSON, then the binaries: each
 *                              {"__moat_bin__": [offset, length]} in the JSON is
 *                              that slice of the bytes after it
 * Answers use the same types (an error: a status of 400 or more and JSON
 * {code, message}). The frames to the core are those of any invoke: the
 * core and the policy see nothing new.
 *
 * The page is untrusted: only POST (and the CORS preflight) from the app's
 * origin, a known type, a body within the core's frame limit (refused before
 * it is all read when it says its length), and commands the host carries
 * out itself (window, dialog, listen) refused here.
 *
 * When the web process extension is there (webext.c), the same invokes and
 * fetches by token come as its messages instead, the bodies as sealed
 * memfds both ways, under the same rules (and a body is only mapped once
 * its seals say it can neither change nor shrink under the host): WebKit
 * serves a custom scheme's response 8 KiB per main-loop turn, the
 * extension's reply in one piece (bench row 13).
 */
#include "wv.h"
#include "memfd.h"

#include <gio/gunixfdlist.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define IPC_PREFIX "ipc://localhost/"
#define APP_ORIGIN "tauri://localhost"
#define PARTS_TYPE "application/x-moat-parts"
#define CHUNK (1u << 20)
/* Binary bodies the page has not fetched yet (WV_STASH_BYTES bounds their bytes). */
#define STASH_MAX 64

enum kind { K_RAW, K_JSON, K_PARTS };

/* Where an answer goes: the fetch's response, or the reply to the extension's message. */
struct dest {
    WebKitURISchemeRequest *req;
    WebKitUserMessage *msg;
};

struct call {
    struct dest to;
    GInputStream *body;
    GByteArray *buf;    /* a fetch's body, as it is read */
    const guint8 *data; /* the body: in buf, or map */
    size_t len;
    const void *map; /* the extension's memfd, mapped */
    char *cmd;
    enum kind kind;
    uint64_t local; /* the page's id, for its cancel */
    size_t cap;
};

/* An answer body ready to be served: its type and bytes; pushed: an event's or a channel's. */
struct body {
    const char *type;
    GBytes *bytes;
    bool pushed;
};

static GHashTable *stash; /* token -> struct body */
static gsize stash_bytes;

static void body_free(gpointer p)
{
    struct body *b = p;
    stash_bytes -= g_bytes_get_size(b->bytes);
    g_bytes_unref(b->bytes);
    g_free(b);
}

static void dest_unref(struct dest *d)
{
    if (d->req) g_object_unref(d->req);
    if (d->msg) g_object_unref(d->msg);
}

static void call_free(struct call *c)
{
    dest_unref(&c->to);
    if (c->body) g_object_unref(c->body);
    if (c->buf) g_byte_array_unref(c->buf);
    if (c->map) wv_memfd_unmap(c->map, c->len);
    g_free(c->cmd);
    g_free(c);
}

/* Answers req with status and body (takes bytes). */
static void respond(WebKitURISchemeRequest *req, int status, const char *type, GBytes *bytes)
{
    GInputStream *in = g_memory_input_stream_new_from_bytes(bytes);
    WebKitURISchemeResponse *resp =
        webkit_uri_scheme_response_new(in, (gint64)g_bytes_get_size(bytes));
    webkit_uri_scheme_response_set_status(resp, (guint)status, NULL);
    webkit_uri_scheme_response_set_content_type(resp, type);
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    soup_message_headers_set_content_type(h, type, NULL);
    soup_message_headers_append(h, "Access-Control-Allow-Origin", APP_ORIGIN);
    soup_message_headers_append(h, "Cache-Control", "no-store");
    soup_message_headers_append(h, "X-Content-Type-Options", "nosniff");
    webkit_uri_scheme_response_set_http_headers(resp, h); /* takes h */
    webkit_uri_scheme_request_finish_with_response(req, resp);
    g_object_unref(resp);
    g_object_unref(in);
    g_bytes_unref(bytes);
}

static void respond_error(WebKitURISchemeRequest *req, int status, const char *code,
                          const char *message)
{
    json_t *e = json_pack("{s:s,s:s}", "code", code, "message", message);
    char *s = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    const char *t = s ? s : "{\"code\":\"internal\",\"message\":\"out of memory\"}";
    respond(req, status, "application/json", g_bytes_new(t, strlen(t)));
    free(s);
}

/* What the core answered (value borrowed) as a body: raw bytes, parts or JSON. 0, or -1. */
static int make_body(const msgpack_object *v, struct body *out)
{
    if (v->type == MSGPACK_OBJECT_BIN) {
        out->type = "application/octet-stream";
        out->bytes = g_bytes_new(v->via.bin.ptr, v->via.bin.size);
        return 0;
    }
    bool parts = wv_msgpack_has_bin(v, 0);
    GByteArray *bins = parts ? g_byte_array_new() : NULL;
    json_t *j = parts ? wv_json_from_msgpack_parts(v, bins) : wv_json_from_msgpack(v, 0);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!s) {
        if (bins) g_byte_array_unref(bins);
        return -1;
    }
    if (!parts) {
        out->type = "application/json";
        out->bytes = g_bytes_new_take(s, strlen(s));
        return 0;
    }
    char head[24];
    size_t n = strlen(s);
    int hl = snprintf(head, sizeof head, "%zu\n", n);
    GByteArray *all = g_byte_array_sized_new((guint)(hl + n + bins->len));
    g_byte_array_append(all, (const guint8 *)head, (guint)hl);
    g_byte_array_append(all, (const guint8 *)s, (guint)n);
    g_byte_array_append(all, bins->data, bins->len);
    free(s);
    g_byte_array_unref(bins);
    out->type = PARTS_TYPE;
    out->bytes = g_byte_array_free_to_bytes(all);
    return 0;
}

/* The extension's reply: (b ok, s type or code, s message), the bytes as a sealed memfd. */
static void ext_reply(WebKitUserMessage *m, bool ok, const char *s, const char *message,
                      GBytes *bytes)
{
    GUnixFDList *fds = NULL;
    if (ok) {
        gsize n;
        const void *p = g_bytes_get_data(bytes, &n);
        int fd = wv_memfd_from(p, n);
        if (fd < 0)
            ok = false, s = "internal", message = "the answer could not be put in a memfd";
        else
            fds = g_unix_fd_list_new_from_array(&fd, 1); /* takes fd */
    }
    GVariant *v = g_variant_new("(bss)", ok, s, ok ? "" : message);
    webkit_user_message_send_reply(m, webkit_user_message_new_with_fd_list("moat-answer", v, fds));
    if (fds) g_object_unref(fds);
}

/* Answers d with a body (takes bytes). */
static void answer(const struct dest *d, const char *type, GBytes *bytes)
{
    if (d->req) return respond(d->req, 200, type, bytes);
    ext_reply(d->msg, true, type, NULL, bytes);
    g_bytes_unref(bytes);
}

/* Answers d with an error (status for a fetch). */
static void answer_error(const struct dest *d, int status, const char *code, const char *message)
{
    if (d->req) return respond_error(d->req, status, code, message);
    ext_reply(d->msg, false, code, message, NULL);
}

static void on_answer(const moat_msg *m, void *ud)
{
    struct dest *d = ud;
    struct body b;
    if (!m->ok)
        answer_error(d, 400, m->code ? m->code : "internal", m->message ? m->message : "");
    else if (make_body(&m->value, &b) != 0)
        answer_error(d, 500, "internal", "the answer could not be encoded");
    else
        answer(d, b.type, b.bytes);
    dest_unref(d);
    g_free(d);
}

int wv_rawipc_encode(const msgpack_object *v, const char **type, GBytes **bytes)
{
    struct body b;
    if (make_body(v, &b) != 0) return -1;
    *type = b.type;
    *bytes = b.bytes;
    return 0;
}

char *wv_rawipc_stash_body(const char *type, GBytes *bytes, bool pushed)
{
    guint8 r[16];
    gsize n = g_bytes_get_size(bytes);
    if (g_hash_table_size(stash) >= STASH_MAX || stash_bytes + n > WV_STASH_BYTES ||
        getrandom(r, sizeof r, 0) != sizeof r)
        return NULL;
    char *token = g_malloc(2 * sizeof r + 1);
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(token + 2 * i, 3, "%02x", r[i]);
    struct body *b = g_new0(struct body, 1);
    b->type = type;
    b->bytes = g_bytes_ref(bytes);
    b->pushed = pushed;
    stash_bytes += n;
    g_hash_table_insert(stash, g_strdup(token), b);
    return token;
}

char *wv_rawipc_stash(const msgpack_object *v)
{
    const char *type;
    GBytes *bytes;
    if (wv_rawipc_encode(v, &type, &bytes) != 0) return NULL;
    char *token = wv_rawipc_stash_body(type, bytes, false);
    g_bytes_unref(bytes);
    return token;
}

static gboolean is_pushed(gpointer k, gpointer v, gpointer ud)
{
    (void)k, (void)ud;
    return ((struct body *)v)->pushed;
}

void wv_rawipc_drop_pushed(void)
{
    g_hash_table_foreach_remove(stash, is_pushed, NULL);
}

GBytes *wv_rawipc_take(const char *token, const char **type)
{
    struct body *b = token ? g_hash_table_lookup(stash, token) : NULL;
    if (!b) return NULL;
    GBytes *bytes = g_bytes_ref(b->bytes);
    *type = b->type;
    g_hash_table_remove(stash, token);
    wv_ipc_stash_freed();
    return bytes;
}

/* A stashed answer, once: the token is forgotten as it is served. */
static void serve_stashed(const struct dest *d, const char *token)
{
    const char *type;
    GBytes *bytes = wv_rawipc_take(token, &type);
    if (!bytes) return answer_error(d, 404, "not_found", "no such answer (each is fetched once)");
    answer(d, type, bytes);
}

/* The body parsed and packed into the request frame. */
static int pack_call(msgpack_packer *pk, void *ud)
{
    struct call *c = ud;
    const guint8 *p = c->data;
    size_t len = c->len;
    if (c->kind == K_RAW) return moat_client_pack_bin(wv.client, pk, p, len);
    json_error_t je;
    size_t jlen = len, skip = 0;
    if (c->kind == K_PARTS) {
        const guint8 *nl = memchr(p, '\n', len < 21 ? len : 21);
        char *end;
        if (!nl || !g_ascii_isdigit(p[0])) return -1;
        errno = 0;
        jlen = (size_t)g_ascii_strtoull((const char *)p, &end, 10);
        skip = (size_t)(nl - p) + 1;
        if (errno || end != (const char *)nl || jlen > len - skip) return -1;
    }
    json_t *j = json_loadb((const char *)p + skip, jlen, JSON_DECODE_ANY, &je);
    if (!j) return -1;
    struct wv_bins bins = {p + skip + jlen, len - skip - jlen};
    int rv = wv_json_pack_parts(wv.client, pk, j, &bins);
    json_decref(j);
    return rv;
}

static void send_call(struct call *c)
{
    if (c->buf) c->data = c->buf->data, c->len = c->buf->len;
    struct dest *d = g_new(struct dest, 1);
    int rv = wv_ipc_request_pack(c->cmd, pack_call, c, c->len + 64, c->local, on_answer, d);
    if (rv == 0) {
        *d = c->to, c->to = (struct dest){0}; /* on_answer's now */
    } else {
        g_free(d);
        const char *why = rv == -2 ? "the core is gone" : moat_client_error(wv.client);
        bool limit = !strncmp(why, "limit_exceeded", 14);
        answer_error(&c->to, limit ? 413 : 400,
                     rv == -2 ? "core_gone"
                     : limit  ? "limit_exceeded"
                              : "invalid_args",
                     limit || rv == -2 ? why
                                       : "the body is not what its Content-Type says (or too "
                                         "deep, or not one value)");
    }
    call_free(c);
}

static void read_more(struct call *c);

static void on_read(GObject *src, GAsyncResult *res, gpointer ud)
{
    struct call *c = ud;
    GError *e = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, &e);
    if (n < 0) {
        respond_error(c->to.req, 400, "invalid_args", e->message);
        g_error_free(e);
        return call_free(c);
    }
    g_byte_array_set_size(c->buf, c->buf->len - CHUNK + (guint)n);
    if (n == 0) return send_call(c);
    if (c->buf->len > c->cap) {
        char m[128];
        snprintf(m, sizeof m, "the body is over the core's %zu-byte frame limit", c->cap);
        respond_error(c->to.req, 413, "limit_exceeded", m);
        return call_free(c);
    }
    read_more(c);
}

static void read_more(struct call *c)
{
    guint at = c->buf->len;
    g_byte_array_set_size(c->buf, at + CHUNK);
    g_input_stream_read_async(c->body, c->buf->data + at, CHUNK, G_PRIORITY_DEFAULT, NULL, on_read,
                              c);
}

/* The CORS preflight of a POST with a Content-Type the page may not send plainly (WebKitGTK 2.50
 * was not seen sending one to a custom scheme; answered in case another does). */
static void preflight(WebKitURISchemeRequest *req)
{
    GInputStream *in = g_memory_input_stream_new();
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, 0);
    webkit_uri_scheme_response_set_status(resp, 204, NULL);
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    soup_message_headers_append(h, "Access-Control-Allow-Origin", APP_ORIGIN);
    soup_message_headers_append(h, "Access-Control-Allow-Methods", "POST");
    soup_message_headers_append(h, "Access-Control-Allow-Headers",
                                "Content-Type, Moat-Id, Moat-Answer");
    soup_message_headers_append(h, "Access-Control-Max-Age", "86400");
    webkit_uri_scheme_response_set_http_headers(resp, h); /* takes h */
    webkit_uri_scheme_request_finish_with_response(req, resp);
    g_object_unref(resp);
    g_object_unref(in);
}

static bool kind_of(const char *type, enum kind *k)
{
    if (!type) return false;
    size_t n = strcspn(type, "; ");
    if (n == 24 && !g_ascii_strncasecmp(type, "application/octet-stream", n))
        *k = K_RAW;
    else if (n == 16 && !g_ascii_strncasecmp(type, "application/json", n))
        *k = K_JSON;
    else if (n == strlen(PARTS_TYPE) && !g_ascii_strncasecmp(type, PARTS_TYPE, n))
        *k = K_PARTS;
    else
        return false;
    return true;
}

/* Commands the host carries out or tracks itself (ipc.c): only through the message handler. */
static bool host_cmd(const char *cmd)
{
    return wv_window_is_cmd(cmd) || wv_plugin_is_cmd(cmd) || !strcmp(cmd, "plugin:event|listen") ||
           !strcmp(cmd, "plugin:event|unlisten");
}

/* What the core takes in one frame, and a GByteArray holds (under 4 GiB). */
static size_t body_cap(void)
{
    return MIN(moat_client_max_frame(wv.client), (size_t)G_MAXUINT - 2 * CHUNK);
}

static void answer_too_big(const struct dest *d, size_t cap)
{
    char m[128];
    snprintf(m, sizeof m, "the body is over the core's %zu-byte frame limit", cap);
    answer_error(d, 413, "limit_exceeded", m);
}

/*
 * A call of cmd (taken) with a body of type, for d (its references taken,
 * or dropped when this answers): NULL once d has its error.
 */
static struct call *call_new(struct dest *d, char *cmd, const char *type, uint64_t local,
                             goffset declared)
{
    enum kind k = K_RAW;
    size_t cap = body_cap();
    int status = 400;
    const char *why = NULL;
    if (!cmd || !*cmd || strlen(cmd) > 128)
        why = "the path is not a command name";
    else if (host_cmd(cmd))
        why = "this command is carried out by the host: invoke it without binaries";
    else if (!kind_of(type, &k))
        status = 415, why = "the Content-Type is not application/octet-stream, application/json "
                            "or application/x-moat-parts";
    if (why || (declared > 0 && (uint64_t)declared > cap)) {
        if (why)
            answer_error(d, status, "invalid_args", why);
        else
            answer_too_big(d, cap);
        dest_unref(d);
        g_free(cmd);
        return NULL;
    }
    struct call *c = g_new0(struct call, 1);
    c->to = *d;
    c->cmd = cmd;
    c->kind = k;
    c->local = local;
    c->cap = cap;
    return c;
}

static void on_request(WebKitURISchemeRequest *req, gpointer ud)
{
    (void)ud;
    const char *uri = webkit_uri_scheme_request_get_uri(req);
    const char *method = webkit_uri_scheme_request_get_http_method(req);
    SoupMessageHeaders *h = webkit_uri_scheme_request_get_http_headers(req);
    const char *origin = h ? soup_message_headers_get_one(h, "Origin") : NULL;
    if (g_ascii_strncasecmp(uri, IPC_PREFIX, strlen(IPC_PREFIX)))
        return respond_error(req, 403, "denied", "only ipc://localhost/ is served");
    if (!origin || strcmp(origin, APP_ORIGIN) != 0) {
        fprintf(stderr, "moat-webview: refused an ipc:// request from origin %s\n",
                origin ? origin : "(none)");
        return respond_error(req, 403, "denied", "ipc:// answers the app's origin only");
    }
    if (method && !strcmp(method, "OPTIONS")) return preflight(req);
    if (!method || strcmp(method, "POST") != 0)
        return respond_error(req, 405, "invalid_args", "ipc:// takes POST only");
    const char *path = webkit_uri_scheme_request_get_path(req);
    char *cmd = path && *path == '/' ? g_uri_unescape_string(path + 1, NULL) : NULL;
    if (cmd && !*cmd) {
        serve_stashed(&(struct dest){req, NULL}, soup_message_headers_get_one(h, "Moat-Answer"));
        return g_free(cmd);
    }
    const char *id = soup_message_headers_get_one(h, "Moat-Id");
    goffset declared = soup_message_headers_get_content_length(h);
    struct dest d = {g_object_ref(req), NULL};
    struct call *c = call_new(&d, cmd, soup_message_headers_get_one(h, "Content-Type"),
                              id ? g_ascii_strtoull(id, NULL, 10) : 0, declared);
    if (!c) return;
    c->buf = g_byte_array_sized_new(declared > 0 ? (guint)declared + CHUNK : CHUNK); /* <= cap */
    GInputStream *body = webkit_uri_scheme_request_get_http_body(req);
    if (body) {
        c->body = body; /* (transfer full) */
        read_more(c);
    } else {
        send_call(c);
    }
}

/* "moat-invoke" from the extension (webext.c): (s cmd, t id, s type), the body as a memfd. */
static void ext_invoke(WebKitUserMessage *m)
{
    GVariant *v = webkit_user_message_get_parameters(m);
    GUnixFDList *fds = webkit_user_message_get_fd_list(m);
    struct dest d = {NULL, g_object_ref(m)};
    if (!v || !g_variant_is_of_type(v, G_VARIANT_TYPE("(sts)")) || !fds ||
        g_unix_fd_list_get_length(fds) != 1) {
        answer_error(&d, 400, "invalid_args", "moat-invoke takes (sts) and one fd");
        return dest_unref(&d);
    }
    const char *cmd, *type;
    guint64 id;
    g_variant_get(v, "(&st&s)", &cmd, &id, &type);
    struct call *c = call_new(&d, g_strdup(cmd), type, id, 0);
    if (!c) return;
    const char *why;
    c->map = wv_memfd_map(g_unix_fd_list_peek_fds(fds, NULL)[0], c->cap, &c->len, &why);
    if (c->len == (size_t)-1) {
        c->len = 0;
        if (!strcmp(why, "the body is over the limit"))
            answer_too_big(&c->to, c->cap);
        else
            answer_error(&c->to, 400, "invalid_args", why);
        return call_free(c);
    }
    c->data = c->map ? c->map : (const guint8 *)""; /* an empty memfd maps nothing */
    send_call(c);
}

/* The extension's messages (a page without it fetches ipc:// instead). */
static gboolean on_user_message(WebKitWebView *view, WebKitUserMessage *m, gpointer ud)
{
    (void)view, (void)ud;
    static bool said;
    const char *name = webkit_user_message_get_name(m);
    bool ours = !strcmp(name, "moat-invoke") || !strcmp(name, "moat-take");
    if (ours && !said) { /* once: which way this window's binaries go (tests check it) */
        said = true;
        fprintf(stderr, "moat-webview: binaries cross through the web process extension\n");
    }
    if (!strcmp(name, "moat-invoke")) {
        ext_invoke(m);
    } else if (!strcmp(name, "moat-take")) {
        GVariant *v = webkit_user_message_get_parameters(m);
        struct dest d = {NULL, m};
        if (v && g_variant_is_of_type(v, G_VARIANT_TYPE("(s)"))) {
            const char *token;
            g_variant_get(v, "(&s)", &token);
            serve_stashed(&d, token);
        } else {
            answer_error(&d, 400, "invalid_args", "moat-take takes (s)");
        }
    } else {
        return FALSE; /* WebKit answers the sender that nobody took it */
    }
    return TRUE;
}

void wv_rawipc_attach(WebKitWebView *view)
{
    g_signal_connect(view, "user-message-received", G_CALLBACK(on_user_message), NULL);
}

void wv_rawipc_register(WebKitWebContext *ctx)
{
    stash = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, body_free);
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "ipc");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "ipc");
    webkit_web_context_register_uri_scheme(ctx, "ipc", on_request, NULL, NULL);
}
