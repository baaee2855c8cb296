/*
 * bundle.c: reading a bundle's moat.json.
 *
 *     {"name": "hello", "entry": "main.js"}      a JS bundle (entry: index.js)
 *     {"name": "tool", "native": "bin/app"}      a native renderer
 *     {"kind": "webview", "entry": "index.html",   a web frontend (WebKitGTK: moat-webview)
 *      "windows": [{"label": "main", "title": "…", "width": 800, …}],
 *      "security": {"csp": "default-src 'self'"}}
 *
 * A folder without moat.json but with index.html is a webview bundle with
 * the defaults. Window keys are tauri.conf.json's app.windows keys.
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
            strcmp(key, "$schema") && strcmp(key, "kind") && strcmp(key, "windows") &&
            strcmp(key, "security") && !json_is_string(identity_key(root, key)))
            return core_fail("%s: unknown key \"%s\"; expected name, entry, native, kind, "
                             "windows, security, identifier, productName or version",
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

/* One window of "windows": tauri.conf.json's keys, each of its type. */
static int check_window(json_t *w, size_t i, const char *path)
{
    static const struct {
        const char *key;
        json_type type;
    } keys[] = {
        {"label", JSON_STRING},
        {"title", JSON_STRING},
        {"width", JSON_INTEGER},
        {"height", JSON_INTEGER},
        {"resizable", JSON_TRUE},
        {"decorations", JSON_TRUE},
        {"fullscreen", JSON_TRUE},
        {"center", JSON_TRUE},
        /* Tauri's; moat gives devtools only with `moat run --devtools` (spawn_webview.c). */
        {"devtools", JSON_TRUE}};
    const char *key;
    json_t *v;
    if (!json_is_object(w)) return core_fail("%s: windows[%zu]: expected an object", path, i);
    json_object_foreach(w, key, v)
    {
        size_t k = 0;
        while (k < sizeof keys / sizeof *keys && strcmp(key, keys[k].key))
            k++;
        if (k == sizeof keys / sizeof *keys)
            return core_fail("%s: windows[%zu]: unknown key \"%s\"; expected label, title, width, "
                             "height, resizable, decorations, fullscreen, center or devtools",
                             path, i, key);
        bool ok = keys[k].type == JSON_TRUE      ? json_is_boolean(v)
                  : keys[k].type == JSON_INTEGER ? json_is_number(v) && json_number_value(v) > 0
                                                 : json_is_string(v);
        if (!ok)
            return core_fail("%s: windows[%zu].%s: expected %s", path, i, key,
                             keys[k].type == JSON_TRUE      ? "true or false"
                             : keys[k].type == JSON_INTEGER ? "a positive number"
                                                            : "a string");
    }
    return 0;
}

/* kind, windows and security.csp of a webview bundle. */
static int parse_webview(json_t *root, const char *path, struct core_bundle *b)
{
    json_t *wins = json_object_get(root, "windows"), *sec = json_object_get(root, "security");
    if (wins && !json_is_array(wins))
        return core_fail("%s: \"windows\": expected an array of window objects", path);
    for (size_t i = 0; wins && i < json_array_size(wins); i++)
        if (check_window(json_array_get(wins, i), i, path) != 0) return -1;
    if (sec && !json_is_object(sec))
        return core_fail("%s: \"security\": expected an object such as {\"csp\": \"…\"}", path);
    json_t *csp = sec ? json_object_get(sec, "csp") : NULL;
    if (csp && !json_is_string(csp) && !json_is_null(csp))
        return core_fail("%s: security.csp: expected a string (or null)", path);
    b->webview = true;
    b->windows_json = wins ? json_dumps(wins, JSON_COMPACT) : strdup("[]");
    if (csp && json_is_string(csp) && !(b->csp = strdup(json_string_value(csp))))
        return core_fail("out of memory");
    return b->windows_json ? 0 : core_fail("out of memory");
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
    const char *kind = NULL;
    if (get_str(root, "kind", &kind) ||
        (kind && strcmp(kind, "js") && strcmp(kind, "native") && strcmp(kind, "webview")))
        return core_fail("%s: \"kind\": expected \"js\", \"native\" or \"webview\"", path);
    bool web = kind && !strcmp(kind, "webview");
    if (web && native) return core_fail("%s: a webview bundle has no \"native\"", path);
    if (!web && (json_object_get(root, "windows") || json_object_get(root, "security")))
        return core_fail("%s: \"windows\" and \"security\" need \"kind\": \"webview\"", path);
    if (web && parse_webview(root, path, b) != 0) return -1;
    b->name = strdup(name ? name : "");
    b->entry = strdup(entry ? entry : web ? "index.html" : "index.js");
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
    char index[PATH_MAX + 16];
    snprintf(index, sizeof index, "%s/index.html", dir);
    if (access(path, F_OK) != 0 && access(index, R_OK) == 0) { /* a vite/esbuild dist folder */
        json_t *dflt = json_pack("{s:s}", "kind", "webview");
        int rv = dflt ? parse(dflt, dir, index, b) : core_fail("out of memory");
        json_decref(dflt);
        if (rv != 0) core_bundle_free(b);
        return rv;
    }
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
    free(b->windows_json);
    free(b->csp);
    memset(b, 0, sizeof *b);
}
