// SPDX-License-Identifier: MIT
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
#include "jsonpos.h"
#include "suggest.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The moat.json being read: errors name its path and the line:column of what they are about. */
struct mj {
    const char *path;
    struct pol_jsonpos jp;
    bool indexed;
};

static int fail_at(const struct mj *m, const char *ptr, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "path:line:col: what" at the value (or its key) whose JSON pointer is ptr. Returns -1. */
static int fail_at(const struct mj *m, const char *ptr, bool at_key, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const struct pol_jsonpos_entry *e = m->indexed ? pol_jsonpos_get(&m->jp, ptr) : NULL;
    struct pol_pos pos = e ? (at_key && e->key.line ? e->key : e->value) : (struct pol_pos){0, 0};
    if (pos.line > 0) return core_fail("%s:%d:%d: %s", m->path, pos.line, pos.col, what);
    return core_fail("%s: %s", m->path, what);
}

/* What a JSON value is, for "expected X, got Y". */
static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* The top-level keys and what each holds (docs: README's moat.json, share/moat/schemas/moat.json).
 */
static const struct {
    const char *key, *expected;
} top_keys[] = {{"name", "a string (the app's name)"},
                {"entry", "a string (the JS entry file, or index.html, inside the bundle)"},
                {"native", "a string (a native renderer's executable inside the bundle)"},
                {"kind", "\"js\", \"native\" or \"webview\""},
                {"windows", "an array of window objects"},
                {"security", "an object such as {\"csp\": \"default-src 'self'\"}"},
                {"identifier", "a string (reverse domain name, e.g. com.example.app)"},
                {"productName", "a string"},
                {"version", "a string (e.g. \"1.0.0\")"},
                {"$schema", "a string (the path or URL of moat.json's JSON Schema)"}};
#define N_TOP (sizeof top_keys / sizeof *top_keys)

static int check_keys(const struct mj *m, json_t *root)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        struct pol_buf ptr;
        pol_buf_init(&ptr);
        size_t k = 0;
        while (k < N_TOP && strcmp(key, top_keys[k].key))
            k++;
        int rc = 0;
        if (pol_buf_push_key(&ptr, key) < 0) {
            rc = core_fail("out of memory");
        } else if (k == N_TOP) {
            struct pol_nearest near;
            pol_nearest_init(&near, key, 2);
            for (size_t i = 0; i < N_TOP; i++)
                pol_nearest_offer(&near, top_keys[i].key);
            char hint[96] = "";
            if (near.best) snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near.best);
            rc = fail_at(m, pol_buf_str(&ptr), true,
                         "unknown key \"%s\"%s; expected one of: name, entry, native, kind, "
                         "windows, security, identifier, productName, version, $schema",
                         key, hint);
        } else if (k != 4 && k != 5 && !json_is_string(v)) { /* windows, security: parse_webview */
            rc = fail_at(m, pol_buf_str(&ptr), false, "\"%s\": expected %s, got %s", key,
                         top_keys[k].expected, json_kind(v));
        }
        pol_buf_free(&ptr);
        if (rc) return rc;
    }
    return 0;
}

/* dir/rel resolved, and inside dir (no escaping through .. or symlinks). */
static char *inside(const struct mj *m, const char *dir, const char *rel, const char *key)
{
    char *joined, *real, ptr[16];
    snprintf(ptr, sizeof ptr, "/%s", key);
    if (rel[0] == '/' || asprintf(&joined, "%s/%s", dir, rel) < 0)
        return fail_at(m, ptr, false, "\"%s\": expected a relative path inside the bundle", key),
               NULL;
    real = realpath(joined, NULL);
    int saved = errno;
    free(joined);
    size_t n = strlen(dir);
    if (!real || strncmp(real, dir, n) != 0 || real[n] != '/') {
        if (!real)
            fail_at(m, ptr, false, "\"%s\": %s: %s (expected a file inside the bundle)", key, rel,
                    strerror(saved));
        else
            fail_at(m, ptr, false, "\"%s\": %s is outside the bundle (expected a file inside it)",
                    key, rel);
        free(real);
        return NULL;
    }
    return real;
}

/* One window of "windows": tauri.conf.json's keys, each of its type. */
static int check_window(const struct mj *m, json_t *w, size_t i)
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
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/windows/%zu", i);
    if (!json_is_object(w))
        return fail_at(m, ptr, false, "windows[%zu]: expected a window object, got %s", i,
                       json_kind(w));
    json_object_foreach(w, key, v)
    {
        size_t k = 0;
        while (k < sizeof keys / sizeof *keys && strcmp(key, keys[k].key))
            k++;
        struct pol_buf at;
        pol_buf_init(&at);
        if (pol_buf_append(&at, ptr, strlen(ptr)) < 0 || pol_buf_push_key(&at, key) < 0) {
            pol_buf_free(&at);
            return core_fail("out of memory");
        }
        int rc = 0;
        if (k == sizeof keys / sizeof *keys) {
            rc = fail_at(m, pol_buf_str(&at), true,
                         "windows[%zu]: unknown key \"%s\"; expected one of: label, title, width, "
                         "height, resizable, decorations, fullscreen, center, devtools",
                         i, key);
        } else {
            bool ok = keys[k].type == JSON_TRUE      ? json_is_boolean(v)
                      : keys[k].type == JSON_INTEGER ? json_is_number(v) && json_number_value(v) > 0
                                                     : json_is_string(v);
            if (!ok)
                rc = fail_at(m, pol_buf_str(&at), false, "windows[%zu].%s: expected %s, got %s", i,
                             key,
                             keys[k].type == JSON_TRUE      ? "true or false"
                             : keys[k].type == JSON_INTEGER ? "a positive number"
                                                            : "a string",
                             json_kind(v));
        }
        pol_buf_free(&at);
        if (rc) return rc;
    }
    return 0;
}

/* kind, windows and security.csp of a webview bundle. */
static int parse_webview(const struct mj *m, json_t *root, struct core_bundle *b)
{
    json_t *wins = json_object_get(root, "windows"), *sec = json_object_get(root, "security");
    if (wins && !json_is_array(wins))
        return fail_at(m, "/windows", false,
                       "\"windows\": expected an array of window objects, "
                       "got %s",
                       json_kind(wins));
    for (size_t i = 0; wins && i < json_array_size(wins); i++)
        if (check_window(m, json_array_get(wins, i), i) != 0) return -1;
    if (sec && !json_is_object(sec))
        return fail_at(m, "/security", false,
                       "\"security\": expected an object such as {\"csp\": \"…\"}, got %s",
                       json_kind(sec));
    json_t *csp = sec ? json_object_get(sec, "csp") : NULL;
    if (csp && !json_is_string(csp) && !json_is_null(csp))
        return fail_at(m, "/security/csp", false,
                       "security.csp: expected a string (or null), got %s", json_kind(csp));
    b->webview = true;
    b->windows_json = wins ? json_dumps(wins, JSON_COMPACT) : strdup("[]");
    if (csp && json_is_string(csp) && !(b->csp = strdup(json_string_value(csp))))
        return core_fail("out of memory");
    return b->windows_json ? 0 : core_fail("out of memory");
}

static int parse(const struct mj *m, json_t *root, const char *dir, struct core_bundle *b)
{
    if (!json_is_object(root))
        return fail_at(
            m, "", false,
            "expected a JSON object such as {\"name\": \"app\", \"entry\": \"main.js\"}, "
            "got %s",
            json_kind(root));
    if (check_keys(m, root) != 0) return -1;
    const char *name = json_string_value(json_object_get(root, "name"));
    const char *entry = json_string_value(json_object_get(root, "entry"));
    const char *native = json_string_value(json_object_get(root, "native"));
    const char *kind = json_string_value(json_object_get(root, "kind"));
    if (entry && native)
        return fail_at(m, "/native", true,
                       "a bundle has either \"entry\" (JS) or \"native\", not both");
    if (kind && strcmp(kind, "js") && strcmp(kind, "native") && strcmp(kind, "webview"))
        return fail_at(m, "/kind", false, "\"kind\": expected \"js\", \"native\" or \"webview\"");
    bool web = kind && !strcmp(kind, "webview");
    if (web && native)
        return fail_at(m, "/native", true,
                       "a webview bundle has no \"native\" (expected \"entry\")");
    if (!web && (json_object_get(root, "windows") || json_object_get(root, "security")))
        return fail_at(m, json_object_get(root, "windows") ? "/windows" : "/security", true,
                       "\"windows\" and \"security\" need \"kind\": \"webview\"");
    if (web && parse_webview(m, root, b) != 0) return -1;
    b->name = strdup(name ? name : "");
    b->entry = strdup(entry ? entry : web ? "index.html" : "index.js");
    if (native && !(b->native = inside(m, dir, native, "native"))) return -1;
    if (!native) {
        char *full = inside(m, dir, b->entry, "entry");
        if (!full) return -1;
        free(full);
    }
    if (b->native && access(b->native, X_OK) != 0)
        return fail_at(m, "/native", false, "native renderer %s is not executable", b->native);
    return b->name && b->entry ? 0 : core_fail("out of memory");
}

/* moat.json's text (caller frees), or NULL with the error set. */
static char *read_manifest(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return core_fail("cannot open %s: %s", path, strerror(errno)), NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            char *more = cap < (1u << 24) ? realloc(buf, (cap = cap ? cap * 2 : 4096) + 1) : NULL;
            if (!more) {
                free(buf);
                fclose(f);
                return core_fail("%s: over 16 MiB, or out of memory", path), NULL;
            }
            buf = more;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    bool bad = ferror(f);
    fclose(f);
    if (bad) return free(buf), core_fail("cannot read %s", path), NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int load_json(const char *dir, const char *path, struct core_bundle *b)
{
    size_t len = 0;
    char *text = read_manifest(path, &len);
    if (!text) return -1;
    struct mj m = {.path = path};
    struct pol_error err;
    char line[1024];
    size_t skip = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a BOM, as policies */
    size_t i = skip;
    while (i < len && strchr(" \t\r\n", text[i]) && text[i])
        i++;
    json_t *root = NULL;
    int rv = -1;
    if (i == len)
        core_fail("%s: empty (expected a JSON object such as {\"name\": \"app\", \"entry\": "
                  "\"main.js\"})",
                  path);
    else if (!(root = pol_json_parse(text + skip, len - skip, path, &m.jp, &err)))
        core_fail("%s", pol_error_format(&err, line, sizeof line));
    else
        m.indexed = true, rv = parse(&m, root, dir, b);
    if (m.indexed) pol_jsonpos_free(&m.jp);
    json_decref(root);
    free(text);
    return rv;
}

int core_bundle_load(const char *dir, struct core_bundle *b)
{
    memset(b, 0, sizeof *b);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/moat.json", dir);
    char index[PATH_MAX + 16];
    snprintf(index, sizeof index, "%s/index.html", dir);
    int rv;
    if (access(path, F_OK) != 0 && access(index, R_OK) == 0) { /* a vite/esbuild dist folder */
        json_t *dflt = json_pack("{s:s}", "kind", "webview");
        struct mj m = {.path = index};
        rv = dflt ? parse(&m, dflt, dir, b) : core_fail("out of memory");
        json_decref(dflt);
    } else if (access(path, F_OK) != 0) {
        rv = core_fail("no moat.json in %s (a bundle needs a moat.json such as {\"name\": "
                       "\"app\", \"entry\": \"main.js\"}, or an index.html for a web frontend; "
                       "`moat init DIR` writes one)",
                       dir);
    } else {
        rv = load_json(dir, path, b);
    }
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
