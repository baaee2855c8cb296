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

/* Every plugin above. 0, or -1 with moat_errmsg(). */
int moat_plugins_register_all(moat_app *app);

/*
 * Ends what the plugins hold for app: pending store autosaves are written and
 * resources closed. Call after moat_app_run returns, before moat_app_free.
 */
void moat_plugins_finish(moat_app *app);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
