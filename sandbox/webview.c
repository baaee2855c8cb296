// SPDX-License-Identifier: MIT
/*
 * webview.c: the webview host's sandbox profile (webview.h).
 */
#include "webview.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

/* Whether this user may create the namespaces, and a user namespace inside them (bubblewrap). */
static int write_file(const char *path, const char *text);

static int probe_userns(const struct sbx_wv *w, bool *nested)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) { /* as sbx_wv_enter does: a nested one needs our ids mapped */
        if (unshare(NS_FLAGS) != 0) _exit(1);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if ((write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) ||
            write_file("/proc/self/uid_map", w->uid_map) < 0 ||
            write_file("/proc/self/gid_map", w->gid_map) < 0)
            _exit(1);
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 2);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
    *nested = WEXITSTATUS(st) == 0;
    return WEXITSTATUS(st) == 1 ? -1 : 0;
}

static void note(struct sbx_wv *w, const char *line)
{
    size_t n = strlen(w->detail);
    snprintf(w->detail + n, sizeof w->detail - n, "%s%s", n ? "\n" : "", line);
}

static int keep(struct sbx_wv *w, const char *path, bool dir)
{
    if (strncmp(path, "/tmp/", 5) != 0 && strncmp(path, "/run/", 5) != 0) return 0;
    if (w->nkeep == SBX_WV_MAX_KEEP || !(w->keep[w->nkeep] = strdup(path))) return -1;
    w->keep_dir[w->nkeep++] = dir;
    return 0;
}

/* Runs argv (a program on PATH) with the core's environment; its exit status, or -1. */
static int run(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rv = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rv != 0) return -1;
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rv = -1;
    char buf[4096];
    ssize_t n;
    if (in < 0) return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) goto done;
    rv = out >= 0 && n == 0 ? 0 : -1;
done:
    close(in);
    if (out >= 0) close(out);
    return rv;
}

/* The display's path socket (/tmp/.X11-unix/XN): the host's net namespace hides abstract ones. */
static int x_socket(const char *display, char *out, size_t len)
{
    if (!display || display[0] != ':') return -1;
    char *end;
    long n = strtol(display + 1, &end, 10);
    if (end == display + 1 || (*end && *end != '.')) return -1;
    snprintf(out, len, "/tmp/.X11-unix/X%ld", n);
    return access(out, F_OK);
}

/*
 * Whether the X server at sock lets in a client that shows no cookie at all
 * (started without -auth, or `xhost +`): such a server treats every client
 * as trusted, an untrusted cookie included. The X11 connection setup, little
 * endian, protocol 11.0, no authorization; the reply's first byte is 1 on
 * success. 1: open to anyone, 0: it asks for a cookie, -1: no answer.
 */
static int x_open_to_all(const char *sock)
{
    static const unsigned char setup[12] = {'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rv = -1;
    unsigned char status;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        write(fd, setup, sizeof setup) == (ssize_t)sizeof setup && poll(&p, 1, 2000) == 1 &&
        read(fd, &status, 1) == 1)
        rv = status == 1;
    close(fd);
    return rv;
}

static int prepare_x(struct sbx_wv *w, const char *dir, bool strict, char *err, size_t errlen)
{
    const char *display = getenv("DISPLAY");
    char sock[64];
    if (!display || !*display) return snprintf(err, errlen, "no display: DISPLAY is not set"), -1;
    if (x_socket(display, sock, sizeof sock) != 0)
        return snprintf(err, errlen,
                        "display %s: only a local X display with a socket in /tmp/.X11-unix "
                        "is supported",
                        display),
               -1;
    if (keep(w, sock, false) != 0) return snprintf(err, errlen, "out of memory"), -1;
    snprintf(w->xauth, sizeof w->xauth, "%s/xauthority", dir);
    char *argv[] = {"xauth", "-q",        "-f",      w->xauth, "generate", (char *)display,
                    ".",     "untrusted", "timeout", "0",      NULL};
    unlink(w->xauth);
    if (x_open_to_all(sock) == 1) {
        if (strict)
            return snprintf(err, errlen,
                            "display %s has no access control (started without -auth, or "
                            "xhost +): every client is trusted there, and --strict refuses that",
                            display),
                   -1;
        note(w, "display: the X server has no access control (no -auth, or xhost +), so an "
                "untrusted cookie changes nothing: the host can read other windows and inject "
                "input");
        w->xauth[0] = '\0';
        return 0;
    }
    if (run(argv) == 0 && access(w->xauth, R_OK) == 0) {
        w->untrusted_x = true;
        return 0;
    }
    if (strict)
        return snprintf(err, errlen,
                        "display %s: cannot make an untrusted X cookie (xauth, or the SECURITY "
                        "extension, is missing) and --strict refuses a trusted one",
                        display),
               -1;
    note(w, "display: no untrusted X cookie (xauth or the X SECURITY extension missing): the "
            "host gets the trusted one, which can read other windows and inject input");
    const char *xa = getenv("XAUTHORITY");
    if (xa && *xa && copy_file(xa, w->xauth) == 0) return 0;
    w->xauth[0] = '\0';
    return 0;
}

/* What GDK_BACKEND asks of the display. */
enum gdk_want {
    GDK_AUTO,         /* unset: Wayland when it works, else X11, as GTK does */
    GDK_WAYLAND_ONLY, /* "wayland": Wayland or nothing */
    GDK_X11,          /* any other backend first: X11 */
};

static enum gdk_want gdk_want(void)
{
    const char *gdk = getenv("GDK_BACKEND");
    if (!gdk || !*gdk) return GDK_AUTO;
    if (strncmp(gdk, "wayland", 7) != 0) return GDK_X11;
    /* "wayland,x11" (or "wayland,*") lets GTK go on to X11, as unset does */
    return strstr(gdk, ",x11") || strstr(gdk, ",*") ? GDK_AUTO : GDK_WAYLAND_ONLY;
}

/*
 * The Wayland socket $WAYLAND_DISPLAY names (absolute, or in $XDG_RUNTIME_DIR),
 * split into folder and name. WL_SOCKET: there is one and the host uses it;
 * WL_NONE: X11 (no WAYLAND_DISPLAY, or GDK_BACKEND names another backend);
 * WL_MISSING: WAYLAND_DISPLAY names no socket, err says where it looked (the
 * caller decides whether X11 may stand in); -1: out of memory.
 */
enum { WL_NONE, WL_SOCKET, WL_MISSING };

static int prepare_wayland(struct sbx_wv *w, char *err, size_t errlen)
{
    const char *name = getenv("WAYLAND_DISPLAY"), *run = getenv("XDG_RUNTIME_DIR");
    char path[4096];
    struct stat st;
    if (!name || !*name || gdk_want() == GDK_X11) return WL_NONE;
    if (name[0] != '/' && (!run || run[0] != '/'))
        return snprintf(err, errlen, "WAYLAND_DISPLAY=%.200s but XDG_RUNTIME_DIR is not set", name),
               WL_MISSING;
    int n = name[0] == '/' ? snprintf(path, sizeof path, "%s", name)
                           : snprintf(path, sizeof path, "%s/%s", run, name);
    char *slash = strrchr(path, '/');
    if (n < 0 || (size_t)n >= sizeof path || strlen(slash + 1) >= sizeof w->wl_name ||
        stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
        return snprintf(err, errlen, "WAYLAND_DISPLAY=%.200s: no Wayland socket at %.2000s", name,
                        path),
               WL_MISSING;
    if (keep(w, path, false) != 0) return snprintf(err, errlen, "out of memory"), -1;
    snprintf(w->wl_name, sizeof w->wl_name, "%s", slash + 1);
    *slash = '\0';
    snprintf(w->wl_dir, sizeof w->wl_dir, "%s", slash == path ? "/" : path);
    w->wayland = true;
    return WL_SOCKET;
}

/*
 * After WL_MISSING (why in err): may X11 stand in, as GTK with GDK_BACKEND
 * unset would try it next? If not, err gets why not too and this is false.
 */
static bool x_may_stand_in(char *err, size_t errlen)
{
    const char *display = getenv("DISPLAY");
    size_t used = strlen(err);
    if (gdk_want() == GDK_WAYLAND_ONLY)
        snprintf(err + used, errlen - used, ", and GDK_BACKEND=%.100s asks for Wayland alone",
                 getenv("GDK_BACKEND"));
    else if (!display || !*display)
        snprintf(err + used, errlen - used, ", and DISPLAY is not set for X11 instead");
    else
        return true;
    return false;
}

/* Our ids map to themselves, except root's (SBX_WV_ROOT_AS, see sbx_wv_prepare). */
static void fill_maps(struct sbx_wv *w)
{
    w->uid = getuid(), w->gid = getgid();
    snprintf(w->uid_map, sizeof w->uid_map, "%u %u 1", w->uid ? (unsigned)w->uid : SBX_WV_ROOT_AS,
             (unsigned)w->uid);
    snprintf(w->gid_map, sizeof w->gid_map, "%u %u 1", w->gid ? (unsigned)w->gid : SBX_WV_ROOT_AS,
             (unsigned)w->gid);
}

enum sbx_wv_mode sbx_wv_probe_mode(void)
{
    struct sbx_wv w = {0};
    bool nested = false;
    fill_maps(&w);
    if (probe_userns(&w, &nested) != 0) return SBX_WV_UNJAILED;
    return nested ? SBX_WV_FULL : SBX_WV_DEGRADED;
}

const char *sbx_wv_mode_text(enum sbx_wv_mode m)
{
    switch (m) {
    case SBX_WV_FULL:
        return "full: the host in its own user, pid, mount, net, ipc and uts namespaces, WebKit's "
               "web process in its own sandbox (bubblewrap) inside";
    case SBX_WV_DEGRADED:
        return "degraded: no user namespace inside the host's, so WebKit's sandbox is off and the "
               "host gets Landlock file rules instead (--strict refuses to run)";
    case SBX_WV_UNJAILED:
        break;
    }
    return "degraded, unjailed: no user namespaces for this user: the host runs without its "
           "namespaces, WebKit's sandbox is off, Landlock file rules instead (--strict refuses)";
}

/*
 * Wayland, or X11; a WAYLAND_DISPLAY naming no socket (left over from another
 * session, say) falls back to X11 with a warning, as GTK does, unless
 * GDK_BACKEND=wayland asks for it alone. Refused only when neither works.
 */
static int prepare_display(struct sbx_wv *w, const char *private_dir, bool strict, char *err,
                           size_t errlen)
{
    char why[2400], xerr[512];
    int wl = prepare_wayland(w, why, sizeof why);
    if (wl == WL_SOCKET) return 0;
    if (wl < 0) return snprintf(err, errlen, "%s", why), -1;
    if (wl == WL_NONE) return prepare_x(w, private_dir, strict, err, errlen);
    if (!x_may_stand_in(why, sizeof why)) return snprintf(err, errlen, "%s", why), -1;
    char line[2600];
    snprintf(line, sizeof line, "display: %s: X11 (DISPLAY=%s) instead", why, getenv("DISPLAY"));
    note(w, line); /* before the X display's own notes, which it explains */
    if (prepare_x(w, private_dir, strict, xerr, sizeof xerr) != 0)
        return snprintf(err, errlen, "%s, and X11 instead fails: %s", why, xerr), -1;
    return 0;
}

int sbx_wv_prepare(struct sbx_wv *w, const char *private_dir, const char *socket,
                   const char *bundle, bool strict, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < SBX_WV_MAX_KEEP; i++)
        w->tree[i] = -1;
    /*
     * Inside, root is a plain user (SBX_WV_ROOT_AS), so that it holds no
     * capability after exec and bubblewrap (WebKit's sandbox) takes its
     * unprivileged path, making its own user namespace instead of assuming it may mount.
     */
    fill_maps(w);
    bool nested = false;
    w->userns = probe_userns(w, &nested) == 0;
    w->webkit_sandbox = w->userns && nested; /* bubblewrap needs a user namespace too */
    if (!w->userns) {
        if (strict)
            return snprintf(err, errlen,
                            "user namespaces are unavailable to this user: the webview host "
                            "cannot be jailed and --strict refuses to run it without"),
                   -1;
        note(w, "namespaces: unavailable to this user: the webview host runs without its "
                "namespaces and private /tmp, WebKit's sandbox off, Landlock file rules on the "
                "host instead (degraded mode)");
    }
    if (w->userns && !nested) {
        if (strict)
            return snprintf(err, errlen,
                            "no user namespace can be made inside the webview host's: WebKit's "
                            "sandbox cannot run and --strict refuses to run without"),
                   -1;
        note(w, "webkit sandbox: off (no user namespace inside the host's): Landlock file rules "
                "on the host instead (degraded mode)");
    }
    if (keep(w, private_dir, true) != 0 || keep(w, socket, false) != 0 ||
        (bundle && keep(w, bundle, true) != 0))
        return snprintf(err, errlen, "out of memory"), -1;
    return prepare_display(w, private_dir, strict, err, errlen);
}

/* Which X display a host would get, and how, into buf; why says why X11 at all. */
static void x_display_text(const char *why, char *buf, size_t len)
{
    const char *display = getenv("DISPLAY");
    char sock[64];
    if (!display || !*display)
        snprintf(buf, len, "none: DISPLAY is not set (%s)", why);
    else if (x_socket(display, sock, sizeof sock) != 0)
        snprintf(buf, len, "none: X display %s has no socket in /tmp/.X11-unix (%s)", display, why);
    else if (x_open_to_all(sock) == 1)
        snprintf(buf, len,
                 "x11 %s: no access control there, the host would be trusted "
                 "(--strict refuses) (%s)",
                 display, why);
    else
        snprintf(buf, len, "x11 %s: its path socket and an untrusted cookie (%s)", display, why);
}

const char *sbx_wv_display_text(char *buf, size_t len)
{
    struct sbx_wv w = {0};
    char why[2400];
    const char *name = getenv("WAYLAND_DISPLAY");
    int wl = prepare_wayland(&w, why, sizeof why);
    if (wl == WL_SOCKET)
        snprintf(buf, len, "wayland: the socket %s/%s alone, no X display (WAYLAND_DISPLAY=%s)",
                 w.wl_dir, w.wl_name, name);
    else if (wl < 0)
        snprintf(buf, len, "none: %s", why);
    else if (wl == WL_MISSING && !x_may_stand_in(why, sizeof why))
        snprintf(buf, len, "none: %s", why);
    else if (wl == WL_MISSING)
        x_display_text(why, buf, len); /* "WAYLAND_DISPLAY=…: no Wayland socket at …" */
    else if (name && *name) {
        snprintf(why, sizeof why, "GDK_BACKEND=%.100s asks for another backend than Wayland",
                 getenv("GDK_BACKEND"));
        x_display_text(why, buf, len);
    } else {
        x_display_text("WAYLAND_DISPLAY is not set", buf, len);
    }
    sbx_wv_free(&w);
    return buf;
}

int sbx_wv_keep(struct sbx_wv *w, const char *path)
{
    return keep(w, path, true);
}

void sbx_wv_free(struct sbx_wv *w)
{
    for (size_t i = 0; i < w->nkeep; i++)
        free(w->keep[i]);
    w->nkeep = 0;
}

/* ---- the child: raw system calls only ------------------------------------ */

static int write_file(const char *path, const char *text)
{
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = strlen(text);
    long n = syscall(SYS_write, fd, text, len);
    int saved = errno;
    syscall(SYS_close, fd);
    errno = saved;
    return n == (long)len ? 0 : -1;
}

/* mkdir -p of path's folders (and path itself when dir), in place; path is restored. */
static int make_path(char *path, bool dir)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        long r = syscall(SYS_mkdirat, AT_FDCWD, path, 0755);
        *p = '/';
        if (r < 0 && errno != EEXIST) return -1;
    }
    if (dir) return syscall(SYS_mkdirat, AT_FDCWD, path, 0700) < 0 && errno != EEXIST ? -1 : 0;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    syscall(SYS_close, fd);
    return 0;
}

static int private_tmp(struct sbx_wv *w)
{
    if (syscall(SYS_mount, "none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return -1;
    for (size_t i = 0; i < w->nkeep; i++) { /* taken before the tmpfs hides them */
        w->tree[i] = (int)syscall(SYS_open_tree, AT_FDCWD, w->keep[i],
                                  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (w->tree[i] < 0) return -1;
    }
    if (syscall(SYS_mount, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        return -1;
    /* /run: D-Bus, other users' runtime folders, sockets; WebKit needs none of it. */
    if (syscall(SYS_mount, "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0 &&
        errno != ENOENT)
        return -1;
    for (size_t i = 0; i < w->nkeep; i++) {
        if (make_path(w->keep[i], w->keep_dir[i]) < 0 ||
            syscall(SYS_move_mount, w->tree[i], "", AT_FDCWD, w->keep[i], MOVE_MOUNT_F_EMPTY_PATH) <
                0)
            return -1;
        syscall(SYS_close, w->tree[i]);
    }
    char home[] = SBX_WV_HOME;
    if (make_path(home, true) < 0) return -1;
    /* /dev/shm is the machine's: a private one, so nothing written there is shared. */
    if (syscall(SYS_mount, "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0 &&
        errno != ENOENT)
        return -1;
    /* A proc of the host's own pid namespace: it sees only the window's processes. */
    if (syscall(SYS_mount, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return -1;
    /* The rest of the root read-only: /tmp and /run are mounts of their own and stay writable. */
    return (int)syscall(SYS_mount, NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
}

unsigned long sbx_wv_clone_flags(const struct sbx_wv *w)
{
    return w->userns ? CLONE_NEWUSER | CLONE_NEWPID : 0;
}

int sbx_wv_enter(struct sbx_wv *w)
{
    if (!w->userns) return 0;
    /* The user and pid namespaces came with the clone (sbx_wv_clone_flags). */
    if (syscall(SYS_unshare, NS_FLAGS & ~CLONE_NEWUSER) < 0) return -1;
    /* The core is not dumpable and the child inherited it: its /proc files would be root's. */
    if (syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) return -1;
    if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) return -1;
    if (write_file("/proc/self/uid_map", w->uid_map) < 0 ||
        write_file("/proc/self/gid_map", w->gid_map) < 0)
        return -1;
    if (private_tmp(w) < 0) return -1;
    /* The hostname stays: Xlib finds the cookie by it (hostname/unix:N). */
    return 0;
}
