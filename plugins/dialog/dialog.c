// SPDX-License-Identifier: MIT
/*
 * dialog.c: plugin-dialog's commands. message (and ask, confirm) is the
 * window's: the core decides (null allows) and the webview host shows the
 * GTK message dialog on its window (renderer/webview/dialog.c). open and save
 * are the core's, because the host's sandbox sees none of the user's files:
 * the core runs the file chooser (moat-desktop, its trusted helper outside
 * every sandbox, beside the JS host, on the core's display), and what the
 * user picked joins the fs scope of that renderer only (plugin_dialog_scope),
 * as Tauri's dialog plugin adds it to the fs scope (a folder: allow_directory,
 * recursively with options.recursive), and its asset protocol scope
 * (core/webview_asset.c) when app.security.assetProtocol.enable says there is
 * one, as Tauri adds it to tauri::scope::Scopes (a folder always
 * recursively: Tauri passes options.directory, which is true there, for
 * recursive). Tauri's scopes are the app's; Moat's are the window's that
 * picked, so one window's pick opens nothing to another. The paths come from
 * the chooser, never from the page; they are forgotten when the renderer ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "plugins_internal.h"

extern char **environ;

/* What one renderer picked: a path, or a folder (recursively or its children only). */
struct picked {
    const moat_renderer *owner;
    char *path;
    bool dir, recursive;
    struct picked *next;
};

/* Busy: a renderer whose chooser is open (a second open or save is refused). */
struct busy {
    const moat_renderer *owner;
    struct busy *next;
};

/* The plugin's state (moat_app_set_data "moat:dialog"), freed by dlg_finish. */
struct dlg_state {
    pthread_mutex_t lock;
    struct picked *picks;
    struct busy *busy;
};

static struct dlg_state *state_of(moat_app *app)
{
    return moat_app_data(app, "moat:dialog");
}

/* The path as the fs scope sees it: resolved, or (a file to be saved) its folder resolved. */
static char *canonical(const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf)) return strdup(buf);
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return NULL;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!realpath(dir, buf)) return NULL;
    char *out;
    return asprintf(&out, "%s%s", buf, slash) < 0 ? NULL : out;
}

static void remember_one(struct dlg_state *st, const moat_renderer *owner, char *path, bool dir,
                         bool recursive)
{
    struct picked *p = path ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        free(path);
        return;
    }
    *p = (struct picked){.owner = owner, .path = path, .dir = dir, .recursive = recursive};
    pthread_mutex_lock(&st->lock);
    p->next = st->picks, st->picks = p;
    pthread_mutex_unlock(&st->lock);
}

/* path as the chooser gave it and, when links make it differ, as resolved. */
static void remember(struct dlg_state *st, const moat_renderer *owner, const char *path, bool dir,
                     bool recursive)
{
    char *real = canonical(path);
    if (real && strcmp(real, path)) remember_one(st, owner, strdup(real), dir, recursive);
    free(real);
    remember_one(st, owner, strdup(path), dir, recursive);
}

/* s with the glob's special characters made literal, into out (as pol_glob_match reads it). */
static void glob_escape(const char *s, char *out, size_t len)
{
    size_t o = 0;
    for (; *s && o + 2 < len; s++) {
        if (strchr("*?[]{}\\", *s)) out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
}

static void pack_entry(msgpack_packer *pk, const char *glob)
{
    msgpack_pack_map(pk, 1);
    msgpack_pack_str_with_body(pk, "path", 4);
    msgpack_pack_str_with_body(pk, glob, strlen(glob));
}

int plugin_dialog_scope(moat_app *app, moat_call *call, enum plugin_dialog_for use,
                        msgpack_sbuffer *sb)
{
    struct dlg_state *st = state_of(app);
    const moat_renderer *owner = core_call_renderer(call);
    if (!st || !owner) return 0;
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    int n = 0;
    pthread_mutex_lock(&st->lock);
    for (struct picked *p = st->picks; p; p = p->next)
        n += p->owner == owner ? 1 + p->dir : 0;
    msgpack_pack_array(&pk, (size_t)n);
    for (struct picked *p = st->picks; p; p = p->next) {
        if (p->owner != owner) continue;
        char esc[2 * PATH_MAX + 4];
        glob_escape(p->path, esc, sizeof esc - 4);
        pack_entry(&pk, esc);
        /* Tauri's asset scope takes a folder recursively whatever options.recursive
         * says (Scopes::allow_directory(path, options.directory)). */
        bool deep = p->recursive || use == PLUGIN_DIALOG_ASSET;
        if (p->dir) pack_entry(&pk, strcat(esc, deep ? "/**" : "/*"));
    }
    pthread_mutex_unlock(&st->lock);
    return n;
}

/* Drops what owner (NULL: everyone) picked. */
static void forget(struct dlg_state *st, const moat_renderer *owner)
{
    pthread_mutex_lock(&st->lock);
    for (struct picked **pp = &st->picks; *pp;) {
        struct picked *p = *pp;
        if (owner && p->owner != owner) {
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        free(p->path), free(p);
    }
    pthread_mutex_unlock(&st->lock);
}

/* moat_app_on_renderer_end: what a renderer picked ends with it. */
static void on_end(void *ud, moat_renderer *r, const moat_exit *info)
{
    (void)info;
    forget(ud, r);
}

/* moat_app_free: everything. */
static void dlg_finish(void *ud)
{
    struct dlg_state *st = ud;
    forget(st, NULL);
    for (struct busy *b = st->busy, *next; b; b = next)
        next = b->next, free(b);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* Marks owner busy; false when it already was (or out of memory). */
static bool take_turn(struct dlg_state *st, const moat_renderer *owner)
{
    pthread_mutex_lock(&st->lock);
    struct busy *b = st->busy;
    while (b && b->owner != owner)
        b = b->next;
    struct busy *n = b ? NULL : calloc(1, sizeof *n);
    if (n) n->owner = owner, n->next = st->busy, st->busy = n;
    pthread_mutex_unlock(&st->lock);
    return n != NULL;
}

static void end_turn(struct dlg_state *st, const moat_renderer *owner)
{
    pthread_mutex_lock(&st->lock);
    for (struct busy **bp = &st->busy; *bp; bp = &(*bp)->next)
        if ((*bp)->owner == owner) {
            struct busy *b = *bp;
            *bp = b->next;
            free(b);
            break;
        }
    pthread_mutex_unlock(&st->lock);
}

/* ---- message, ask, confirm: the host's */

static void windowed(moat_call *c, void *ud)
{
    (void)ud;
    if (!strcmp(moat_call_renderer_kind(c), "webview"))
        moat_call_resolve_null(c);
    else
        moat_call_reject(c, "unsupported",
                         "%s is not supported by the JS renderer: it has no window to show a "
                         "dialog on (run the bundle in the webview renderer)",
                         moat_call_command(c));
}

/* ---- open, save: the core's */

static bool flag(const msgpack_object *o, const char *key)
{
    const msgpack_object *v = plugin_arg(o, key);
    return v && v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
}

static char *str_of(const msgpack_object *v)
{
    if (!v || v->type != MSGPACK_OBJECT_STR || memchr(v->via.str.ptr, 0, v->via.str.size))
        return NULL;
    return strndup(v->via.str.ptr, v->via.str.size);
}

struct argv {
    char *v[64];
    size_t n;
};

static void add(struct argv *a, char *s)
{
    if (s && a->n < sizeof a->v / sizeof *a->v - 1)
        a->v[a->n++] = s;
    else
        free(s);
}

/* The chooser's command line: moat-desktop open|save [--title T] [--default P] [--multiple]
 * [--directory] [--filter NAME:EXT,EXT]… */
static void chooser_args(struct argv *a, const char *helper, const char *mode,
                         const msgpack_object *o)
{
    add(a, strdup(helper));
    add(a, strdup(mode));
    char *t = str_of(plugin_arg(o, "title")), *d = str_of(plugin_arg(o, "defaultPath"));
    if (t) add(a, strdup("--title")), add(a, t);
    if (d) add(a, strdup("--default")), add(a, d);
    if (flag(o, "multiple")) add(a, strdup("--multiple"));
    if (flag(o, "directory")) add(a, strdup("--directory"));
    const msgpack_object *f = plugin_arg(o, "filters");
    for (uint32_t i = 0; f && f->type == MSGPACK_OBJECT_ARRAY && i < f->via.array.size; i++) {
        char *name = str_of(plugin_arg(&f->via.array.ptr[i], "name"));
        const msgpack_object *ex = plugin_arg(&f->via.array.ptr[i], "extensions");
        char spec[1024];
        int n = snprintf(spec, sizeof spec, "%s:", name ? name : "");
        for (uint32_t j = 0; ex && ex->type == MSGPACK_OBJECT_ARRAY && j < ex->via.array.size;
             j++) {
            char *e = str_of(&ex->via.array.ptr[j]);
            if (e && !strchr(e, ',') && n > 0 && (size_t)n < sizeof spec)
                n += snprintf(spec + n, sizeof spec - n, "%s%s", j ? "," : "", e);
            free(e);
        }
        free(name);
        if (n > 0 && (size_t)n < sizeof spec) add(a, strdup("--filter")), add(a, strdup(spec));
    }
    a->v[a->n] = NULL;
}

/* Runs the chooser; its stdout (the picked paths, one a line) malloc'd, or NULL with why. */
static char *run_chooser(char *const *argv, char *why, size_t len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return snprintf(why, len, "pipe: %s", strerror(errno)), NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return snprintf(why, len, "%s: %s", argv[0], strerror(rc)), NULL;
    }
    size_t n = 0, cap = 4096;
    char *out = malloc(cap);
    ssize_t got;
    while (out && (got = read(fds[0], out + n, cap - n - 1)) != 0) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        n += (size_t)got;
        char *grown = n + 1 >= cap ? realloc(out, cap *= 2) : out;
        if (!grown) free(out);
        out = grown;
    }
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!out || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(out);
        return snprintf(why, len, "the file chooser failed (status %d)", st), NULL;
    }
    out[n] = '\0';
    return out;
}

int plugin_desktop_helper(moat_call *c, char *out, size_t len)
{
    moat_renderer *r = core_call_renderer(c);
    const char *js = r ? r->app->renderer_path : NULL, *slash = js ? strrchr(js, '/') : NULL;
    if (!slash || snprintf(out, len, "%.*s/moat-desktop", (int)(slash - js), js) >= (int)len)
        return -1;
    return access(out, X_OK) == 0 ? 0 : -1;
}

/* What the user picked in the chooser. malloc'd, or NULL with why. */
static char *pick(moat_call *c, const char *mode, const msgpack_object *o, char *why, size_t len)
{
    char helper[PATH_MAX];
    if (plugin_desktop_helper(c, helper, sizeof helper) < 0)
        return snprintf(why, len, "no file chooser (moat-desktop) is installed"), NULL;
    struct argv a = {0};
    chooser_args(&a, helper, mode, o);
    char *out = run_chooser(a.v, why, len);
    for (size_t i = 0; i < a.n; i++)
        free(a.v[i]);
    return out;
}

/* Bounds on what the page hands the chooser: a longer title or more filters is refused. */
enum { DLG_MAX_TITLE = 1024, DLG_MAX_FILTERS = 32, DLG_MAX_EXTS = 64, DLG_MAX_NAME = 256 };

static bool str_ok(const msgpack_object *v, size_t max)
{
    return !v || v->type == MSGPACK_OBJECT_NIL ||
           (v->type == MSGPACK_OBJECT_STR && v->via.str.size <= max &&
            !memchr(v->via.str.ptr, 0, v->via.str.size));
}

/* NULL when o is a plugin-dialog options object within the bounds, else what is wrong. */
static const char *bad_options(const msgpack_object *o)
{
    if (o && o->type != MSGPACK_OBJECT_MAP && o->type != MSGPACK_OBJECT_NIL)
        return "options must be an object";
    if (!str_ok(plugin_arg(o, "title"), DLG_MAX_TITLE))
        return "options.title must be a string of at most 1024 bytes";
    if (!str_ok(plugin_arg(o, "defaultPath"), PATH_MAX - 1))
        return "options.defaultPath must be a path of at most 4095 bytes";
    const msgpack_object *f = plugin_arg(o, "filters");
    if (!f || f->type == MSGPACK_OBJECT_NIL) return NULL;
    if (f->type != MSGPACK_OBJECT_ARRAY || f->via.array.size > DLG_MAX_FILTERS)
        return "options.filters must be an array of at most 32 {name, extensions}";
    for (uint32_t i = 0; i < f->via.array.size; i++) {
        const msgpack_object *ex = plugin_arg(&f->via.array.ptr[i], "extensions");
        if (!str_ok(plugin_arg(&f->via.array.ptr[i], "name"), DLG_MAX_NAME) || !ex ||
            ex->type != MSGPACK_OBJECT_ARRAY || ex->via.array.size > DLG_MAX_EXTS)
            return "each filter must be {name: string (256 bytes at most), extensions: string[] "
                   "(64 at most)}";
        for (uint32_t j = 0; j < ex->via.array.size; j++)
            if (ex->via.array.ptr[j].type != MSGPACK_OBJECT_STR ||
                !str_ok(&ex->via.array.ptr[j], 64))
                return "each extension must be a string of at most 64 bytes";
    }
    return NULL;
}

/* The answer: null (cancelled), the first path, or (multiple) all of them; each remembered. */
static void answer_picks(moat_call *c, struct dlg_state *st, char *out, bool multiple, bool dir,
                         bool recursive)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    char *paths[256];
    size_t n = 0;
    for (char *save_p, *l = strtok_r(out, "\n", &save_p); l && n < 256;
         l = strtok_r(NULL, "\n", &save_p))
        if (*l == '/') paths[n++] = l;
    if (n == 0)
        msgpack_pack_nil(&pk); /* cancelled */
    else if (multiple)
        msgpack_pack_array(&pk, n);
    for (size_t i = 0; i < n && (multiple || i == 0); i++) {
        msgpack_pack_str_with_body(&pk, paths[i], strlen(paths[i]));
        remember(st, core_call_renderer(c), paths[i], dir, recursive);
    }
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/*
 * open {options}, save {options}: on a worker (the chooser waits for the
 * user). One chooser per renderer at a time: a second open or save while
 * one is showing is refused ("failed"), where Tauri would stack a second one.
 */
static void choose(moat_call *c, void *ud)
{
    struct dlg_state *st = ud;
    const char *cmd = moat_call_command(c);
    bool save = !strcmp(cmd, "dialog:save");
    const msgpack_object *o = plugin_arg(moat_call_args(c), "options");
    const char *bad = bad_options(o);
    if (bad) {
        moat_call_reject(c, "invalid_args", "%s: %s", cmd, bad);
        return;
    }
    if (strcmp(moat_call_renderer_kind(c), "webview")) {
        moat_call_reject(c, "unsupported",
                         "%s is not supported by the JS renderer: it has no window to show a "
                         "file chooser on (run the bundle in the webview renderer)",
                         cmd);
        return;
    }
    const moat_renderer *owner = core_call_renderer(c);
    if (!take_turn(st, owner)) {
        moat_call_reject(c, "failed", "%s: a file dialog is already open for this window", cmd);
        return;
    }
    bool multiple = !save && flag(o, "multiple"), dir = !save && flag(o, "directory");
    char why[PATH_MAX + 64];
    char *out = pick(c, save ? "save" : "open", o, why, sizeof why);
    end_turn(st, owner);
    if (!out) {
        moat_call_reject(c, "failed", "%s: %s", cmd, why);
        return;
    }
    answer_picks(c, st, out, multiple, dir, dir && flag(o, "recursive"));
    free(out);
}

int moat_plugin_dialog_register(moat_app *app)
{
    struct dlg_state *st = calloc(1, sizeof *st);
    if (!st) return -1;
    pthread_mutex_init(&st->lock, NULL);
    if (moat_app_set_data(app, "moat:dialog", st, dlg_finish) < 0) {
        dlg_finish(st);
        return -1;
    }
    if (moat_app_on_renderer_end(app, on_end, st) < 0) return -1;
    static const char *const host[] = {"dialog:message", "dialog:ask", "dialog:confirm"};
    for (size_t i = 0; i < sizeof host / sizeof *host; i++)
        if (moat_app_command(app, host[i], windowed, app) < 0) return -1;
    moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    if (moat_app_command_ex(app, "dialog:open", choose, st, &worker) < 0 ||
        moat_app_command_ex(app, "dialog:save", choose, st, &worker) < 0)
        return -1;
    static const char *const manifest[] = {"dialog/permissions.json"};
    return plugin_load_manifests(app, manifest, 1);
}
