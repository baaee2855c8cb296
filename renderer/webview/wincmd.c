// SPDX-License-Identifier: MIT
/*
 * wincmd.c: the core:window:* and core:webview:* commands window.c leaves
 * to it (wv_wincmd_run), each carried out as tao and wry carry it out on
 * Linux (GTK 3), or answered as Tauri answers there where they do nothing.
 * The page is untrusted: a value of the wrong shape is refused, never guessed at.
 */
#include "wv.h"

#include <string.h>

#define COORD_MAX 32767 /* the largest size or position X takes */
#define ICON_MAX 1024   /* an icon's largest side, in pixels */

/* What a command gives back: WV_DONE (*out its value, or NULL), WV_BAD, or WV_UNSUPPORTED. */
typedef int (*cmd_fn)(const json_t *args, json_t **out);

static GtkWindow *win(void)
{
    return GTK_WINDOW(wv.window);
}

static int scale(void)
{
    return gtk_widget_get_scale_factor(wv.window);
}

static const json_t *value(const json_t *args)
{
    return json_object_get(args, "value");
}

static GdkDevice *pointer(void)
{
    return gdk_seat_get_pointer(gdk_display_get_default_seat(gtk_widget_get_display(wv.window)));
}

/* ---- the window's switches: a bool value each */

/* tauri-runtime-wry on Linux: a disabled window is an insensitive one (it takes no input). */
static void enable(GtkWindow *w, gboolean on)
{
    gtk_widget_set_sensitive(GTK_WIDGET(w), on);
}

/* tao: stick (_NET_WM_STATE_STICKY, every desktop) or unstick. */
static void stick(GtkWindow *w, gboolean on)
{
    on ? gtk_window_stick(w) : gtk_window_unstick(w);
}

/* Tauri's setSimpleFullscreen is macOS'; elsewhere it is setFullscreen. */
static void fullscreen(GtkWindow *w, gboolean on)
{
    on ? gtk_window_fullscreen(w) : gtk_window_unfullscreen(w);
}

/*
 * set_focusable is GTK's accept-focus (WM_HINTS' input field, which window
 * managers heed). A NULL switch changes nothing here and answers ok, as
 * Tauri does on Linux: set_maximizable, set_minimizable (tao: GTK has
 * neither switch), set_shadow (tauri-runtime-wry sets it on Windows and
 * macOS only), set_content_protected (tao has no content protection on
 * Linux), set_cursor_grab (tao's is Ok(()) on Linux), set_webview_auto_resize
 * (wry resizes child webviews only; this one fills its window).
 */
static const struct {
    const char *name;
    void (*fn)(GtkWindow *, gboolean);
} switches[] = {
    {"set_enabled", enable},
    {"set_focusable", gtk_window_set_accept_focus},
    {"set_visible_on_all_workspaces", stick},
    {"set_always_on_bottom", gtk_window_set_keep_below},
    {"set_simple_fullscreen", fullscreen},
    {"set_maximizable", NULL},
    {"set_minimizable", NULL},
    {"set_shadow", NULL},
    {"set_content_protected", NULL},
    {"set_cursor_grab", NULL},
    {"set_webview_auto_resize", NULL},
};

/* One of the switches: WV_DONE, WV_BAD (not a bool), or WV_NOT_MINE. */
static int switch_run(const char *name, const json_t *args)
{
    const json_t *v = value(args);
    for (size_t i = 0; i < sizeof switches / sizeof *switches; i++) {
        if (strcmp(name, switches[i].name)) continue;
        if (!json_is_boolean(v)) return WV_BAD;
        if (switches[i].fn) switches[i].fn(win(), json_is_true(v));
        return WV_DONE;
    }
    return WV_NOT_MINE;
}

/* The bool value, or -1 when it is none. */
static int flag(const json_t *args)
{
    const json_t *v = value(args);
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

static int is_enabled(const json_t *args, json_t **out)
{
    (void)args;
    *out = json_boolean(gtk_widget_is_sensitive(wv.window));
    return WV_DONE;
}

/* Tauri's internal_toggle_maximize (drag.js, a drag region's double click): resizable only. */
static int internal_toggle_maximize(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    GdkWindow *g = gtk_widget_get_window(wv.window);
    bool max = g && (gdk_window_get_state(g) & GDK_WINDOW_STATE_MAXIMIZED);
    if (gtk_window_get_resizable(win()))
        max ? gtk_window_unmaximize(win()) : gtk_window_maximize(win());
    return WV_DONE;
}

/* ---- size limits: setMinSize, setMaxSize and setSizeConstraints share them, as tao's do */

static int limits[4]; /* min width, min height, max width, max height; logical, 0: none */

static void apply_limits(void)
{
    GdkGeometry g = {.min_width = limits[0],
                     .min_height = limits[1],
                     .max_width = limits[2] ? limits[2] : G_MAXSHORT, /* GTK's "none" */
                     .max_height = limits[3] ? limits[3] : G_MAXSHORT};
    GdkWindowHints mask = (limits[0] || limits[1] ? GDK_HINT_MIN_SIZE : 0) |
                          (limits[2] || limits[3] ? GDK_HINT_MAX_SIZE : 0);
    gtk_window_set_geometry_hints(win(), NULL, &g, mask);
}

/* A Size or null into limits[at], limits[at + 1]. */
static int size_limit(const json_t *v, int at)
{
    int w = 0, h = 0;
    if (!json_is_null(v) && !(wv_window_pair(v, "width", "height", &w, &h) && w > 0 && h > 0))
        return WV_BAD;
    limits[at] = w, limits[at + 1] = h;
    apply_limits();
    return WV_DONE;
}

static int set_min_size(const json_t *args, json_t **out)
{
    (void)out;
    return size_limit(value(args), 0);
}

static int set_max_size(const json_t *args, json_t **out)
{
    (void)out;
    return size_limit(value(args), 2);
}

/* Tauri's PixelUnit ({Logical: n} or {Physical: n}) or null (0) as logical pixels. */
static bool pixel_unit(const json_t *u, int *px)
{
    *px = 0;
    if (!u || json_is_null(u)) return true;
    json_t *l = json_object_get(u, "Logical"), *p = json_object_get(u, "Physical");
    double n = json_number_value(l ? l : p);
    if (json_object_size(u) != 1 || !(l ? json_is_number(l) : json_is_integer(p)) ||
        !(n > 0 && n <= COORD_MAX))
        return false;
    *px = l ? (int)n : MAX(1, (int)n / scale());
    return true;
}

/* {minWidth, minHeight, maxWidth, maxHeight}, each a PixelUnit or null: all four replaced. */
static int set_size_constraints(const json_t *args, json_t **out)
{
    (void)out;
    static const char *const keys[] = {"minWidth", "minHeight", "maxWidth", "maxHeight"};
    const json_t *v = value(args);
    int n[4];
    if (!json_is_object(v)) return WV_BAD;
    for (size_t i = 0; i < 4; i++)
        if (!pixel_unit(json_object_get(v, keys[i]), &n[i])) return WV_BAD;
    memcpy(limits, n, sizeof limits);
    apply_limits();
    return WV_DONE;
}

/* ---- the cursor */

/* On the window's own GDK window, as tao sets it; takes c. */
static void window_cursor(GdkCursor *c)
{
    GdkWindow *g = gtk_widget_get_window(wv.window);
    if (g) gdk_window_set_cursor(g, c);
    if (c) g_object_unref(c);
}

/* Whether a GDK cursor name less its dashes is icon, case aside ("not-allowed", "notAllowed"). */
static bool same_cursor(const char *gdk, const char *icon)
{
    for (; *gdk; gdk++)
        if (*gdk != '-' && g_ascii_tolower(*gdk) != g_ascii_tolower(*icon++)) return false;
    return !*icon;
}

/*
 * Tauri's CursorIcon (any case; any other name is Default, as Tauri's
 * deserializer has it) as tao's GDK cursor name: the CSS one, "hand" being "pointer".
 */
static const char *cursor_name(const char *icon)
{
    static const char *const names[] = {
        "crosshair",   "arrow",       "move",         "text",      "wait",          "help",
        "progress",    "not-allowed", "context-menu", "cell",      "vertical-text", "alias",
        "copy",        "no-drop",     "grab",         "grabbing",  "all-scroll",    "zoom-in",
        "zoom-out",    "e-resize",    "n-resize",     "ne-resize", "nw-resize",     "s-resize",
        "se-resize",   "sw-resize",   "w-resize",     "ew-resize", "ns-resize",     "nesw-resize",
        "nwse-resize", "col-resize",  "row-resize"};
    if (!g_ascii_strcasecmp(icon, "hand")) return "pointer";
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (same_cursor(names[i], icon)) return names[i];
    return "default";
}

static int set_cursor_icon(const json_t *args, json_t **out)
{
    (void)out;
    const char *icon = json_string_value(value(args));
    if (!icon) return WV_BAD;
    window_cursor(gdk_cursor_new_from_name(gtk_widget_get_display(wv.window), cursor_name(icon)));
    return WV_DONE;
}

/* tao: hidden is GDK's blank cursor, shown again the default one. */
static int set_cursor_visible(const json_t *args, json_t **out)
{
    (void)out;
    int b = flag(args);
    GdkDisplay *d = gtk_widget_get_display(wv.window);
    if (b < 0) return WV_BAD;
    window_cursor(b ? gdk_cursor_new_from_name(d, "default")
                    : gdk_cursor_new_for_display(d, GDK_BLANK_CURSOR));
    return WV_DONE;
}

/* A Position inside the window (its client area), where tao warps the pointer to. */
static int set_cursor_position(const json_t *args, json_t **out)
{
    (void)out;
    int x, y, ox = 0, oy = 0;
    GdkWindow *g = gtk_widget_get_window(wv.window);
    if (!wv_window_pair(value(args), "x", "y", &x, &y)) return WV_BAD;
    if (g) gdk_window_get_origin(g, &ox, &oy);
    gdk_device_warp(pointer(), gtk_widget_get_screen(wv.window), ox + x, oy + y);
    return WV_DONE;
}

/*
 * tao: ignoring is an input shape of one pixel at the window's corner (X
 * sends the pointer's events through everywhere else), not ignoring none.
 * An untrusted X client (the host's cookie) is not shown the SHAPE
 * extension, where GDK would do nothing without a word: unsupported then,
 * rather than tao's ok for what did not happen.
 */
static int set_ignore_cursor_events(const json_t *args, json_t **out)
{
    (void)out;
    int b = flag(args);
    GdkWindow *g = gtk_widget_get_window(wv.window);
    if (b < 0) return WV_BAD;
    if (b && !gdk_display_supports_input_shapes(gtk_widget_get_display(wv.window)))
        return WV_UNSUPPORTED;
    if (!b) {
        gtk_widget_input_shape_combine_region(wv.window, NULL);
    } else if (g) {
        cairo_region_t *r = cairo_region_create_rectangle(&(cairo_rectangle_int_t){0, 0, 1, 1});
        gdk_window_input_shape_combine_region(g, r, 0, 0);
        cairo_region_destroy(r);
    }
    return WV_DONE;
}

/* ---- dragging, from where the pointer is, with its first button (as tao) */

static int start_dragging(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    int x, y;
    gdk_device_get_position(pointer(), NULL, &x, &y);
    gtk_window_begin_move_drag(win(), 1, x, y, GDK_CURRENT_TIME);
    return WV_DONE;
}

/* Tauri's ResizeDirection, exactly (serde's names), as GDK's edge. */
static int start_resize_dragging(const json_t *args, json_t **out)
{
    (void)out;
    static const struct {
        const char *name;
        GdkWindowEdge edge;
    } dirs[] = {{"East", GDK_WINDOW_EDGE_EAST},
                {"North", GDK_WINDOW_EDGE_NORTH},
                {"NorthEast", GDK_WINDOW_EDGE_NORTH_EAST},
                {"NorthWest", GDK_WINDOW_EDGE_NORTH_WEST},
                {"South", GDK_WINDOW_EDGE_SOUTH},
                {"SouthEast", GDK_WINDOW_EDGE_SOUTH_EAST},
                {"SouthWest", GDK_WINDOW_EDGE_SOUTH_WEST},
                {"West", GDK_WINDOW_EDGE_WEST}};
    const char *d = json_string_value(value(args));
    for (size_t i = 0; d && i < sizeof dirs / sizeof *dirs; i++) {
        if (strcmp(d, dirs[i].name)) continue;
        int x, y;
        gdk_device_get_position(pointer(), NULL, &x, &y);
        gtk_window_begin_resize_drag(win(), dirs[i].edge, 1, x, y, GDK_CURRENT_TIME);
        return WV_DONE;
    }
    return WV_BAD;
}

/* ---- monitors */

/* A physical point as GDK's (logical) one; false when it is not two numbers. */
static bool gdk_point(const json_t *jx, const json_t *jy, int *x, int *y)
{
    if (!json_is_number(jx) || !json_is_number(jy)) return false;
    /* clamped as Rust's `as i32` saturates, to what X can hold */
    *x = (int)CLAMP(json_number_value(jx), -COORD_MAX, COORD_MAX) / scale();
    *y = (int)CLAMP(json_number_value(jy), -COORD_MAX, COORD_MAX) / scale();
    return true;
}

/*
 * monitorFromPoint(x, y), physical, args of their own: GDK's monitor at the
 * point (on X11 GDK gives the nearest one for a point outside every monitor,
 * so null only when there is none at all), as tao asks GDK.
 */
static int monitor_from_point(const json_t *args, json_t **out)
{
    int x, y;
    if (!gdk_point(json_object_get(args, "x"), json_object_get(args, "y"), &x, &y)) return WV_BAD;
    *out = wv_window_monitor(
        gdk_display_get_monitor_at_point(gtk_widget_get_display(wv.window), x, y));
    return WV_DONE;
}

/* setFullscreenOnMonitor(position): the monitor with that physical point; none, nothing. */
static int set_fullscreen_on_monitor(const json_t *args, json_t **out)
{
    (void)out;
    const json_t *v = value(args), *p = json_object_get(v, "Physical");
    int x, y;
    if (!gdk_point(json_object_get(p ? p : v, "x"), json_object_get(p ? p : v, "y"), &x, &y))
        return WV_BAD;
    GdkDisplay *d = gtk_widget_get_display(wv.window);
    for (int i = 0; i < gdk_display_get_n_monitors(d); i++) {
        GdkRectangle r;
        gdk_monitor_get_geometry(gdk_display_get_monitor(d, i), &r);
        if (x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height) {
            gtk_window_fullscreen_on_monitor(win(), gtk_widget_get_screen(wv.window), i);
            break;
        }
    }
    return WV_DONE;
}

/* ---- the icon */

/* Tauri's {rgba, width, height} (JSON numbers) as a pixbuf, or NULL when it is not one. */
static GdkPixbuf *rgba_pixbuf(const json_t *v)
{
    const json_t *px = json_object_get(v, "rgba");
    json_int_t w = json_integer_value(json_object_get(v, "width"));
    json_int_t h = json_integer_value(json_object_get(v, "height"));
    if (!(w > 0 && w <= ICON_MAX && h > 0 && h <= ICON_MAX) ||
        json_array_size(px) != (size_t)(w * h * 4))
        return NULL; /* Tauri's Icon::from_rgba refuses a length that is not width × height × 4 */
    GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, (int)w, (int)h);
    guchar *dst = gdk_pixbuf_get_pixels(pb);
    size_t row = (size_t)w * 4, stride = (size_t)gdk_pixbuf_get_rowstride(pb);
    for (size_t i = 0; i < json_array_size(px); i++) {
        const json_t *c = json_array_get(px, i);
        if (!json_is_integer(c) || json_integer_value(c) < 0 || json_integer_value(c) > 255)
            return g_object_unref(pb), NULL;
        dst[i / row * stride + i % row] = (guchar)json_integer_value(c);
    }
    return pb;
}

/*
 * setIcon: Tauri's JsImage. Raw RGBA is carried out here; a path (read from
 * the app's own file system), an Image's resource id (kept by the core's
 * resource table, which the host has no part of) and encoded bytes (an
 * image file Tauri decodes) are left to the core, which does not do them
 * yet: unsupported.
 */
static int set_icon(const json_t *args, json_t **out)
{
    (void)out;
    const json_t *v = value(args);
    if (json_is_string(v) || json_is_integer(v) || json_is_array(v) ||
        json_object_get(v, "__moat_bin__"))
        return WV_UNSUPPORTED;
    GdkPixbuf *pb = json_is_object(v) ? rgba_pixbuf(v) : NULL;
    if (!pb) return WV_BAD;
    gtk_window_set_icon(win(), pb);
    g_object_unref(pb);
    return WV_DONE;
}

/* ---- the taskbar and the looks Linux has no such thing for */

static bool null_or(const json_t *v, json_type t)
{
    return !v || json_is_null(v) || json_typeof(v) == t;
}

/*
 * setProgressBar, setBadgeCount: tao's go to Unity's launcher API over the
 * session bus, which the host has none of (it is sandboxed); tao ignores a
 * missing one, so Tauri's answer is ok, and so is this once the value is right.
 */
static int set_progress_bar(const json_t *args, json_t **out)
{
    (void)out;
    static const char *const statuses[] = {"none", "normal", "indeterminate", "paused", "error"};
    const json_t *v = value(args), *st = json_object_get(v, "status"),
                 *p = json_object_get(v, "progress");
    bool known = null_or(st, JSON_NULL);
    for (size_t i = 0; json_is_string(st) && i < 5; i++)
        known |= !strcmp(json_string_value(st), statuses[i]);
    return json_is_object(v) && known && null_or(p, JSON_INTEGER) && json_integer_value(p) >= 0 &&
                   null_or(json_object_get(v, "desktopFilename"), JSON_STRING)
               ? WV_DONE
               : WV_BAD;
}

static int set_badge_count(const json_t *args, json_t **out)
{
    (void)out;
    return null_or(value(args), JSON_INTEGER) ? WV_DONE : WV_BAD;
}

/* setEffects (null or {effects: […], …}): Tauri's are Windows' and macOS' materials. */
static int set_effects(const json_t *args, json_t **out)
{
    (void)out;
    const json_t *v = value(args);
    return json_is_null(v) ||
                   (json_is_object(v) && null_or(json_object_get(v, "effects"), JSON_ARRAY))
               ? WV_DONE
               : WV_BAD;
}

/* setTitleBarStyle is macOS'; Tauri takes any string (an unknown one is "visible"). */
static int set_title_bar_style(const json_t *args, json_t **out)
{
    (void)out;
    return json_is_string(value(args)) ? WV_DONE : WV_BAD;
}

/* ---- the webview, which fills its window in Moat (one webview per window) */

/* setSize and setPosition: wry's set_bounds moves child webviews only, not one that fills its
 * window. */
static int set_webview_size(const json_t *args, json_t **out)
{
    (void)out;
    int w, h;
    return wv_window_pair(value(args), "width", "height", &w, &h) && w > 0 && h > 0 ? WV_DONE
                                                                                    : WV_BAD;
}

static int set_webview_position(const json_t *args, json_t **out)
{
    (void)out;
    int x, y;
    return wv_window_pair(value(args), "x", "y", &x, &y) ? WV_DONE : WV_BAD;
}

static int set_webview_focus(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    gtk_widget_grab_focus(GTK_WIDGET(wv.view));
    return WV_DONE;
}

static int webview_show(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    gtk_widget_show(GTK_WIDGET(wv.view));
    return WV_DONE;
}

static int webview_hide(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    gtk_widget_hide(GTK_WIDGET(wv.view));
    return WV_DONE;
}

/* wry: every kind of website data, of all time, without waiting for it to be gone. */
static int clear_all_browsing_data(const json_t *args, json_t **out)
{
    (void)args, (void)out;
    webkit_website_data_manager_clear(webkit_web_view_get_website_data_manager(wv.view),
                                      WEBKIT_WEBSITE_DATA_ALL, 0, NULL, NULL, NULL);
    return WV_DONE;
}

int wv_wincmd_run(const char *name, const json_t *args, json_t **out)
{
    static const struct {
        const char *name;
        cmd_fn fn;
    } cmds[] = {
        {"is_enabled", is_enabled},
        {"internal_toggle_maximize", internal_toggle_maximize},
        {"set_min_size", set_min_size},
        {"set_max_size", set_max_size},
        {"set_size_constraints", set_size_constraints},
        {"set_cursor_icon", set_cursor_icon},
        {"set_cursor_visible", set_cursor_visible},
        {"set_cursor_position", set_cursor_position},
        {"set_ignore_cursor_events", set_ignore_cursor_events},
        {"start_dragging", start_dragging},
        {"start_resize_dragging", start_resize_dragging},
        {"monitor_from_point", monitor_from_point},
        {"set_fullscreen_on_monitor", set_fullscreen_on_monitor},
        {"set_icon", set_icon},
        {"set_progress_bar", set_progress_bar},
        {"set_badge_count", set_badge_count},
        {"set_effects", set_effects},
        {"set_title_bar_style", set_title_bar_style},
        {"set_webview_size", set_webview_size},
        {"set_webview_position", set_webview_position},
        {"set_webview_focus", set_webview_focus},
        {"webview_show", webview_show},
        {"webview_hide", webview_hide},
        {"clear_all_browsing_data", clear_all_browsing_data},
    };
    *out = NULL;
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (!strcmp(name, cmds[i].name)) return cmds[i].fn(args, out);
    return switch_run(name, args);
}
