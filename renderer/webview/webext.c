// SPDX-License-Identifier: MIT
/*
 * webext.c: moat-webext.so, which WebKit loads into the page's web process
 * (the host names its folder with webkit_web_context_set_web_extensions_directory).
 *
 * It gives page.js what neither the script message handler nor a custom
 * scheme does well: bytes in one piece. WebKit reads a custom scheme's
 * response 8 KiB per main-loop turn, each piece its own message to the web
 * process (bench row 13), and the message handler does not carry bytes at
 * all. Here a binary invoke's body goes to the host as a sealed memfd in a
 * WebKitUserMessage, and the host's reply brings the answer's bytes the
 * same way; they are copied once into a new ArrayBuffer of the page's
 * (JavaScriptCore refuses memory it did not allocate itself for one).
 *
 * To the top frame's page world, before its scripts run (page.js takes it
 * and deletes it from window):
 *
 *     __moatExt.invoke(cmd, id, type, body, done)   body a Uint8Array
 *     __moatExt.take(token, done)                   a body the host stashed
 *     done(ok, typeOrCode, arrayBufferOrNull, message)
 *
 * Host messages: "moat-invoke" (s cmd, t id, s type) and "moat-take"
 * (s token), the body as fd 0; replies (b ok, s type or code, s message),
 * the answer as fd 0 when ok.
 *
 * This runs in the web process, which Moat assumes compromised: it holds
 * nothing the page does not, and the host checks what it gets from here as
 * it checks anything from the page.
 */
#include "memfd.h"

#include <gio/gunixfdlist.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <webkit2/webkit-web-extension.h>

/* An answer bigger than this is refused by the host long before (its frame limit). */
#define ANSWER_MAX ((size_t)4 << 30)

struct pending {
    JSCValue *done;
};

/* Calls done(ok, s, buf, message) (buf may be NULL: null) and frees p. */
static void finish(struct pending *p, gboolean ok, const char *s, JSCValue *buf,
                   const char *message)
{
    JSCContext *ctx = jsc_value_get_context(p->done);
    JSCValue *null = buf ? NULL : jsc_value_new_null(ctx);
    JSCValue *r =
        jsc_value_function_call(p->done, G_TYPE_BOOLEAN, ok, G_TYPE_STRING, s, JSC_TYPE_VALUE,
                                buf ? buf : null, G_TYPE_STRING, message, G_TYPE_NONE);
    if (r) g_object_unref(r);
    if (null) g_object_unref(null);
    jsc_context_clear_exception(ctx); /* the page's callback threw: its own business */
    g_object_unref(p->done);
    g_free(p);
}

/* The answer's bytes (fd borrowed) as a new ArrayBuffer of ctx's, or NULL with why. */
static JSCValue *answer_buffer(JSCContext *ctx, int fd, const char **why)
{
    size_t n;
    const void *m = wv_memfd_map(fd, ANSWER_MAX, &n, why);
    if (n == (size_t)-1) return NULL;
    JSCValue *arr = jsc_value_new_typed_array(ctx, JSC_TYPED_ARRAY_UINT8, n);
    gsize len = 0;
    void *dst = arr ? jsc_value_typed_array_get_data(arr, &len) : NULL;
    JSCValue *buf = NULL;
    if (dst && len == n) {
        memcpy(dst, m, n);
        buf = jsc_value_typed_array_get_buffer(arr);
    } else if (n == 0 && arr) {
        buf = jsc_value_typed_array_get_buffer(arr);
    } else {
        *why = "out of memory for the answer";
    }
    wv_memfd_unmap(m, n);
    if (arr) g_object_unref(arr);
    return buf;
}

static void on_reply(GObject *src, GAsyncResult *res, gpointer ud)
{
    struct pending *p = ud;
    GError *e = NULL;
    WebKitUserMessage *r =
        webkit_web_page_send_message_to_view_finish(WEBKIT_WEB_PAGE(src), res, &e);
    GVariant *v = r ? webkit_user_message_get_parameters(r) : NULL;
    if (!v || !g_variant_is_of_type(v, G_VARIANT_TYPE("(bss)"))) {
        finish(p, FALSE, "internal", NULL, e ? e->message : "the host's reply is not (bss)");
        if (e) g_error_free(e);
        if (r) g_object_unref(r);
        return;
    }
    gboolean ok;
    const char *s, *message;
    g_variant_get(v, "(b&s&s)", &ok, &s, &message);
    GUnixFDList *fds = webkit_user_message_get_fd_list(r);
    if (!ok) {
        finish(p, FALSE, s, NULL, message);
    } else if (!fds || g_unix_fd_list_get_length(fds) != 1) {
        finish(p, FALSE, "internal", NULL, "the host's answer has no body");
    } else {
        const char *why = NULL;
        int fd = g_unix_fd_list_peek_fds(fds, NULL)[0];
        JSCValue *buf = answer_buffer(jsc_value_get_context(p->done), fd, &why);
        if (buf)
            finish(p, TRUE, s, buf, "");
        else
            finish(p, FALSE, "internal", NULL, why);
        if (buf) g_object_unref(buf);
    }
    g_object_unref(r);
}

/* Sends name with params (floating) and fd (taken; -1: none); done gets the reply. */
static gboolean send_msg(WebKitWebPage *page, const char *name, GVariant *params, int fd,
                         JSCValue *done)
{
    GUnixFDList *fds = NULL;
    if (fd >= 0) {
        fds = g_unix_fd_list_new_from_array(&fd, 1); /* takes fd */
    }
    WebKitUserMessage *m = webkit_user_message_new_with_fd_list(name, params, fds);
    struct pending *p = g_new0(struct pending, 1);
    p->done = g_object_ref(done);
    webkit_web_page_send_message_to_view(page, m, NULL, on_reply, p);
    if (fds) g_object_unref(fds);
    return TRUE;
}

static gboolean ext_invoke(const char *cmd, double id, const char *type, JSCValue *body,
                           JSCValue *done, gpointer page)
{
    if (!cmd || !type || !jsc_value_is_typed_array(body) || !jsc_value_is_function(done) ||
        jsc_value_typed_array_get_type(body) != JSC_TYPED_ARRAY_UINT8 ||
        !(id >= 0 && id <= 9007199254740991.0)) /* page.js's ids: safe integers */
        return FALSE;
    gsize n = 0;
    const void *p = jsc_value_typed_array_get_data(body, &n);
    int fd = wv_memfd_from(p, n);
    if (fd < 0) return FALSE; /* page.js fetches instead */
    return send_msg(page, "moat-invoke", g_variant_new("(sts)", cmd, (guint64)id, type), fd, done);
}

static gboolean ext_take(const char *token, JSCValue *done, gpointer page)
{
    if (!token || !jsc_value_is_function(done)) return FALSE;
    return send_msg(page, "moat-take", g_variant_new("(s)", token), -1, done);
}

static void on_window_object_cleared(WebKitScriptWorld *world, WebKitWebPage *page,
                                     WebKitFrame *frame, gpointer ud)
{
    (void)ud;
    if (!webkit_frame_is_main_frame(frame)) return; /* page.js runs in the top frame only */
    JSCContext *ctx = webkit_frame_get_js_context_for_script_world(frame, world);
    JSCValue *o = jsc_value_new_object(ctx, NULL, NULL);
    JSCValue *inv = jsc_value_new_function(ctx, "invoke", G_CALLBACK(ext_invoke), page, NULL,
                                           G_TYPE_BOOLEAN, 5, G_TYPE_STRING, G_TYPE_DOUBLE,
                                           G_TYPE_STRING, JSC_TYPE_VALUE, JSC_TYPE_VALUE);
    JSCValue *take = jsc_value_new_function(ctx, "take", G_CALLBACK(ext_take), page, NULL,
                                            G_TYPE_BOOLEAN, 2, G_TYPE_STRING, JSC_TYPE_VALUE);
    jsc_value_object_set_property(o, "invoke", inv);
    jsc_value_object_set_property(o, "take", take);
    jsc_context_set_value(ctx, "__moatExt", o);
    g_object_unref(take);
    g_object_unref(inv);
    g_object_unref(o);
    g_object_unref(ctx);
}

G_MODULE_EXPORT void webkit_web_extension_initialize(WebKitWebExtension *ext)
{
    (void)ext;
    g_signal_connect(webkit_script_world_get_default(), "window-object-cleared",
                     G_CALLBACK(on_window_object_cleared), NULL);
}
