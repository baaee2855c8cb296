// SPDX-License-Identifier: MIT
/*
 * spawn.c: starting a renderer: bundle, socket, pipes, sandboxed process.
 */
#include "internal.h"
#include "plugins_internal.h"
#include "sandbox_opts.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lazily, once per app: the private socket directory and the seccomp program. */
static int app_prepare(moat_app *app)
{
    if (!app->sock_dir) {
        const char *tmp = getenv("TMPDIR");
        char *dir;
        if (asprintf(&dir, "%s/moat-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
            return core_fail("out of memory");
        if (!mkdtemp(dir)) { /* mkdtemp creates it 0700: only this user reaches the sockets */
            core_fail("cannot create a private socket directory %s: %m", dir);
            free(dir);
            return -1;
        }
        app->sock_dir = dir;
    }
    char err[256];
    /* Without the JIT: the default. The JIT variant is built when an option asks for it. */
    if (!app->filter && sbx_filter_new(0, &app->filter, err, sizeof err) != 0)
        return core_fail("cannot build the seccomp filter: %s", err);
    return 0;
}

/* The renderer's environment: only what it needs; the core's stays private. */
static int build_env(const char *url, bool bulk, char *const *extra, char *env[], size_t max)
{
    size_t n = 0;
    const char *asan = getenv("ASAN_OPTIONS"), *ubsan = getenv("UBSAN_OPTIONS");
    if (asprintf(&env[n++], "MOAT_IPC=%s", url) < 0) return -1;
    if (asprintf(&env[n++], "MOAT_DOWN=%d", SBX_PASS_FD2) < 0) return -1;
    if (bulk && asprintf(&env[n++], "MOAT_BULK=%d", SBX_PASS_FD) < 0) return -1;
    /* Sanitizer builds: LeakSanitizer needs ptrace, which the sandbox forbids. */
    if (asprintf(&env[n++], "ASAN_OPTIONS=%s%sdetect_leaks=0", asan ? asan : "", asan ? ":" : "") <
        0)
        return -1;
    if (ubsan && asprintf(&env[n++], "UBSAN_OPTIONS=%s", ubsan) < 0) return -1;
    char osv[128]; /* plugin-os's version(), read synchronously: the renderer cannot read /etc */
    plugin_os_version(osv, sizeof osv);
    if (asprintf(&env[n++], "MOAT_OS_VERSION=%s", osv) < 0) return -1;
    for (; *extra && n < max; extra++)
        if (!(env[n++] = strdup(*extra))) return -1;
    if (n >= max) return -1;
    env[n] = NULL;
    return 0;
}

static void free_strv(char **v)
{
    for (; *v; v++)
        free(*v);
}

#define MAX_ENV 14
#define DOWN_BUFFER (1 << 20)

/*
 * The down link (renderer.c, "sending"): a stream socket pair, the core's end
 * non-blocking and shut for reading, so the renderer's end can only be read:
 * what the renderer writes to it fails (EPIPE). fds[0]: the core's end.
 */
int core_down_link(int fds[2])
{
    int buf = DOWN_BUFFER;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return core_fail("cannot create the renderer's link: %m");
    if (shutdown(fds[0], SHUT_RD) != 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
        close(fds[0]), close(fds[1]);
        return core_fail("cannot set up the renderer's link: %m");
    }
    /* A larger buffer where allowed (root may pass wmem_max): fewer wake-ups. */
    if (setsockopt(fds[0], SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf) != 0)
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    return 0;
}

static int start_process(moat_renderer *r, const struct core_bundle *b, const char *url)
{
    moat_app *app = r->app;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, down[2] = {-1, -1};
    char *env[MAX_ENV] = {0};
    char *argv[4] = {0};
    char exe[PATH_MAX];
    int rv = -1;
    char why[400];
    struct core_spawn_sandbox sb = {0};
    r->kind = b->webview ? "webview" : b->native ? "native" : "js";
    if (b->webview) return core_spawn_webview(r, b, url);
    /* The real path: the jail puts the program at the same path inside. */
    if (!realpath(b->native ? b->native : app->renderer_path, exe)) {
        core_fail("cannot start the renderer: %s: %m", b->native ? b->native : app->renderer_path);
        goto done;
    }
    /* A policy may give one label the JIT (Edge's and Lockdown Mode's default is off). */
    bool jit = pol_check(r->view, "core:sandbox:jit", NULL) == POL_ALLOW;
    if (core_sandbox_spawn_prepare(app, r->label, exe, b->native != NULL, r->dir,
                                   url + strlen("ipc://"), jit, &sb) != 0)
        goto done;
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        core_fail("cannot create pipes: %m");
        goto done;
    }
    if (core_down_link(down) != 0) goto done;
    r->down_fd = down[0]; /* before the process can say hello; renderer_free closes it */
    down[0] = -1;
    if (build_env(url, r->bulk_fd >= 0, sb.env, env, MAX_ENV) != 0) {
        core_fail("out of memory");
        goto done;
    }
    argv[0] = exe;
    argv[1] = b->native ? NULL : r->dir;
    argv[2] = b->native ? NULL : b->entry;
    struct sbx_spawn_opts o = {.path = argv[0],
                               .argv = argv,
                               .envp = env,
                               .stdout_fd = out[1],
                               .stderr_fd = err[1],
                               .filter = sb.filter,
                               .jail = sb.jail,
                               .pass_fd = r->bulk_fd,
                               .pass_fd2 = down[1]};
    if (sbx_spawn(&o, &r->child, why, sizeof why) != 0) {
        core_fail("cannot start the renderer: %s", why);
        goto done;
    }
    core_sandbox_spawn_report(app, r->label, &sb);
    if (r->bulk_fd >= 0) close(r->bulk_fd); /* the renderer has its own now */
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
        if (down[i] >= 0) close(down[i]);
    }
    free_strv(env);
    core_sandbox_spawn_free(&sb);
    return rv;
}

static moat_renderer *renderer_new(moat_app *app, const char *dir, const char *label)
{
    moat_renderer *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    atomic_init(&r->refs, 1);
    r->app = app;
    r->state = RS_STARTING;
    r->child = (struct sbx_child){.pid = -1, .pidfd = -1, .notify_fd = -1};
    r->out_fd = r->err_fd = r->bulk_fd = r->down_fd = -1;
    pthread_mutex_init(&r->bulk_lock, NULL);
    r->started_ms = core_now_ms();
    r->label = strdup(label);
    r->dir = strdup(dir);
    r->kind = "js";
    if (!r->label || !r->dir || nng_mtx_alloc(&r->mtx) != 0 || nng_cv_alloc(&r->cv, r->mtx) != 0) {
        core_renderer_unref(r);
        return NULL;
    }
    return r;
}

/* Publishes the outcome of the spawn to the pipe callback waiting for it. */
static void publish_pid(moat_renderer *r, pid_t pid)
{
    nng_mtx_lock(r->mtx);
    r->pid = pid;
    r->spawned = true;
    nng_cv_wake(r->cv);
    nng_mtx_unlock(r->mtx);
}

/* Closes the socket of a renderer that never started. */
static void discard(moat_renderer *r)
{
    publish_pid(r, 0);
    nng_mtx_lock(r->mtx);
    r->closed = true;
    nng_mtx_unlock(r->mtx);
    if (nng_socket_id(r->sock) > 0) nng_close(r->sock);
    core_renderer_unref(r);
}

moat_renderer *moat_app_spawn(moat_app *app, const char *dir, const char *label)
{
    char real[PATH_MAX], url[PATH_MAX + 32];
    struct core_bundle b;
    if (!label || !ipc_name_ok(label, strlen(label)))
        return core_fail("invalid renderer label \"%s\": use 1-%d of [A-Za-z0-9_:|/.-]",
                         label ? label : "", IPC_MAX_NAME),
               NULL;
    if (!realpath(dir, real)) return core_fail("bundle %s: %m", dir), NULL;
    if (core_bundle_load(real, &b) != 0 || app_prepare(app) != 0) return NULL;
    moat_renderer *r = renderer_new(app, real, label);
    if (!r) {
        core_bundle_free(&b);
        return core_fail("out of memory"), NULL;
    }
    snprintf(url, sizeof url, "ipc://%s/r%u.sock", app->sock_dir, ++app->next_sock);
    r->view = pol_view_new(app->policy, label);
    if (!r->view || core_renderer_listen(r, url) != 0 || core_bulk_setup(r) != 0 ||
        start_process(r, &b, url) != 0) {
        core_bundle_free(&b);
        if (!r->view) core_fail("out of memory");
        discard(r);
        return NULL;
    }
    r->exec_ms = core_now_ms();
    core_log(app, MOAT_LEVEL_DEBUG, label, "renderer \"%s\" started: pid %d, bundle %s, in %lld ms",
             label, (int)r->child.pid, real, (long long)(r->exec_ms - r->started_ms));
    core_bundle_free(&b);
    publish_pid(r, r->child.pid);
    if (core_sandbox_watch(r) != 0) /* the limits must hold: a renderer without them is ended */
        core_renderer_abort(r, "%s", moat_errmsg());
    pthread_mutex_lock(&app->lock);
    r->next = app->renderers;
    app->renderers = r;
    pthread_mutex_unlock(&app->lock);
    return r;
}
