// SPDX-License-Identifier: MIT
/*
 * rogueext.c: a web process extension standing in for a compromised web
 * process (test_rogue_ext.sh puts it where the host loads moat-webext.so).
 * It gives the page one raw sender of the host's user messages:
 *
 *     __rogue.send(name, params, fds, size, done)
 *         params  a GVariant in text form ("('test:echo', uint64 1, 'application/octet-stream')")
 *         fds     "none", "sealed", "unsealed", "write-sealed" (no shrink seal), "pipe", "two"
 *         size    the memfd's bytes (a repeating a-z; "sealed" of 0 is empty)
 *         done    gets the reply's parameters as text and, when it has a memfd, "+ N bytes
 *                 FIRST3", or "error: …"
 */
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webkit2/webkit-web-extension.h>

static int memfd(double size, unsigned seals)
{
    int fd = memfd_create("rogue", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    char buf[26 * 2520];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    for (size_t left = (size_t)size; fd >= 0 && left > 0;) {
        ssize_t w = write(fd, buf, left < sizeof buf ? left : sizeof buf);
        if (w <= 0) break;
        left -= (size_t)w;
    }
    if (fd >= 0 && seals) fcntl(fd, F_ADD_SEALS, seals);
    return fd;
}

static GUnixFDList *fds_for(const char *mode, double size)
{
    int f[2] = {-1, -1}, n = 1;
    if (!strcmp(mode, "sealed"))
        f[0] = memfd(size, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
    else if (!strcmp(mode, "unsealed"))
        f[0] = memfd(size, 0);
    else if (!strcmp(mode, "write-sealed"))
        f[0] = memfd(size, F_SEAL_WRITE);
    else if (!strcmp(mode, "two"))
        f[0] = memfd(size, F_SEAL_WRITE | F_SEAL_SHRINK), f[1] = memfd(size, F_SEAL_WRITE), n = 2;
    else if (!strcmp(mode, "pipe") && pipe(f) == 0)
        close(f[1]), f[1] = -1;
    else
        return NULL;
    return g_unix_fd_list_new_from_array(f, n); /* takes them */
}

/* The reply's memfd, as "+ N bytes FIRST3". */
static char *describe_fd(GUnixFDList *fds)
{
    int fd = g_unix_fd_list_peek_fds(fds, NULL)[0];
    struct stat st;
    char head[4] = "";
    if (fstat(fd, &st) != 0) return g_strdup(" + an fd that fstat refuses");
    if (pread(fd, head, 3, 0) < 0) head[0] = 0;
    return g_strdup_printf(" + %lld bytes %s", (long long)st.st_size, head);
}

static void on_reply(GObject *src, GAsyncResult *res, gpointer ud)
{
    JSCValue *done = ud;
    GError *e = NULL;
    WebKitUserMessage *r =
        webkit_web_page_send_message_to_view_finish(WEBKIT_WEB_PAGE(src), res, &e);
    char *text;
    if (!r) {
        text = g_strdup_printf("error: %s", e->message);
        g_error_free(e);
    } else {
        GVariant *v = webkit_user_message_get_parameters(r);
        GUnixFDList *fds = webkit_user_message_get_fd_list(r);
        char *p = v ? g_variant_print(v, FALSE) : g_strdup("()");
        char *f = fds && g_unix_fd_list_get_length(fds) > 0 ? describe_fd(fds) : g_strdup("");
        text = g_strconcat(p, f, NULL);
        g_free(p), g_free(f);
        g_object_unref(r);
    }
    JSCValue *rv = jsc_value_function_call(done, G_TYPE_STRING, text, G_TYPE_NONE);
    if (rv) g_object_unref(rv);
    g_free(text);
    g_object_unref(done);
}

static gboolean rogue_send(const char *name, const char *params, const char *mode, double size,
                           JSCValue *done, gpointer page)
{
    GError *e = NULL;
    GVariant *v = params && *params ? g_variant_parse(NULL, params, NULL, NULL, &e) : NULL;
    if (e) {
        g_error_free(e);
        return FALSE;
    }
    GUnixFDList *fds = fds_for(mode ? mode : "none", size);
    WebKitUserMessage *m = webkit_user_message_new_with_fd_list(name, v, fds);
    webkit_web_page_send_message_to_view(page, m, NULL, on_reply, g_object_ref(done));
    if (fds) g_object_unref(fds);
    return TRUE;
}

static void on_cleared(WebKitScriptWorld *world, WebKitWebPage *page, WebKitFrame *frame,
                       gpointer ud)
{
    (void)ud;
    if (!webkit_frame_is_main_frame(frame)) return;
    JSCContext *ctx = webkit_frame_get_js_context_for_script_world(frame, world);
    JSCValue *o = jsc_value_new_object(ctx, NULL, NULL);
    JSCValue *f = jsc_value_new_function(ctx, "send", G_CALLBACK(rogue_send), page, NULL,
                                         G_TYPE_BOOLEAN, 5, G_TYPE_STRING, G_TYPE_STRING,
                                         G_TYPE_STRING, G_TYPE_DOUBLE, JSC_TYPE_VALUE);
    jsc_value_object_set_property(o, "send", f);
    jsc_context_set_value(ctx, "__rogue", o);
    g_object_unref(f), g_object_unref(o), g_object_unref(ctx);
}

G_MODULE_EXPORT void webkit_web_extension_initialize(WebKitWebExtension *ext)
{
    (void)ext;
    g_signal_connect(webkit_script_world_get_default(), "window-object-cleared",
                     G_CALLBACK(on_cleared), NULL);
}
