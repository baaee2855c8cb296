// SPDX-License-Identifier: MIT
/*
 * store.c: plugin-store's commands (plugin:store|load, get_store, set, get,
 * has, delete, clear, reset, keys, values, entries, length, reload, save),
 * with the argument and answer shapes of @tauri-apps/plugin-store v2.
 *
 * A store is one JSON object in a file under $APPDATA (the path is relative
 * to it: Moat refuses absolute paths and ".."), loaded once per app and
 * shared by every renderer through its resource id, as in Tauri. Changes
 * are announced as the event store://change {path, resourceId, key, value,
 * exists} and saved by autosave: after autoSave ms (100 by default) without
 * another change, by a thread of this plugin. A file that is not a JSON
 * object is never replaced: load and reload answer what is wrong with it.
 *
 * One lock (store_lock) guards every store; the saver thread writes under
 * it, so a save never sees a half-made change.
 */
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "plugins_internal.h"

#define STORE_KIND "store"
#define STORE_MAX_PER_APP 256
#define STORE_DEFAULT_DEBOUNCE_MS 100
/* What all of an app's stores may hold, as JSON: a renderer must not fill the core's memory. */
#define STORE_MAX_APP_BYTES ((size_t)STORE_MAX_FILE)

struct store {
    moat_app *app;
    char rel[PATH_MAX]; /* the path as the renderer gave it, normalized */
    char abs[PATH_MAX];
    json_t *cache, *defaults; /* defaults: NULL when none were given */
    int64_t debounce_ms;      /* -1: no autosave; 0: save on each change */
    int64_t due_ms;           /* when the pending autosave runs; 0: none */
    size_t bytes;             /* the cache's size as JSON, about (entry_bytes of each) */
    uint32_t rid;
    struct store *next;
};

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t saver_cond;
static pthread_once_t saver_once = PTHREAD_ONCE_INIT;
static bool saver_ok;
static struct store *stores;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One entry's share of a store's bytes. */
static size_t entry_bytes(const char *key, const json_t *v)
{
    return strlen(key) + json_dumpb(v, NULL, 0, JSON_ENCODE_ANY | JSON_COMPACT) + 4;
}

static size_t cache_bytes(const json_t *cache)
{
    const char *k;
    json_t *v;
    size_t n = 2;
    json_object_foreach((json_t *)cache, k, v) n += entry_bytes(k, v);
    return n;
}

/* Bytes held by app's stores other than except. Under store_lock. */
static size_t app_bytes(const moat_app *app, const struct store *except)
{
    size_t n = 0;
    for (const struct store *s = stores; s; s = s->next)
        if (s->app == app && s != except) n += s->bytes;
    return n;
}

/* ---- autosave ------------------------------------------------------------------- */

/* Saves s now (under store_lock); failures go to stderr, naming only the relative path. */
static void save_locked(struct store *s)
{
    char why[PATH_MAX + 200];
    s->due_ms = 0;
    if (store_file_write(s->abs, s->rel, s->cache, why, sizeof why) < 0)
        fprintf(stderr, "moat: store autosave: %s\n", why);
}

static void *saver(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&store_lock);
    for (;;) {
        int64_t now = now_ms(), next = 0;
        for (struct store *s = stores; s; s = s->next) {
            if (s->due_ms && s->due_ms <= now) save_locked(s);
            if (s->due_ms && (!next || s->due_ms < next)) next = s->due_ms;
        }
        if (!next) {
            pthread_cond_wait(&saver_cond, &store_lock);
            continue;
        }
        struct timespec ts = {.tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000};
        pthread_cond_timedwait(&saver_cond, &store_lock, &ts);
    }
    return NULL;
}

static void saver_start(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&saver_cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t t;
    saver_ok = pthread_create(&t, NULL, saver, NULL) == 0;
    if (saver_ok) pthread_detach(t);
}

/* After a change (under store_lock): save now, or (re)start the debounce. 0, or -1 with why. */
static int changed(struct store *s, char *why, size_t len)
{
    if (s->debounce_ms < 0) return 0;
    pthread_once(&saver_once, saver_start);
    if (s->debounce_ms == 0 || !saver_ok) {
        s->due_ms = 0;
        return store_file_write(s->abs, s->rel, s->cache, why, len);
    }
    s->due_ms = now_ms() + s->debounce_ms;
    pthread_cond_signal(&saver_cond);
    return 0;
}

/* ---- stores ---------------------------------------------------------------------- */

/* The resource's close: a pending autosave is written first, as Tauri's Store does on drop. */
static void store_close(void *obj)
{
    struct store *s = obj;
    pthread_mutex_lock(&store_lock);
    for (struct store **p = &stores; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    if (s->due_ms) save_locked(s);
    pthread_mutex_unlock(&store_lock);
    json_decref(s->cache);
    json_decref(s->defaults);
    free(s);
}

static struct store *find(moat_app *app, const char *abs, size_t *count)
{
    struct store *hit = NULL;
    *count = 0;
    for (struct store *s = stores; s; s = s->next)
        if (s->app == app) {
            ++*count;
            if (!strcmp(s->abs, abs)) hit = s;
        }
    return hit;
}

/* The event store://change for key (value NULL: it is gone). Under store_lock. */
static void emit_change(struct store *s, const char *key, const json_t *value)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    msgpack_pack_str_with_body(&pk, "path", 4);
    msgpack_pack_str_with_body(&pk, s->rel, strlen(s->rel));
    msgpack_pack_str_with_body(&pk, "resourceId", 10);
    msgpack_pack_uint32(&pk, s->rid);
    msgpack_pack_str_with_body(&pk, "key", 3);
    msgpack_pack_str_with_body(&pk, key, strlen(key));
    msgpack_pack_str_with_body(&pk, "value", 5);
    if (value)
        store_json_pack(&pk, value, 1);
    else
        msgpack_pack_nil(&pk);
    msgpack_pack_str_with_body(&pk, "exists", 6);
    if (value)
        msgpack_pack_true(&pk);
    else
        msgpack_pack_false(&pk);
    if (sb.data) moat_app_emit(s->app, NULL, "store://change", sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- arguments and answers ----------------------------------------------------------- */

/* A string argument into out: false when not a NUL-free string shorter than len. */
static bool str_of(const msgpack_object *o, char *out, size_t len)
{
    if (!o || o->type != MSGPACK_OBJECT_STR || o->via.str.size >= len ||
        memchr(o->via.str.ptr, 0, o->via.str.size))
        return false;
    memcpy(out, o->via.str.ptr, o->via.str.size);
    out[o->via.str.size] = '\0';
    return true;
}

/* The store named by args.rid, or NULL with the call rejected. */
static struct store *store_arg(moat_call *c, moat_app *app)
{
    const msgpack_object *rid = plugin_arg(moat_call_args(c), "rid");
    if (!rid || rid->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        moat_call_reject(c, "invalid_args", "%s: expected {rid: number, ...}",
                         moat_call_command(c));
        return NULL;
    }
    struct store *s = plugin_rid_get(app, rid->via.u64, STORE_KIND);
    if (!s)
        moat_call_reject(c, "not_found", "%s: bad resource id %llu (no store is loaded with it)",
                         moat_call_command(c), (unsigned long long)rid->via.u64);
    return s;
}

/* args.key, or false with the call rejected. */
static bool key_arg(moat_call *c, char *key, size_t len)
{
    if (str_of(plugin_arg(moat_call_args(c), "key"), key, len)) return true;
    moat_call_reject(c, "invalid_args", "%s: expected {rid, key: string (under 1 KiB)}",
                     moat_call_command(c));
    return false;
}

/* Answers with the value fill packs. */
static void answer(moat_call *c, void (*fill)(msgpack_packer *, const void *), const void *ud)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    fill(&pk, ud);
    if (sb.data)
        moat_call_resolve(c, sb.data, sb.size);
    else
        moat_call_reject(c, "failed", "%s: out of memory", moat_call_command(c));
    msgpack_sbuffer_destroy(&sb);
}

static void resolve_bool(moat_call *c, bool v)
{
    const char b = (char)(v ? 0xc3 : 0xc2);
    moat_call_resolve(c, &b, 1);
}

/* ---- load ------------------------------------------------------------------------- */

struct load_opts {
    json_t *defaults;
    int64_t debounce_ms;
    bool create_new, override_defaults;
};

/* options of load; false with the call rejected. */
static bool load_options(moat_call *c, const msgpack_object *o, struct load_opts *lo)
{
    *lo = (struct load_opts){.debounce_ms = STORE_DEFAULT_DEBOUNCE_MS};
    if (plugin_absent(o)) return true;
    const char *why = NULL;
    const msgpack_object *d = plugin_arg(o, "defaults"), *a = plugin_arg(o, "autoSave"),
                         *cn = plugin_arg(o, "createNew"), *od = plugin_arg(o, "overrideDefaults");
    if (o->type != MSGPACK_OBJECT_MAP)
        why = "options must be an object";
    else if (!plugin_absent(d) && d->type != MSGPACK_OBJECT_MAP)
        why = "options.defaults must be an object";
    else if (!plugin_absent(a) && a->type != MSGPACK_OBJECT_BOOLEAN &&
             (a->type != MSGPACK_OBJECT_POSITIVE_INTEGER || a->via.u64 > 86400000))
        why = "options.autoSave must be a boolean or a debounce in milliseconds (at most a day)";
    else if ((!plugin_absent(cn) && cn->type != MSGPACK_OBJECT_BOOLEAN) ||
             (!plugin_absent(od) && od->type != MSGPACK_OBJECT_BOOLEAN))
        why = "options.createNew and options.overrideDefaults must be booleans";
    for (const char *const *n = (const char *const[]){"serializeFnName", "deserializeFnName", NULL};
         !why && *n; n++)
        if (!plugin_absent(plugin_arg(o, *n))) {
            /* Tauri looks these up among functions its Rust side registered: Moat has none. */
            moat_call_reject(c, "not_found",
                             "store:load: %s function not found (Moat registers none)",
                             **n == 's' ? "serialize" : "deserialize");
            return false;
        }
    if (!why && !plugin_absent(d) && !(lo->defaults = store_json_from(d, 0, &why)))
        why = why ? why : "options.defaults: out of memory";
    if (why) {
        moat_call_reject(c, "invalid_args", "store:load: %s", why);
        return false;
    }
    if (!plugin_absent(a))
        lo->debounce_ms = a->type == MSGPACK_OBJECT_BOOLEAN
                              ? (a->via.boolean ? STORE_DEFAULT_DEBOUNCE_MS : -1)
                              : (int64_t)a->via.u64;
    lo->create_new = !plugin_absent(cn) && cn->via.boolean;
    lo->override_defaults = !plugin_absent(od) && od->via.boolean;
    return true;
}

/* args.path made absolute under the caller's $APPDATA (into abs) and normalized (into rel). */
static bool store_path(moat_call *c, moat_app *app, char *abs, char *rel)
{
    const msgpack_object *p = plugin_arg(moat_call_args(c), "path");
    const char *why = "expected {path: string, ...}";
    char base[PATH_MAX];
    struct plugin_identity id;
    plugin_identity(moat_call_bundle_dir(c), moat_app_name(app), &id);
    if (p && p->type == MSGPACK_OBJECT_STR && p->via.str.size && p->via.str.ptr[0] == '/')
        why = "the path must be relative: stores live under $APPDATA";
    else if (p && p->type == MSGPACK_OBJECT_STR &&
             plugin_base_dir("APPDATA", id.identifier, moat_call_bundle_dir(c), base, sizeof base) <
                 0)
        why = "$APPDATA is not set for this user";
    else if (p && p->type == MSGPACK_OBJECT_STR &&
             core_fs_normalize(p->via.str.ptr, p->via.str.size, base, abs, PATH_MAX, &why) == 0) {
        if (strlen(abs) > strlen(base) + 1) {
            snprintf(rel, PATH_MAX, "%s", abs + strlen(base) + 1);
            return true;
        }
        why = "the path names no file";
    }
    moat_call_reject(c, "invalid_args", "%s: %s", moat_call_command(c), why);
    return false;
}

/* A new store for abs with lo's options (file read unless create_new); NULL with why. */
static struct store *store_new(moat_app *app, const char *abs, const char *rel,
                               struct load_opts *lo, char *why, size_t len)
{
    json_t *file = NULL;
    int rc = lo->create_new ? 1 : store_file_read(abs, rel, &file, why, len);
    if (rc < 0) return NULL;
    struct store *s = calloc(1, sizeof *s);
    if (!s) return json_decref(file), snprintf(why, len, "out of memory"), NULL;
    s->app = app;
    snprintf(s->abs, sizeof s->abs, "%s", abs);
    snprintf(s->rel, sizeof s->rel, "%s", rel);
    s->defaults = lo->defaults;
    lo->defaults = NULL;
    s->debounce_ms = lo->debounce_ms;
    if (file && (lo->override_defaults || !s->defaults))
        s->cache = file;
    else {
        s->cache = s->defaults ? json_deep_copy(s->defaults) : json_object();
        if (file) json_object_update(s->cache, file), json_decref(file);
    }
    s->bytes = cache_bytes(s->cache);
    return s;
}

static void pack_rid(msgpack_packer *pk, const void *ud)
{
    msgpack_pack_uint32(pk, *(const uint32_t *)ud);
}

static void cmd_load(moat_call *c, void *ud)
{
    moat_app *app = ud;
    char abs[PATH_MAX], rel[PATH_MAX], why[PATH_MAX + 300];
    struct load_opts lo;
    /* plugin-store 2.2 on nests the options; 2.0 and 2.1 sent them beside path. */
    const msgpack_object *opts = plugin_arg(moat_call_args(c), "options");
    if (!store_path(c, app, abs, rel) ||
        !load_options(c, plugin_absent(opts) ? moat_call_args(c) : opts, &lo))
        return;
    size_t n;
    pthread_mutex_lock(&store_lock);
    struct store *old = find(app, abs, &n);
    uint32_t rid = old ? old->rid : 0;
    pthread_mutex_unlock(&store_lock);
    if (old && lo.create_new) plugin_rid_close(app, rid), n--, old = NULL;
    if (old) { /* loaded already: the same store, options unapplied, as Tauri */
        json_decref(lo.defaults);
        answer(c, pack_rid, &rid);
        return;
    }
    struct store *s =
        n >= STORE_MAX_PER_APP ? NULL : store_new(app, abs, rel, &lo, why, sizeof why);
    json_decref(lo.defaults);
    if (!s) {
        moat_call_reject(c, "failed", "store:load: %s",
                         n >= STORE_MAX_PER_APP ? "too many stores loaded (256)" : why);
        return;
    }
    if (!(s->rid = plugin_rid_add(app, STORE_KIND, s, store_close))) {
        store_close(s);
        moat_call_reject(c, "failed", "store:load: out of memory");
        return;
    }
    pthread_mutex_lock(&store_lock);
    s->next = stores;
    stores = s;
    pthread_mutex_unlock(&store_lock);
    answer(c, pack_rid, &s->rid);
}

static void cmd_get_store(moat_call *c, void *ud)
{
    char abs[PATH_MAX], rel[PATH_MAX];
    if (!store_path(c, ud, abs, rel)) return;
    size_t n;
    pthread_mutex_lock(&store_lock);
    struct store *s = find(ud, abs, &n);
    uint32_t rid = s ? s->rid : 0;
    pthread_mutex_unlock(&store_lock);
    if (rid)
        answer(c, pack_rid, &rid);
    else
        moat_call_resolve_null(c);
}

/* ---- the values --------------------------------------------------------------------- */

static void cmd_set(moat_call *c, void *ud)
{
    char key[1024], why[PATH_MAX + 200];
    const char *bad = NULL;
    struct store *s = store_arg(c, ud);
    const msgpack_object *v = plugin_arg(moat_call_args(c), "value");
    if (!s || !key_arg(c, key, sizeof key)) return;
    json_t *j = v ? store_json_from(v, 1, &bad) : json_null();
    if (!j) {
        moat_call_reject(c, "invalid_args", "store:set: value: %s", bad ? bad : "out of memory");
        return;
    }
    pthread_mutex_lock(&store_lock);
    const json_t *old = json_object_get(s->cache, key);
    size_t was = old ? entry_bytes(key, old) : 0, will = entry_bytes(key, j);
    if (app_bytes(s->app, s) + s->bytes - was + will > STORE_MAX_APP_BYTES) {
        pthread_mutex_unlock(&store_lock);
        json_decref(j);
        moat_call_reject(c, "limit_exceeded", "store:set: the app's stores would hold over %zu MiB",
                         STORE_MAX_APP_BYTES >> 20);
        return;
    }
    int rc = json_object_set_new(s->cache, key, j);
    if (rc == 0) s->bytes = s->bytes - was + will, emit_change(s, key, j);
    rc = rc < 0 ? (snprintf(why, sizeof why, "out of memory or a key not UTF-8"), -1)
                : changed(s, why, sizeof why);
    pthread_mutex_unlock(&store_lock);
    if (rc < 0)
        moat_call_reject(c, "failed", "store:set: %s", why);
    else
        moat_call_resolve_null(c);
}

struct get_answer {
    const json_t *v;
};

static void pack_get(msgpack_packer *pk, const void *ud)
{
    const json_t *v = ((const struct get_answer *)ud)->v;
    msgpack_pack_array(pk, 2); /* [value, exists] */
    if (v)
        store_json_pack(pk, v, 1);
    else
        msgpack_pack_nil(pk);
    if (v)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

static void cmd_get(moat_call *c, void *ud)
{
    char key[1024];
    struct store *s = store_arg(c, ud);
    if (!s || !key_arg(c, key, sizeof key)) return;
    pthread_mutex_lock(&store_lock);
    struct get_answer a = {json_object_get(s->cache, key)};
    answer(c, pack_get, &a);
    pthread_mutex_unlock(&store_lock);
}

static void cmd_has(moat_call *c, void *ud)
{
    char key[1024];
    struct store *s = store_arg(c, ud);
    if (!s || !key_arg(c, key, sizeof key)) return;
    pthread_mutex_lock(&store_lock);
    bool has = json_object_get(s->cache, key) != NULL;
    pthread_mutex_unlock(&store_lock);
    resolve_bool(c, has);
}

static void cmd_delete(moat_call *c, void *ud)
{
    char key[1024], why[PATH_MAX + 200];
    struct store *s = store_arg(c, ud);
    if (!s || !key_arg(c, key, sizeof key)) return;
    pthread_mutex_lock(&store_lock);
    const json_t *old = json_object_get(s->cache, key);
    if (old) s->bytes -= entry_bytes(key, old);
    bool had = json_object_del(s->cache, key) == 0;
    if (had) emit_change(s, key, NULL);
    int rc = had ? changed(s, why, sizeof why) : 0;
    pthread_mutex_unlock(&store_lock);
    if (rc < 0)
        moat_call_reject(c, "failed", "store:delete: %s", why);
    else
        resolve_bool(c, had);
}

/* clear (defaults NULL) and reset: the cache becomes a copy of defaults, each change announced. */
static int replace_all(struct store *s, const json_t *with, char *why, size_t len)
{
    const char *k;
    json_t *v;
    json_t *next = with ? json_deep_copy(with) : json_object();
    if (!next) return snprintf(why, len, "out of memory"), -1;
    json_object_foreach(s->cache, k, v)
    {
        json_t *nv = json_object_get(next, k);
        if (!nv || !json_equal(nv, v)) emit_change(s, k, nv);
    }
    json_object_foreach(next, k, v) if (!json_object_get(s->cache, k)) emit_change(s, k, v);
    json_decref(s->cache);
    s->cache = next;
    s->bytes = cache_bytes(next);
    return changed(s, why, len);
}

static void clear_or_reset(moat_call *c, void *ud, bool reset)
{
    char why[PATH_MAX + 200];
    struct store *s = store_arg(c, ud);
    if (!s) return;
    pthread_mutex_lock(&store_lock);
    int rc = replace_all(s, reset ? s->defaults : NULL, why, sizeof why);
    pthread_mutex_unlock(&store_lock);
    if (rc < 0)
        moat_call_reject(c, "failed", "%s: %s", moat_call_command(c), why);
    else
        moat_call_resolve_null(c);
}

static void cmd_clear(moat_call *c, void *ud)
{
    clear_or_reset(c, ud, false);
}

static void cmd_reset(moat_call *c, void *ud)
{
    clear_or_reset(c, ud, true);
}

enum listing { KEYS, VALUES, ENTRIES };

struct list_answer {
    const json_t *cache;
    enum listing what;
};

static void pack_list(msgpack_packer *pk, const void *ud)
{
    const struct list_answer *a = ud;
    const char *k;
    json_t *v;
    msgpack_pack_array(pk, json_object_size(a->cache));
    json_object_foreach((json_t *)a->cache, k, v)
    {
        if (a->what == ENTRIES) msgpack_pack_array(pk, 2);
        if (a->what != VALUES) msgpack_pack_str_with_body(pk, k, strlen(k));
        if (a->what != KEYS) store_json_pack(pk, v, 2);
    }
}

static void list(moat_call *c, void *ud, enum listing what)
{
    struct store *s = store_arg(c, ud);
    if (!s) return;
    pthread_mutex_lock(&store_lock);
    struct list_answer a = {s->cache, what};
    answer(c, pack_list, &a);
    pthread_mutex_unlock(&store_lock);
}

static void cmd_keys(moat_call *c, void *ud)
{
    list(c, ud, KEYS);
}

static void cmd_values(moat_call *c, void *ud)
{
    list(c, ud, VALUES);
}

static void cmd_entries(moat_call *c, void *ud)
{
    list(c, ud, ENTRIES);
}

static void cmd_length(moat_call *c, void *ud)
{
    struct store *s = store_arg(c, ud);
    if (!s) return;
    pthread_mutex_lock(&store_lock);
    size_t n = json_object_size(s->cache);
    pthread_mutex_unlock(&store_lock);
    moat_call_resolve_int(c, (int64_t)n);
}

/* ---- the file ---------------------------------------------------------------------- */

/* reload {rid, ignoreDefaults?}: the file again, over the defaults unless ignoreDefaults. */
static void cmd_reload(moat_call *c, void *ud)
{
    char why[PATH_MAX + 300];
    struct store *s = store_arg(c, ud);
    const msgpack_object *ig = plugin_arg(moat_call_args(c), "ignoreDefaults");
    if (!s) return;
    if (!plugin_absent(ig) && ig->type != MSGPACK_OBJECT_BOOLEAN) {
        moat_call_reject(c, "invalid_args", "store:reload: ignoreDefaults must be a boolean");
        return;
    }
    json_t *file = NULL;
    pthread_mutex_lock(&store_lock);
    int rc = store_file_read(s->abs, s->rel, &file, why, sizeof why);
    if (rc == 1) snprintf(why, sizeof why, "%s: there is no store file to reload", s->rel);
    if (rc == 0 && (plugin_absent(ig) || !ig->via.boolean)) {
        json_object_update(s->cache, file);
        json_decref(file);
    } else if (rc == 0) {
        json_decref(s->cache);
        s->cache = file;
    }
    if (rc == 0) s->bytes = cache_bytes(s->cache);
    pthread_mutex_unlock(&store_lock);
    if (rc != 0)
        moat_call_reject(c, rc < 0 ? "failed" : "not_found", "store:reload: %s", why);
    else
        moat_call_resolve_null(c);
}

static void cmd_save(moat_call *c, void *ud)
{
    char why[PATH_MAX + 200];
    struct store *s = store_arg(c, ud);
    if (!s) return;
    pthread_mutex_lock(&store_lock);
    s->due_ms = 0; /* the pending autosave is this save */
    int rc = store_file_write(s->abs, s->rel, s->cache, why, sizeof why);
    pthread_mutex_unlock(&store_lock);
    if (rc < 0)
        moat_call_reject(c, "failed", "store:save: %s", why);
    else
        moat_call_resolve_null(c);
}

int moat_plugin_store_register(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"store:load", cmd_load},       {"store:get_store", cmd_get_store},
        {"store:set", cmd_set},         {"store:get", cmd_get},
        {"store:has", cmd_has},         {"store:delete", cmd_delete},
        {"store:clear", cmd_clear},     {"store:reset", cmd_reset},
        {"store:keys", cmd_keys},       {"store:values", cmd_values},
        {"store:entries", cmd_entries}, {"store:length", cmd_length},
        {"store:reload", cmd_reload},   {"store:save", cmd_save},
    };
    static const char *const manifest[] = {"store/permissions.json"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    return plugin_load_manifests(app, manifest, 1);
}
