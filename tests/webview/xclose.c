// SPDX-License-Identifier: MIT
/*
 * xclose.c: asks an X window to close as a window manager's close button
 * does (a WM_DELETE_WINDOW client message), for test_close.sh.
 *
 *     xclose TITLE     (exits 0 once sent, 1 when no top-level window has TITLE)
 */
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <stdio.h>
#include <string.h>

static Window find(Display *d, Window w, const char *title)
{
    char *name = NULL;
    if (XFetchName(d, w, &name) && name) {
        int same = !strcmp(name, title);
        XFree(name);
        if (same) return w;
    }
    Window root, parent, *kids = NULL, found = 0;
    unsigned n = 0;
    if (!XQueryTree(d, w, &root, &parent, &kids, &n)) return 0;
    for (unsigned i = 0; i < n && !found; i++)
        found = find(d, kids[i], title);
    if (kids) XFree(kids);
    return found;
}

int main(int argc, char **argv)
{
    Display *d = argc == 2 ? XOpenDisplay(NULL) : NULL;
    if (!d) {
        fprintf(stderr, "usage: xclose TITLE (with DISPLAY set)\n");
        return 2;
    }
    Window w = find(d, DefaultRootWindow(d), argv[1]);
    if (!w) {
        fprintf(stderr, "xclose: no window titled \"%s\"\n", argv[1]);
        return 1;
    }
    XEvent e = {0};
    e.xclient.type = ClientMessage;
    e.xclient.window = w;
    e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    e.xclient.format = 32;
    e.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    e.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, w, False, NoEventMask, &e);
    XSync(d, False);
    XCloseDisplay(d);
    return 0;
}
