// SPDX-License-Identifier: MIT
/*
 * manifest.c: a plugin's permission manifest, Tauri's permission files as one
 * JSON object, into the catalog; see policy.h for the shape.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

/* One manifest being read: where errors go and how names are prefixed. */
struct mf {
    struct pol_catalog *cat;
    const char *name;   /* for errors */
    const char *plugin; /* "fs", "core:path", or "" (no prefix) */
    char *err;
    size_t errlen;
};

static int fail(struct mf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct mf *m, const char *fmt, ...)
{
    if (m->err && m->errlen) {
        int n = snprintf(m->err, m->errlen, "%s: ", m->name);
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < m->errlen) vsnprintf(m->err + n, m->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* "x" -> "plugin:x"; a name with ':' is already absolute (another plugin's). Arena copy. */
static const char *qualify(struct mf *m, const char *name, bool absolute_ok)
{
    if (absolute_ok && strchr(name, ':')) return pol_arena_strdup(&m->cat->arena, name);
    if (!*m->plugin) return pol_arena_strdup(&m->cat->arena, name);
    return pol_arena_printf(&m->cat->arena, "%s:%s", m->plugin, name);
}

/* The strings of array key of obj (absent: none), qualified, into the arena. */
static int strings(struct mf *m, json_t *obj, const char *key, const char *where, bool absolute_ok,
                   const char *const **out, size_t *n)
{
    json_t *arr = obj ? json_object_get(obj, key) : NULL;
    *n = 0;
    *out = NULL;
    if (!arr) return 0;
    if (!json_is_array(arr)) return fail(m, "%s: \"%s\" must be an array of strings", where, key);
    const char **v = pol_arena_array(&m->cat->arena, json_array_size(arr) + 1, sizeof(*v));
    if (!v) return fail(m, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || !*s) return fail(m, "%s: \"%s\"[%zu] must be a non-empty string", where, key, i);
        if (!(v[i] = qualify(m, s, absolute_ok))) return fail(m, "out of memory");
    }
    *out = v;
    *n = json_array_size(arr);
    return 0;
}

/* The scope entries of "allow" or "deny" in scope, as compact JSON texts. */
static int entries(struct mf *m, json_t *scope, const char *key, const char *where,
                   const char *const **out, size_t *n)
{
    json_t *arr = scope ? json_object_get(scope, key) : NULL;
    *n = 0;
    *out = NULL;
    if (!arr) return 0;
    if (!json_is_array(arr)) return fail(m, "%s: scope.%s must be an array of objects", where, key);
    const char **v = pol_arena_array(&m->cat->arena, json_array_size(arr) + 1, sizeof(*v));
    if (!v) return fail(m, "out of memory");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        char *text = json_is_object(e) ? json_dumps(e, JSON_COMPACT) : NULL;
        if (!text) return fail(m, "%s: scope.%s[%zu] must be a JSON object", where, key, i);
        v[i] = pol_arena_strdup(&m->cat->arena, text);
        free(text);
        if (!v[i]) return fail(m, "out of memory");
    }
    *out = v;
    *n = json_array_size(arr);
    return 0;
}

static const char *description(json_t *obj)
{
    return json_string_value(json_object_get(obj, "description"));
}

/* Tauri's build generates allow-X and deny-X for each command, described so. */
static int commands(struct mf *m, json_t *root)
{
    const char *const *cmds;
    size_t n;
    if (strings(m, root, "commands", "commands", false, &cmds, &n) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        const char *bare = *m->plugin ? cmds[i] + strlen(m->plugin) + 1 : cmds[i];
        if (!pol_catalog_has_command(m->cat, cmds[i]) &&
            pol_catalog_add_command(m->cat, cmds[i]) < 0)
            return fail(m, "command \"%s\" cannot be declared (taken, or not a command name)",
                        cmds[i]);
        char text[300];
        snprintf(text, sizeof text, "Enables the %s command without any pre-configured scope.",
                 bare);
        pol_catalog_describe(m->cat, cmds[i], POL_DESCRIBE_ALLOW, text);
        snprintf(text, sizeof text, "Denies the %s command without any pre-configured scope.",
                 bare);
        pol_catalog_describe(m->cat, cmds[i], POL_DESCRIBE_DENY, text);
    }
    return 0;
}

static int permission(struct mf *m, json_t *p, size_t i)
{
    char where[320];
    const char *id = json_string_value(json_object_get(p, "identifier"));
    snprintf(where, sizeof where, "permission[%zu] %s", i, id ? id : "");
    if (!json_is_object(p) || !id || !*id)
        return fail(m, "%s: a permission needs an \"identifier\" string", where);
    json_t *cmds = json_object_get(p, "commands"), *scope = json_object_get(p, "scope");
    if ((cmds && !json_is_object(cmds)) || (scope && !json_is_object(scope)))
        return fail(m, "%s: \"commands\" and \"scope\" must be objects", where);
    struct pol_permission_def d = {.description = description(p)};
    if (!(d.id = qualify(m, id, false)) ||
        strings(m, cmds, "allow", where, false, &d.allow, &d.n_allow) < 0 ||
        strings(m, cmds, "deny", where, false, &d.deny, &d.n_deny) < 0 ||
        entries(m, scope, "allow", where, &d.scope_allow, &d.n_scope_allow) < 0 ||
        entries(m, scope, "deny", where, &d.scope_deny, &d.n_scope_deny) < 0)
        return -1;
    char why[200];
    if (pol_catalog_add_permission(m->cat, &d, why, sizeof why) < 0)
        return fail(m, "%s: %s", where, why);
    return 0;
}

static int set(struct mf *m, json_t *s, const char *id, const char *where)
{
    const char *const *members;
    size_t n;
    const char *full = qualify(m, id, false);
    if (!full || strings(m, s, "permissions", where, true, &members, &n) < 0) return -1;
    if (pol_catalog_add_set(m->cat, full, description(s), members, n) < 0)
        return fail(m, "%s: set \"%s\" cannot be declared (taken?)", where, full);
    return 0;
}

static int sets(struct mf *m, json_t *root)
{
    json_t *arr = json_object_get(root, "set");
    if (arr && !json_is_array(arr)) return fail(m, "\"set\" must be an array of objects");
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        json_t *s = json_array_get(arr, i);
        const char *id = json_string_value(json_object_get(s, "identifier"));
        char where[320];
        snprintf(where, sizeof where, "set[%zu] %s", i, id ? id : "");
        if (!json_is_object(s) || !id || !*id)
            return fail(m, "%s: a set needs an \"identifier\" string", where);
        if (set(m, s, id, where) < 0) return -1;
    }
    json_t *dflt = json_object_get(root, "default");
    if (dflt && !json_is_object(dflt)) return fail(m, "\"default\" must be an object");
    return dflt ? set(m, dflt, "default", "default") : 0;
}

/* "arguments" or "returns": {command: JSON Schema}, kept as text in map. */
static int command_types(struct mf *m, json_t *root, const char *key, struct pol_map *map)
{
    json_t *obj = json_object_get(root, key), *schema;
    const char *cmd;
    if (obj && !json_is_object(obj))
        return fail(m, "\"%s\" must be an object of JSON Schemas by command", key);
    json_object_foreach(obj, cmd, schema)
    {
        const char *full = qualify(m, cmd, false);
        if (!full) return fail(m, "out of memory");
        if (!pol_catalog_has_command(m->cat, full))
            return fail(m, "%s: \"%s\" is not a command of this manifest", key, cmd);
        if (!json_is_object(schema)) return fail(m, "%s.%s must be a JSON Schema object", key, cmd);
        char *text = json_dumps(schema, JSON_COMPACT);
        const char *kept = text ? pol_arena_strdup(&m->cat->arena, text) : NULL;
        free(text);
        int put = kept ? pol_map_put(map, full, (void *)kept) : -1;
        if (put < 0) return fail(m, "out of memory");
        if (put > 0) return fail(m, "%s: \"%s\" has a schema already", key, full);
    }
    return 0;
}

static int known_keys(struct mf *m, json_t *root)
{
    static const char *const keys[] = {"$schema",    "plugin", "description", "commands",
                                       "permission", "set",    "default",     "scope_schema",
                                       "arguments",  "returns"};
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        size_t i = 0;
        while (i < sizeof keys / sizeof *keys && strcmp(keys[i], key) != 0)
            i++;
        if (i == sizeof keys / sizeof *keys)
            return fail(m,
                        "unknown key \"%s\"; expected one of: plugin, description, commands, "
                        "permission, set, default, scope_schema, arguments, returns",
                        key);
    }
    json_t *schema = json_object_get(root, "scope_schema");
    if (schema && !json_is_object(schema))
        return fail(m, "\"scope_schema\" must be a JSON Schema object");
    return 0;
}

int pol_catalog_add_manifest(struct pol_catalog *cat, const char *text, size_t len,
                             const char *name, char *err, size_t errlen)
{
    struct mf m = {cat, name ? name : "manifest", "", err, errlen};
    if (!cat || !text) return fail(&m, "no manifest");
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return fail(&m, "%d:%d: invalid JSON: %s", je.line, je.column, je.text);
    const char *plugin = json_string_value(json_object_get(root, "plugin"));
    int rc = -1;
    if (!json_is_object(root) || !plugin)
        fail(&m, "a manifest is a JSON object with a \"plugin\" string");
    else if (known_keys(&m, root) == 0 && (m.plugin = pol_arena_strdup(&cat->arena, plugin)) &&
             commands(&m, root) == 0) {
        json_t *perms = json_object_get(root, "permission");
        rc = perms && !json_is_array(perms) ? fail(&m, "\"permission\" must be an array") : 0;
        for (size_t i = 0; rc == 0 && perms && i < json_array_size(perms); i++)
            rc = permission(&m, json_array_get(perms, i), i);
        if (rc == 0) rc = sets(&m, root);
        if (rc == 0) rc = command_types(&m, root, "arguments", &cat->command_args);
        if (rc == 0) rc = command_types(&m, root, "returns", &cat->command_returns);
    }
    json_decref(root);
    return rc;
}
