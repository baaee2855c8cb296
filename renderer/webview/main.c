// SPDX-License-Identifier: MIT
/*
 * main.c: moat-webview, the webview renderer's host: one window, one
 * WebKitWebView, the bundle at tauri://localhost/, IPC to the core.
 *
 *     moat-webview BUNDLE_DIR WINDOW_JSON     (started by the moat core, $MOAT_IPC set)
 */
#include "wv.h"
#include "webview.h" /* sandbox/ */

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wv wv;

static bool get_bool(json_t *o, const char *k, bool dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static int get_int(json_t *o, const char *k, int dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? (int)json_number_value(v) : dflt;
}

static char *get_str(json_t *o, const char *k, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? g_strdup(s) : dflt ? g_strdup(dflt) : NULL;
}

int wv_window_opts_parse(const char *text, struct wv_window_opts *o)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!json_is_object(j)) {
        fprintf(stderr, "moat-webview: window options:%d:%d: %s\n", je.line, je.column,
                j ? "expected an object" : je.text);
        json_decref(j);
        return -1;
    }
    o->label = get_str(j, "label", "main");
    o->title = get_str(j, "title", "");
    o->csp = get_str(j, "csp", NULL);
    o->entry = get_str(j, "entry", "index.html");
    o->width = get_int(j, "width", 800);
    o->height = get_int(j, "height", 600);
    o->resizable = get_bool(j, "resizable", true);
    o->decorations = get_bool(j, "decorations", true);
    o->fullscreen = get_bool(j, "fullscreen", false);
    o->center = get_bool(j, "center", false);
    o->devtools = get_bool(j, "devtools", false);
    json_decref(j);
    return 0;
}

static void on_destroy(GtkWidget *w, gpointer ud)
{
    (void)w, (void)ud;
    gtk_main_quit();
}

/* The page's <title> is the window's, as in Tauri (unless the manifest set one). */
static void on_title(WebKitWebView *view, GParamSpec *ps, gpointer ud)
{
    (void)ps, (void)ud;
    const char *t = webkit_web_view_get_title(view);
    if (!*wv.win.title && t && *t) gtk_window_set_title(GTK_WINDOW(wv.window), t);
}

static bool ready_sent;

/* Events held for this renderer follow once the page has loaded (and registered its listeners). */
static void on_load(WebKitWebView *view, WebKitLoadEvent ev, gpointer ud)
{
    (void)view, (void)ud;
    if (ev != WEBKIT_LOAD_FINISHED || ready_sent) return;
    ready_sent = true;
    if (moat_client_ready(wv.client) != 0)
        fprintf(stderr, "moat-webview: %s\n", moat_client_error(wv.client));
}

static bool is_app_uri(const char *uri)
{
    return uri && (!g_ascii_strncasecmp(uri, "tauri://localhost/", 18) ||
                   !g_ascii_strcasecmp(uri, "tauri://localhost"));
}

/*
 * Navigations only within the app's origin, no new windows (the window API
 * makes those), responses only from the app's scheme and only of types
 * WebKit displays: no downloads.
 */
static gboolean on_decide(WebKitWebView *view, WebKitPolicyDecision *d, WebKitPolicyDecisionType t,
                          gpointer ud)
{
    (void)view, (void)ud;
    const char *uri = NULL;
    if (t == WEBKIT_POLICY_DECISION_TYPE_RESPONSE) {
        WebKitResponsePolicyDecision *r = WEBKIT_RESPONSE_POLICY_DECISION(d);
        uri = webkit_uri_request_get_uri(webkit_response_policy_decision_get_request(r));
        if (is_app_uri(uri) && webkit_response_policy_decision_is_mime_type_supported(r))
            return FALSE; /* WebKit's default: use */
    } else {
        WebKitNavigationAction *a = webkit_navigation_policy_decision_get_navigation_action(
            WEBKIT_NAVIGATION_POLICY_DECISION(d));
        uri = webkit_uri_request_get_uri(webkit_navigation_action_get_request(a));
        if (t == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION && is_app_uri(uri)) return FALSE;
    }
    fprintf(stderr, "moat-webview: refused %s of %s\n",
            t == WEBKIT_POLICY_DECISION_TYPE_RESPONSE            ? "a response"
            : t == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION ? "a new window"
                                                                 : "a navigation",
            uri ? uri : "(none)");
    webkit_policy_decision_ignore(d);
    return TRUE;
}

/* No permission prompts: geolocation, media, notifications are refused (no command grants them
 * yet). */
static gboolean on_permission(WebKitWebView *view, WebKitPermissionRequest *req, gpointer ud)
{
    (void)view, (void)ud;
    webkit_permission_request_deny(req);
    return TRUE;
}

/*
 * Whether a GPU render node can be opened. Without one, WebKit's accelerated
 * compositing runs on Mesa's software rasterizer, which compiles its shaders
 * at the first frame into a cache under HOME, and the host's HOME is new at
 * every start: the first paint waited ~1 s for that compile (bench row 11).
 * Rendering without compositing skips GL altogether.
 */
static bool has_gpu(void)
{
    GDir *d = g_dir_open("/dev/dri", 0, NULL);
    bool found = false;
    for (const char *n; d && !found && (n = g_dir_read_name(d));) {
        if (strncmp(n, "renderD", 7)) continue;
        char *path = g_build_filename("/dev/dri", n, NULL);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        found = fd >= 0;
        if (fd >= 0) close(fd);
        g_free(path);
    }
    if (d) g_dir_close(d);
    return found;
}

static WebKitSettings *settings(void)
{
    WebKitSettings *s = webkit_settings_new();
    webkit_settings_set_enable_developer_extras(s, wv.win.devtools);
    webkit_settings_set_enable_javascript(s, TRUE);
    webkit_settings_set_javascript_can_open_windows_automatically(s, FALSE);
    webkit_settings_set_enable_webrtc(s, FALSE);
    webkit_settings_set_enable_media_stream(s, FALSE);
    webkit_settings_set_enable_webaudio(s, TRUE);
    webkit_settings_set_allow_file_access_from_file_urls(s, FALSE);
    webkit_settings_set_allow_universal_access_from_file_urls(s, FALSE);
    webkit_settings_set_enable_page_cache(s, FALSE);
    if (!has_gpu())
        webkit_settings_set_hardware_acceleration_policy(s,
                                                         WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
    /* What the page gets, read back from WebKit: tests check it, and users see devtools on. */
    fprintf(stderr,
            "moat-webview: webkit settings: developer-extras %s, webrtc %s, media-stream %s, "
            "hardware acceleration %s\n",
            webkit_settings_get_enable_developer_extras(s) ? "on (--devtools)" : "off",
            webkit_settings_get_enable_webrtc(s) ? "on" : "off",
            webkit_settings_get_enable_media_stream(s) ? "on" : "off",
            webkit_settings_get_hardware_acceleration_policy(s) ==
                    WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER
                ? "off (no GPU render node)"
                : "WebKit's default");
    return s;
}

/*
 * The web process extension (webext.c: binaries in one piece), from the
 * folder beside this program, where the build and an install put it. Without
 * it page.js fetches ipc:// instead. Static string or NULL.
 */
static const char *webext_dir(void)
{
    static char *dir;
    char *exe = dir ? NULL : realpath("/proc/self/exe", NULL);
    if (exe) {
        char *d = g_path_get_dirname(exe), *so;
        dir = g_build_filename(d, "webext", NULL);
        so = g_build_filename(dir, "moat-webext.so", NULL);
        if (!g_file_test(so, G_FILE_TEST_IS_REGULAR)) g_clear_pointer(&dir, g_free);
        g_free(so), g_free(d), free(exe);
    }
    return dir;
}

static void build_window(void)
{
    WebKitWebContext *ctx = webkit_web_context_new_ephemeral();
    const char *ext = webext_dir();
    if (ext) webkit_web_context_set_web_extensions_directory(ctx, ext);
    const char *sbx = getenv("MOAT_WEBVIEW_SANDBOX");
    /* WebKit's web-process sandbox (bubblewrap), unless the core declared the degraded mode. */
    webkit_web_context_set_sandbox_enabled(ctx, !sbx || strcmp(sbx, "off") != 0);
    webkit_web_context_set_cache_model(ctx, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
    wv_scheme_register(ctx);
    wv_asset_register(ctx);
    wv_rawipc_register(ctx);

    WebKitUserContentManager *ucm = webkit_user_content_manager_new();
    char *src = wv_ipc_user_script(wv.win.label);
    WebKitUserScript *us =
        webkit_user_script_new(src, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                               WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
    webkit_user_content_manager_add_script(ucm, us);
    webkit_user_script_unref(us);
    g_free(src);
    wv_plugin_scripts(ucm);
    wv_ipc_attach(ucm);

    WebKitSettings *s = settings();
    wv.view = WEBKIT_WEB_VIEW(g_object_new(WEBKIT_TYPE_WEB_VIEW, "web-context", ctx,
                                           "user-content-manager", ucm, "settings", s, NULL));
    g_object_unref(s);
    g_object_unref(ucm);
    g_object_unref(ctx);

    wv.window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    GtkWindow *w = GTK_WINDOW(wv.window);
    gtk_window_set_title(w, wv.win.title);
    gtk_window_set_default_size(w, wv.win.width, wv.win.height);
    gtk_window_set_resizable(w, wv.win.resizable);
    gtk_window_set_decorated(w, wv.win.decorations);
    if (wv.win.center) gtk_window_set_position(w, GTK_WIN_POS_CENTER);
    if (wv.win.fullscreen) gtk_window_fullscreen(w);
    gtk_container_add(GTK_CONTAINER(wv.window), GTK_WIDGET(wv.view));
    g_signal_connect(wv.window, "destroy", G_CALLBACK(on_destroy), NULL);
    g_signal_connect(wv.view, "notify::title", G_CALLBACK(on_title), NULL);
    g_signal_connect(wv.view, "load-changed", G_CALLBACK(on_load), NULL);
    g_signal_connect(wv.view, "decide-policy", G_CALLBACK(on_decide), NULL);
    g_signal_connect(wv.view, "permission-request", G_CALLBACK(on_permission), NULL);
    wv_rawipc_attach(wv.view);
    wv_window_events();
    gtk_widget_show_all(wv.window);
}

/*
 * Every request outside tauri://localhost (and asset://localhost, which only
 * serves what the core allows, and ipc://localhost, invokes) is blocked inside WebKit too (fetch,
 * XHR, WebSocket, images, CSS url(), prefetch…): a content filter, compiled
 * before the page loads. The page loads once it is in place, never without.
 */
static const char filter_rules[] =
    "[{\"trigger\":{\"url-filter\":\".*\"},\"action\":{\"type\":\"block\"}},"
    "{\"trigger\":{\"url-filter\":\"^tauri://localhost/\"},"
    "\"action\":{\"type\":\"ignore-previous-rules\"}},"
    "{\"trigger\":{\"url-filter\":\"^asset://localhost/\"},"
    "\"action\":{\"type\":\"ignore-previous-rules\"}},"
    "{\"trigger\":{\"url-filter\":\"^ipc://localhost/\"},"
    "\"action\":{\"type\":\"ignore-previous-rules\"}}]";

static void on_filter(GObject *store, GAsyncResult *res, gpointer ud)
{
    (void)ud;
    GError *e = NULL;
    WebKitUserContentFilter *f = webkit_user_content_filter_store_save_finish(
        WEBKIT_USER_CONTENT_FILTER_STORE(store), res, &e);
    if (!f) {
        fprintf(stderr, "moat-webview: cannot compile the content filter: %s\n", e->message);
        g_error_free(e);
        wv.exit_code = 1;
        gtk_main_quit();
        return;
    }
    webkit_user_content_manager_add_filter(webkit_web_view_get_user_content_manager(wv.view), f);
    webkit_user_content_filter_unref(f);
    char *uri = g_uri_escape_string(wv.win.entry, "/", FALSE), *full;
    full = g_strconcat("tauri://localhost/", strcmp(wv.win.entry, "index.html") ? uri : "", NULL);
    webkit_web_view_load_uri(wv.view, full);
    g_free(full);
    g_free(uri);
}

static void load_filtered(void)
{
    char *dir = g_build_filename(g_get_user_cache_dir(), "moat-filters", NULL);
    WebKitUserContentFilterStore *store = webkit_user_content_filter_store_new(dir);
    GBytes *rules = g_bytes_new_static(filter_rules, sizeof filter_rules - 1);
    webkit_user_content_filter_store_save(store, "app-only", rules, NULL, on_filter, NULL);
    g_bytes_unref(rules);
    g_object_unref(store);
    g_free(dir);
}

/*
 * The host's own lockdown, before GTK opens anything (sandbox/wv_self.c).
 * In the degraded mode (the core said WebKit's sandbox is off) Landlock file
 * rules stand in for it: read the system and the bundle, write only HOME and /dev.
 */
static int lock_self(void)
{
    const char *sbx = getenv("MOAT_WEBVIEW_SANDBOX");
    bool degraded = sbx && !strcmp(sbx, "off");
    char *exe = realpath("/proc/self/exe", NULL), *prefix = exe ? g_path_get_dirname(exe) : NULL;
    char *up = prefix ? g_path_get_dirname(prefix) : NULL;
    const char *home = g_get_home_dir(), *xa = getenv("XAUTHORITY");
    char *xdir = xa ? g_path_get_dirname(xa) : NULL;
    const char *read[] = {"/usr",
                          "/etc",
                          "/lib",
                          "/lib64",
                          "/bin",
                          "/sys",
                          "/proc",
                          "/var/cache/fontconfig",
                          "/tmp/.X11-unix",
                          wv.bundle,
                          up ? up : "/usr",
                          xdir ? xdir : "/usr",
                          NULL};
    /* /tmp: the jail's private one (WebKit compiles the content filter through a temporary file).
     */
    const char *write[] = {home, "/dev", g_get_tmp_dir(), NULL};
    struct sbx_wv_self o = {.file_rules = degraded, .read = read, .write = write};
    char err[256];
    int rv = sbx_wv_lockdown_self(&o, err, sizeof err);
    if (rv != 0)
        fprintf(stderr, "moat-webview: cannot lock itself down: %s\n", err);
    else if (degraded)
        fprintf(stderr, "moat-webview: degraded mode: WebKit's sandbox is off, Landlock file "
                        "rules on the host instead\n");
    free(exe);
    g_free(prefix), g_free(up), g_free(xdir);
    return rv;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: moat-webview BUNDLE_DIR WINDOW_JSON (started by the moat core)\n");
        return 2;
    }
    char err[256];
    if (!(wv.bundle = realpath(argv[1], NULL))) {
        fprintf(stderr, "moat-webview: bundle %s: not found\n", argv[1]);
        return 1;
    }
    if (wv_window_opts_parse(argv[2], &wv.win) != 0) return 1;
    wv.client = moat_client_connect(NULL, err, sizeof err);
    if (!wv.client) {
        fprintf(stderr, "moat-webview: %s\n", err);
        return 1;
    }
    /* The label is the core's word (the handshake), not the options'. */
    g_free(wv.win.label);
    wv.win.label = g_strdup(moat_client_label(wv.client));
    if (lock_self() != 0) {
        moat_client_close(wv.client);
        return 1;
    }
    if (!gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "moat-webview: cannot open the display (DISPLAY=%s)\n",
                getenv("DISPLAY") ? getenv("DISPLAY") : "");
        moat_client_close(wv.client);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN); /* an asset WebKit stopped reading is an EPIPE (asset.c) */
    build_window();
    load_filtered();
    gtk_main();
    moat_client_close(wv.client);
    return wv.exit_code;
}
