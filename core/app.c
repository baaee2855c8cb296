// SPDX-License-Identifier: MIT
/*
 * app.c: the app object and its run loop.
 */
#include "argschema.h"
#include "internal.h"
#include "locate.h"
#include "sandbox_opts.h"
#include "scope.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * stdout carries the bundle's output as it printed it (control characters
 * neutralised); on stderr, the core's own lines start "moat: " and a
 * renderer's start with its label in brackets, so neither passes for the other.
 */
static void default_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    if (stream == 1) {
        fprintf(stdout, "%s\n", line);
        fflush(stdout);
    } else if (stream == 0) {
        fprintf(stderr, "moat: %s\n", line);
    } else {
        fprintf(stderr, "[%s] %s\n", label ? label : "?", line);
    }
}

void core_output(moat_app *app, const char *label, int stream, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    app->output(app->output_ud, label, stream, line);
}

void core_log(moat_app *app, moat_level level, const char *label, const char *fmt, ...)
{
    if (level > app->log_level) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    app->output(app->output_ud, label, 0, line);
}

int moat_level_parse(const char *name)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

void moat_app_set_log_level(moat_app *app, moat_level level)
{
    app->log_level = level > MOAT_LEVEL_DEBUG ? MOAT_LEVEL_DEBUG : level;
}

/* The JS host: $MOAT_RENDERER, beside this executable, in this install, or configured. */
static char *find_renderer(void)
{
    const char *env = getenv("MOAT_RENDERER");
    if (env && *env) return strdup(env);
    char self[PATH_MAX], *path;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash && asprintf(&path, "%.*s/moat-renderer", (int)(slash - self), self) >= 0) {
            if (access(path, X_OK) == 0) return path;
            free(path);
        }
    }
    if ((path = core_locate_renderer())) return path; /* relative to the install (locate.c) */
    return strdup(MOAT_LIBEXEC_DIR "/moat-renderer");
}

moat_app *moat_app_new(const char *name)
{
    /*
     * Renderers run as this user: without this, one could open this
     * process's /proc/PID/mem and write to it, and seccomp never sees paths.
     */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    moat_app *app = calloc(1, sizeof *app);
    if (!app) return core_fail("out of memory"), NULL;
    app->name = strdup(name ? name : "moat");
    app->renderer_path = find_renderer();
    app->catalog = pol_catalog_new();
    app->audit_fd = STDERR_FILENO;
    app->output = default_output;
    int level = moat_level_parse(getenv("MOAT_LOG"));
    app->log_level = level < 0 ? MOAT_LEVEL_INFO : (moat_level)level;
    app->next_listener = 1;
    app->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ipc_limits_default(&app->limits);
    app->lim = (struct core_limits){.inflight = 1024,
                                    .queued_bytes = (size_t)256 << 20,
                                    .memory = (size_t)256 << 20,
                                    .event_rate = 10000,
                                    .early_events = 1024,
                                    .bulk_ring = (size_t)32 << 20};
    app->outbox_tail = &app->outbox;
    pthread_mutex_init(&app->lock, NULL);
    pthread_mutex_init(&app->data_lock, NULL);
    core_pool_init(&app->pool);
    if (!app->name || !app->renderer_path || !app->catalog || app->wake_fd < 0 ||
        core_builtins_register(app) != 0 || core_event_register(app) != 0) {
        moat_app_free(app);
        return core_fail("cannot create the app: out of memory or file descriptors"), NULL;
    }
    return app;
}

static void free_command(void *p)
{
    struct core_command *c = p;
    core_argschema_free(c->args);
    free(c->name);
    free(c);
}

/* Kills what still runs and waits until every renderer has ended. */
static void end_renderers(moat_app *app)
{
    for (moat_renderer *r = app->renderers; r; r = r->next)
        if (r->state != RS_EXITED) core_renderer_abort(r, "the app is shutting down");
    atomic_store(&app->stop, false);
    moat_app_run(app);
}

static void free_paths(char **paths, size_t n)
{
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}

/* A copy of paths[0..n), or NULL (no memory). */
static char **copy_paths(const char *const *paths, size_t n)
{
    char **copy = calloc(n, sizeof *copy);
    for (size_t i = 0; copy && i < n; i++)
        if (!(copy[i] = strdup(paths[i]))) {
            free_paths(copy, i);
            return NULL;
        }
    return copy;
}

int moat_app_set_data(moat_app *app, const char *key, void *data, void (*free_fn)(void *data))
{
    struct core_data *d = key ? calloc(1, sizeof *d) : NULL;
    if (!d || !(d->key = strdup(key))) {
        free(d);
        return core_fail("cannot keep data \"%s\": %s", key ? key : "(null)",
                         key ? "out of memory" : "no key");
    }
    d->data = data, d->free_fn = free_fn;
    pthread_mutex_lock(&app->data_lock);
    bool taken = false;
    for (struct core_data *o = app->data; o && !taken; o = o->next)
        taken = !strcmp(o->key, key);
    if (!taken) d->next = app->data, app->data = d;
    pthread_mutex_unlock(&app->data_lock);
    if (!taken) return 0;
    free(d->key);
    free(d);
    return core_fail("data \"%s\" is set already for this app", key);
}

void *moat_app_data(moat_app *app, const char *key)
{
    void *data = NULL;
    pthread_mutex_lock(&app->data_lock);
    for (struct core_data *d = app->data; d && !data; d = d->next)
        if (!strcmp(d->key, key)) data = d->data;
    pthread_mutex_unlock(&app->data_lock);
    return data;
}

/* Newest first: what a plugin set up last may lean on what came before it. */
static void free_data(moat_app *app)
{
    pthread_mutex_lock(&app->data_lock);
    struct core_data *d = app->data;
    app->data = NULL;
    pthread_mutex_unlock(&app->data_lock);
    for (struct core_data *next; d; d = next) {
        next = d->next;
        if (d->free_fn) d->free_fn(d->data);
        free(d->key);
        free(d);
    }
}

void moat_app_free(moat_app *app)
{
    if (!app) return;
    end_renderers(app);
    core_pool_free(&app->pool); /* handlers may still answer: before the renderers go */
    free_data(app);             /* no handler runs any more: the plugins end what they hold */
    for (moat_renderer *r = app->renderers, *next; r; r = next) {
        next = r->next;
        core_renderer_unref(r);
    }
    for (struct core_listener *l = app->listeners, *next; l; l = next) {
        next = l->next;
        free(l->event);
        free(l);
    }
    core_outbox_flush(app); /* nothing listens any more: frees what waits */
    for (struct core_end_hook *h = app->end_hooks, *next; h; h = next) {
        next = h->next;
        free(h);
    }
    core_timers_free(&app->timers);
    core_table_free(&app->commands, free_command);
    pol_catalog_free(app->catalog);
    pol_free(app->policy);
    free_paths(app->policy_paths, app->n_policy_paths);
    core_learn_free(app);
    sbx_filter_free(app->filter);
    core_sandbox_free(app->sandbox);
    core_webview_cleanup(app);
    if (app->sock_dir) rmdir(app->sock_dir);
    if (app->wake_fd >= 0) close(app->wake_fd);
    pthread_mutex_destroy(&app->lock);
    pthread_mutex_destroy(&app->data_lock);
    free(app->sock_dir);
    free(app->renderer_path);
    free(app->name);
    free(app);
}

int moat_app_set_renderer_path(moat_app *app, const char *path)
{
    char *p = strdup(path);
    if (!p) return core_fail("out of memory");
    free(app->renderer_path);
    app->renderer_path = p;
    return 0;
}

void moat_app_set_audit_fd(moat_app *app, int fd)
{
    app->audit_fd = fd;
}

void moat_app_set_output(moat_app *app, moat_output_fn fn, void *ud)
{
    app->output = fn ? fn : default_output;
    app->output_ud = ud;
}

void moat_app_on_exit(moat_app *app, moat_exit_fn fn, void *ud)
{
    app->on_exit = fn;
    app->on_exit_ud = ud;
}

int moat_app_on_renderer_end(moat_app *app, moat_exit_fn fn, void *ud)
{
    struct core_end_hook *h = calloc(1, sizeof *h), **tail = &app->end_hooks;
    if (!h) return core_fail("cannot add a renderer-end hook: out of memory");
    *h = (struct core_end_hook){.fn = fn, .ud = ud};
    while (*tail)
        tail = &(*tail)->next;
    *tail = h;
    return 0;
}

int moat_app_set_limit(moat_app *app, moat_limit which, uint64_t value)
{
    switch (which) {
    case MOAT_LIMIT_FRAME_BYTES:
        if (value < 64 || value > ((uint64_t)1 << 32))
            return core_fail("frame limit %llu is outside 64 bytes..4 GiB",
                             (unsigned long long)value);
        app->limits.max_frame = (size_t)value;
        return 0;
    case MOAT_LIMIT_DEPTH:
        if (value < 2 || value > IPC_MAX_DEPTH_CEILING)
            return core_fail("depth limit %llu is outside 2..%d", (unsigned long long)value,
                             IPC_MAX_DEPTH_CEILING);
        app->limits.max_depth = (unsigned)value;
        return 0;
    case MOAT_LIMIT_INFLIGHT:
        app->lim.inflight = value ? (size_t)value : 1;
        return 0;
    case MOAT_LIMIT_QUEUED_BYTES:
        app->lim.queued_bytes = (size_t)value;
        return 0;
    case MOAT_LIMIT_MEMORY_BYTES:
        if (value < ((uint64_t)1 << 20))
            return core_fail("memory limit %llu is under 1 MiB", (unsigned long long)value);
        app->lim.memory = (size_t)value;
        return 0;
    case MOAT_LIMIT_EVENT_RATE:
        app->lim.event_rate = value ? (double)value : 1;
        return 0;
    case MOAT_LIMIT_EARLY_EVENTS:
        app->lim.early_events = (size_t)value;
        return 0;
    case MOAT_LIMIT_BULK_BYTES:
        if (value > ((uint64_t)1 << 32))
            return core_fail("bulk limit %llu is over 4 GiB", (unsigned long long)value);
        app->lim.bulk_ring = (size_t)(value + 4095) / 4096 * 4096;
        return 0;
    }
    return core_fail("unknown limit %d", (int)which);
}

int moat_app_command(moat_app *app, const char *name, moat_command_fn fn, void *ud)
{
    return moat_app_command_ex(app, name, fn, ud, NULL);
}

int moat_app_command_ex(moat_app *app, const char *name, moat_command_fn fn, void *ud,
                        const moat_command_opts *opts)
{
    if (!name || !fn || !ipc_name_ok(name, strlen(name)))
        return core_fail("invalid command name \"%s\"", name ? name : "");
    if (core_table_get(&app->commands, name))
        return core_fail("command \"%s\" is already registered", name);
    const char *schema = opts && opts->args_schema ? opts->args_schema
                                                   : pol_catalog_command_args(app->catalog, name);
    struct core_argschema *args = schema ? core_argschema_new(schema, name) : NULL;
    if (schema && !args) return -1;
    struct core_command *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(name)) ||
        (!pol_catalog_has_command(app->catalog, name) && /* a manifest may have declared it */
         pol_catalog_add_command(app->catalog, name) != 0) ||
        core_table_put(&app->commands, name, c) != 0) {
        if (c) free(c->name);
        free(c);
        core_argschema_free(args);
        return core_fail("cannot register command \"%s\"", name);
    }
    c->fn = fn;
    c->ud = ud;
    c->timeout_ms = opts ? opts->timeout_ms : 0;
    c->flags = opts ? opts->flags : 0;
    c->args = args;
    return 0;
}

int moat_app_set_workers(moat_app *app, unsigned n)
{
    if (n < 1 || n > CORE_POOL_MAX)
        return core_fail("%u worker threads: expected 1..%d", n, CORE_POOL_MAX);
    pthread_mutex_lock(&app->pool.mtx);
    bool started = app->pool.threads != NULL;
    if (!started) app->pool.size = n;
    pthread_mutex_unlock(&app->pool.mtx);
    return started ? core_fail("the worker pool has started already") : 0;
}

void moat_app_set_slow_call_warning(moat_app *app, uint32_t ms)
{
    app->slow_call_ms = ms;
}

int moat_app_permission_set(moat_app *app, const char *id, const char *description,
                            const char *const *members, size_t n)
{
    if (pol_catalog_add_set(app->catalog, id, description, members, n) != 0)
        return core_fail("cannot declare permission set \"%s\"", id);
    return 0;
}

/* New views for the live renderers: new calls use them, calls in flight keep theirs. */
static void apply_policy(moat_app *app, struct pol_policy *p)
{
    pol_free(app->policy);
    app->policy = p;
    for (moat_renderer *r = app->renderers; r; r = r->next) {
        struct pol_view *v;
        if (r->state == RS_EXITED || !(v = pol_view_new(p, r->label))) continue;
        pol_view_free(r->view);
        r->view = v;
    }
}

int moat_app_load_policies(moat_app *app, const char *const *paths, size_t n)
{
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    if (!paths || n == 0) return core_fail("no policy file named");
    if (pol_load_all(paths, n, app->catalog, 0, &p, &errs) != 0) {
        core_fail_policy(&errs);
        pol_errors_free(&errs);
        return -1;
    }
    pol_errors_free(&errs);
    return core_app_use_policy(app, p, paths, n);
}

int core_app_use_policy(moat_app *app, struct pol_policy *p, const char *const *paths, size_t n)
{
    char **copy = copy_paths(paths, n);
    if (!copy) {
        pol_free(p);
        return core_fail("out of memory");
    }
    free_paths(app->policy_paths, app->n_policy_paths);
    app->policy_paths = copy;
    app->n_policy_paths = n;
    apply_policy(app, p);
    return 0;
}

int moat_app_load_policy(moat_app *app, const char *path)
{
    return moat_app_load_policies(app, &path, 1);
}

void moat_app_reload_policy(moat_app *app)
{
    atomic_store(&app->reload_wanted, true);
    core_app_wake(app);
}

/* Every path again; with errors, each is logged on its own line and the old policy stays. */
void core_policy_reload_now(moat_app *app)
{
    if (!atomic_exchange(&app->reload_wanted, false) || !app->policy_paths) return;
    size_t n = app->n_policy_paths;
    const char *const *paths = (const char *const *)app->policy_paths;
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    char line[1024];
    if (pol_load_all(paths, n, app->catalog, 0, &p, &errs) == 0) {
        apply_policy(app, p);
        core_log(app, MOAT_LEVEL_INFO, "", "reloaded the policy from %s%s", paths[0],
                 n > 1 ? " and the files given with it" : "");
    } else {
        core_log(app, MOAT_LEVEL_ERROR, "",
                 "the policy was not reloaded, the old one stays: %zu %s", errs.total,
                 errs.total == 1 ? "error" : "errors");
        for (size_t i = 0; i < errs.n; i++)
            core_log(app, MOAT_LEVEL_ERROR, "", "%s",
                     pol_error_format(&errs.list[i], line, sizeof line));
        if (errs.total > errs.n)
            core_log(app, MOAT_LEVEL_ERROR, "", "\u2026 and %zu more errors", errs.total - errs.n);
    }
    pol_errors_free(&errs);
}

void moat_app_set_audit_all(moat_app *app, bool all)
{
    app->audit_all = all;
}

int64_t moat_app_listen(moat_app *app, const char *event, moat_event_fn fn, void *ud)
{
    struct core_listener *l = calloc(1, sizeof *l);
    if (!l || !fn || !event || !(l->event = strdup(event))) {
        free(l);
        return core_fail("cannot add a listener for \"%s\"", event ? event : "");
    }
    l->id = app->next_listener++;
    l->fn = fn;
    l->ud = ud;
    l->next = app->listeners;
    app->listeners = l;
    return l->id;
}

int moat_app_unlisten(moat_app *app, int64_t id)
{
    for (struct core_listener **p = &app->listeners; *p; p = &(*p)->next) {
        if ((*p)->id == id) {
            struct core_listener *l = *p;
            *p = l->next;
            free(l->event);
            free(l);
            return 0;
        }
    }
    return core_fail("no listener %lld", (long long)id);
}

void core_app_wake(moat_app *app)
{
    uint64_t one = 1;
    ssize_t n = write(app->wake_fd, &one, sizeof one);
    (void)n; /* a full counter already wakes the loop */
}

void moat_app_stop(moat_app *app)
{
    atomic_store(&app->stop, true);
    core_app_wake(app);
}

/* ---- the run loop -------------------------------------------------------- */

/* What one poll() waits on: the wake fd, then CORE_RENDERER_NFDS fds per live renderer in rs order.
 */
struct pollset {
    struct pollfd *fds;
    moat_renderer **rs;
    size_t cap, nrs;
    size_t turn; /* which renderer is served first this round: each is, in turn */
    bool busy;   /* input is waiting still: poll without sleeping */
};

static int grow(struct pollset *ps, moat_app *app)
{
    size_t need = 0;
    for (moat_renderer *r = app->renderers; r; r = r->next)
        need++;
    if (need <= ps->cap && ps->fds) return 0;
    struct pollfd *f = realloc(ps->fds, (1 + CORE_RENDERER_NFDS * need) * sizeof *f);
    if (f) ps->fds = f;
    moat_renderer **rs = realloc(ps->rs, (need ? need : 1) * sizeof *rs);
    if (rs) ps->rs = rs;
    if (!f || !rs) return -1;
    ps->cap = need;
    return 0;
}

/* Fills the poll set with the live renderers; returns how many there are. */
static size_t gather(moat_app *app, struct pollset *ps, int *timeout)
{
    int64_t now = core_now_ms();
    ps->fds[0] = (struct pollfd){.fd = app->wake_fd, .events = POLLIN};
    ps->nrs = 0;
    *timeout = ps->busy ? 0 : core_timers_wait(&app->timers, now);
    for (moat_renderer *r = app->renderers; r; r = r->next) {
        if (r->state == RS_EXITED) continue;
        core_renderer_pollfds(r, ps->fds + 1 + CORE_RENDERER_NFDS * ps->nrs);
        ps->rs[ps->nrs++] = r;
        int t = core_renderer_timeout(r, now);
        if (t >= 0 && (*timeout < 0 || t < *timeout)) *timeout = t;
    }
    return ps->nrs;
}

/*
 * Handles what poll() reported. Handlers may spawn renderers meanwhile: they
 * join the list but not this round, which works from the gathered array.
 */
static void dispatch(moat_app *app, struct pollset *ps)
{
    int64_t now = core_now_ms();
    if (ps->fds[0].revents) {
        uint64_t v;
        ssize_t n = read(app->wake_fd, &v, sizeof v);
        (void)n;
        core_outbox_flush(app);
        core_policy_reload_now(app);
    }
    core_timers_fire(&app->timers, now);
    for (size_t i = 0; i < ps->nrs; i++)
        core_renderer_poll(ps->rs[i], ps->fds + 1 + CORE_RENDERER_NFDS * i, CORE_RENDERER_NFDS);
    /* One turn's worth of input each: no renderer's flood holds the others. */
    ps->busy = false;
    for (size_t k = 0; k < ps->nrs; k++)
        ps->busy |= core_renderer_serve(ps->rs[(ps->turn + k) % ps->nrs]);
    ps->turn++;
    for (size_t i = 0; i < ps->nrs; i++)
        core_renderer_check_deadlines(ps->rs[i], now);
}

int moat_app_run(moat_app *app)
{
    struct pollset ps = {0};
    int rv = 0;
    app->run_thread = pthread_self();
    atomic_store(&app->running, true);
    core_outbox_flush(app); /* posted before the loop started */
    while (!atomic_load(&app->stop)) {
        int timeout;
        if (grow(&ps, app) != 0) {
            rv = core_fail("out of memory");
            break;
        }
        if (gather(app, &ps, &timeout) == 0) break;
        if (poll(ps.fds, 1 + CORE_RENDERER_NFDS * ps.nrs, timeout) < 0 && errno != EINTR) {
            rv = core_fail("poll: %m");
            break;
        }
        dispatch(app, &ps);
    }
    atomic_store(&app->running, false);
    free(ps.fds);
    free(ps.rs);
    return rv;
}
