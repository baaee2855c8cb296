// SPDX-License-Identifier: MIT
/*
 * window.c: the core:window:* commands (@tauri-apps/api's plugin:window|…)
 * on this renderer's window (wincmd.c has the rest of them), and its window
 * events. The core decides: a window command goes to the core like any
 * other (plugins/core/core_api.c registers each command of
 * plugins/core/permissions/window.json and webview.json as an allow-only
 * one), and only once the core has allowed it does the host carry it out
 * here and answer the page.
 */
#include "wv.h"

#include <math.h>
#include <string.h>

#define COORD_MAX 32767 /* the largest size or position X takes */

#define PREFIX "plugin:window|"
#define WEBVIEW "plugin:webview|"

bool wv_window_is_cmd(const char *cmd)
{
    /* The listings and new windows are the core's answers (it knows every window), passed through.
     */
    if (!cmd) return false;
    if (!strncmp(cmd, WEBVIEW, strlen(WEBVIEW)))
        return strcmp(cmd, WEBVIEW "get_all_webviews") &&
               strcmp(cmd, WEBVIEW "create_webview_window");
    return !strncmp(cmd, PREFIX, strlen(PREFIX)) && strcmp(cmd, PREFIX "get_all_windows");
}

static json_t *ok(json_t *v)
{
    return json_pack("{s:b,s:o}", "ok", 1, "value", v ? v : json_null());
}

static json_t *size_json(int w, int h)
{
    return json_pack("{s:i,s:i}", "width", w, "height", h);
}

static int scale(void)
{
    return gtk_widget_get_scale_factor(wv.window);
}

/*
 * Tauri's Size ({Logical: {width, height}} or {Physical: …}) or Position
 * ({Logical: {x, y}} …) as GTK's logical pixels; a bare {width, height} is logical.
 */
bool wv_window_pair(const json_t *v, const char *ka, const char *kb, int *a, int *b)
{
    json_t *l = json_object_get(v, "Logical"), *p = json_object_get(v, "Physical");
    json_t *s = l ? l : p ? p : (json_t *)v;
    json_t *ja = json_object_get(s, ka), *jb = json_object_get(s, kb);
    if (!json_is_number(ja) || !json_is_number(jb)) return false;
    double x = json_number_value(ja), y = json_number_value(jb);
    if (!(fabs(x) <= COORD_MAX && fabs(y) <= COORD_MAX))
        return false; /* X's are 16-bit; no int overflow */
    int div = l || !p ? 1 : scale();
    *a = (int)x / div, *b = (int)y / div;
    return true;
}

static bool logical_size(const json_t *v, int *w, int *h)
{
    return wv_window_pair(v, "width", "height", w, h) && *w > 0 && *h > 0;
}

static bool state(GdkWindowState bit)
{
    GdkWindow *g = gtk_widget_get_window(wv.window);
    return g && (gdk_window_get_state(g) & bit);
}

/* The webview's size in physical pixels (Tauri's inner size). */
static json_t *inner_size(void)
{
    GtkAllocation al;
    gtk_widget_get_allocation(GTK_WIDGET(wv.view), &al);
    return size_json(al.width * scale(), al.height * scale());
}

/* ---- theme: as tao has it on GTK */

static const char *preferred_theme; /* setTheme's, or NULL: follow the system */

/*
 * tao's Window::theme() on Linux: the theme setTheme asked for, else "dark"
 * when GTK's theme name ends in -dark, -Dark or -Darker, else "light" (tao
 * does not read gtk-application-prefer-dark-theme for this, so neither do we).
 */
static const char *theme(void)
{
    static const char *const dark[] = {"-dark", "-Dark", "-Darker"};
    if (preferred_theme) return preferred_theme;
    gchar *name = NULL;
    g_object_get(gtk_settings_get_default(), "gtk-theme-name", &name, NULL);
    size_t n = name ? strlen(name) : 0;
    bool is_dark = false;
    for (size_t i = 0; i < sizeof dark / sizeof *dark; i++)
        is_dark |= n >= strlen(dark[i]) && !strcmp(name + n - strlen(dark[i]), dark[i]);
    g_free(name);
    return is_dark ? "dark" : "light";
}

/* tauri://theme-changed ("light" or "dark", Theme's string) when theme() changed. */
static void theme_check(void)
{
    static const char *last;
    const char *now = theme();
    if (last && strcmp(last, now)) wv_ipc_local_event("tauri://theme-changed", json_string(now));
    last = now;
}

/* setTheme: "light", "dark", or null (the system's); tao sets GTK's preference to match. */
static bool set_theme(const json_t *v)
{
    const char *t = json_string_value(v);
    if (!json_is_null(v) && !(t && (!strcmp(t, "light") || !strcmp(t, "dark")))) return false;
    preferred_theme = t ? (!strcmp(t, "dark") ? "dark" : "light") : NULL;
    g_object_set(gtk_settings_get_default(), "gtk-application-prefer-dark-theme",
                 (gboolean)(preferred_theme && !strcmp(preferred_theme, "dark")), NULL);
    theme_check();
    return true;
}

/* ---- colours: Tauri's Color as [r, g, b(, a)] (0-255), a CSS colour string, or {red, green, blue,
 * alpha} */

static bool channel(const json_t *v, double *out)
{
    json_int_t c = json_integer_value(v);
    if (!json_is_integer(v) || c < 0 || c > 255) return false;
    *out = (double)c / 255;
    return true;
}

static bool color(const json_t *v, GdkRGBA *c)
{
    c->alpha = 1;
    if (json_is_string(v)) return gdk_rgba_parse(c, json_string_value(v));
    if (json_is_object(v))
        return channel(json_object_get(v, "red"), &c->red) &&
               channel(json_object_get(v, "green"), &c->green) &&
               channel(json_object_get(v, "blue"), &c->blue) &&
               (!json_object_get(v, "alpha") || channel(json_object_get(v, "alpha"), &c->alpha));
    size_t n = json_array_size(v);
    return (n == 3 || n == 4) && channel(json_array_get(v, 0), &c->red) &&
           channel(json_array_get(v, 1), &c->green) && channel(json_array_get(v, 2), &c->blue) &&
           (n == 3 || channel(json_array_get(v, 3), &c->alpha));
}

/* The window's own background (what shows where the webview does not paint), as tao sets it: CSS.
 */
static void window_background(const GdkRGBA *c)
{
    static GtkCssProvider *css;
    if (!css) {
        css = gtk_css_provider_new();
        gtk_style_context_add_provider(gtk_widget_get_style_context(wv.window),
                                       GTK_STYLE_PROVIDER(css),
                                       GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
    gchar *rgba = gdk_rgba_to_string(c);
    gchar *text = g_strdup_printf("window { background-color: %s; }", rgba);
    gtk_css_provider_load_from_data(css, text, -1, NULL);
    g_free(text), g_free(rgba);
}

/* Colours and attention: 1 done, 0 a value it does not take, -1 not one of these. */
static int looks(const char *name, const json_t *value)
{
    GdkRGBA c;
    if (!strcmp(name, "set_background_color") || !strcmp(name, "set_webview_background_color")) {
        if (!color(value, &c)) return 0;
        if (!strcmp(name, "set_background_color"))
            window_background(&c);
        else
            webkit_web_view_set_background_color(wv.view, &c);
    } else if (!strcmp(name, "request_user_attention")) {
        /* tao: any kind sets the urgency hint, null clears it */
        const char *t = json_string_value(json_object_get(value, "type"));
        if (!json_is_null(value) && !(t && (!strcmp(t, "Critical") || !strcmp(t, "Informational"))))
            return 0;
        gtk_window_set_urgency_hint(GTK_WINDOW(wv.window), t != NULL);
    } else
        return -1;
    return 1;
}

/* ---- monitors: tao's MonitorHandle as Tauri sends it, in physical pixels */

static json_t *rect_json(const GdkRectangle *r, int s)
{
    return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "position", "x", r->x * s, "y", r->y * s, "size",
                     "width", r->width * s, "height", r->height * s);
}

/* {name, scaleFactor, position, size, workArea}, or null; name is GDK's model, as tao's. */
json_t *wv_window_monitor(GdkMonitor *m)
{
    if (!m) return json_null();
    GdkRectangle g, wa;
    gdk_monitor_get_geometry(m, &g);
    gdk_monitor_get_workarea(m, &wa);
    int s = gdk_monitor_get_scale_factor(m);
    const char *model = gdk_monitor_get_model(m);
    json_t *o = rect_json(&g, s);
    json_object_set_new(o, "name", model ? json_string(model) : json_null());
    json_object_set_new(o, "scaleFactor", json_real(s));
    json_object_set_new(o, "workArea", rect_json(&wa, s));
    return o;
}

static json_t *monitors(const char *name)
{
    GdkDisplay *d = gtk_widget_get_display(wv.window);
    GdkWindow *g = gtk_widget_get_window(wv.window);
    if (!strcmp(name, "current_monitor"))
        return ok(wv_window_monitor(g ? gdk_display_get_monitor_at_window(d, g) : NULL));
    if (!strcmp(name, "primary_monitor"))
        return ok(wv_window_monitor(gdk_display_get_primary_monitor(d)));
    if (!strcmp(name, "cursor_position")) { /* on the desktop, physical as tao's */
        int x, y, sc = scale();
        gdk_device_get_position(gdk_seat_get_pointer(gdk_display_get_default_seat(d)), NULL, &x,
                                &y);
        return ok(json_pack("{s:i,s:i}", "x", x * sc, "y", y * sc));
    }
    if (strcmp(name, "available_monitors")) return NULL;
    json_t *all = json_array();
    for (int i = 0; i < gdk_display_get_n_monitors(d); i++)
        json_array_append_new(all, wv_window_monitor(gdk_display_get_monitor(d, i)));
    return ok(all);
}

/* The commands that change nothing but answer from the window (or webview). */
static json_t *query(const char *name, GtkWindow *w)
{
    int a, b;
    if (!strcmp(name, "title"))
        return ok(json_string(gtk_window_get_title(w) ? gtk_window_get_title(w) : ""));
    if (!strcmp(name, "inner_size") || !strcmp(name, "webview_size")) return ok(inner_size());
    if (!strcmp(name, "outer_size")) {
        gtk_window_get_size(w, &a, &b);
        return ok(size_json(a * scale(), b * scale()));
    }
    if (!strcmp(name, "inner_position") || !strcmp(name, "outer_position")) {
        gtk_window_get_position(w, &a, &b);
        return ok(json_pack("{s:i,s:i}", "x", a * scale(), "y", b * scale()));
    }
    if (!strcmp(name, "webview_position")) /* the webview fills its window */
        return ok(json_pack("{s:i,s:i}", "x", 0, "y", 0));
    if (!strcmp(name, "scale_factor")) return ok(json_real(scale()));
    if (!strcmp(name, "theme")) return ok(json_string(theme()));
    if (!strcmp(name, "is_visible")) return ok(json_boolean(gtk_widget_get_visible(wv.window)));
    if (!strcmp(name, "is_focused")) return ok(json_boolean(gtk_window_is_active(w)));
    if (!strcmp(name, "is_resizable")) return ok(json_boolean(gtk_window_get_resizable(w)));
    if (!strcmp(name, "is_decorated")) return ok(json_boolean(gtk_window_get_decorated(w)));
    if (!strcmp(name, "is_maximized")) return ok(json_boolean(state(GDK_WINDOW_STATE_MAXIMIZED)));
    if (!strcmp(name, "is_minimized")) return ok(json_boolean(state(GDK_WINDOW_STATE_ICONIFIED)));
    if (!strcmp(name, "is_fullscreen")) return ok(json_boolean(state(GDK_WINDOW_STATE_FULLSCREEN)));
    if (!strcmp(name, "is_always_on_top")) return ok(json_boolean(state(GDK_WINDOW_STATE_ABOVE)));
    if (!strcmp(name, "is_closable")) return ok(json_boolean(gtk_window_get_deletable(w)));
    /* tao's answer on Linux, where GTK has neither switch */
    if (!strcmp(name, "is_minimizable") || !strcmp(name, "is_maximizable")) return ok(json_true());
    return NULL;
}

/* Sizes, positions, zoom: 1 done, 0 a value it does not take, -1 not one of these. */
static int geometry(const char *name, const json_t *value, GtkWindow *w)
{
    int a, b;
    if (!strcmp(name, "set_size")) {
        if (!logical_size(value, &a, &b)) return 0;
        gtk_window_resize(w, a, b);
    } else if (!strcmp(name, "set_position")) {
        if (!wv_window_pair(value, "x", "y", &a, &b)) return 0;
        gtk_window_move(w, a, b);
    } else if (!strcmp(name, "set_webview_zoom")) {
        double z = json_number_value(value);
        if (!json_is_number(value) || !(z > 0 && z <= 10)) return 0; /* WebKit's range is wider */
        webkit_web_view_set_zoom_level(wv.view, z);
    } else
        return -1;
    return 1;
}

static json_t *fail(const char *code, const char *cmd, const char *why)
{
    return json_pack("{s:b,s:s,s:s+}", "ok", 0, "code", code, "message", cmd, why);
}

/* The commands below that a wrong value fails (invalid_args) rather than an unknown name. */
static bool takes_value(const char *name)
{
    static const char *const v[] = {"set_title",        "set_theme",       "set_fullscreen",
                                    "set_resizable",    "set_decorations", "set_always_on_top",
                                    "set_skip_taskbar", "set_closable"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (!strcmp(name, v[i])) return true;
    return false;
}

/*
 * What no file here carries out answers unsupported: set_badge_label
 * (macOS'), set_overlay_icon (Windows'), activity_name (Android's) and
 * scene_identifier (iOS'), which Tauri has no command for on Linux and so
 * answers an error; create_webview and reparent (Moat has one webview per
 * window); create, webview_close and print (not yet).
 */
static bool inspector_open;

static void on_inspector_closed(WebKitWebInspector *i, gpointer ud)
{
    (void)i, (void)ud;
    inspector_open = false;
}

/* Tauri's devtools shortcut: the inspector opened or closed; false when the developer extras
 * are off (they are on only with moat run --devtools). */
static bool toggle_devtools(void)
{
    static bool hooked;
    if (!wv.win.devtools) return false;
    WebKitWebInspector *i = webkit_web_view_get_inspector(wv.view);
    if (!hooked) g_signal_connect(i, "closed", G_CALLBACK(on_inspector_closed), NULL);
    hooked = true;
    inspector_open ? webkit_web_inspector_close(i) : webkit_web_inspector_show(i);
    inspector_open = !inspector_open;
    return true;
}

json_t *wv_window_run(const char *cmd, const json_t *args)
{
    const char *name = strchr(cmd, '|') + 1;
    const char *label = json_string_value(json_object_get(args, "label"));
    json_t *value = json_object_get(args, "value");
    GtkWindow *w = GTK_WINDOW(wv.window);
    if (label && strcmp(label, wv.win.label))
        return json_pack("{s:b,s:s,s:s+}", "ok", 0, "code", "not_found", "message",
                         "window commands act on this renderer's own window only, not on ", label);
    json_t *q = query(name, w);
    if (!q) q = monitors(name);
    if (q) return q;
    json_t *v = NULL;
    int g = geometry(name, value, w);
    if (g < 0) g = looks(name, value);
    if (g < 0) g = wv_wincmd_run(name, args, &v);
    if (g == WV_DONE) return ok(v);
    if (g == WV_BAD) return fail("invalid_args", cmd, ": its value is not what it takes");
    if (g == WV_UNSUPPORTED) /* wincmd.c says why */
        return fail("unsupported", cmd, ": not carried out by Moat's webview host here");
    if (!strcmp(name, "set_title") && json_is_string(value))
        gtk_window_set_title(w, json_string_value(value));
    else if (!strcmp(name, "set_theme") && set_theme(value))
        ;
    else if (!strcmp(name, "show"))
        gtk_widget_show(wv.window);
    else if (!strcmp(name, "hide"))
        gtk_widget_hide(wv.window);
    else if (!strcmp(name, "close"))
        wv_window_close_requested();
    else if (!strcmp(name, "destroy"))
        g_idle_add_once((GSourceOnceFunc)gtk_widget_destroy, wv.window); /* after the answer */
    else if (!strcmp(name, "maximize"))
        gtk_window_maximize(w);
    else if (!strcmp(name, "unmaximize"))
        gtk_window_unmaximize(w);
    else if (!strcmp(name, "toggle_maximize"))
        state(GDK_WINDOW_STATE_MAXIMIZED) ? gtk_window_unmaximize(w) : gtk_window_maximize(w);
    else if (!strcmp(name, "minimize"))
        gtk_window_iconify(w);
    else if (!strcmp(name, "unminimize"))
        gtk_window_deiconify(w);
    else if (!strcmp(name, "set_fullscreen") && json_is_boolean(value))
        json_is_true(value) ? gtk_window_fullscreen(w) : gtk_window_unfullscreen(w);
    else if (!strcmp(name, "set_resizable") && json_is_boolean(value))
        gtk_window_set_resizable(w, json_is_true(value));
    else if (!strcmp(name, "set_decorations") && json_is_boolean(value))
        gtk_window_set_decorated(w, json_is_true(value));
    else if (!strcmp(name, "set_always_on_top") && json_is_boolean(value))
        gtk_window_set_keep_above(w, json_is_true(value));
    else if (!strcmp(name, "set_skip_taskbar") && json_is_boolean(value))
        gtk_window_set_skip_taskbar_hint(w, json_is_true(value));
    else if (!strcmp(name, "set_closable") && json_is_boolean(value))
        gtk_window_set_deletable(w, json_is_true(value));
    else if (!strcmp(name, "center"))
        gtk_window_set_position(w, GTK_WIN_POS_CENTER_ALWAYS);
    else if (!strcmp(name, "set_focus"))
        gtk_window_present(w);
    else if (!strcmp(name, "internal_toggle_devtools")) {
        if (!toggle_devtools())
            return fail("unsupported", cmd, ": the developer tools are off (moat run --devtools)");
    } else if (takes_value(name))
        return fail("invalid_args", cmd, ": its value is not what it takes");
    else /* the rest (see the comment below) */
        return fail("unsupported", cmd, ": not carried out by Moat's webview host");
    return ok(NULL);
}

/* ---- window events, to this page's listeners (Tauri's names and payloads) */

static gboolean on_configure(GtkWidget *w, GdkEventConfigure *e, gpointer ud)
{
    (void)w, (void)ud;
    /* Physical pixels, as Tauri's: a new scale is a resize and a move too. */
    static int last_w, last_h, last_x, last_y;
    int s = scale(), pw = e->width * s, ph = e->height * s, px = e->x * s, py = e->y * s;
    if (pw != last_w || ph != last_h) wv_ipc_local_event("tauri://resize", size_json(pw, ph));
    if (px != last_x || py != last_y)
        wv_ipc_local_event("tauri://move", json_pack("{s:i,s:i}", "x", px, "y", py));
    last_w = pw, last_h = ph, last_x = px, last_y = py;
    return FALSE;
}

static gboolean on_focus(GtkWidget *w, GdkEventFocus *e, gpointer ud)
{
    (void)w, (void)ud;
    wv_ipc_local_event(e->in ? "tauri://focus" : "tauri://blur", json_null());
    return FALSE;
}

/*
 * A close (the window manager's, or close()): with a tauri://close-requested
 * listener the page decides (@tauri-apps/api's onCloseRequested destroys the
 * window unless the handler called preventDefault); without one it closes.
 */
void wv_window_close_requested(void)
{
    if (wv_ipc_close_listened())
        wv_ipc_local_event(WV_CLOSE_REQUESTED, json_null());
    else
        g_idle_add_once((GSourceOnceFunc)gtk_widget_destroy, wv.window); /* after the answer */
}

static gboolean on_delete(GtkWidget *w, GdkEvent *e, gpointer ud)
{
    (void)w, (void)e, (void)ud;
    wv_window_close_requested();
    return TRUE; /* closed, if at all, by wv_window_close_requested */
}

/* tauri://scale-change: Tauri's ScaleFactorChanged, {scaleFactor, size} (the inner size, physical).
 */
static void on_scale(GObject *o, GParamSpec *ps, gpointer ud)
{
    (void)o, (void)ps, (void)ud;
    static int last;
    int s = scale();
    if (last && s != last)
        wv_ipc_local_event("tauri://scale-change",
                           json_pack("{s:f,s:o}", "scaleFactor", (double)s, "size", inner_size()));
    last = s;
}

static void on_theme(GObject *o, GParamSpec *ps, gpointer ud)
{
    (void)o, (void)ps, (void)ud;
    theme_check();
}

void wv_window_events(void)
{
    theme_check(), on_scale(NULL, NULL, NULL); /* what they start from */
    g_signal_connect(gtk_settings_get_default(), "notify::gtk-theme-name", G_CALLBACK(on_theme),
                     NULL);
    g_signal_connect(wv.window, "notify::scale-factor", G_CALLBACK(on_scale), NULL);
    wv_xsettings_watch(); /* so that the desktop's changes reach GDK, and these */
    g_signal_connect(wv.window, "delete-event", G_CALLBACK(on_delete), NULL);
    g_signal_connect(wv.window, "configure-event", G_CALLBACK(on_configure), NULL);
    g_signal_connect(wv.window, "focus-in-event", G_CALLBACK(on_focus), NULL);
    g_signal_connect(wv.window, "focus-out-event", G_CALLBACK(on_focus), NULL);
}
