/*
 * dialog.c: plugin-dialog's commands. message (and ask, confirm) is the
 * window's: the core decides (null allows) and the webview host shows the
 * GTK message dialog on its window (renderer/webview/dialog.c). open and save
 * are the core's, because the host's sandbox sees none of the user's files:
 * the core runs the file chooser (moat-desktop, its trusted helper outside
 * every sandbox, beside the JS host), and what the user picked joins the window's fs scope for
 * that path only (moat_plugin_dialog_picked), as Tauri's dialog plugin adds
 * it to the fs and asset scopes.
 *
 * Tests answer for the user with MOAT_DIALOG_TEST_ANSWER in the core's own
 * environment (never the renderer's): the picked paths, one per line, or
 * empty for a cancelled chooser.
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

struct picked {
    const moat_app *app;
    char *label, *path;
    bool dir, recursive;
    struct picked *next;
};

static pthread_mutex_t picked_lock = PTHREAD_MUTEX_INITIALIZER;
static struct picked *picks;

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

static void remember(const moat_app *app, const char *label, const char *path, bool dir,
                     bool recursive)
{
    struct picked *p = calloc(1, sizeof *p);
    if (!p || !(p->label = strdup(label)) || !(p->path = canonical(path))) {
        if (p) free(p->label);
        free(p);
        return;
    }
    p->app = app, p->dir = dir, p->recursive = recursive;
    pthread_mutex_lock(&picked_lock);
    p->next = picks, picks = p;
    pthread_mutex_unlock(&picked_lock);
}

bool moat_plugin_dialog_picked(const moat_app *app, const char *label, const char *path)
{
    bool found = false;
    pthread_mutex_lock(&picked_lock);
    for (struct picked *p = picks; p && !found; p = p->next) {
        if (p->app != app || strcmp(p->label, label)) continue;
        size_t n = strlen(p->path);
        if (!strcmp(path, p->path))
            found = true;
        else if (p->dir && !strncmp(path, p->path, n) && path[n] == '/')
            found = p->recursive || !strchr(path + n + 1, '/');
    }
    pthread_mutex_unlock(&picked_lock);
    return found;
}

void plugin_dialog_forget(moat_app *app)
{
    pthread_mutex_lock(&picked_lock);
    for (struct picked **pp = &picks; *pp;) {
        struct picked *p = *pp;
        if (p->app != app) {
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        free(p->label), free(p->path), free(p);
    }
    pthread_mutex_unlock(&picked_lock);
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
    if (s && a->n < sizeof a->v / sizeof *a->v - 1) a->v[a->n++] = s;
    else free(s);
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

/* What the user picked: the test's answer, or the chooser's. malloc'd, or NULL with why. */
static char *pick(moat_call *c, const char *mode, const msgpack_object *o, char *why, size_t len)
{
    const char *test = getenv("MOAT_DIALOG_TEST_ANSWER");
    if (test) return strdup(test);
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

/* open {options}, save {options}: on a worker (the chooser waits for the user). */
static void choose(moat_call *c, void *ud)
{
    moat_app *app = ud;
    bool save = !strcmp(moat_call_command(c), "dialog:save");
    const msgpack_object *o = plugin_arg(moat_call_args(c), "options");
    bool multiple = !save && flag(o, "multiple"), dir = !save && flag(o, "directory");
    char why[PATH_MAX + 64];
    char *out = pick(c, save ? "save" : "open", o, why, sizeof why);
    if (!out) {
        moat_call_reject(c, "failed", "%s: %s", moat_call_command(c), why);
        return;
    }
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
        remember(app, moat_call_label(c), paths[i], dir, dir && flag(o, "recursive"));
    }
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    free(out);
}

int moat_plugin_dialog_register(moat_app *app)
{
    static const char *const host[] = {"dialog:message", "dialog:ask", "dialog:confirm"};
    for (size_t i = 0; i < sizeof host / sizeof *host; i++)
        if (moat_app_command(app, host[i], windowed, app) < 0) return -1;
    moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    if (moat_app_command_ex(app, "dialog:open", choose, app, &worker) < 0 ||
        moat_app_command_ex(app, "dialog:save", choose, app, &worker) < 0)
        return -1;
    static const char *const manifest[] = {"dialog/permissions.json"};
    return plugin_load_manifests(app, manifest, 1);
}
