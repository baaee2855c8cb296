// SPDX-License-Identifier: MIT
/*
 * spawn_webview.c: starting a webview renderer: moat-webview (beside
 * moat-renderer), the core's direct child (the pid check holds), with the
 * window's options, a private HOME, and the display only.
 * The sandbox profile it runs under is sandbox/webview.c's.
 */
#include "internal.h"
#include "plugins_internal.h"
#include "sandbox_opts.h"
#include "run_webview.h"
#include "webview.h" /* sandbox/ */

#include <ctype.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* moat-webview beside the JS host (core/locate.c found that one); malloc'd or NULL. */
static char *locate_host(const moat_app *app)
{
    const char *env = getenv("MOAT_WEBVIEW");
    const char *slash = strrchr(app->renderer_path, '/');
    char *path;
    if (env && *env) return strdup(env);
    if (!slash || asprintf(&path, "%.*s/moat-webview", (int)(slash - app->renderer_path),
                           app->renderer_path) < 0)
        return NULL;
    return path;
}

/*
 * What each app says of its webview windows beyond its renderers: --devtools,
 * and the options of windows made from JS until their spawn reads them.
 * Keyed by app (moat_app has no field for them), dropped by
 * core_webview_cleanup; the lock guards the list, each entry is its app's
 * run thread's.
 */
struct wv_app {
    moat_app *app;
    bool devtools;
    json_t *pending_opts; /* label -> options */
    struct wv_app *next;
};
static pthread_mutex_t apps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wv_app *apps;

/* app's entry, made when create says so; NULL when there is none (or no memory). */
static struct wv_app *app_state(moat_app *app, bool create)
{
    pthread_mutex_lock(&apps_lock);
    struct wv_app *a = apps;
    while (a && a->app != app)
        a = a->next;
    if (!a && create && (a = calloc(1, sizeof *a))) {
        a->app = app;
        a->next = apps;
        apps = a;
    }
    pthread_mutex_unlock(&apps_lock);
    return a;
}

static void app_state_drop(moat_app *app)
{
    pthread_mutex_lock(&apps_lock);
    for (struct wv_app **p = &apps; *p; p = &(*p)->next)
        if ((*p)->app == app) {
            struct wv_app *a = *p;
            *p = a->next;
            json_decref(a->pending_opts);
            free(a);
            break;
        }
    pthread_mutex_unlock(&apps_lock);
}

/* The app's webview renderers that have not ended, from its own list (run thread). */
static bool live_window(const moat_renderer *r)
{
    return !strcmp(r->kind, "webview") && !moat_renderer_exited(r, NULL);
}

static bool running(moat_app *app, const char *label)
{
    for (moat_renderer *r = app->renderers; r; r = r->next)
        if (live_window(r) && !strcmp(r->label, label)) return true;
    return false;
}

void core_webview_labels(moat_app *app, json_t *arr)
{
    /* The list is newest first; getAllWindows lists them in the order they started. */
    json_t *tmp = json_array();
    for (moat_renderer *r = app->renderers; r; r = r->next)
        if (live_window(r)) json_array_insert_new(tmp, 0, json_string(r->label));
    json_array_extend(arr, tmp);
    json_decref(tmp);
}

static bool label_ok(const char *l)
{
    size_t n = strlen(l);
    if (n == 0 || n > 64) return false;
    for (const char *p = l; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-/:_", *p)) return false;
    return true;
}

/* The options a window made from JS may set, each of its type; url becomes the entry page. */
static int take_options(json_t *in, json_t *out, char *err, size_t errlen)
{
    static const char *const bools[] = {"resizable", "decorations", "fullscreen", "center"};
    json_t *v;
    if ((v = json_object_get(in, "title")) && json_is_string(v)) json_object_set(out, "title", v);
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "height" : "width";
        if (!(v = json_object_get(in, key))) continue;
        if (!json_is_number(v) || json_number_value(v) < 1 || json_number_value(v) > 16384)
            return snprintf(err, errlen, "options.%s: expected a size in pixels", key), -1;
        json_object_set_new(out, key, json_integer((json_int_t)json_number_value(v)));
    }
    for (size_t k = 0; k < sizeof bools / sizeof *bools; k++)
        if ((v = json_object_get(in, bools[k])) && json_is_boolean(v))
            json_object_set(out, bools[k], v);
    const char *url = json_string_value(json_object_get(in, "url"));
    if (url) {
        while (*url == '/')
            url++;
        if (strstr(url, "://") || strstr(url, "..") || strchr(url, '?') || strchr(url, '#'))
            return snprintf(err, errlen,
                            "options.url: only a page of the app's bundle (such as "
                            "\"child.html\"), not another origin"),
                   -1;
        if (*url) json_object_set_new(out, "entry", json_string(url));
    }
    return 0;
}

int core_webview_create(moat_app *app, const char *dir, const char *label, json_t *options,
                        const char **code, char *err, size_t errlen)
{
    *code = "invalid_args";
    if (!label || !label_ok(label))
        return snprintf(err, errlen,
                        "a window label is 1 to 64 letters, digits, '-', '/', ':' or '_'"),
               -1;
    if (running(app, label))
        return snprintf(err, errlen, "a window with the label \"%s\" already exists", label), -1;
    json_t *o = json_object();
    if (take_options(options, o, err, errlen) != 0) {
        json_decref(o);
        return -1;
    }
    struct wv_app *a = app_state(app, true);
    if (a && !a->pending_opts) a->pending_opts = json_object();
    if (!a || !a->pending_opts) {
        json_decref(o);
        *code = "failed";
        return snprintf(err, errlen, "out of memory"), -1;
    }
    json_object_set_new(a->pending_opts, label, o);
    if (!moat_app_spawn(app, dir, label)) {
        *code = "spawn_failed";
        json_object_del(a->pending_opts, label);
        return snprintf(err, errlen, "%s", moat_errmsg()), -1;
    }
    return 0;
}

int core_webview_set_devtools(moat_app *app, bool on)
{
    struct wv_app *a = app_state(app, on);
    if (a) a->devtools = on;
    return a || !on ? 0 : core_fail("out of memory");
}

/* The options of label's window ("main" may be the first, unlabelled one), plus the CSP. */
static char *window_json(moat_app *app, const struct core_bundle *b, const char *label)
{
    struct wv_app *a = app_state(app, false);
    json_t *wins = json_loads(b->windows_json ? b->windows_json : "[]", 0, NULL), *w = NULL;
    for (size_t i = 0; i < json_array_size(wins) && !w; i++) {
        json_t *x = json_array_get(wins, i);
        const char *l = json_string_value(json_object_get(x, "label"));
        if (l ? !strcmp(l, label) : !strcmp(label, "main")) w = json_deep_copy(x);
    }
    if (!w) w = json_object();
    json_t *js = a ? json_object_get(a->pending_opts, label) : NULL; /* made from JS: its options */
    if (js) {
        json_object_update(w, js);
        json_object_del(a->pending_opts, label);
    }
    json_object_set_new(w, "label", json_string(label));
    /* the flag's, not the manifest's */
    json_object_set_new(w, "devtools", json_boolean(a && a->devtools));
    if (b->csp) json_object_set_new(w, "csp", json_string(b->csp));
    if (!json_object_get(w, "entry")) json_object_set_new(w, "entry", json_string(b->entry));
    char *s = json_dumps(w, JSON_COMPACT);
    json_decref(w);
    json_decref(wins);
    return s;
}

static int add_env(char **env, size_t *n, size_t max, const char *fmt, const char *v)
{
    if (*n + 1 >= max) return -1;
    return asprintf(&env[(*n)++], fmt, v) < 0 ? -1 : 0;
}

#define WV_MAX_ENV 32

static int build_env(const moat_renderer *r, const char *url, const char *home,
                     const struct sbx_wv *w, char **env)
{
    size_t n = 0;
    if (w->xauth[0] && add_env(env, &n, WV_MAX_ENV, "XAUTHORITY=%s", w->xauth)) return -1;
    /* The declared degraded mode: WebKit's own sandbox cannot start here. */
    if (!w->webkit_sandbox && add_env(env, &n, WV_MAX_ENV, "MOAT_WEBVIEW_SANDBOX=%s", "off"))
        return -1;
    /* One display: Wayland's socket alone, or X11 (sbx_wv_prepare chose). */
    if (w->wayland ? add_env(env, &n, WV_MAX_ENV, "WAYLAND_DISPLAY=%s", w->wl_name) ||
                         add_env(env, &n, WV_MAX_ENV, "XDG_RUNTIME_DIR=%s", w->wl_dir) ||
                         add_env(env, &n, WV_MAX_ENV, "GDK_BACKEND=%s", "wayland")
                   : add_env(env, &n, WV_MAX_ENV, "XDG_RUNTIME_DIR=%s", home) ||
                         add_env(env, &n, WV_MAX_ENV, "GDK_BACKEND=%s", "x11"))
        return -1;
    const char *pass[] = {w->wayland ? "" : "DISPLAY", "UBSAN_OPTIONS", "LD_LIBRARY_PATH",
                          "MOAT_WEBVIEW_SANDBOX"};
    const char *asan = getenv("ASAN_OPTIONS");
    if (add_env(env, &n, WV_MAX_ENV, "MOAT_IPC=%s", url) ||
        add_env(env, &n, WV_MAX_ENV, "HOME=%s", home) ||
        add_env(env, &n, WV_MAX_ENV, "XDG_CACHE_HOME=%s/.cache", home) ||
        add_env(env, &n, WV_MAX_ENV, "XDG_CONFIG_HOME=%s/.config", home) ||
        add_env(env, &n, WV_MAX_ENV, "XDG_DATA_HOME=%s/.local/share", home) ||
        add_env(env, &n, WV_MAX_ENV, "PATH=%s", "/usr/bin:/bin") ||
        add_env(env, &n, WV_MAX_ENV, "LANG=%s", "C.UTF-8") ||
        add_env(env, &n, WV_MAX_ENV, "GTK_A11Y=%s", "none") ||
        add_env(env, &n, WV_MAX_ENV, "NO_AT_BRIDGE=%s", "1"))
        return -1;
    /* Sanitizer builds: LeakSanitizer needs ptrace, and GTK's caches look like leaks. */
    if (asan && *asan ? asprintf(&env[n++], "ASAN_OPTIONS=%s:detect_leaks=0", asan) < 0
                      : add_env(env, &n, WV_MAX_ENV, "ASAN_OPTIONS=%s", "detect_leaks=0"))
        return -1;
    if (r->bulk_fd >= 0 && add_env(env, &n, WV_MAX_ENV, "MOAT_BULK=%s", "5")) return -1;
    if (add_env(env, &n, WV_MAX_ENV, "MOAT_DOWN=%s", "6")) return -1;
    char osv[128]; /* plugin-os's version(), which the page reads synchronously */
    plugin_os_version(osv, sizeof osv);
    if (add_env(env, &n, WV_MAX_ENV, "MOAT_OS_VERSION=%s", osv)) return -1;
    for (size_t i = 0; i < sizeof pass / sizeof *pass; i++) {
        const char *v = *pass[i] ? getenv(pass[i]) : NULL;
        char fmt[64];
        snprintf(fmt, sizeof fmt, "%s=%%s", pass[i]);
        if (v && add_env(env, &n, WV_MAX_ENV, fmt, v)) return -1;
    }
    env[n] = NULL;
    return 0;
}

/* Above every fd the child keeps, so that setting up 0-2 and 5 overwrites none of them. */
#define HIGH_FD 1000

/* In a pid namespace getppid() is 0: then the core is alive while the report pipe has a reader. */
static bool parent_alive(pid_t parent, int report)
{
    pid_t pp = getppid();
    if (pp != 0) return pp == parent;
    struct pollfd p = {.fd = report, .events = POLLOUT};
    return syscall(SYS_poll, &p, 1, 0) >= 0 && !(p.revents & (POLLERR | POLLHUP));
}

/* The child, between fork and exec: raw calls only (the core has threads and nng). fds are
 * HIGH_FD or above; report (the highest) carries errno back if exec fails. */
static _Noreturn void child(const char *exe, char **argv, char **env, const int fds[5],
                            pid_t parent, struct sbx_wv *w)
{
    int out = fds[0], err = fds[1], bulk = fds[2], report = fds[3], down = fds[4];
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
        (bulk >= 0 && dup2(bulk, 5) < 0) || dup2(down, 6) < 0)
        goto fail;
    syscall(SYS_close_range, 3, 4, 0);
    if (bulk < 0) syscall(SYS_close_range, 5, 5, 0);
    syscall(SYS_close_range, 7, (unsigned)report - 1, 0);
    syscall(SYS_close_range, (unsigned)report + 1, ~0U, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || !parent_alive(parent, report)) goto fail;
    if (sbx_wv_enter(w) != 0) goto fail;
    /* The host sets no_new_privs itself too (sbx_wv_lockdown_self); here it holds across exec. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) goto fail;
    execve(exe, argv, env);
fail:;
    int e = errno;
    if (write(report, &e, sizeof e) < 0) _exit(127);
    _exit(127);
}

static int high(int fd, int min)
{
    return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, min);
}

/* The renderer's private folder, sock_dir/webview/rN: its X cookie, and HOME when not jailed. */
static int make_private(moat_app *app, unsigned n, char *dir, size_t len)
{
    snprintf(dir, len, "%s/webview", app->sock_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return core_fail("cannot create %s: %m", dir);
    snprintf(dir, len, "%s/webview/r%u", app->sock_dir, n);
    if (mkdir(dir, 0700) != 0) return core_fail("cannot create %s: %m", dir);
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

void core_webview_cleanup(moat_app *app)
{
    char dir[PATH_MAX];
    app_state_drop(app);
    if (!app->sock_dir) return;
    snprintf(dir, sizeof dir, "%s/webview", app->sock_dir);
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int core_spawn_webview(moat_renderer *r, const struct core_bundle *b, const char *url)
{
    moat_app *app = r->app;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, rep[2] = {-1, -1}, down[2] = {-1, -1};
    int hi[5] = {-1, -1, -1, -1, -1};
    char *env[WV_MAX_ENV] = {0}, priv[PATH_MAX], home[PATH_MAX + 8], why[1024];
    char *exe = locate_host(app);
    struct sbx_wv w;
    bool prepared = false;
    char *opts = window_json(app, b, r->label);
    int rv = -1;
    if (!exe || !opts) {
        core_fail("out of memory");
        goto done;
    }
    if (access(exe, X_OK) != 0) {
        core_fail("cannot start the webview renderer: %s: %m (built without WebKitGTK 4.1?)", exe);
        goto done;
    }
    if (make_private(app, app->next_sock, priv, sizeof priv) != 0) goto done;
    if (sbx_wv_prepare(&w, priv, url + strlen("ipc://"), r->dir, core_sandbox_opts(app).strict, why,
                       sizeof why) != 0) {
        core_fail("cannot start the webview renderer: %s", why);
        goto done;
    }
    prepared = true;
    /* The host's own install tree (bin/ and lib/ beside it) may be under /tmp, which the jail
     * replaces: keep it, read-only like the rest of the root. */
    char prefix[PATH_MAX];
    snprintf(prefix, sizeof prefix, "%s", exe);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(prefix, '/');
        if (slash && slash != prefix) *slash = '\0';
    }
    if (sbx_wv_keep(&w, prefix) != 0) {
        core_fail("out of memory");
        goto done;
    }
    snprintf(home, sizeof home, "%s", SBX_WV_HOME);
    if (!w.userns && (snprintf(home, sizeof home, "%s/home", priv), mkdir(home, 0700) != 0)) {
        core_fail("cannot create %s: %m", home);
        goto done;
    }
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) {
        core_fail("cannot create pipes: %m");
        goto done;
    }
    if (core_down_link(down) != 0) goto done;
    r->down_fd = down[0]; /* before the host can say hello; renderer_free closes it */
    down[0] = -1;
    if (build_env(r, url, home, &w, env) != 0) {
        core_fail("out of memory");
        goto done;
    }
    char *argv[] = {exe, r->dir, opts, NULL};
    pid_t parent = getpid();
    hi[0] = high(out[1], HIGH_FD), hi[1] = high(err[1], HIGH_FD);
    hi[2] = high(r->bulk_fd, HIGH_FD), hi[3] = high(rep[1], HIGH_FD + 10);
    hi[4] = high(down[1], HIGH_FD);
    if (hi[0] < 0 || hi[1] < 0 || hi[3] < 0 || hi[4] < 0 || (r->bulk_fd >= 0 && hi[2] < 0)) {
        core_fail("cannot start the webview renderer: fcntl: %m");
        goto done;
    }
    /* A raw clone: fork() cannot make the pid namespace the host is pid 1 of. */
    pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD | sbx_wv_clone_flags(&w), NULL, NULL, NULL, 0);
    /* The probe's user namespace is freed asynchronously: near the limit, it may still count. */
    for (int i = 0; pid < 0 && errno == ENOSPC && i < 100; i++) {
        usleep(10000);
        pid = (pid_t)syscall(SYS_clone, SIGCHLD | sbx_wv_clone_flags(&w), NULL, NULL, NULL, 0);
    }
    if (pid < 0) {
        core_fail("cannot start the webview renderer: fork: %m");
        goto done;
    }
    if (pid == 0) child(exe, argv, env, hi, parent, &w);
    for (int i = 0; i < 5; i++)
        if (hi[i] >= 0) close(hi[i]), hi[i] = -1;
    close(rep[1]);
    rep[1] = -1;
    int e = 0;
    if (read(rep[0], &e, sizeof e) == (ssize_t)sizeof e) {
        waitpid(pid, NULL, 0);
        errno = e;
        core_fail("cannot start the webview renderer %s: %m", exe);
        goto done;
    }
    if (w.detail[0]) { /* what this spawn could not have, as core_sandbox_spawn_report does */
        for (char *line = strtok(w.detail, "\n"); line; line = strtok(NULL, "\n"))
            core_log(app, MOAT_LEVEL_WARN, r->label, "sandbox: %s (renderer \"%s\")", line,
                     r->label);
    }
    r->child = (struct sbx_child){
        .pid = pid, .pidfd = (int)syscall(SYS_pidfd_open, pid, 0), .notify_fd = -1};
    if (r->bulk_fd >= 0) close(r->bulk_fd);
    r->bulk_fd = -1;
    r->out_fd = out[0], r->err_fd = err[0];
    out[0] = err[0] = -1;
    fcntl(r->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(r->err_fd, F_SETFL, O_NONBLOCK);
    rv = 0;
done:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0) close(out[i]);
        if (err[i] >= 0) close(err[i]);
        if (rep[i] >= 0) close(rep[i]);
        if (down[i] >= 0) close(down[i]);
    }
    for (int i = 0; i < 5; i++)
        if (hi[i] >= 0) close(hi[i]);
    for (char **p = env; *p; p++)
        free(*p);
    if (prepared) sbx_wv_free(&w);
    free(exe);
    free(opts);
    return rv;
}

int core_webview_spawn_windows(moat_app *app, const char *dir, const char *first)
{
    char real[PATH_MAX];
    struct core_bundle b;
    if (!realpath(dir, real) || core_bundle_load(real, &b) != 0) return 0; /* spawn said why */
    json_t *wins = b.webview ? json_loads(b.windows_json, 0, NULL) : NULL;
    int rv = 0;
    for (size_t i = 0; rv == 0 && i < json_array_size(wins); i++) {
        const char *l = json_string_value(json_object_get(json_array_get(wins, i), "label"));
        if (!l) l = "main";
        if (strcmp(l, first) != 0 && !moat_app_spawn(app, real, l)) rv = -1;
    }
    json_decref(wins);
    core_bundle_free(&b);
    return rv;
}
