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

/* plugin-http: fetch done by the core through libcurl, scoped by URL patterns. */
int moat_plugin_http_register(moat_app *app);

/* Every plugin above. 0, or -1 with moat_errmsg(). */
int moat_plugins_register_all(moat_app *app);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
