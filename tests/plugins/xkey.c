/*
 * xkey.c: presses one key in an X window found by its title (XTEST), as a
 * user answering a dialog would, for test_dialog.sh. Waits up to 20 s for
 * the window to be mapped.
 *
 *     xkey TITLE KEYSYM      (e.g. xkey "dialog ask" Return)
 */
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static Window find(Display *d, Window w, const char *title)
{
    char *name = NULL;
    XWindowAttributes a;
    if (XFetchName(d, w, &name) && name) {
        int same = !strcmp(name, title);
        XFree(name);
        if (same && XGetWindowAttributes(d, w, &a) && a.map_state == IsViewable) return w;
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
    Display *d = argc == 3 ? XOpenDisplay(NULL) : NULL;
    KeySym ks = argc == 3 ? XStringToKeysym(argv[2]) : NoSymbol;
    if (!d || ks == NoSymbol) {
        fprintf(stderr, "usage: xkey TITLE KEYSYM (with DISPLAY set)\n");
        return 2;
    }
    Window w = 0;
    for (int i = 0; i < 200 && !(w = find(d, DefaultRootWindow(d), argv[1])); i++)
        usleep(100000);
    if (!w) {
        fprintf(stderr, "xkey: no mapped window titled \"%s\"\n", argv[1]);
        return 1;
    }
    usleep(300000); /* the dialog's widgets realized and its default set */
    XSetInputFocus(d, w, RevertToParent, CurrentTime);
    XSync(d, False);
    KeyCode kc = XKeysymToKeycode(d, ks);
    XTestFakeKeyEvent(d, kc, True, CurrentTime);
    XTestFakeKeyEvent(d, kc, False, CurrentTime);
    XSync(d, False);
    XCloseDisplay(d);
    return 0;
}
