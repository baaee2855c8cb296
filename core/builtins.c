// SPDX-License-Identifier: MIT
/*
 * builtins.c: the commands and events every app has.
 *
 *   app:version  -> the Moat version string        (app:allow-version)
 *   app:name     -> the app's name                 (app:allow-name)
 *   log          -> writes {level, message} or a string to the core's log (allow-log)
 *
 * and the protocol's own plumbing, which no policy gates:
 *   moat:ready  -> null; the renderer has loaded (a JS bundle's top level has
 *                  run, so its first listeners are registered): events held
 *                  for it are delivered now
 *   moat:flush  -> null; a renderer's last request before it closes, proving
 *                  everything it sent has arrived
 */
#include "internal.h"
#include "moat_plugins.h"

#include <string.h>

static void cmd_version(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, MOAT_VERSION);
}

static void cmd_name(moat_call *c, void *ud)
{
    moat_call_resolve_str(c, ((moat_app *)ud)->name);
}

/* Tauri's log plugin numbers levels 1 (trace) to 5 (error); names work too. */
static const char *level_name(const msgpack_object *o)
{
    static const char *const names[] = {"trace", "debug", "info", "warn", "error"};
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 >= 1 && o->via.u64 <= 5)
        return names[o->via.u64 - 1];
    if (o->type == MSGPACK_OBJECT_STR)
        for (size_t i = 0; i < 5; i++)
            if (o->via.str.size == strlen(names[i]) &&
                memcmp(o->via.str.ptr, names[i], o->via.str.size) == 0)
                return names[i];
    return NULL;
}

static const msgpack_object *map_get(const msgpack_object *m, const char *key)
{
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->via.str.size == strlen(key) && memcmp(k->via.str.ptr, key, k->via.str.size) == 0)
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

static void cmd_log(moat_call *c, void *ud)
{
    const msgpack_object *a = moat_call_args(c), *msg = a, *lvl = NULL;
    const char *level = "info";
    if (a->type == MSGPACK_OBJECT_MAP) {
        msg = map_get(a, "message");
        lvl = map_get(a, "level");
    }
    if (lvl && !(level = level_name(lvl))) {
        moat_call_reject(c, "invalid_args",
                         "log: level must be trace, debug, info, warn or "
                         "error (or 1-5)");
        return;
    }
    if (!msg || msg->type != MSGPACK_OBJECT_STR) {
        moat_call_reject(c, "invalid_args", "log: expected a string or {level?, message: string}");
        return;
    }
    core_output(ud, moat_call_label(c), 0, "[%s] %s: %.*s", moat_call_label(c), level,
                (int)msg->via.str.size, msg->via.str.ptr);
    moat_call_resolve_null(c);
}

/*
 * core:sandbox:jit is not something to call: its permission,
 * core:sandbox:allow-jit, is how a policy turns the JS JIT on for a label.
 * Invoked, it answers whether this renderer has the JIT.
 */
static void cmd_jit(moat_call *c, void *ud)
{
    (void)ud;
    static const char yes = (char)0xc3;
    moat_call_resolve(c, &yes, 1); /* a call that passed the policy check has it */
}

bool core_builtin_request(moat_renderer *r, uint64_t id, const char *name)
{
    static const char nil = (char)0xc0;
    if (strcmp(name, "moat:ready") == 0)
        core_event_loaded(r);
    else if (strcmp(name, "moat:bulk") == 0)
        core_bulk_enable(r);
    else if (strcmp(name, "moat:flush") != 0)
        return false;
    core_send_result(r, id, &nil, 1);
    return true;
}

/* The commands here, then every plugin's (their permissions come from their manifests). */
int core_builtins_register(moat_app *app)
{
    if (moat_app_command(app, "core:sandbox:jit", cmd_jit, app) ||
        moat_app_command(app, "app:version", cmd_version, app) ||
        moat_app_command(app, "app:name", cmd_name, app) ||
        moat_app_command(app, "log", cmd_log, app) || moat_plugins_register_all(app))
        return -1;
    return 0;
}
