// SPDX-License-Identifier: MIT
/*
 * scheme.c: the bundle served from tauri://localhost (Tauri's origin on
 * Linux, so apps that test it keep working), with MIME types, the CSP from
 * the manifest as a header, SPA fallback, and nothing outside the bundle.
 */
#include "wv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *ext, *type;
} mime[] = {
    {"html", "text/html"},        {"htm", "text/html"},        {"js", "text/javascript"},
    {"mjs", "text/javascript"},   {"cjs", "text/javascript"},  {"css", "text/css"},
    {"json", "application/json"}, {"map", "application/json"}, {"wasm", "application/wasm"},
    {"svg", "image/svg+xml"},     {"png", "image/png"},        {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},       {"gif", "image/gif"},        {"webp", "image/webp"},
    {"avif", "image/avif"},       {"ico", "image/x-icon"},     {"woff", "font/woff"},
    {"woff2", "font/woff2"},      {"ttf", "font/ttf"},         {"otf", "font/otf"},
    {"txt", "text/plain"},        {"xml", "application/xml"},  {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},         {"webm", "video/webm"},
};

const char *wv_mime_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot)
        for (size_t i = 0; i < G_N_ELEMENTS(mime); i++)
            if (!g_ascii_strcasecmp(dot + 1, mime[i].ext)) return mime[i].type;
    return "application/octet-stream";
}

/* root + "/" + rel, resolved, if it is root itself or inside it. */
static char *inside(const char *root, const char *rel)
{
    char *joined = g_build_filename(root, rel, NULL);
    char *real = realpath(joined, NULL);
    g_free(joined);
    size_t n = strlen(root);
    if (real && (strncmp(real, root, n) != 0 || (real[n] != '/' && real[n] != '\0'))) {
        free(real);
        errno = EACCES;
        return NULL;
    }
    return real;
}

static bool has_dotdot(const char *p)
{
    gchar **parts = g_strsplit(p, "/", -1);
    bool bad = false;
    for (gchar **s = parts; *s && !bad; s++)
        bad = !strcmp(*s, "..");
    g_strfreev(parts);
    return bad;
}

char *wv_resolve(const char *root, const char *uri_path)
{
    /* Percent-decoded; NULL for "%00" or an encoded "/" (which would hide a segment). */
    char *p = g_uri_unescape_string(uri_path && *uri_path ? uri_path : "/", "/");
    if (!p || has_dotdot(p)) {
        g_free(p);
        errno = EACCES;
        return NULL;
    }
    const char *rel = p + strspn(p, "/");
    errno = ENOENT;
    char *real = *rel ? inside(root, rel) : NULL;
    if (real && g_file_test(real, G_FILE_TEST_IS_DIR)) { /* a folder serves its index.html */
        char *index = g_build_filename(real, "index.html", NULL);
        free(real);
        real = inside(root, index + strlen(root) + 1);
        g_free(index);
    }
    /* SPA routes: an extension-less path that names nothing is the app's index.html. */
    const char *last = strrchr(rel, '/');
    if (!real && errno != EACCES && !strchr(last ? last : rel, '.'))
        real = inside(root, "index.html");
    g_free(p);
    if (real && !g_file_test(real, G_FILE_TEST_IS_REGULAR)) {
        free(real);
        errno = ENOENT;
        return NULL;
    }
    return real;
}

static void fail(WebKitURISchemeRequest *req, int code, const char *what)
{
    GError *e =
        g_error_new(G_IO_ERROR, code, "%s: %s", webkit_uri_scheme_request_get_uri(req), what);
    webkit_uri_scheme_request_finish_error(req, e);
    g_error_free(e);
}

/*
 * The manifest's CSP, with ipc: allowed to connect (as Tauri adds it):
 * invokes with binaries are fetches to ipc://localhost (rawipc.c). Without
 * connect-src, default-src's sources are what connect-src starts from. g_free.
 */
static char *csp_with_ipc(const char *csp)
{
    gchar **d = g_strsplit(csp, ";", -1);
    const char *dflt = NULL;
    bool connect = false;
    for (gchar **p = d; *p; p++) {
        char *t = g_strstrip(*p);
        if (!g_ascii_strncasecmp(t, "connect-src", 11) && (!t[11] || t[11] == ' ')) {
            char *n = g_strconcat(t, " ipc:", NULL);
            g_free(*p);
            *p = n;
            connect = true;
        } else if (!g_ascii_strncasecmp(t, "default-src", 11) && (!t[11] || t[11] == ' ')) {
            dflt = t + 11;
        }
    }
    char *extra = !connect && dflt ? g_strconcat("connect-src", dflt, " ipc:", NULL) : NULL;
    char *joined = g_strjoinv("; ", d);
    char *out = extra ? g_strconcat(joined, *joined ? "; " : "", extra, NULL) : g_strdup(joined);
    g_free(extra);
    g_free(joined);
    g_strfreev(d);
    return out;
}

static void on_request(WebKitURISchemeRequest *req, gpointer ud)
{
    (void)ud;
    const char *uri = webkit_uri_scheme_request_get_uri(req);
    /* One origin only: tauri://localhost. */
    if (g_ascii_strncasecmp(uri, "tauri://localhost/", 18) &&
        g_ascii_strcasecmp(uri, "tauri://localhost"))
        return fail(req, G_IO_ERROR_PERMISSION_DENIED, "only tauri://localhost is served");
    char *file = wv_resolve(wv.bundle, webkit_uri_scheme_request_get_path(req));
    if (!file)
        return fail(req, errno == EACCES ? G_IO_ERROR_PERMISSION_DENIED : G_IO_ERROR_NOT_FOUND,
                    errno == EACCES ? "outside the bundle" : "not found");
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(file, &data, &len, NULL)) {
        free(file);
        return fail(req, G_IO_ERROR_NOT_FOUND, "cannot be read");
    }
    GInputStream *in = g_memory_input_stream_new_from_data(data, (gssize)len, g_free);
    WebKitURISchemeResponse *resp = webkit_uri_scheme_response_new(in, (gint64)len);
    webkit_uri_scheme_response_set_status(resp, 200, "OK");
    webkit_uri_scheme_response_set_content_type(resp, wv_mime_type(file));
    SoupMessageHeaders *h = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    /* The headers replace the response's: the type goes in them too. */
    soup_message_headers_set_content_type(h, wv_mime_type(file), NULL);
    if (wv.win.csp) {
        char *csp = csp_with_ipc(wv.win.csp);
        soup_message_headers_append(h, "Content-Security-Policy", csp);
        g_free(csp);
    }
    soup_message_headers_append(h, "X-Content-Type-Options", "nosniff");
    webkit_uri_scheme_response_set_http_headers(resp, h); /* takes h */
    webkit_uri_scheme_request_finish_with_response(req, resp);
    g_object_unref(resp);
    g_object_unref(in);
    free(file);
}

void wv_scheme_register(WebKitWebContext *ctx)
{
    WebKitSecurityManager *sm = webkit_web_context_get_security_manager(ctx);
    webkit_security_manager_register_uri_scheme_as_secure(sm, "tauri");
    webkit_security_manager_register_uri_scheme_as_cors_enabled(sm, "tauri");
    webkit_web_context_register_uri_scheme(ctx, "tauri", on_request, NULL, NULL);
}
