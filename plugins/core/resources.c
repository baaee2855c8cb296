// SPDX-License-Identifier: MIT
/*
 * resources.c: Tauri's resource table (ResourceId), app-wide as the one the
 * store plugin uses, and core:resources:close, which @tauri-apps/api's
 * Resource.close sends as plugin:resources|close {rid}. A plugin adds an
 * object with its close function and gets a rid; the rid is looked up by
 * kind, so a rid of one plugin never reaches another's code.
 *
 * The tables are kept per app in a list of their own; moat_app_free closes
 * an app's resources (through moat_app_set_data), or moat_plugins_finish
 * before it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "plugins_internal.h"

struct rid_entry {
    uint32_t rid;
    const char *kind; /* static string */
    void *obj;
    plugin_rid_close_fn close;
    struct rid_entry *next;
};

struct rid_table {
    const moat_app *app;
    uint32_t next_rid;
    struct rid_entry *entries;
    struct rid_table *next;
};

static pthread_mutex_t rid_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rid_table *tables;

static void finish(void *app)
{
    plugin_rid_close_all(app);
}

/* app's table, made when create is set. Under rid_lock. */
static struct rid_table *table_of(const moat_app *app, bool create)
{
    for (struct rid_table *t = tables; t; t = t->next)
        if (t->app == app) return t;
    struct rid_table *t = create ? calloc(1, sizeof *t) : NULL;
    /* moat_app_free closes what is left: its handlers have all returned by then. */
    if (t && moat_app_set_data((moat_app *)app, "moat:resources", (void *)app, finish) < 0 &&
        !moat_app_data((moat_app *)app, "moat:resources"))
        free(t), t = NULL;
    if (!t) return NULL;
    t->app = app;
    t->next_rid = 1; /* 0 reads as "no store" in plugin-store's getStore */
    t->next = tables;
    tables = t;
    return t;
}

uint32_t plugin_rid_add(moat_app *app, const char *kind, void *obj, plugin_rid_close_fn close)
{
    pthread_mutex_lock(&rid_lock);
    struct rid_table *t = table_of(app, true);
    struct rid_entry *e = t && t->next_rid < UINT32_MAX ? calloc(1, sizeof *e) : NULL;
    uint32_t rid = 0;
    if (e) {
        *e = (struct rid_entry){t->next_rid++, kind, obj, close, t->entries};
        t->entries = e;
        rid = e->rid;
    }
    pthread_mutex_unlock(&rid_lock);
    return rid;
}

void *plugin_rid_get(moat_app *app, uint64_t rid, const char *kind)
{
    void *obj = NULL;
    pthread_mutex_lock(&rid_lock);
    struct rid_table *t = table_of(app, false);
    for (struct rid_entry *e = t ? t->entries : NULL; e; e = e->next)
        if (e->rid == rid && !strcmp(e->kind, kind)) obj = e->obj;
    pthread_mutex_unlock(&rid_lock);
    return obj;
}

/* Takes rid's entry out of app's table (all of them when rid is 0); caller closes them. */
static struct rid_entry *take(moat_app *app, uint64_t rid)
{
    struct rid_entry *out = NULL;
    pthread_mutex_lock(&rid_lock);
    struct rid_table *t = table_of(app, false);
    for (struct rid_entry **p = t ? &t->entries : NULL; p && *p;) {
        struct rid_entry *e = *p;
        if (rid && e->rid != rid) {
            p = &e->next;
            continue;
        }
        *p = e->next;
        e->next = out;
        out = e;
    }
    pthread_mutex_unlock(&rid_lock);
    return out;
}

/* Closes the entries outside the lock: a close may take locks of its own. */
static int close_list(struct rid_entry *e)
{
    int n = 0;
    for (struct rid_entry *next; e; e = next, n++) {
        next = e->next;
        if (e->close) e->close(e->obj);
        free(e);
    }
    return n;
}

int plugin_rid_close(moat_app *app, uint64_t rid)
{
    return rid && close_list(take(app, rid)) ? 0 : -1;
}

/* Drops app's table once it is empty. */
static void forget(const moat_app *app)
{
    pthread_mutex_lock(&rid_lock);
    for (struct rid_table **p = &tables; *p; p = &(*p)->next)
        if ((*p)->app == app && !(*p)->entries) {
            struct rid_table *t = *p;
            *p = t->next;
            free(t);
            break;
        }
    pthread_mutex_unlock(&rid_lock);
}

void plugin_rid_close_all(moat_app *app)
{
    close_list(take(app, 0));
    forget(app);
}

/* plugin:resources|close {rid} */
static void cmd_close(moat_call *call, void *ud)
{
    const msgpack_object *a = moat_call_args(call), *rid = NULL;
    for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_MAP && i < a->via.map.size; i++) {
        const msgpack_object *k = &a->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == 3 &&
            !memcmp(k->via.str.ptr, "rid", 3))
            rid = &a->via.map.ptr[i].val;
    }
    if (!rid || rid->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        moat_call_reject(call, "invalid_args", "core:resources:close: expected {rid: number}");
        return;
    }
    if (plugin_rid_close(ud, rid->via.u64) < 0) {
        moat_call_reject(call, "not_found", "core:resources:close: bad resource id %llu",
                         (unsigned long long)rid->via.u64);
        return;
    }
    moat_call_resolve_null(call);
}

int plugin_resources_register(moat_app *app)
{
    return moat_app_command(app, "core:resources:close", cmd_close, app);
}
