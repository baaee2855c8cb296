// SPDX-License-Identifier: MIT
/*
 * moat_plugins.h: the plugins Moat ships. Each registers its commands and its
 * permission manifest (Tauri's permission files as JSON: commands, allow-* and
 * deny-* permissions, sets, a default set) through moat.h, exactly as an
 * embedder's own plugin does with moat_app_command and moat_app_manifest.
 *
 * moat_app_new registers every one of them (moat_plugins_register_all); an
 * app adds its own plugins the same way afterwards.
 */
#ifndef MOAT_PLUGINS_H
#define MOAT_PLUGINS_H

#include "moat.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/*
 * Tauri's core permissions (core:app, core:event, core:path, core:window,
 * core:webview, core:image, core:resources, core:menu, core:tray and
 * core:default = every core:*:default), Moat's app:version, app:name, log and
 * core:sandbox:jit. 0, or -1 with moat_errmsg().
 */
int moat_plugin_core_register(moat_app *app);

/* plugin-fs: the fs:* commands, scoped by path globs, and their permissions. */
int moat_plugin_fs_register(moat_app *app);

/* plugin-store: stores (JSON files under $APPDATA) with autosave and change events. */
int moat_plugin_store_register(moat_app *app);

/* plugin-os: what the system is (platform, arch, version, locale, hostname, ...). */
int moat_plugin_os_register(moat_app *app);

/* plugin-process: exit (the run ends with a code) and restart (the renderer starts again). */
int moat_plugin_process_register(moat_app *app);
/* True once process:exit asked the app to end, with *code (may be NULL) its code. */
bool moat_plugin_process_exit_requested(moat_app *app, int *code);
/*
 * True when r ended because process:restart asked for it to start again (the
 * request is consumed): the app's exit hook (moat_app_on_exit) spawns it anew.
 */
bool moat_plugin_process_restart_requested(moat_app *app, moat_renderer *r);

/*
 * plugin-log: records from the frontend to the targets of moat_log_opts.
 * Defaults (moat_log_opts_default): stdout, the log dir and the webview;
 * 40000 bytes a file, keep one; every level (1 trace ... 5 error).
 */
int moat_plugin_log_register(moat_app *app);
/* Where records go (moat_log_opts.targets) and what becomes of a full log file. */
enum { MOAT_LOG_STDOUT = 1, MOAT_LOG_STDERR = 2, MOAT_LOG_DIR = 4, MOAT_LOG_WEBVIEW = 8 };
typedef enum { MOAT_LOG_KEEP_ONE, MOAT_LOG_KEEP_ALL } moat_log_rotation;
/* plugin-log's options; moat_log_opts_default fills opts with the defaults. */
typedef struct moat_log_opts {
    unsigned targets;           /* MOAT_LOG_* bits */
    uint64_t max_file_size;     /* bytes of $APPLOG/<productName>.log before it rotates */
    moat_log_rotation rotation; /* what becomes of a full file */
    int level;                  /* the least level written: 1 trace ... 5 error */
} moat_log_opts;
void moat_log_opts_default(moat_log_opts *opts);
/* Sets app's options (copied). 0, or -1 out of memory. */
int moat_plugin_log_configure(moat_app *app, const moat_log_opts *opts);

/* plugin-http: fetch done by the core through libcurl, scoped by URL patterns. */
int moat_plugin_http_register(moat_app *app);

/*
 * plugin-shell: execute, spawn (stdout/stderr lines through a Channel),
 * stdin_write, kill and open, scoped by Tauri's shell scope entries {name,
 * cmd, args}; its children are killed when their renderer ends.
 */
int moat_plugin_shell_register(moat_app *app);

/*
 * plugin-opener: URLs and files opened with xdg-open (or $MOAT_OPENER, read
 * once at registration: for tests and desktop integration), scoped by URL
 * and path globs; reveal_item_in_dir opens the item's folder.
 */
int moat_plugin_opener_register(moat_app *app);

/*
 * plugin-clipboard-manager and plugin-notification: what needs a window.
 * The core decides each call; the clipboard is held by the core's trusted
 * moat-desktop helper, notifications go to org.freedesktop.Notifications on
 * the session bus.
 */
int moat_plugin_clipboard_register(moat_app *app);
int moat_plugin_notification_register(moat_app *app);

/* Every plugin above. 0, or -1 with moat_errmsg(). */
int moat_plugins_register_all(moat_app *app);

/*
 * Ends what the plugins hold for app: pending store autosaves are written and
 * resources closed. moat_app_free does it too (the plugins keep their state
 * with moat_app_set_data); call this to have it done earlier, after
 * moat_app_run returns.
 */
void moat_plugins_finish(moat_app *app);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
