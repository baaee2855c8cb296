// SPDX-License-Identifier: MIT
/*
 * process.c: plugin-process's commands, plugin:process|exit {code} and
 * plugin:process|restart, with Tauri's meaning carried over to Moat:
 *
 *   exit     ends the app's run (moat_app_stop) and asks for code as the
 *            exit status: `moat run` exits with it, as a Tauri app's
 *            process does (moat_plugin_process_exit_requested).
 *   restart  starts the calling renderer again from its bundle, under its
 *            label: the renderer is ended and the app's exit hook starts it
 *            anew (moat_plugin_process_restart_requested). The core, its
 *            policy and its stores stay: what a Tauri app loses on restart
 *            is its frontend's state, and that is what is started afresh.
 *
 * The requests are kept per app in a list of this file's (moat.h has no
 * place for a plugin's state); moat_plugins_finish forgets an app's.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "plugins_internal.h"

struct proc_state {
    const moat_app *app;
    bool exit_asked;
    int exit_code;
    moat_renderer **restarts; /* renderers to start again once they have ended */
    size_t n_restarts;
    struct proc_state *next;
};

static pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct proc_state *states;

/* app's state, made when create is set. Under proc_lock. */
static struct proc_state *state_of(const moat_app *app, bool create)
{
    for (struct proc_state *s = states; s; s = s->next)
        if (s->app == app) return s;
    struct proc_state *s = create ? calloc(1, sizeof *s) : NULL;
    if (s) *s = (struct proc_state){.app = app, .next = states}, states = s;
    return s;
}

static void cmd_exit(moat_call *c, void *ud)
{
    moat_app *app = ud;
    const msgpack_object *a = moat_call_args(c), *code = NULL;
    for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_MAP && i < a->via.map.size; i++) {
        const msgpack_object *k = &a->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == 4 &&
            !memcmp(k->via.str.ptr, "code", 4))
            code = &a->via.map.ptr[i].val;
    }
    /* Tauri's code is an i32: a number without a fraction in its range. */
    bool ok =
        code && ((code->type == MSGPACK_OBJECT_POSITIVE_INTEGER && code->via.u64 <= INT32_MAX) ||
                 (code->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && code->via.i64 >= INT32_MIN));
    if (!ok) {
        moat_call_reject(c, "invalid_args", "process:exit: expected {code: a 32-bit integer}");
        return;
    }
    pthread_mutex_lock(&proc_lock);
    struct proc_state *s = state_of(app, true);
    if (s && !s->exit_asked) s->exit_asked = true, s->exit_code = (int)code->via.i64;
    pthread_mutex_unlock(&proc_lock);
    if (!s) {
        moat_call_reject(c, "failed", "process:exit: out of memory");
        return;
    }
    moat_call_resolve_null(c);
    moat_app_stop(app); /* moat_app_free ends the renderers still running */
}

static void cmd_restart(moat_call *c, void *ud)
{
    moat_app *app = ud;
    moat_renderer *r = core_call_renderer(c);
    pthread_mutex_lock(&proc_lock);
    struct proc_state *s = state_of(app, true);
    moat_renderer **more = s ? realloc(s->restarts, (s->n_restarts + 1) * sizeof *more) : NULL;
    if (more) s->restarts = more, more[s->n_restarts++] = r;
    pthread_mutex_unlock(&proc_lock);
    if (!more) {
        moat_call_reject(c, "failed", "process:restart: out of memory");
        return;
    }
    moat_call_resolve_null(c);
    moat_renderer_kill(r, "restarting, as process:restart asked");
}

bool moat_plugin_process_exit_requested(moat_app *app, int *code)
{
    pthread_mutex_lock(&proc_lock);
    struct proc_state *s = state_of(app, false);
    bool asked = s && s->exit_asked;
    if (asked && code) *code = s->exit_code;
    pthread_mutex_unlock(&proc_lock);
    return asked;
}

bool moat_plugin_process_restart_requested(moat_app *app, moat_renderer *r)
{
    bool asked = false;
    pthread_mutex_lock(&proc_lock);
    struct proc_state *s = state_of(app, false);
    for (size_t i = 0; s && i < s->n_restarts && !asked; i++)
        if (s->restarts[i] == r) {
            asked = true;
            s->restarts[i] = s->restarts[--s->n_restarts];
        }
    asked = asked && !s->exit_asked; /* exit wins: nothing starts again */
    pthread_mutex_unlock(&proc_lock);
    return asked;
}

void plugin_process_forget(moat_app *app)
{
    pthread_mutex_lock(&proc_lock);
    for (struct proc_state **p = &states; *p; p = &(*p)->next)
        if ((*p)->app == app) {
            struct proc_state *s = *p;
            *p = s->next;
            free(s->restarts);
            free(s);
            break;
        }
    pthread_mutex_unlock(&proc_lock);
}

static void finish(void *app)
{
    plugin_process_forget(app);
}

int moat_plugin_process_register(moat_app *app)
{
    static const char *const manifest[] = {"process/permissions.json"};
    if (moat_app_set_data(app, "moat:process", app, finish) < 0 ||
        moat_app_command(app, "process:exit", cmd_exit, app) < 0 ||
        moat_app_command(app, "process:restart", cmd_restart, app) < 0)
        return -1;
    return plugin_load_manifests(app, manifest, 1);
}
