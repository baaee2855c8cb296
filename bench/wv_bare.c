// SPDX-License-Identifier: MIT
/*
 * wv_bare.c: the bare WebKitGTK program the webview rows (10-13) compare
 * Moat with: the same engine, the same kind of window and ephemeral
 * context, the bundle served from the same custom scheme (tauri://localhost),
 * and the same reply-capable script message handler, answered here in the
 * UI process; no Moat, no sandbox of Moat's, no core. Row 13's echo is
 * what Moat's shim does with a Uint8Array: a fetch POST to ipc://localhost
 * with the bytes as the body, answered here with them as the response body.
 *
 * Usage: bench_wv_bare BUNDLE_DIR LOOPS [sandbox]   (started by bench_webview)
 * sandbox: WebKit's web-process sandbox on, as Moat's host runs it (WebKitGTK's default is off).
 *
 * stdout: "painted" when the page has painted its first frame, the JSON
 * records (wv_invoke_bare, wv_payload_bare) when LOOPS is 1, then "idle";
 * bench_webview takes the window's memory then and ends this program.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <webkit2/webkit2.h>

static struct {
    const char *bundle;
    bool loops;
    char phase[32];
    uint64_t last;
    struct bench_samples invoke, payload;
} st;

static void serve(WebKitURISchemeRequest *req, gpointer ud)
{
    (void)ud;
    const char *path = webkit_uri_scheme_request_get_path(req);
    char *file = g_build_filename(st.bundle, path && strcmp(path, "/") ? path : "index.html", NULL);
    gchar *data = NULL;
    gsize len = 0;
    if (strstr(path ? path : "", "..") || !g_file_get_contents(file, &data, &len, NULL)) {
        GError *e = g_error_new(G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: not found", path);
        webkit_uri_scheme_request_finish_error(req, e);
        g_error_free(e);
        g_free(file);
        return;
    }
    GInputStream *in = g_memory_input_stream_new_from_data(data, (gssize)len, g_free);
    webkit_uri_scheme_request_finish(
        req, in, (gint64)len, g_str_has_suffix(file, ".js") ? "text/javascript" : "text/html");
    g_object_unref(in);
    g_free(file);
}

/* Row 13: the body read whole (1 MiB at a time), then answered as it came. */
struct echo {
    WebKitURISchemeRequest *req;
    GInputStream *body;
    GByteArray *buf;
    bool post;
};

static void gap(struct bench_samples *s, double mb);

static void echo_read(struct echo *e);

/* The whole body came: the gap, and the same bytes back. */
static void echo_done(struct echo *e)
{
    if (e->post) gap(!strcmp(st.phase, "payload") ? &st.payload : NULL, e->buf->len / 1e6);
    GBytes *b = g_byte_array_free_to_bytes(e->buf);
    GInputStream *in = g_memory_input_stream_new_from_bytes(b);
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, (gint64)g_bytes_get_size(b));
    webkit_uri_scheme_response_set_content_type(resp, "application/octet-stream");
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    soup_message_headers_set_content_type(h, "application/octet-stream", NULL);
    soup_message_headers_append(h, "Access-Control-Allow-Origin", "tauri://localhost");
    soup_message_headers_append(h, "Access-Control-Allow-Methods", "POST");
    soup_message_headers_append(h, "Access-Control-Allow-Headers", "Content-Type");
    webkit_uri_scheme_response_set_http_headers(resp, h);
    webkit_uri_scheme_request_finish_with_response(e->req, resp);
    g_object_unref(resp), g_object_unref(in), g_bytes_unref(b);
    if (e->body) g_object_unref(e->body);
    g_object_unref(e->req);
    g_free(e);
}

static void echo_on_read(GObject *src, GAsyncResult *res, gpointer ud)
{
    struct echo *e = ud;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, NULL);
    g_byte_array_set_size(e->buf, e->buf->len - (1u << 20) + (guint)(n > 0 ? n : 0));
    if (n > 0) return echo_read(e);
    echo_done(e);
}

static void echo_read(struct echo *e)
{
    if (!e->body) return echo_done(e);
    guint at = e->buf->len;
    g_byte_array_set_size(e->buf, at + (1u << 20));
    g_input_stream_read_async(e->body, e->buf->data + at, 1u << 20, G_PRIORITY_DEFAULT, NULL,
                              echo_on_read, e);
}

static void echo(WebKitURISchemeRequest *req, gpointer ud)
{
    (void)ud;
    struct echo *e = g_new0(struct echo, 1);
    e->req = g_object_ref(req);
    e->buf = g_byte_array_new();
    const char *m = webkit_uri_scheme_request_get_http_method(req);
    e->post = m && !strcmp(m, "POST");
    e->body = e->post ? webkit_uri_scheme_request_get_http_body(req) : NULL;
    echo_read(e); /* a preflight (OPTIONS) gets an empty answer with the CORS headers */
}

/* The gap since the previous arrival (closed loop: one round trip), into s. */
static void gap(struct bench_samples *s, double mb)
{
    uint64_t now = bench_now_ns();
    if (s && st.last)
        bench_add(s, mb ? mb * 1e9 / (double)(now - st.last) : (double)(now - st.last));
    st.last = now;
}

static void reply(WebKitScriptMessageReply *r, JSCContext *ctx, const char *s)
{
    JSCValue *v = jsc_value_new_string(ctx, s);
    webkit_script_message_reply_return_value(r, v);
    g_object_unref(v);
}

static gboolean on_message(WebKitUserContentManager *ucm, JSCValue *value,
                           WebKitScriptMessageReply *r, gpointer ud)
{
    (void)ucm, (void)ud;
    JSCContext *ctx = jsc_value_get_context(value);
    char *s = jsc_value_to_string(value);
    if (!strncmp(s, "bench:phase:", 12)) {
        snprintf(st.phase, sizeof st.phase, "%s", s + 12);
        st.last = 0;
        if (!strcmp(st.phase, "done")) {
            bench_emit("wv_invoke_bare", "ns", &st.invoke);
            bench_emit("wv_payload_bare", "MB/s", &st.payload);
        }
        reply(r, ctx, "null");
    } else if (!strcmp(s, "bench:ping")) {
        gap(!strcmp(st.phase, "invoke") ? &st.invoke : NULL, 0);
        reply(r, ctx, "null");
    } else if (!strcmp(s, "bench:painted")) {
        printf("painted\n");
        fflush(stdout);
        reply(r, ctx, st.loops ? "true" : "false");
    } else if (!strncmp(s, "bench:error:", 12)) {
        fprintf(stderr, "bench_wv_bare: the page: %s\n", s + 12);
        reply(r, ctx, "null");
    } else if (!strcmp(s, "bench:idle")) {
        printf("idle\n");
        fflush(stdout);
        reply(r, ctx, "null");
    } else {
        webkit_script_message_reply_return_error_message(r, "unknown message");
    }
    g_free(s);
    return TRUE;
}

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "sandbox"))) {
        fprintf(stderr, "usage: bench_wv_bare BUNDLE_DIR LOOPS [sandbox]\n");
        return 2;
    }
    st.bundle = argv[1];
    st.loops = !strcmp(argv[2], "1");
    bool sandbox = argc == 4;
    gtk_init(&argc, &argv);
    WebKitWebContext *ctx = webkit_web_context_new_ephemeral();
    webkit_web_context_set_cache_model(ctx, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
    webkit_web_context_set_sandbox_enabled(ctx, sandbox);
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "tauri");
    webkit_web_context_register_uri_scheme(ctx, "tauri", serve, NULL, NULL);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "ipc");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "ipc");
    webkit_web_context_register_uri_scheme(ctx, "ipc", echo, NULL, NULL);
    WebKitUserContentManager *ucm = webkit_user_content_manager_new();
    g_signal_connect(ucm, "script-message-with-reply-received::bare", G_CALLBACK(on_message), NULL);
    webkit_user_content_manager_register_script_message_handler_with_reply(ucm, "bare", NULL);
    WebKitWebView *view = WEBKIT_WEB_VIEW(
        g_object_new(WEBKIT_TYPE_WEB_VIEW, "web-context", ctx, "user-content-manager", ucm, NULL));
    GtkWidget *w = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_default_size(GTK_WINDOW(w), 800, 600);
    gtk_container_add(GTK_CONTAINER(w), GTK_WIDGET(view));
    g_signal_connect(w, "destroy", G_CALLBACK(gtk_main_quit), NULL);
    gtk_widget_show_all(w);
    webkit_web_view_load_uri(view, "tauri://localhost/");
    gtk_main();
    return 0;
}
