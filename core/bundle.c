/*
 * bundle.c: reading a bundle's moat.json.
 *
 *     {"name": "hello", "entry": "main.js"}      a JS bundle (entry: index.js)
 *     {"name": "tool", "native": "bin/app"}      a native renderer
 */
#include "internal.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A string member, or NULL when absent; -1 when present but not a string. */
static int get_str(json_t *root, const char *key, const char **out)
{
    json_t *v = json_object_get(root, key);
    *out = v ? json_string_value(v) : NULL;
    return v && !*out ? -1 : 0;
}

/* The app's identity (plugins/app/identity.c reads it): its value, or NULL for other keys. */
static json_t *identity_key(json_t *root, const char *key)
{
    return strcmp(key, "identifier") && strcmp(key, "productName") && strcmp(key, "version")
               ? NULL
               : json_object_get(root, key);
}

static int check_keys(json_t *root, const char *path)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "name") && strcmp(key, "entry") && strcmp(key, "native") &&
            strcmp(key, "$schema") && !json_is_string(identity_key(root, key)))
            return core_fail("%s: unknown key \"%s\"; expected name, entry, native, "
                             "identifier, productName or version (strings)",
                             path, key);
    }
    return 0;
}

/* dir/rel resolved, and inside dir (no escaping through .. or symlinks). */
static char *inside(const char *dir, const char *rel, const char *path, const char *key)
{
    char *joined, *real;
    if (rel[0] == '/' || asprintf(&joined, "%s/%s", dir, rel) < 0)
        return core_fail("%s: \"%s\" must be a path inside the bundle", path, key), NULL;
    real = realpath(joined, NULL);
    free(joined);
    size_t n = strlen(dir);
    if (!real || strncmp(real, dir, n) != 0 || real[n] != '/') {
        core_fail("%s: \"%s\" (%s) is not a file inside the bundle", path, key, rel);
        free(real);
        return NULL;
    }
    return real;
}

static int parse(json_t *root, const char *dir, const char *path, struct core_bundle *b)
{
    const char *name, *entry, *native;
    if (!json_is_object(root)) return core_fail("%s: expected a JSON object", path);
    if (check_keys(root, path) != 0) return -1;
    if (get_str(root, "name", &name) || get_str(root, "entry", &entry) ||
        get_str(root, "native", &native))
        return core_fail("%s: name, entry and native must be strings", path);
    if (entry && native)
        return core_fail("%s: a bundle has either \"entry\" (JS) or \"native\", not both", path);
    b->name = strdup(name ? name : "");
    b->entry = strdup(entry ? entry : "index.js");
    if (native && !(b->native = inside(dir, native, path, "native"))) return -1;
    if (!native) {
        char *full = inside(dir, b->entry, path, "entry");
        if (!full) return -1;
        free(full);
    }
    if (b->native && access(b->native, X_OK) != 0)
        return core_fail("%s: native renderer %s is not executable", path, b->native);
    return b->name && b->entry ? 0 : core_fail("out of memory");
}

int core_bundle_load(const char *dir, struct core_bundle *b)
{
    memset(b, 0, sizeof *b);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/moat.json", dir);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) return core_fail("%s:%d:%d: %s", path, je.line, je.column, je.text);
    int rv = parse(root, dir, path, b);
    json_decref(root);
    if (rv != 0) core_bundle_free(b);
    return rv;
}

void core_bundle_free(struct core_bundle *b)
{
    free(b->name);
    free(b->entry);
    free(b->native);
    memset(b, 0, sizeof *b);
}
