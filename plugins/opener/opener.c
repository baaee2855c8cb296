// SPDX-License-Identifier: MIT
/*
 * opener.c: plugin-opener's commands, with Tauri's argument shapes
 * (guest-js/index.ts, src/commands.rs):
 *
 *   plugin:opener|open_url            {url, with?}   scoped by {"url": glob}
 *   plugin:opener|open_path           {path, with?}  scoped by {"path": glob}
 *   plugin:opener|reveal_item_in_dir  {paths}        opens each one's folder
 *
 * What opens is a program the core starts: xdg-open (or the program named
 * by $MOAT_OPENER, read once when the plugin registers: for tests and for
 * desktops without xdg-open; a renderer cannot set the core's environment),
 * or `with` when the scope entry's "app" allows that program. It is started
 * with posix_spawn (the core runs nng threads: nothing but exec may follow a
 * fork), no shell, its argv the program and the one decided target, stdin
 * and stdout on /dev/null, no other descriptor inherited but stderr, its
 * own session, default signals; a thread of its own reaps exactly that pid
 * (the core reaps its renderers by pidfd: no waitpid(-1) here).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "internal.h"
#include "opener.h"
#include "plugins_internal.h"
#include "scope.h"

extern char **environ;

#define MAX_REVEAL 64

static char default_program[PATH_MAX] = "xdg-open";
static pthread_once_t program_once = PTHREAD_ONCE_INIT;

static void read_program(void)
{
    const char *p = getenv("MOAT_OPENER");
    if (p && *p && strlen(p) < sizeof default_program)
        snprintf(default_program, sizeof default_program, "%s", p);
}

static void *reap(void *arg)
{
    pid_t pid = (pid_t)(intptr_t)arg;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return NULL;
}

/* Starts prog with the single argument target. 0, or -1 with why. */
static int start(const char *prog, const char *target, char *why, size_t len)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    char *const argv[] = {(char *)prog, (char *)target, NULL};
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc) goto out;
    if ((rc = posix_spawnattr_init(&at))) goto out_fa;
    if (!(rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) &&
        !(rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) &&
        !(rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) &&
        !(rc = posix_spawnattr_setsigmask(&at, &none)) &&
        !(rc = posix_spawnattr_setsigdefault(&at, &all)) &&
        !(rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                                 POSIX_SPAWN_SETSID))) {
        pid_t pid;
        rc = posix_spawnp(&pid, prog, &fa, &at, argv, environ);
        pthread_t t;
        pthread_attr_t ta;
        if (!rc &&
            (pthread_attr_init(&ta) || pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED) ||
             pthread_create(&t, &ta, reap, (void *)(intptr_t)pid)))
            waitpid(pid, NULL, WNOHANG); /* no thread: it stays a zombie until the core ends */
        if (!rc) pthread_attr_destroy(&ta);
    }
    posix_spawnattr_destroy(&at);
out_fa:
    posix_spawn_file_actions_destroy(&fa);
out:
    if (rc) snprintf(why, len, "cannot start %s: %s", prog, strerror(rc));
    return rc ? -1 : 0;
}

/* The call's scope entries, borrowed from it. */
struct entries {
    const msgpack_object **allow, **deny;
    size_t n_allow, n_deny;
};

static int load_entries(moat_call *c, struct entries *e)
{
    e->n_allow = moat_call_scope_count(c, MOAT_SCOPE_ALLOW);
    e->n_deny = moat_call_scope_count(c, MOAT_SCOPE_DENY);
    e->allow = calloc(e->n_allow + 1, sizeof *e->allow);
    e->deny = calloc(e->n_deny + 1, sizeof *e->deny);
    for (size_t i = 0; e->allow && i < e->n_allow; i++)
        e->allow[i] = moat_call_scope_entry(c, MOAT_SCOPE_ALLOW, i);
    for (size_t i = 0; e->deny && i < e->n_deny; i++)
        e->deny[i] = moat_call_scope_entry(c, MOAT_SCOPE_DENY, i);
    return e->allow && e->deny ? 0 : -1;
}

static void free_entries(struct entries *e)
{
    free(e->allow);
    free(e->deny);
}

/* `with` as a C string into buf: NULL when absent; -1 when it is no string. */
static int with_arg(const msgpack_object *a, char *buf, size_t len, const char **with)
{
    const msgpack_object *w = plugin_arg(a, "with");
    *with = NULL;
    if (plugin_absent(w)) return 0;
    if (w->type != MSGPACK_OBJECT_STR || w->via.str.size >= len ||
        memchr(w->via.str.ptr, '\0', w->via.str.size))
        return -1;
    memcpy(buf, w->via.str.ptr, w->via.str.size);
    buf[w->via.str.size] = '\0';
    *with = buf;
    return 0;
}

static void answer(moat_call *c, const char *cmd, enum opener_verdict v, long deny_at,
                   const char *prog, const char *target, char *why, size_t wlen)
{
    if (v == OPENER_ALLOWED && start(prog, target, why, wlen) == 0) {
        moat_call_resolve_null(c);
        return;
    }
    if (v == OPENER_DENIED) /* audited as fs audits its denials, naming the deny entry */
        core_audit_scope_at(c, cmd, MOAT_SCOPE_DENY, deny_at, why);
    moat_call_reject(c,
                     v == OPENER_DENIED    ? "denied"
                     : v == OPENER_INVALID ? "invalid_args"
                     : v == OPENER_MISSING ? "not_found"
                                           : "failed",
                     "%s: %s", cmd, why);
}

struct env_buf {
    struct core_fs_env env;
    struct plugin_identity id;
    char buf[3 * PATH_MAX];
};

static struct env_buf *env_of(moat_call *c, moat_app *app)
{
    struct env_buf *e = malloc(sizeof *e);
    if (!e) return NULL;
    plugin_identity(core_call_bundle_dir(c), app->name, &e->id);
    core_fs_env_init(&e->env, e->id.identifier, core_call_bundle_dir(c), e->buf, sizeof e->buf);
    return e;
}

static void cmd_open(moat_call *c, void *ud, bool is_url)
{
    const char *cmd = is_url ? "opener:open_url" : "opener:open_path", *with;
    const msgpack_object *a = moat_call_args(c), *what = plugin_arg(a, is_url ? "url" : "path");
    char wbuf[256], why[PATH_MAX + 128], *target = malloc(OPENER_URL_MAX);
    struct entries e = {0};
    struct env_buf *env = is_url ? NULL : env_of(c, ud);
    if (!target || load_entries(c, &e) < 0 || (!is_url && !env)) {
        moat_call_reject(c, "failed", "%s: out of memory", cmd);
    } else if (!what || what->type != MSGPACK_OBJECT_STR || with_arg(a, wbuf, sizeof wbuf, &with)) {
        moat_call_reject(c, "invalid_args", "%s: expected {%s: string, with?: string}", cmd,
                         is_url ? "url" : "path");
    } else {
        long deny_at;
        enum opener_verdict v =
            is_url ? opener_url_decide(what->via.str.ptr, what->via.str.size, with, e.allow,
                                       e.n_allow, e.deny, e.n_deny, target, OPENER_URL_MAX, why,
                                       sizeof why, &deny_at)
                   : opener_path_decide(what->via.str.ptr, what->via.str.size, with, e.allow,
                                        e.n_allow, e.deny, e.n_deny, &env->env, target,
                                        OPENER_URL_MAX, why, sizeof why, &deny_at);
        pthread_once(&program_once, read_program);
        answer(c, cmd, v, deny_at, with ? with : default_program, target, why, sizeof why);
    }
    free_entries(&e);
    free(env);
    free(target);
}

static void cmd_open_url(moat_call *c, void *ud)
{
    cmd_open(c, ud, true);
}

static void cmd_open_path(moat_call *c, void *ud)
{
    cmd_open(c, ud, false);
}

/* Each path's folder, decided first (all or nothing), then opened once each. */
static void cmd_reveal(moat_call *c, void *ud)
{
    const char *cmd = "opener:reveal_item_in_dir";
    const msgpack_object *paths = plugin_arg(moat_call_args(c), "paths");
    struct entries e = {0};
    struct env_buf *env = env_of(c, ud);
    char why[PATH_MAX + 128];
    char(*dirs)[PATH_MAX] = malloc(MAX_REVEAL * sizeof *dirs);
    size_t n = 0;
    long deny_at = -1;
    enum opener_verdict v = OPENER_ALLOWED;
    if (!env || !dirs || load_entries(c, &e) < 0) {
        moat_call_reject(c, "failed", "%s: out of memory", cmd);
        goto out;
    }
    if (!paths || paths->type != MSGPACK_OBJECT_ARRAY || paths->via.array.size > MAX_REVEAL) {
        moat_call_reject(c, "invalid_args", "%s: expected {paths: string[]} (at most %d)", cmd,
                         MAX_REVEAL);
        goto out;
    }
    for (uint32_t i = 0; i < paths->via.array.size && v == OPENER_ALLOWED; i++) {
        const msgpack_object *p = &paths->via.array.ptr[i];
        if (p->type != MSGPACK_OBJECT_STR) {
            snprintf(why, sizeof why, "paths[%u] is not a string", i);
            v = OPENER_INVALID;
            break;
        }
        v = opener_reveal_decide(p->via.str.ptr, p->via.str.size, e.allow, e.n_allow, e.deny,
                                 e.n_deny, &env->env, dirs[n], PATH_MAX, why, sizeof why, &deny_at);
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = !strcmp(dirs[j], dirs[n]);
        n += v == OPENER_ALLOWED && !seen;
    }
    pthread_once(&program_once, read_program);
    for (size_t i = 0; i < n && v == OPENER_ALLOWED; i++)
        if (start(default_program, dirs[i], why, sizeof why) < 0) v = OPENER_FAILED;
    if (v == OPENER_DENIED) core_audit_scope_at(c, cmd, MOAT_SCOPE_DENY, deny_at, why);
    if (v == OPENER_ALLOWED)
        moat_call_resolve_null(c);
    else
        moat_call_reject(c,
                         v == OPENER_DENIED    ? "denied"
                         : v == OPENER_INVALID ? "invalid_args"
                         : v == OPENER_MISSING ? "not_found"
                                               : "failed",
                         "%s: %s", cmd, why);
out:
    free_entries(&e);
    free(env);
    free(dirs);
}

int moat_plugin_opener_register(moat_app *app)
{
    static const char *const manifest[] = {"opener/permissions.json"};
    pthread_once(&program_once, read_program);
    if (moat_app_command(app, "opener:open_url", cmd_open_url, app) < 0 ||
        moat_app_command(app, "opener:open_path", cmd_open_path, app) < 0 ||
        moat_app_command(app, "opener:reveal_item_in_dir", cmd_reveal, app) < 0)
        return -1;
    return plugin_load_manifests(app, manifest, 1);
}
