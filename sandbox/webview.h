// SPDX-License-Identifier: MIT
/*
 * webview.h: the webview host's sandbox profile (prefix sbx_wv_), see
 * README.md "The webview renderer". The host is WebKit's UI process: it
 * starts WebKit's network and web processes itself (the web process inside
 * WebKit's own bubblewrap sandbox), so its jail must leave room for that:
 * user namespaces inside, mount, pid, clone with namespace flags.
 *
 * Prepared in the parent (allocations, probes, the X cookie), applied in
 * the child between fork and exec with raw system calls only.
 */
#ifndef MOAT_SANDBOX_WEBVIEW_H
#define MOAT_SANDBOX_WEBVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SBX_WV_MAX_KEEP 8
#define SBX_WV_HOME "/tmp/home" /* inside the host's private /tmp */
#define SBX_WV_ROOT_AS 1000u    /* what a root core's uid and gid are inside the host's namespace */

struct sbx_wv {
    bool userns;         /* user, mount, net, ipc, uts namespaces and the private /tmp */
    bool webkit_sandbox; /* WebKit's own (bubblewrap) can work in here */
    bool untrusted_x;    /* the host has an untrusted X cookie (SECURITY extension) */
    bool wayland;        /* the host talks Wayland (wl_dir/wl_name), and has no X at all */
    uid_t uid;
    gid_t gid;
    char uid_map[32], gid_map[32];
    /* Paths under /tmp or /run that stay reachable over the private tmpfs: the
     * private folder, the core's socket, the display's socket, the bundle. */
    char *keep[SBX_WV_MAX_KEEP];
    bool keep_dir[SBX_WV_MAX_KEEP];
    size_t nkeep;
    int tree[SBX_WV_MAX_KEEP]; /* the child's detached copies */
    char xauth[4096];          /* the cookie file the host gets ("" for none) */
    char wl_dir[4096];         /* wayland: the socket's folder, the host's XDG_RUNTIME_DIR */
    char wl_name[256];         /* wayland: the socket's name there, the host's WAYLAND_DISPLAY */
    char detail[2048];         /* what is off and why, one line each ("" when nothing) */
};

/*
 * Prepares the profile: probes user namespaces (strict: their absence is an
 * error), picks the display: Wayland when $WAYLAND_DISPLAY names a socket
 * (unless GDK_BACKEND asks for x11), then the host gets that socket alone;
 * otherwise X11 (when $WAYLAND_DISPLAY names no socket, with a note saying
 * so, as GTK falls back; refused when DISPLAY is unset or GDK_BACKEND=wayland
 * asks for Wayland alone), with an untrusted X cookie for $DISPLAY written into
 * private_dir (via `xauth generate … untrusted`; without the SECURITY
 * extension, or on a server without access control, the host is trusted, and
 * that is said, or strict refuses), and records what must stay reachable:
 * private_dir, the core's socket, the display's socket, the bundle. 0, or -1
 * with a reason in err.
 */
int sbx_wv_prepare(struct sbx_wv *w, const char *private_dir, const char *socket,
                   const char *bundle, bool strict, char *err, size_t errlen);
/* One more folder under /tmp or /run the host keeps (a no-op elsewhere). 0 or -1. */
int sbx_wv_keep(struct sbx_wv *w, const char *dir);
void sbx_wv_free(struct sbx_wv *w);

/* What this machine and user get (moat doctor): probed as sbx_wv_prepare does. */
enum sbx_wv_mode {
    SBX_WV_FULL,     /* the host's namespaces and WebKit's sandbox inside */
    SBX_WV_DEGRADED, /* the host's namespaces; WebKit's sandbox off, Landlock file rules */
    SBX_WV_UNJAILED, /* no namespaces at all; WebKit's sandbox off, Landlock file rules */
};
enum sbx_wv_mode sbx_wv_probe_mode(void);
/* One line saying what mode m means. Static string. */
const char *sbx_wv_mode_text(enum sbx_wv_mode m);
/* One line saying which display a host started now would get (moat doctor), in buf. Returns buf. */
const char *sbx_wv_display_text(char *buf, size_t len);

/*
 * In the child: enters the namespaces, maps its ids, puts a tmpfs on /tmp
 * and /run with only the kept paths bound back, makes / read-only, creates
 * SBX_WV_HOME. Raw system calls only. 0, or -1 with errno set.
 */
int sbx_wv_enter(struct sbx_wv *w);

/*
 * The clone flags the core forks the host with: a user and a pid namespace
 * (the host is pid 1 of its own, the core still sees its real pid on the
 * socket), or 0 when w has no namespaces. sbx_wv_enter then makes the rest.
 */
unsigned long sbx_wv_clone_flags(const struct sbx_wv *w);

/* What the host applies to itself before gtk_init (wv_self.c). */
struct sbx_wv_self {
    bool file_rules;         /* Landlock file rules too (the degraded mode: WebKit's sandbox off) */
    bool need_landlock;      /* no Landlock TCP rules (ABI < 4) is an error (--strict) */
    const char *const *read; /* file_rules: read and execute beneath these; NULL-terminated */
    const char *const *write; /* file_rules: everything beneath these; NULL-terminated */
};

/*
 * no_new_privs; Landlock (what the kernel has of it): no TCP bind or connect
 * (ABI 4), signals scoped (ABI 6),
 * file rules only when o->file_rules; the seccomp allowlist on every thread,
 * forbidden calls named on stderr by a SIGSYS handler (exit 159). Inherited by
 * everything the host starts. 0, or -1 with a reason in err.
 */
int sbx_wv_lockdown_self(const struct sbx_wv_self *o, char *err, size_t errlen);

#endif
