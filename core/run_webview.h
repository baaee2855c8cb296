// SPDX-License-Identifier: MIT
/*
 * run_webview.h: what `moat run` needs of the webview renderer (spawn_webview.c).
 */
#ifndef MOAT_CORE_RUN_WEBVIEW_H
#define MOAT_CORE_RUN_WEBVIEW_H

#include "moat.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * For a webview bundle whose manifest lists several windows: spawns one
 * renderer for each window label other than first (already spawned), in
 * the manifest's order, each under its own label's capabilities. 0 (also
 * for other bundles), or -1 (moat_errmsg).
 */
int core_webview_spawn_windows(moat_app *app, const char *dir, const char *first);

/*
 * `moat run --devtools`: WebKit's developer extras (the inspector) in every
 * webview window app starts from now on; off otherwise, whatever the
 * manifest says. Run thread. 0, or -1 (out of memory).
 */
int core_webview_set_devtools(moat_app *app, bool on);

/*
 * core:webview:create_webview_window (new WebviewWindow(label, options)), from a
 * command handler on the run thread: a new webview renderer for the bundle in
 * dir under label, with options' title, width, height, resizable,
 * decorations, fullscreen, center and url (a page of the bundle). A label
 * must be Tauri's (letters, digits, - / : _) and not a window's that runs.
 * 0, or -1 with the reason in err (code: "invalid_args" or "spawn_failed").
 */
int core_webview_create(moat_app *app, const char *dir, const char *label, json_t *options,
                        const char **code, char *err, size_t errlen);
/* The labels of app's running webview windows, appended to arr (getAllWindows). */
void core_webview_labels(moat_app *app, json_t *arr);

/*
 * Registers moat:asset (webview_asset.c), what a webview host asks for the
 * page's asset://localhost/ requests (convertFileSrc): served only inside
 * app.security.assetProtocol's scope (tauri.conf.json, or moat.json's
 * "security"), opened as the fs commands open files. Its permission,
 * moat:allow-asset, says which labels may use it at all. 0, or -1.
 */
int core_webview_asset_register(moat_app *app);

#endif
