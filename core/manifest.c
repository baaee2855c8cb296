// SPDX-License-Identifier: MIT
/*
 * manifest.c: moat_app_manifest, a plugin's permissions into the app's catalog.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argschema.h"
#include "internal.h"

/* The whole file at path, NUL-terminated (caller frees), or NULL with the error set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return core_fail("cannot open manifest %s: %s", path, strerror(errno)), NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = cap < (16u << 20) ? realloc(buf, cap * 2 + 1) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return core_fail("manifest %s is over 16 MiB or memory ran out", path), NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Commands registered before their manifest get its "arguments" schema (unless they have one). */
static int attach_schemas(moat_app *app)
{
    for (size_t i = 0; i < app->commands.cap; i++) {
        struct core_command *c = app->commands.slots[i].key ? app->commands.slots[i].value : NULL;
        const char *schema = c && !c->args ? pol_catalog_command_args(app->catalog, c->name) : NULL;
        if (schema && !(c->args = core_argschema_new(schema, c->name))) return -1;
    }
    return 0;
}

int moat_app_manifest(moat_app *app, const char *json_or_path)
{
    if (!app || !json_or_path) return core_fail("moat_app_manifest: no manifest");
    const char *p = json_or_path;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    char *owned = NULL;
    const char *text = json_or_path, *name = "manifest";
    size_t len = strlen(json_or_path);
    if (*p != '{') {
        if (!(owned = slurp(json_or_path, &len))) return -1;
        text = owned;
        name = json_or_path;
    }
    char err[512];
    int rc = pol_catalog_add_manifest(app->catalog, text, len, name, err, sizeof err);
    free(owned);
    return rc < 0 ? core_fail("%s", err) : attach_schemas(app);
}

const char *moat_app_name(const moat_app *app)
{
    return app->name;
}
