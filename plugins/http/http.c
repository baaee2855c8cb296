/*
 * http.c: plugin-http's registration (commands come with the fetch step).
 */
#include "plugins_internal.h"

int moat_plugin_http_register(moat_app *app)
{
    static const char *const manifest[] = {"http/permissions.json"};
    return plugin_load_manifests(app, manifest, 1);
}
