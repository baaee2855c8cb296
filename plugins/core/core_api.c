// SPDX-License-Identifier: MIT
/*
 * core_api.c: Tauri's core API as the JS renderer can answer it: core:app
 * (from the bundle's identity), core:path (base directories and path
 * strings, with the semantics of Tauri's path plugin on Linux), and a clear
 * "unsupported" for the window, webview, menu, tray and image commands, which
 * need a window (the webview renderer provides them).
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins_internal.h"
#include "run_webview.h" /* core/: windows made from JS */

/* The Tauri 2 API level Moat answers to core:app:tauri_version. */
#define PLUGIN_TAURI_VERSION "2.0.0"

static const msgpack_object *arg(moat_call *c, const char *key)
{
    const msgpack_object *a = moat_call_args(c);
    if (!a || a->type != MSGPACK_OBJECT_MAP) return NULL;
    for (uint32_t i = 0; i < a->via.map.size; i++) {
        const msgpack_object *k = &a->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return &a->via.map.ptr[i].val;
    }
    return NULL;
}

/* A string argument copied into out (NUL-free); false when absent or not a string. */
static bool str_arg(moat_call *c, const char *key, char *out, size_t len)
{
    const msgpack_object *o = arg(c, key);
    if (!o || o->type != MSGPACK_OBJECT_STR || o->via.str.size >= len ||
        memchr(o->via.str.ptr, 0, o->via.str.size))
        return false;
    memcpy(out, o->via.str.ptr, o->via.str.size);
    out[o->via.str.size] = '\0';
    return true;
}

static void resolve_bool(moat_call *c, bool v)
{
    const char b = (char)(v ? 0xc3 : 0xc2);
    moat_call_resolve(c, &b, 1);
}

/* ---- core:app -------------------------------------------------------------------- */

static void identity(moat_call *c, moat_app *app, struct plugin_identity *id)
{
    plugin_identity(moat_call_bundle_dir(c), moat_app_name(app), id);
}

static void app_version(moat_call *c, void *ud)
{
    struct plugin_identity id;
    identity(c, ud, &id);
    moat_call_resolve_str(c, id.version);
}

static void app_name(moat_call *c, void *ud)
{
    struct plugin_identity id;
    identity(c, ud, &id);
    moat_call_resolve_str(c, id.product_name);
}

static void app_identifier(moat_call *c, void *ud)
{
    struct plugin_identity id;
    identity(c, ud, &id);
    moat_call_resolve_str(c, id.identifier);
}

static void app_tauri_version(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, PLUGIN_TAURI_VERSION);
}

/* Not an installed package of any kind Tauri knows (deb, rpm, appimage, ...). */
static void app_bundle_type(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_null(c);
}

/* A JS renderer is one renderer, not a window system. */
static void app_multiple_windows(moat_call *c, void *ud)
{
    (void)ud;
    resolve_bool(c, false);
}

/* ---- core:path -------------------------------------------------------------------- */

/* Rust's PathBuf::pop on a '/'-separated string: drops the last component. */
static void pop(char *p)
{
    char *slash = strrchr(p, '/');
    if (!slash)
        p[0] = '\0';
    else if (slash == p)
        p[1] = '\0';
    else
        *slash = '\0';
}

/*
 * Tauri's normalize_path_no_absolute: a leading '/' kept, empty and "."
 * components dropped, ".." pops what came before (nothing at the start).
 */
static int normalize(const char *in, char *out, size_t len)
{
    size_t n = in[0] == '/';
    strcpy(out, n ? "/" : "");
    for (const char *s = in; *s;) {
        if (*s == '/') {
            s++;
            continue;
        }
        const char *e = strchr(s, '/');
        size_t clen = e ? (size_t)(e - s) : strlen(s);
        if (clen == 2 && s[0] == '.' && s[1] == '.') {
            pop(out);
            n = strlen(out);
        } else if (!(clen == 1 && s[0] == '.')) {
            bool sep = n && out[n - 1] != '/';
            if (n + sep + clen + 1 > len) return -1;
            if (sep) out[n++] = '/';
            memcpy(out + n, s, clen);
            n += clen;
            out[n] = '\0';
        }
        s += clen;
    }
    return 0;
}

static void path_normalize(moat_call *c, void *ud)
{
    (void)ud;
    char in[PATH_MAX], out[PATH_MAX + 2];
    if (!str_arg(c, "path", in, sizeof in) || normalize(in, out, PATH_MAX) < 0) {
        moat_call_reject(c, "invalid_args", "core:path:normalize: expected {path: string}");
        return;
    }
    size_t n = strlen(out), inlen = strlen(in);
    if (!n && !strcmp(in, ".."))
        strcpy(out, "..");
    else if (!n && !strcmp(in, "."))
        strcpy(out, ".");
    else if (inlen && in[inlen - 1] == '/')
        strcat(out, "/"); /* Tauri keeps a trailing separator (even after a lone "/") */
    moat_call_resolve_str(c, out);
}

/* paths: an array of strings, concatenated with a '/' after each that lacks one. */
static bool joined(moat_call *c, char *out, size_t len, bool absolute_resets)
{
    const msgpack_object *a = arg(c, "paths");
    size_t n = 0;
    out[0] = '\0';
    if (!a || a->type != MSGPACK_OBJECT_ARRAY) return false;
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        const msgpack_object *p = &a->via.array.ptr[i];
        if (p->type != MSGPACK_OBJECT_STR || memchr(p->via.str.ptr, 0, p->via.str.size) ||
            n + p->via.str.size + 2 > len)
            return false;
        if (absolute_resets && p->via.str.size && p->via.str.ptr[0] == '/') n = 0;
        memcpy(out + n, p->via.str.ptr, p->via.str.size);
        n += p->via.str.size;
        if (!n || out[n - 1] != '/') out[n++] = '/';
        out[n] = '\0';
    }
    return true;
}

static void path_join(moat_call *c, void *ud)
{
    (void)ud;
    char in[PATH_MAX], out[PATH_MAX];
    if (!joined(c, in, sizeof in, false) || normalize(in, out, sizeof out) < 0) {
        moat_call_reject(c, "invalid_args", "core:path:join: expected {paths: string[]}");
        return;
    }
    moat_call_resolve_str(c, out[0] ? out : ".");
}

/* Against the core's working directory, as Tauri's resolve uses the app's. */
static void path_resolve(moat_call *c, void *ud)
{
    (void)ud;
    char in[PATH_MAX * 2], out[PATH_MAX * 2], cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    size_t n = strlen(cwd);
    if (!joined(c, in + n + 1, sizeof in - n - 1, true)) {
        moat_call_reject(c, "invalid_args", "core:path:resolve: expected {paths: string[]}");
        return;
    }
    if (in[n + 1] == '/')
        memmove(in, in + n + 1, strlen(in + n + 1) + 1);
    else
        memcpy(in, cwd, n), in[n] = '/';
    if (normalize(in, out, sizeof out) < 0 || !out[0]) strcpy(out, "/");
    moat_call_resolve_str(c, out);
}

/* Rust's Path::file_name: the last component unless it is ".." (or there is none). */
static const char *file_name(char *p, size_t *len)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    while (n >= 2 && p[n - 1] == '.' && p[n - 2] == '/') /* trailing "/." */
        for (n -= 2; n > 1 && p[n - 1] == '/';)
            n--;
    p[n] = '\0';
    const char *slash = strrchr(p, '/'), *name = slash ? slash + 1 : p;
    *len = strlen(name);
    if (!*len || !strcmp(name, "..") || !strcmp(name, ".")) return NULL;
    return name;
}

static void path_dirname(moat_call *c, void *ud)
{
    (void)ud;
    char p[PATH_MAX];
    size_t len;
    if (!str_arg(c, "path", p, sizeof p)) {
        moat_call_reject(c, "invalid_args", "core:path:dirname: expected {path: string}");
        return;
    }
    const char *name = file_name(p, &len);
    if (!name && strcmp(p + (strrchr(p, '/') ? strrchr(p, '/') - p + 1 : 0), "..")) {
        moat_call_reject(c, "failed", "path does not have a parent");
        return;
    }
    char *last = strrchr(p, '/');
    if (!last) {
        p[0] = '\0';
    } else {
        while (last > p && last[-1] == '/')
            last--;
        if (last == p) last++; /* "/a" -> "/" */
        *last = '\0';
    }
    moat_call_resolve_str(c, p);
}

static void path_extname(moat_call *c, void *ud)
{
    (void)ud;
    char p[PATH_MAX];
    size_t len;
    if (!str_arg(c, "path", p, sizeof p)) {
        moat_call_reject(c, "invalid_args", "core:path:extname: expected {path: string}");
        return;
    }
    const char *name = file_name(p, &len), *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || dot == name) { /* ".bashrc" has no extension */
        moat_call_reject(c, "failed", "path does not have an extension");
        return;
    }
    moat_call_resolve_str(c, dot + 1);
}

static void path_basename(moat_call *c, void *ud)
{
    (void)ud;
    char p[PATH_MAX], ext[PATH_MAX] = "";
    size_t len;
    const msgpack_object *e = arg(c, "ext");
    if (!str_arg(c, "path", p, sizeof p) ||
        (e && e->type != MSGPACK_OBJECT_NIL && !str_arg(c, "ext", ext, sizeof ext))) {
        moat_call_reject(c, "invalid_args",
                         "core:path:basename: expected {path: string, ext?: string}");
        return;
    }
    char *name = (char *)file_name(p, &len);
    if (!name) {
        moat_call_reject(c, "failed", "path does not have a basename");
        return;
    }
    size_t elen = strlen(ext);
    if (elen && elen <= len && !strcmp(name + len - elen, ext)) name[len - elen] = '\0';
    moat_call_resolve_str(c, name);
}

static void path_is_absolute(moat_call *c, void *ud)
{
    (void)ud;
    char p[PATH_MAX];
    if (!str_arg(c, "path", p, sizeof p)) {
        moat_call_reject(c, "invalid_args", "core:path:is_absolute: expected {path: string}");
        return;
    }
    resolve_bool(c, p[0] == '/');
}

static void path_resolve_directory(moat_call *c, void *ud)
{
    const msgpack_object *d = arg(c, "directory");
    const char *name = d && d->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                           ? plugin_base_dir_name((int64_t)d->via.u64)
                           : NULL;
    char sub[PATH_MAX] = "", dir[PATH_MAX], out[PATH_MAX * 2 + 2], norm[PATH_MAX * 2 + 2];
    const msgpack_object *p = arg(c, "path");
    if (!name || (p && p->type != MSGPACK_OBJECT_NIL && !str_arg(c, "path", sub, sizeof sub))) {
        moat_call_reject(c, "invalid_args",
                         "core:path:resolve_directory: expected {directory: 1-23 (BaseDirectory), "
                         "path?: string}");
        return;
    }
    struct plugin_identity id;
    identity(c, ud, &id);
    if (plugin_base_dir(name, id.identifier, moat_call_bundle_dir(c), dir, sizeof dir) != 0) {
        moat_call_reject(c, "failed", "unknown path: $%s is not set for this user", name);
        return;
    }
    /* As PathBuf::push: an absolute path replaces the base; then Tauri normalizes. */
    snprintf(out, sizeof out, "%s%s%s", sub[0] == '/' ? "" : dir,
             sub[0] && sub[0] != '/' ? "/" : "", sub);
    if (normalize(out, norm, sizeof norm) < 0) {
        moat_call_reject(c, "invalid_args", "core:path:resolve_directory: path too long");
        return;
    }
    moat_call_resolve_str(c, norm);
}

/* ---- what needs a window ---------------------------------------------------------- */

static void unsupported(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_reject(c, "unsupported",
                     "%s is not supported by the JS renderer: it has no window, webview, menu, "
                     "tray or image (run the bundle in the webview renderer)",
                     moat_call_command(c));
}

/* A msgpack map's scalar entries (strings, numbers, booleans) as a JSON object; new reference. */
static json_t *flat_json(const msgpack_object *o)
{
    json_t *j = json_object();
    for (uint32_t i = 0; o && o->type == MSGPACK_OBJECT_MAP && i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key, *v = &o->via.map.ptr[i].val;
        char key[64];
        if (k->type != MSGPACK_OBJECT_STR || k->via.str.size >= sizeof key) continue;
        memcpy(key, k->via.str.ptr, k->via.str.size);
        key[k->via.str.size] = '\0';
        if (v->type == MSGPACK_OBJECT_STR && !memchr(v->via.str.ptr, 0, v->via.str.size))
            json_object_set_new(j, key, json_stringn(v->via.str.ptr, v->via.str.size));
        else if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            json_object_set_new(j, key, json_integer((json_int_t)v->via.u64));
        else if (v->type == MSGPACK_OBJECT_FLOAT64 || v->type == MSGPACK_OBJECT_FLOAT32)
            json_object_set_new(j, key, json_real(v->via.f64));
        else if (v->type == MSGPACK_OBJECT_BOOLEAN)
            json_object_set_new(j, key, json_boolean(v->via.boolean));
    }
    return j;
}

/* new WebviewWindow(label, options): {options: {label, title, width, …}}, a renderer of its own. */
static void create_window(moat_call *c, moat_app *app)
{
    json_t *o = flat_json(arg(c, "options"));
    const char *code;
    char err[300];
    if (core_webview_create(app, moat_call_bundle_dir(c),
                            json_string_value(json_object_get(o, "label")), o, &code, err,
                            sizeof err) == 0)
        moat_call_resolve_null(c);
    else
        moat_call_reject(c, code, "create_webview_window: %s", err);
    json_decref(o);
}

/* getAllWindows: the labels of the app's running webview windows. */
static void all_windows(moat_call *c, moat_app *app)
{
    json_t *labels = json_array();
    core_webview_labels(app, labels);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, json_array_size(labels));
    for (size_t i = 0; i < json_array_size(labels); i++) {
        const char *l = json_string_value(json_array_get(labels, i));
        msgpack_pack_str_with_body(&pk, l, strlen(l));
    }
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    json_decref(labels);
}

/*
 * The window and webview commands: a webview renderer's host carries out on
 * its own window what the policy allowed, once the core has said so (null);
 * elsewhere there is no window.
 */
static void windowed(moat_call *c, void *ud)
{
    const char *cmd = moat_call_command(c);
    bool window = !strncmp(cmd, "core:window:", 12) || !strncmp(cmd, "core:webview:", 13);
    bool webview = window && !strcmp(moat_call_renderer_kind(c), "webview");
    if (webview && !strcmp(cmd, "core:webview:create_webview_window"))
        create_window(c, ud);
    else if (webview && (!strcmp(cmd, "core:window:get_all_windows") ||
                         !strcmp(cmd, "core:webview:get_all_webviews")))
        all_windows(c, ud);
    else if (webview)
        moat_call_resolve_null(c);
    else
        unsupported(c, ud);
}

/* Every command of an embedded manifest, answered by fn. */
static int register_manifest_commands(moat_app *app, const char *file, moat_command_fn fn)
{
    json_t *m = json_loads(plugin_manifest(file), 0, NULL);
    const char *plugin = json_string_value(json_object_get(m, "plugin"));
    json_t *cmds = json_object_get(m, "commands");
    int rc = plugin && json_is_array(cmds) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < json_array_size(cmds); i++) {
        char name[256];
        snprintf(name, sizeof name, "%s:%s", plugin, json_string_value(json_array_get(cmds, i)));
        rc = moat_app_command(app, name, fn, app);
    }
    json_decref(m);
    return rc;
}

int plugin_core_api_register(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"core:app:version", app_version},
        {"core:app:name", app_name},
        {"core:app:identifier", app_identifier},
        {"core:app:tauri_version", app_tauri_version},
        {"core:app:bundle_type", app_bundle_type},
        {"core:app:supports_multiple_windows", app_multiple_windows},
        {"core:app:app_show", unsupported},
        {"core:app:app_hide", unsupported},
        {"core:app:default_window_icon", unsupported},
        {"core:app:set_app_theme", unsupported},
        {"core:app:set_dock_visibility", unsupported},
        {"core:app:fetch_data_store_identifiers", unsupported},
        {"core:app:remove_data_store", unsupported},
        {"core:app:exit", unsupported},
        {"core:path:resolve_directory", path_resolve_directory},
        {"core:path:resolve", path_resolve},
        {"core:path:normalize", path_normalize},
        {"core:path:join", path_join},
        {"core:path:dirname", path_dirname},
        {"core:path:extname", path_extname},
        {"core:path:basename", path_basename},
        {"core:path:is_absolute", path_is_absolute},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    static const char *const manifests[] = {
        "core/permissions/window.json", "core/permissions/webview.json",
        "core/permissions/menu.json", "core/permissions/tray.json", "core/permissions/image.json"};
    for (size_t i = 0; i < sizeof manifests / sizeof *manifests; i++)
        if (register_manifest_commands(app, manifests[i], windowed) < 0) return -1;
    return 0;
}
