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
 * Registers the core:window:* commands (allow-only: a webview host carries
 * an allowed one out) and the set core:window:default, before any policy
 * is loaded. 0 or -1.
 */
int core_window_register(moat_app *app);

#endif
