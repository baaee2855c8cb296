// SPDX-License-Identifier: MIT
/*
 * window.c: the core:window:* commands (@tauri-apps/api's plugin:window|…)
 * on this renderer's window, and its window events. The core decides: a
 * window command goes to the core like any other (core/spawn_webview.c
 * registers each as an allow-only command), and only once the core has
 * allowed it does the host carry it out here and answer the page.
 */
#include "wv.h"

#include <string.h>

#define PREFIX "plugin:window|"

bool wv_window_is_cmd(const char *cmd)
{
    /* get_all_windows is the core's answer (it knows every window), passed through. */
    return cmd && !strncmp(cmd, PREFIX, strlen(PREFIX)) && strcmp(cmd, PREFIX "get_all_windows");
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

/* {Logical: {width, height}} or {Physical: …} (Tauri's Size) as logical pixels. */
static bool logical_size(const json_t *v, int *w, int *h)
{
    json_t *l = json_object_get(v, "Logical"), *p = json_object_get(v, "Physical");
    json_t *s = l ? l : p ? p : (json_t *)v;
    json_t *jw = json_object_get(s, "width"), *jh = json_object_get(s, "height");
    if (!json_is_number(jw) || !json_is_number(jh)) return false;
    int div = l || !p ? 1 : scale();
    *w = (int)json_number_value(jw) / div, *h = (int)json_number_value(jh) / div;
    return *w > 0 && *h > 0;
}

static bool state(GdkWindowState bit)
{
    GdkWindow *g = gtk_widget_get_window(wv.window);
    return g && (gdk_window_get_state(g) & bit);
}

/* The commands that change nothing but answer from the window. */
static json_t *query(const char *name, GtkWindow *w)
{
    int a, b;
    if (!strcmp(name, "title"))
        return ok(json_string(gtk_window_get_title(w) ? gtk_window_get_title(w) : ""));
    if (!strcmp(name, "inner_size")) {
        GtkAllocation al;
        gtk_widget_get_allocation(GTK_WIDGET(wv.view), &al);
        return ok(size_json(al.width * scale(), al.height * scale()));
    }
    if (!strcmp(name, "outer_size")) {
        gtk_window_get_size(w, &a, &b);
        return ok(size_json(a * scale(), b * scale()));
    }
    if (!strcmp(name, "inner_position") || !strcmp(name, "outer_position")) {
        gtk_window_get_position(w, &a, &b);
        return ok(json_pack("{s:i,s:i}", "x", a * scale(), "y", b * scale()));
    }
    if (!strcmp(name, "scale_factor")) return ok(json_real(scale()));
    if (!strcmp(name, "is_visible")) return ok(json_boolean(gtk_widget_get_visible(wv.window)));
    if (!strcmp(name, "is_focused")) return ok(json_boolean(gtk_window_is_active(w)));
    if (!strcmp(name, "is_resizable")) return ok(json_boolean(gtk_window_get_resizable(w)));
    if (!strcmp(name, "is_decorated")) return ok(json_boolean(gtk_window_get_decorated(w)));
    if (!strcmp(name, "is_maximized")) return ok(json_boolean(state(GDK_WINDOW_STATE_MAXIMIZED)));
    if (!strcmp(name, "is_minimized")) return ok(json_boolean(state(GDK_WINDOW_STATE_ICONIFIED)));
    if (!strcmp(name, "is_fullscreen")) return ok(json_boolean(state(GDK_WINDOW_STATE_FULLSCREEN)));
    return NULL;
}

json_t *wv_window_run(const char *cmd, const json_t *args)
{
    const char *name = cmd + strlen(PREFIX);
    const char *label = json_string_value(json_object_get(args, "label"));
    json_t *value = json_object_get(args, "value");
    GtkWindow *w = GTK_WINDOW(wv.window);
    if (label && strcmp(label, wv.win.label))
        return json_pack("{s:b,s:s,s:s+}", "ok", 0, "code", "not_found", "message",
                         "window commands act on this renderer's own window only, not on ", label);
    json_t *q = query(name, w);
    if (q) return q;
    int a, b;
    if (!strcmp(name, "set_title") && json_is_string(value))
        gtk_window_set_title(w, json_string_value(value));
    else if (!strcmp(name, "show"))
        gtk_widget_show(wv.window);
    else if (!strcmp(name, "hide"))
        gtk_widget_hide(wv.window);
    else if (!strcmp(name, "close"))
        wv_window_close_requested();
    else if (!strcmp(name, "destroy"))
        g_idle_add_once((GSourceOnceFunc)gtk_widget_destroy, wv.window); /* after the answer */
    else if (!strcmp(name, "set_size") && logical_size(value, &a, &b))
        gtk_window_resize(w, a, b);
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
    else if (!strcmp(name, "center"))
        gtk_window_set_position(w, GTK_WIN_POS_CENTER_ALWAYS);
    else if (!strcmp(name, "set_focus"))
        gtk_window_present(w);
    else
        return json_pack("{s:b,s:s,s:s+}", "ok", 0, "code", "invalid_args", "message", cmd,
                         ": unsupported here, or its value is not what it takes");
    return ok(NULL);
}

/* ---- window events, to this page's listeners (Tauri's names and payloads) */

static gboolean on_configure(GtkWidget *w, GdkEventConfigure *e, gpointer ud)
{
    (void)w, (void)ud;
    static int last_w, last_h, last_x, last_y;
    int s = scale();
    if (e->width != last_w || e->height != last_h)
        wv_ipc_local_event("tauri://resize", size_json(e->width * s, e->height * s));
    if (e->x != last_x || e->y != last_y)
        wv_ipc_local_event("tauri://move", json_pack("{s:i,s:i}", "x", e->x * s, "y", e->y * s));
    last_w = e->width, last_h = e->height, last_x = e->x, last_y = e->y;
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

void wv_window_events(void)
{
    g_signal_connect(wv.window, "delete-event", G_CALLBACK(on_delete), NULL);
    g_signal_connect(wv.window, "configure-event", G_CALLBACK(on_configure), NULL);
    g_signal_connect(wv.window, "focus-in-event", G_CALLBACK(on_focus), NULL);
    g_signal_connect(wv.window, "focus-out-event", G_CALLBACK(on_focus), NULL);
}
