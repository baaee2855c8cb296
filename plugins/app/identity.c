// SPDX-License-Identifier: MIT
/*
 * identity.c: who a bundle says it is: identifier, productName and version
 * from its moat.json, else from the tauri.conf.json of the Tauri project it is
 * the frontend of (beside the bundle or above it, or in a src-tauri folder
 * there), as `moat run` finds a Tauri project's frontend as it stands.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "plugins_internal.h"

static void take(char *dst, size_t len, json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (v && !*dst) snprintf(dst, len, "%s", v);
}

/* Fills what is still empty in id from the JSON file at path. True when the file exists. */
static bool read_from(struct plugin_identity *id, const char *path)
{
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    if (!root) return false;
    take(id->identifier, sizeof id->identifier, root, "identifier");
    take(id->product_name, sizeof id->product_name, root, "productName");
    take(id->version, sizeof id->version, root, "version");
    json_t *dot = json_object_get(json_object_get(json_object_get(root, "plugins"), "fs"),
                                  "requireLiteralLeadingDot");
    if (json_is_false(dot)) id->fs_match_dots = true; /* true (the default on Unix): as is */
    json_t *pkg = json_object_get(root, "package");   /* Tauri 1's shape */
    take(id->product_name, sizeof id->product_name, pkg, "productName");
    take(id->version, sizeof id->version, pkg, "version");
    json_decref(root);
    return true;
}

void plugin_identity(const char *bundle, const char *app_name, struct plugin_identity *id)
{
    memset(id, 0, sizeof *id);
    char dir[PATH_MAX], path[PATH_MAX + 32];
    if (bundle) {
        snprintf(path, sizeof path, "%s/moat.json", bundle);
        json_t *m = json_load_file(path, 0, NULL);
        take(id->identifier, sizeof id->identifier, m, "identifier");
        take(id->product_name, sizeof id->product_name, m, "productName");
        take(id->version, sizeof id->version, m, "version");
        json_decref(m);
        snprintf(dir, sizeof dir, "%s", bundle);
        for (int up = 0; up < 3 && !id->identifier[0]; up++) {
            snprintf(path, sizeof path, "%s/tauri.conf.json", dir);
            bool found = read_from(id, path);
            snprintf(path, sizeof path, "%s/src-tauri/tauri.conf.json", dir);
            if (found || read_from(id, path)) break;
            char *slash = strrchr(dir, '/');
            if (!slash || slash == dir) break;
            *slash = '\0';
        }
    }
    if (!id->product_name[0] && bundle) { /* moat.json's name, when nothing says more */
        snprintf(path, sizeof path, "%s/moat.json", bundle);
        json_t *m = json_load_file(path, 0, NULL);
        take(id->product_name, sizeof id->product_name, m, "name");
        json_decref(m);
    }
    if (!id->product_name[0]) snprintf(id->product_name, sizeof id->product_name, "%s", app_name);
    /* Without one, the app's name: bundles that do not say who they are share its folders. */
    if (!id->identifier[0]) snprintf(id->identifier, sizeof id->identifier, "%s", app_name);
    if (!id->version[0]) snprintf(id->version, sizeof id->version, "0.0.0");
}
