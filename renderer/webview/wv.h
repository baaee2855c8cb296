// SPDX-License-Identifier: MIT
/*
 * wv.h: the webview host (moat-webview), shared by its files (prefix wv_).
 *
 * The core execs the host with a bundle folder and the window's options;
 * the host serves the bundle from tauri://localhost, injects the same shim
 * as the JS renderer (prelude.js, with page.js as its `native`) and relays
 * the page's frames to the core over the renderer's nng link.
 */
#ifndef MOAT_WV_H
#define MOAT_WV_H

#include "moat_renderer.h"

#include <jansson.h>
#include <stdbool.h>
#include <webkit2/webkit2.h>

/* The window's options, from the manifest (tauri.conf.json's app.windows keys). */
struct wv_window_opts {
    char *label, *title, *csp; /* csp: NULL for none */
    char *entry;               /* the first page, relative to the bundle */
    int width, height;
    bool resizable, decorations, fullscreen, center, devtools;
};

struct wv {
    moat_client *client;
    char *bundle; /* real path of the bundle folder */
    struct wv_window_opts win;
    GtkWidget *window;
    WebKitWebView *view;
    int exit_code;
};

extern struct wv wv;

/* Parses the options the core passed (a JSON object). 0, or -1 with a message printed. */
int wv_window_opts_parse(const char *json, struct wv_window_opts *o);

/* Registers the tauri:// scheme (scheme.c) on ctx, serving wv.bundle. */
void wv_scheme_register(WebKitWebContext *ctx);
/* The MIME type for a file name (by extension); static string. */
const char *wv_mime_type(const char *name);
/*
 * The file a tauri:// path names inside root: percent-decoded, no "..",
 * resolved (symlinks too) and still inside root; extension-less paths that
 * name nothing fall back to index.html (SPA routes). malloc'd real path, or
 * NULL (errno ENOENT or EACCES).
 */
char *wv_resolve(const char *root, const char *uri_path);

/* The IPC side (ipc.c): the message handler on ucm, and the client's fd in the main loop. */
void wv_ipc_attach(WebKitUserContentManager *ucm);
/*
 * A request of the host's own to the core (not the page's): fn gets its
 * answer on the main loop, once (never if the core is lost meanwhile).
 * args is borrowed. 0, or -1 when it could not be sent.
 */
typedef void (*wv_reply_fn)(const moat_msg *answer, void *ud);
int wv_ipc_request(const char *cmd, const json_t *args, wv_reply_fn fn, void *ud);
/*
 * The same with the args packed by pack (as moat_client_request_pack; pud
 * borrowed for the call), for the page's own invoke local (its id, for its
 * cancel; 0: none). 0, -1 when it could not be sent (moat_client_error says
 * why), -2 when the core is gone.
 */
int wv_ipc_request_pack(const char *cmd, moat_pack_fn pack, void *pud, size_t hint, uint64_t local,
                        wv_reply_fn fn, void *ud);

/*
 * ipc://localhost/ (rawipc.c): invokes with binaries, their bodies raw.
 * wv_rawipc_stash keeps an answer (v borrowed) for the page to fetch once:
 * its token (g_free), or NULL when too many (or too many bytes) wait.
 * wv_rawipc_encode makes the body of v (borrowed) as an answer is served:
 * its type (static) and bytes (caller unrefs); 0, or -1.
 * wv_rawipc_stash_body stashes such a body (bytes borrowed, ref taken);
 * pushed marks an event's or channel message's, which
 * wv_rawipc_drop_pushed forgets (the page asked for its next messages
 * without fetching it, or was reloaded). wv_rawipc_take is the fetch by
 * token without one (the page's CSP refused ipc:): the bytes (caller
 * unrefs) and type, forgotten in the stash; NULL when there is no such token.
 */
#define WV_STASH_BYTES ((gsize)256 << 20) /* what the stash holds, in all */
void wv_rawipc_register(WebKitWebContext *ctx);
/* The same invokes and fetches by token from the web process extension (webext.c), on view. */
void wv_rawipc_attach(WebKitWebView *view);
char *wv_rawipc_stash(const msgpack_object *v);
int wv_rawipc_encode(const msgpack_object *v, const char **type, GBytes **bytes);
char *wv_rawipc_stash_body(const char *type, GBytes *bytes, bool pushed);
void wv_rawipc_drop_pushed(void);
GBytes *wv_rawipc_take(const char *token, const char **type);

/* The asset protocol (asset.c): asset://localhost/<encoded path>, each piece asked of the core. */
void wv_asset_register(WebKitWebContext *ctx);

/* A stashed body was taken (ipc.c): messages waiting for room in the stash go to the page. */
void wv_ipc_stash_freed(void);

/* The user script: page.js around prelude.js, for label; g_free. */
char *wv_ipc_user_script(const char *label);

/* An event to this page's listeners only (window events): the core is not involved. Takes payload.
 */
void wv_ipc_local_event(const char *name, json_t *payload);

#define WV_CLOSE_REQUESTED "tauri://close-requested"
/* Whether the page listens for WV_CLOSE_REQUESTED (then a close asks it first). */
bool wv_ipc_close_listened(void);

/* core:window:* and core:webview:* (window.c): after the core allowed cmd, carries it out; the
 * page's answer. */
bool wv_window_is_cmd(const char *cmd);
json_t *wv_window_run(const char *cmd, const json_t *args);
/*
 * What window.c shares with wincmd.c: Tauri's Size or Position v (ka, kb:
 * "width", "height" or "x", "y") as GTK's logical pixels, false when it is
 * not one X can take; and a GdkMonitor as Tauri's Monitor (null for NULL).
 */
bool wv_window_pair(const json_t *v, const char *ka, const char *kb, int *a, int *b);
json_t *wv_window_monitor(GdkMonitor *m);
/*
 * The rest of the window and webview commands (wincmd.c), by name (after
 * the '|'): WV_DONE (*out the answer's value, or NULL), WV_BAD (a value of
 * the wrong shape), WV_UNSUPPORTED (not carried out here: a form of the
 * value only the core could, or what the display lacks), WV_NOT_MINE (none of these).
 */
enum { WV_NOT_MINE = -1, WV_BAD = 0, WV_DONE = 1, WV_UNSUPPORTED = 2 };
int wv_wincmd_run(const char *name, const json_t *args, json_t **out);
/* A close request: to the page when it listens for one, else the window closes. */
void wv_window_close_requested(void);
/* Window events (tauri://resize, move, focus, blur, theme-changed, scale-change) to the page. */
void wv_window_events(void);

/* Desktop setting changes GDK would not hear on an untrusted X11 cookie (xsettings.c). */
void wv_xsettings_watch(void);

/*
 * Plugin commands carried out here once the core allowed them (plugin.c):
 * plugin-dialog's message dialogs (dialog.c).
 * wv_plugin_run answers now, or returns NULL when it answers reply later
 * itself (it takes its own references to reply and ctx).
 */
bool wv_plugin_is_cmd(const char *cmd);
json_t *wv_plugin_run(const char *cmd, const json_t *args, WebKitScriptMessageReply *reply,
                      JSCContext *ctx);
/* Adds the plugins' init scripts (window.Notification, notification.c) to ucm. */
void wv_plugin_scripts(WebKitUserContentManager *ucm);
/* Answers the page with v (taken). */
void wv_plugin_answer(WebKitScriptMessageReply *reply, JSCContext *ctx, json_t *v);
json_t *wv_plugin_ok(json_t *v); /* takes v (NULL: null) */
json_t *wv_plugin_fail(const char *code, const char *message);
/* An answer given later: wv_later_answer answers (takes v) and frees l. */
struct wv_later {
    WebKitScriptMessageReply *reply;
    JSCContext *ctx;
};
struct wv_later *wv_later_new(WebKitScriptMessageReply *reply, JSCContext *ctx);
void wv_later_answer(struct wv_later *l, json_t *v);
json_t *wv_dialog_run(const char *name, const json_t *args, WebKitScriptMessageReply *reply,
                      JSCContext *ctx);

/*
 * JSON <-> msgpack (json.c). wv_json_pack packs the message handler's JSON,
 * each {"__moat_bin__": base64} as a binary (page.js sends those only when
 * the page's CSP refuses ipc:); wv_json_pack_parts packs each
 * {"__moat_bin__": [offset, length]} inside bins (borrowed) as a binary.
 * wv_json_from_msgpack gives binaries as {"__moat_bin__": base64}; with
 * parts, as references into parts, where their bytes are appended. Both
 * return a new reference.
 */
struct wv_bins {
    const guint8 *base;
    size_t len;
};
int wv_json_pack(moat_client *c, msgpack_packer *pk, const json_t *v, unsigned depth);
int wv_json_pack_parts(moat_client *c, msgpack_packer *pk, const json_t *v,
                       const struct wv_bins *bins);
json_t *wv_json_from_msgpack(const msgpack_object *o, unsigned depth);
json_t *wv_json_from_msgpack_parts(const msgpack_object *o, GByteArray *parts);
bool wv_msgpack_has_bin(const msgpack_object *o, unsigned depth);

#endif
