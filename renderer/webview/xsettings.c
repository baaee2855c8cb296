// SPDX-License-Identifier: MIT
/*
 * xsettings.c: the desktop's XSETTINGS changes (theme, scale, fonts) for a
 * host on an untrusted X11 cookie. The X server's SECURITY extension does
 * not deliver a trusted client's events to an untrusted one, so GDK reads
 * the settings manager's _XSETTINGS_SETTINGS once at start (reading is
 * allowed) but never hears the PropertyNotify that says they changed. Here
 * the host reads the property itself now and then, and when its bytes
 * changed puts that PropertyNotify back into Xlib's queue, so that GDK's own
 * XSETTINGS code re-reads and applies them as it would outside the sandbox
 * (and then notify::gtk-theme-name and notify::scale-factor fire).
 */
#include "wv.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <gdk/gdkx.h>
#include <string.h>

#define POLL_MS 500 /* a desktop's theme switch is seen within half a second */

static struct {
    Display *dpy;
    Atom selection, prop;
    GBytes *last; /* the property's bytes when last read; NULL: no manager */
} xs;

/* The manager's window and its settings' bytes (NULL when none). */
static GBytes *read_settings(Window *owner)
{
    *owner = XGetSelectionOwner(xs.dpy, xs.selection);
    if (*owner == None) return NULL;
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char *data = NULL;
    gdk_x11_display_error_trap_push(gdk_display_get_default()); /* the manager may just have gone */
    int rc = XGetWindowProperty(xs.dpy, *owner, xs.prop, 0, 1 << 20, False, xs.prop, &type, &format,
                                &n, &after, &data);
    gdk_x11_display_error_trap_pop_ignored(gdk_display_get_default());
    GBytes *b = rc == Success && data && format == 8 ? g_bytes_new(data, n) : NULL;
    if (data) XFree(data);
    return b;
}

static gboolean poll_settings(gpointer ud)
{
    (void)ud;
    Window owner;
    GBytes *now = read_settings(&owner);
    bool changed = now && (!xs.last || !g_bytes_equal(now, xs.last));
    if (xs.last) g_bytes_unref(xs.last);
    xs.last = now;
    if (changed) {
        XEvent e = {.xproperty = {.type = PropertyNotify,
                                  .display = xs.dpy,
                                  .window = owner,
                                  .atom = xs.prop,
                                  .time = CurrentTime,
                                  .state = PropertyNewValue}};
        XPutBackEvent(xs.dpy, &e); /* GDK's filter on the manager's window re-reads */
    }
    return G_SOURCE_CONTINUE;
}

void wv_xsettings_watch(void)
{
    GdkDisplay *d = gdk_display_get_default();
    if (!d || !GDK_IS_X11_DISPLAY(d)) return; /* Wayland: settings come another way */
    xs.dpy = GDK_DISPLAY_XDISPLAY(d);
    char name[32];
    snprintf(name, sizeof name, "_XSETTINGS_S%d", DefaultScreen(xs.dpy));
    xs.selection = XInternAtom(xs.dpy, name, False);
    xs.prop = XInternAtom(xs.dpy, "_XSETTINGS_SETTINGS", False);
    Window owner;
    xs.last = read_settings(&owner); /* what GDK read at start */
    g_timeout_add(POLL_MS, poll_settings, NULL);
}
