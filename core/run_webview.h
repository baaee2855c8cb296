/*
 * run_webview.h: what `moat run` needs of the webview renderer (spawn_webview.c).
 */
#ifndef MOAT_CORE_RUN_WEBVIEW_H
#define MOAT_CORE_RUN_WEBVIEW_H

#include "moat.h"

/*
 * For a webview bundle whose manifest lists several windows: spawns one
 * renderer for each window label other than first (already spawned), in
 * the manifest's order, each under its own label's capabilities. 0 (also
 * for other bundles), or -1 (moat_errmsg).
 */
int core_webview_spawn_windows(moat_app *app, const char *dir, const char *first);

/*
 * `moat run --devtools`: WebKit's developer extras (the inspector) in every
 * webview window this process starts; off otherwise, whatever the manifest
 * says. Process-wide: moat_sandbox_opts (core/moat.h) has no field for it yet.
 */
void core_webview_set_devtools(bool on);

#endif
