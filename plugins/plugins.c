// SPDX-License-Identifier: MIT
/*
 * plugins.c: registering the plugins Moat ships; see moat_plugins.h.
 */
#include <stdio.h>
#include <string.h>

#include "plugins_internal.h"
#include "run_webview.h" /* core/: the webview's asset protocol */

int plugin_load_manifests(moat_app *app, const char *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *text = plugin_manifest(files[i]);
        if (!text || moat_app_manifest(app, text) < 0) return -1;
    }
    return 0;
}

int moat_plugin_core_register(moat_app *app)
{
    /* The default set last: its members are resolved when a policy loads, but read in order. */
    static const char *const files[] = {
        "core/permissions/app.json",       "core/permissions/event.json",
        "core/permissions/path.json",      "core/permissions/window.json",
        "core/permissions/webview.json",   "core/permissions/image.json",
        "core/permissions/resources.json", "core/permissions/menu.json",
        "core/permissions/tray.json",      "core/permissions/moat-app.json",
        "core/permissions/log.json",       "core/permissions/sandbox.json",
        "core/permissions/default.json"};
    return plugin_core_api_register(app) < 0
               ? -1
               : plugin_load_manifests(app, files, sizeof files / sizeof *files);
}

int moat_plugins_register_all(moat_app *app)
{
    /* Each plugin ends what it holds through its own moat_app_set_data hook. */
    return moat_plugin_core_register(app) < 0 || moat_plugin_fs_register(app) < 0 ||
                   plugin_resources_register(app) < 0 || moat_plugin_store_register(app) < 0 ||
                   moat_plugin_os_register(app) < 0 || moat_plugin_process_register(app) < 0 ||
                   moat_plugin_log_register(app) < 0 || moat_plugin_http_register(app) < 0 ||
                   moat_plugin_shell_register(app) < 0 || moat_plugin_opener_register(app) < 0 ||
                   moat_plugin_clipboard_register(app) < 0 ||
                   moat_plugin_notification_register(app) < 0 ||
                   moat_plugin_dialog_register(app) < 0 || core_webview_asset_register(app) < 0
               ? -1
               : 0;
}

void moat_plugins_finish(moat_app *app)
{
    plugin_rid_close_all(app);
    plugin_process_forget(app);
    plugin_log_forget(app);
    plugin_shell_forget(app);
    plugin_clipboard_forget(app);
}
