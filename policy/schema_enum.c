// SPDX-License-Identifier: MIT
/*
 * schema_enum.c: the policy JSON Schema with the catalog's permission
 * identifiers as an enum, so that an editor completes them and a validator
 * catches a typo (`moat policy schema`; the build installs its output as
 * share/moat/schemas/capability.json).
 */
#include <jansson.h>
#include <stdlib.h>

#include "catalog.h"

/* An "enum" of every identifier, described, for where a permission is named. */
static json_t *id_enum(const struct pol_catalog *cat, const char *description)
{
    json_t *ids = json_array(), *s = json_object();
    for (size_t i = 0; ids && i < cat->n_perms; i++)
        json_array_append_new(ids, json_string(cat->order[i]->id));
    if (!ids || !s || json_object_set_new(s, "description", json_string(description)) ||
        json_object_set_new(s, "enum", ids)) {
        json_decref(s);
        return NULL;
    }
    return s;
}

char *pol_schema_with_ids(const struct pol_catalog *cat)
{
    json_error_t je;
    json_t *root = json_loads(pol_schema_json(), 0, &je);
    json_t *entry = json_object_get(json_object_get(root, "definitions"), "PermissionEntry");
    json_t *forms = json_object_get(entry, "anyOf");
    json_t *obj = json_array_get(forms, 1);
    json_t *props = json_object_get(obj, "properties");
    char *text = NULL;
    if (cat && props &&
        !json_array_set_new(forms, 0,
                            id_enum(cat, "A permission or permission set identifier of the "
                                         "installed plugins, e.g. core:default.")) &&
        !json_object_set_new(props, "identifier",
                             id_enum(cat, "The permission whose scope this entry extends.")))
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return text;
}
