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
 */
#include "wv.h"

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

struct call {
    WebKitURISchemeRequest *req;
    GInputStream *body;
    GByteArray *buf;
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

static void call_free(struct call *c)
{
    g_object_unref(c->req);
    if (c->body) g_object_unref(c->body);
    if (c->buf) g_byte_array_unref(c->buf);
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

static void on_answer(const moat_msg *m, void *ud)
{
    WebKitURISchemeRequest *req = ud;
    struct body b;
    if (!m->ok)
        respond_error(req, 400, m->code ? m->code : "internal", m->message ? m->message : "");
    else if (make_body(&m->value, &b) != 0)
        respond_error(req, 500, "internal", "the answer could not be encoded");
    else
        respond(req, 200, b.type, b.bytes);
    g_object_unref(req);
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
static void serve_stashed(WebKitURISchemeRequest *req, const char *token)
{
    const char *type;
    GBytes *bytes = wv_rawipc_take(token, &type);
    if (!bytes)
        return respond_error(req, 404, "not_found", "no such answer (each is fetched once)");
    respond(req, 200, type, bytes);
}

/* The body parsed and packed into the request frame. */
static int pack_call(msgpack_packer *pk, void *ud)
{
    struct call *c = ud;
    const guint8 *p = c->buf->data;
    size_t len = c->buf->len;
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
    int rv =
        wv_ipc_request_pack(c->cmd, pack_call, c, c->buf->len + 64, c->local, on_answer, c->req);
    if (rv == 0) {
        g_object_ref(c->req); /* on_answer's */
    } else {
        const char *why = rv == -2 ? "the core is gone" : moat_client_error(wv.client);
        bool limit = !strncmp(why, "limit_exceeded", 14);
        respond_error(c->req, limit ? 413 : 400,
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
        respond_error(c->req, 400, "invalid_args", e->message);
        g_error_free(e);
        return call_free(c);
    }
    g_byte_array_set_size(c->buf, c->buf->len - CHUNK + (guint)n);
    if (n == 0) return send_call(c);
    if (c->buf->len > c->cap) {
        char m[128];
        snprintf(m, sizeof m, "the body is over the core's %zu-byte frame limit", c->cap);
        respond_error(c->req, 413, "limit_exceeded", m);
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
    const char *id = soup_message_headers_get_one(h, "Moat-Id");
    const char *token = soup_message_headers_get_one(h, "Moat-Answer");
    enum kind k = K_RAW;
    const char *type = h ? soup_message_headers_get_one(h, "Content-Type") : NULL;
    goffset declared = h ? soup_message_headers_get_content_length(h) : 0;
    /* A GByteArray holds under 4 GiB (the core's limit may be 4 GiB). */
    size_t cap = MIN(moat_client_max_frame(wv.client), (size_t)G_MAXUINT - 2 * CHUNK);
    if (cmd && !*cmd) {
        serve_stashed(req, token);
    } else if (!cmd || strlen(cmd) > 128) {
        respond_error(req, 400, "invalid_args", "the path is not a command name");
    } else if (host_cmd(cmd)) {
        respond_error(req, 400, "invalid_args",
                      "this command is carried out by the host: invoke it without binaries");
    } else if (!kind_of(type, &k)) {
        respond_error(req, 415, "invalid_args",
                      "the Content-Type is not application/octet-stream, application/json or "
                      "application/x-moat-parts");
    } else if (declared > 0 && (uint64_t)declared > cap) {
        char m[128];
        snprintf(m, sizeof m, "the body is over the core's %zu-byte frame limit", cap);
        respond_error(req, 413, "limit_exceeded", m);
    } else {
        struct call *c = g_new0(struct call, 1);
        c->req = g_object_ref(req);
        c->cmd = g_steal_pointer(&cmd);
        c->kind = k;
        c->local = id ? g_ascii_strtoull(id, NULL, 10) : 0;
        c->cap = cap;
        c->buf =
            g_byte_array_sized_new(declared > 0 ? (guint)declared + CHUNK : CHUNK); /* <= cap */
        GInputStream *body = webkit_uri_scheme_request_get_http_body(req);
        if (body) {
            c->body = body; /* (transfer full) */
            read_more(c);
        } else {
            send_call(c);
        }
    }
    g_free(cmd);
}

void wv_rawipc_register(WebKitWebContext *ctx)
{
    stash = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, body_free);
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "ipc");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "ipc");
    webkit_web_context_register_uri_scheme(ctx, "ipc", on_request, NULL, NULL);
}
