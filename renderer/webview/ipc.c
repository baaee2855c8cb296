// SPDX-License-Identifier: MIT
/*
 * ipc.c: the page's frames (page.js, through the reply-capable script
 * message handler "moat") relayed to the core, and the core's answers,
 * events and channel frames back to the page. The client's fd is a source
 * in GLib's main loop: one thread, as moat_renderer.h requires.
 *
 * An invoke is answered through its own message's reply (the fastest path
 * WebKit has: measured ~220 µs round trip); events and channel frames go to
 * the one 'recv' message the page keeps outstanding. Invokes with binaries
 * come over ipc:// instead (rawipc.c), and a binary answer to one from here
 * is stashed there for the page to fetch: bytes never cross as text.
 */
#include "wv.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

extern const char wv_page_js[], moat_prelude_js[];

struct pending {
    uint64_t local; /* the page's id (native.invoke's return) */
    WebKitScriptMessageReply *reply;
    JSCContext *ctx;
    char *window_cmd;      /* a core:window:* command, carried out here once allowed */
    json_t *window_args;   /* its args (or a destroyed listen's) */
    bool close_listen;     /* plugin:event|listen for tauri://close-requested */
    bool destroyed_listen; /* plugin:event|listen for tauri://destroyed (args kept) */
    wv_reply_fn fn;        /* the host's own request (wv_ipc_request): no page waits */
    void *ud;
};

/* The page's listeners of tauri://close-requested (their event ids): while there is one, a
 * close asks the page first, as Tauri does (onCloseRequested, preventDefault). */
static GHashTable *close_ids;

bool wv_ipc_close_listened(void)
{
    return g_hash_table_size(close_ids) > 0;
}

/*
 * The page's listeners of tauri://destroyed: the window each listens on
 * (NULL: any window, as a target of kind Any) and its callback. The core
 * tells of exits through moat://renderer-exited, which the host listens for
 * itself (once) for that, and each exit runs the callbacks of the listeners
 * on that window alone, as Tauri routes by target. No renderer can emit a
 * tauri:// event, so the page's listener by name hears nothing else.
 */
struct destroyed_listener {
    char *label;
    json_int_t handler, event_id;
};
static GPtrArray *destroyed; /* of struct destroyed_listener */
static bool exits_heard;

static void destroyed_free(gpointer p)
{
    struct destroyed_listener *d = p;
    g_free(d->label);
    g_free(d);
}

static int pack_exit_listen(msgpack_packer *pk, void *ud)
{
    (void)ud;
    json_t *a = json_pack("{s:s,s:{s:s},s:i}", "event", "moat://renderer-exited", "target", "kind",
                          "Any", "handler", 0);
    int rv = wv_json_pack(wv.client, pk, a, 0);
    json_decref(a);
    return rv;
}

static bool is_destroyed_event(const json_t *args)
{
    const char *e = json_string_value(json_object_get(args, "event"));
    return e && !strcmp(e, "tauri://destroyed");
}

/* A listen for tauri://destroyed was allowed (its event id: eid): keep whom it is for. */
static void note_destroyed_listen(const json_t *args, json_int_t eid)
{
    const char *l = json_string_value(json_object_get(json_object_get(args, "target"), "label"));
    struct destroyed_listener *d = g_new0(struct destroyed_listener, 1);
    d->label = l ? g_strdup(l) : NULL;
    d->handler = json_integer_value(json_object_get(args, "handler"));
    d->event_id = eid;
    g_ptr_array_add(destroyed, d);
    uint64_t id;
    if (!exits_heard && moat_client_request_pack(wv.client, "plugin:event|listen", pack_exit_listen,
                                                 NULL, 64, &id) == 0)
        exits_heard = true; /* its answer finds no pending entry and is dropped */
}

static void forget_destroyed_listen(json_int_t eid)
{
    for (guint i = destroyed->len; i-- > 0;)
        if (((struct destroyed_listener *)destroyed->pdata[i])->event_id == eid)
            g_ptr_array_remove_index(destroyed, i);
}

static bool is_close_event(const json_t *args)
{
    const char *e = json_string_value(json_object_get(args, "event"));
    return e && !strcmp(e, WV_CLOSE_REQUESTED);
}

/*
 * What the next 'recv' gets, in order. A message with binaries (an event's
 * payload, a channel message) keeps its body here and is stashed only as
 * it is handed to the page, which fetches it by token before it delivers
 * the messages after it and asks for more: so a later JSON message never
 * overtakes it, and the stash holds at most one batch of them (a 'recv'
 * forgets what the page did not fetch of the last one).
 */
struct item {
    json_t *m;
    const char *type; /* the body's (static), when bytes */
    GBytes *bytes;
};

static GHashTable *pending; /* core request id -> struct pending */
static GPtrArray *queue;    /* of struct item */
static WebKitScriptMessageReply *recv_reply;
static JSCContext *recv_ctx;
static bool lost;

static void item_free(gpointer p)
{
    struct item *it = p;
    json_decref(it->m);
    if (it->bytes) g_bytes_unref(it->bytes);
    g_free(it);
}

static void answer(WebKitScriptMessageReply *reply, JSCContext *ctx, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    JSCValue *str = jsc_value_new_string(ctx, s ? s : "null");
    webkit_script_message_reply_return_value(reply, str);
    g_object_unref(str);
    free(s);
    json_decref(v);
}

static void pending_free(gpointer p)
{
    struct pending *q = p;
    if (q->reply) webkit_script_message_reply_unref(q->reply);
    if (q->ctx) g_object_unref(q->ctx);
    g_free(q->window_cmd);
    json_decref(q->window_args);
    g_free(q);
}

/* Whether it goes in this batch: its body stashed (its token in m.raw). When the stash is full
 * the batch ends there and the rest waits for room (wv_ipc_stash_freed, the next 'recv'); a body
 * over the stash's whole size, which never fits, is dropped with a line. */
static bool batch_add(json_t *batch, struct item *it)
{
    if (it->bytes) {
        char *token = wv_rawipc_stash_body(it->type, it->bytes, true);
        if (!token && (json_array_size(batch) > 0 || g_bytes_get_size(it->bytes) <= WV_STASH_BYTES))
            return false;
        if (!token) {
            fprintf(stderr, "moat-webview: dropped a %s of %zu bytes, over the stash's %zu\n",
                    json_string_value(json_object_get(it->m, "t")), g_bytes_get_size(it->bytes),
                    WV_STASH_BYTES);
            return true;
        }
        json_object_set_new(it->m, "raw", json_string(token));
        g_free(token);
    }
    json_array_append(batch, it->m);
    return true;
}

static void flush_queue(void)
{
    if (!recv_reply || queue->len == 0) return;
    json_t *batch = json_array();
    guint n = 0;
    while (n < queue->len && batch_add(batch, queue->pdata[n]))
        n++;
    g_ptr_array_remove_range(queue, 0, n);
    if (json_array_size(batch) == 0) return json_decref(batch);
    answer(recv_reply, recv_ctx, batch);
    webkit_script_message_reply_unref(recv_reply);
    g_object_unref(recv_ctx);
    recv_reply = NULL;
    recv_ctx = NULL;
}

void wv_ipc_stash_freed(void)
{
    flush_queue();
}

/* Takes m, and value's binaries (borrowed; NULL: none) as m's body. */
static void push_value(json_t *m, const msgpack_object *value)
{
    struct item *it = g_new0(struct item, 1);
    it->m = m;
    if (value && wv_rawipc_encode(value, &it->type, &it->bytes) != 0) {
        fprintf(stderr, "moat-webview: a %s could not be encoded\n",
                json_string_value(json_object_get(m, "t")));
        return item_free(it);
    }
    g_ptr_array_add(queue, it);
    flush_queue();
}

static void push(json_t *m)
{
    push_value(m, NULL);
}

void wv_ipc_local_event(const char *name, json_t *payload)
{
    push(json_pack("{s:s,s:s,s:o}", "t", "event", "event", name, "payload", payload));
}

/* ---- page -> core */

struct pack_args {
    const json_t *args;
};

static int pack_args(msgpack_packer *pk, void *ud)
{
    return wv_json_pack(wv.client, pk, ((struct pack_args *)ud)->args, 0);
}

static void on_invoke(json_t *m, WebKitScriptMessageReply *reply, JSCContext *ctx)
{
    const char *cmd = json_string_value(json_object_get(m, "cmd"));
    json_t *args = json_object_get(m, "args");
    struct pack_args a = {args ? args : json_null()};
    uint64_t id = 0;
    if (lost || !cmd || moat_client_request_pack(wv.client, cmd, pack_args, &a, 64, &id) != 0) {
        answer(reply, ctx,
               json_pack("{s:b,s:s,s:s}", "ok", 0, "code", lost ? "core_gone" : "invalid_args",
                         "message", lost ? "the core is gone" : moat_client_error(wv.client)));
        return;
    }
    struct pending *p = g_new0(struct pending, 1);
    p->local = (uint64_t)json_integer_value(json_object_get(m, "id"));
    p->reply = webkit_script_message_reply_ref(reply);
    p->ctx = g_object_ref(ctx);
    p->close_listen = !strcmp(cmd, "plugin:event|listen") && is_close_event(args);
    p->destroyed_listen = !strcmp(cmd, "plugin:event|listen") && is_destroyed_event(args);
    if (!strcmp(cmd, "plugin:event|unlisten")) {
        json_int_t eid = json_integer_value(json_object_get(args, "eventId"));
        if (is_close_event(args)) g_hash_table_remove(close_ids, &eid);
        if (is_destroyed_event(args)) forget_destroyed_listen(eid);
    }
    if (wv_window_is_cmd(cmd) || wv_plugin_is_cmd(cmd)) p->window_cmd = g_strdup(cmd);
    if (p->window_cmd || p->destroyed_listen) p->window_args = json_incref((json_t *)a.args);
    g_hash_table_insert(pending, g_memdup2(&id, sizeof id), p);
}

int wv_ipc_request_pack(const char *cmd, moat_pack_fn pack, void *pud, size_t hint, uint64_t local,
                        wv_reply_fn fn, void *ud)
{
    uint64_t id = 0;
    if (lost) return -2;
    if (moat_client_request_pack(wv.client, cmd, pack, pud, hint, &id) != 0) return -1;
    struct pending *p = g_new0(struct pending, 1);
    p->local = local;
    p->fn = fn, p->ud = ud;
    g_hash_table_insert(pending, g_memdup2(&id, sizeof id), p);
    return 0;
}

int wv_ipc_request(const char *cmd, const json_t *args, wv_reply_fn fn, void *ud)
{
    struct pack_args a = {args};
    return wv_ipc_request_pack(cmd, pack_args, &a, 256, 0, fn, ud) == 0 ? 0 : -1;
}

static void on_cancel(json_t *m)
{
    uint64_t local = (uint64_t)json_integer_value(json_object_get(m, "id"));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, pending);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (((struct pending *)v)->local == local) {
            moat_client_cancel(wv.client, *(uint64_t *)k);
            return;
        }
}

/* Page output, line by line as the JS renderer writes it; the core adds the label. */
static void on_print(json_t *m)
{
    const char *text = json_string_value(json_object_get(m, "text"));
    FILE *f = json_integer_value(json_object_get(m, "stream")) == 2 ? stderr : stdout;
    fprintf(f, "%s\n", text ? text : "");
    fflush(f);
}

/* A stashed body without a fetch (the page's CSP refuses ipc:): its type and base64. */
static void on_take(json_t *m, WebKitScriptMessageReply *reply, JSCContext *ctx)
{
    const char *type = NULL;
    GBytes *b = wv_rawipc_take(json_string_value(json_object_get(m, "token")), &type);
    if (!b)
        return answer(reply, ctx,
                      json_pack("{s:b,s:s,s:s}", "ok", 0, "code", "not_found", "message",
                                "no such answer (each is fetched once)"));
    gsize n;
    const guchar *d = g_bytes_get_data(b, &n);
    gchar *b64 = g_base64_encode(d, n);
    answer(reply, ctx, json_pack("{s:b,s:s,s:s}", "ok", 1, "type", type, "body", b64));
    g_free(b64);
    g_bytes_unref(b);
}

static gboolean on_message(WebKitUserContentManager *ucm, JSCValue *value,
                           WebKitScriptMessageReply *reply, gpointer ud)
{
    (void)ucm, (void)ud;
    char *s = jsc_value_is_string(value) ? jsc_value_to_string(value) : NULL;
    json_error_t je;
    json_t *m = s ? json_loads(s, JSON_ALLOW_NUL, &je) : NULL;
    g_free(s);
    const char *t = json_string_value(json_object_get(m, "t"));
    JSCContext *ctx = jsc_value_get_context(value);
    if (!t) {
        webkit_script_message_reply_return_error_message(reply, "moat: malformed frame");
    } else if (!strcmp(t, "invoke")) {
        on_invoke(m, reply, ctx);
    } else if (!strcmp(t, "take")) {
        on_take(m, reply, ctx);
    } else if (!strcmp(t, "recv")) {
        wv_rawipc_drop_pushed(); /* the last batch's bodies are fetched, or never will be */
        if (recv_reply) {        /* a page that was reloaded: the old one's wait ends empty */
            answer(recv_reply, recv_ctx, json_array());
            webkit_script_message_reply_unref(recv_reply);
            g_object_unref(recv_ctx);
        }
        recv_reply = webkit_script_message_reply_ref(reply);
        recv_ctx = g_object_ref(ctx);
        flush_queue();
    } else {
        if (!strcmp(t, "cancel"))
            on_cancel(m);
        else if (!strcmp(t, "print"))
            on_print(m);
        else if (!strcmp(t, "exit")) {
            wv.exit_code = (int)json_integer_value(json_object_get(m, "code"));
            gtk_widget_destroy(wv.window);
        }
        answer(reply, ctx, json_null());
    }
    json_decref(m);
    return TRUE;
}

/* ---- core -> page */

static void dispatch(const moat_msg *m)
{
    if (m->kind == MOAT_MSG_RESPONSE) {
        struct pending *p = g_hash_table_lookup(pending, &m->id);
        if (!p) return;
        if (p->fn) {
            p->fn(m, p->ud);
            g_hash_table_remove(pending, &m->id);
            return;
        }
        json_t *r;
        if (m->ok && p->window_cmd) /* allowed: now the host carries it out */
            r = wv_plugin_is_cmd(p->window_cmd)
                    ? wv_plugin_run(p->window_cmd, p->window_args, p->reply, p->ctx)
                    : wv_window_run(p->window_cmd, p->window_args);
        else if (m->ok && wv_msgpack_has_bin(&m->value, 0)) { /* the page fetches the bytes */
            char *token = wv_rawipc_stash(&m->value);
            r = token ? json_pack("{s:b,s:s}", "ok", 1, "raw", token)
                      : json_pack("{s:b,s:s,s:s}", "ok", 0, "code", "limit_exceeded", "message",
                                  "too many binary answers (or bytes) the page has not read");
            g_free(token);
        } else if (m->ok)
            r = json_pack("{s:b,s:o}", "ok", 1, "value", wv_json_from_msgpack(&m->value, 0));
        else
            r = json_pack("{s:b,s:s?,s:s?}", "ok", 0, "code", m->code, "message", m->message);
        if (m->ok && p->close_listen && json_is_integer(json_object_get(r, "value"))) {
            json_int_t eid = json_integer_value(json_object_get(r, "value"));
            g_hash_table_add(close_ids, g_memdup2(&eid, sizeof eid));
        }
        if (m->ok && p->destroyed_listen && json_is_integer(json_object_get(r, "value")))
            note_destroyed_listen(p->window_args, json_integer_value(json_object_get(r, "value")));
        if (r) answer(p->reply, p->ctx, r); /* else the plugin answers later */
        g_hash_table_remove(pending, &m->id);
    } else if (m->kind == MOAT_MSG_CHANNEL) {
        bool bin = wv_msgpack_has_bin(&m->value, 0);
        json_t *c = json_pack("{s:s,s:I,s:I,s:b}", "t", "channel", "id", (json_int_t)m->id, "index",
                              (json_int_t)m->index, "end", m->end);
        if (!bin) json_object_set_new(c, "value", wv_json_from_msgpack(&m->value, 0));
        push_value(c, bin ? &m->value : NULL);
    } else if (m->kind == MOAT_MSG_EVENT) {
        if (m->event && !strcmp(m->event, "moat://renderer-exited")) {
            json_t *e = wv_json_from_msgpack(&m->value, 0);
            const char *l = json_string_value(json_object_get(e, "label"));
            for (guint i = 0; l && i < destroyed->len; i++) { /* as Tauri: the window is gone */
                struct destroyed_listener *d = destroyed->pdata[i];
                if (!d->label || !strcmp(d->label, l))
                    push(json_pack("{s:s,s:I,s:{s:s,s:I,s:n}}", "t", "callback", "id", d->handler,
                                   "data", "event", "tauri://destroyed", "id", d->event_id,
                                   "payload"));
            }
            json_decref(e);
        }
        bool bin = wv_msgpack_has_bin(&m->value, 0);
        json_t *ev = json_pack("{s:s,s:s}", "t", "event", "event", m->event ? m->event : "");
        if (!bin) json_object_set_new(ev, "payload", wv_json_from_msgpack(&m->value, 0));
        if (m->sender) json_object_set_new(ev, "sender", json_string(m->sender));
        push_value(ev, bin ? &m->value : NULL);
    }
}

static gboolean on_client(gint fd, GIOCondition cond, gpointer ud)
{
    (void)fd, (void)cond, (void)ud;
    moat_msg m = {0};
    int rv;
    while ((rv = moat_client_recv(wv.client, &m, 0)) == 1) {
        dispatch(&m);
        moat_msg_free(&m);
    }
    if (rv < 0) {
        const char *why = moat_client_error(wv.client);
        fprintf(stderr, "moat-webview: %s\n", why);
        lost = true;
        push(json_pack("{s:s,s:s}", "t", "lost", "message", why));
        wv.exit_code = 1;
        gtk_main_quit();
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

void wv_ipc_attach(WebKitUserContentManager *ucm)
{
    pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, pending_free);
    queue = g_ptr_array_new_with_free_func(item_free);
    close_ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    destroyed = g_ptr_array_new_with_free_func(destroyed_free);
    g_signal_connect(ucm, "script-message-with-reply-received::moat", G_CALLBACK(on_message), NULL);
    webkit_user_content_manager_register_script_message_handler_with_reply(ucm, "moat", NULL);
    g_unix_fd_add(moat_client_fd(wv.client), G_IO_IN | G_IO_HUP | G_IO_ERR, on_client, NULL);
}

/* uname's machine as Rust's std::env::consts::ARCH names it (plugin-os's arch). */
static const char *rust_arch(const char *machine)
{
    static const char *const map[][2] = {{"i386", "x86"},          {"i686", "x86"},
                                         {"armv7l", "arm"},        {"armv6l", "arm"},
                                         {"ppc64le", "powerpc64"}, {"ppc64", "powerpc64"}};
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (!strcmp(machine, map[i][0])) return map[i][1];
    return machine;
}

/*
 * What plugin-os's init script defines, read synchronously by
 * @tauri-apps/plugin-os: the version comes from the core (MOAT_OS_VERSION:
 * this sandbox has no /etc/os-release).
 */
static char *os_internals(void)
{
    struct utsname un;
    const char *v = getenv("MOAT_OS_VERSION");
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "eol", "\n", "os_type", "linux",
                  "platform", "linux", "family", "unix", "version", v && *v ? v : "Unknown", "arch",
                  uname(&un) == 0 ? rust_arch(un.machine) : "unknown", "exe_extension", "");
    char *j = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return j;
}

char *wv_ipc_user_script(const char *label)
{
    json_t *l = json_string(label);
    char *lj = json_dumps(l, JSON_ENCODE_ANY), *os = os_internals();
    char *s = g_strdup_printf("(\n%s\n)(\n%s\n, %s);\n"
                              "Object.defineProperty(window, '__TAURI_OS_PLUGIN_INTERNALS__', "
                              "{value: Object.freeze(%s)});\n",
                              wv_page_js, moat_prelude_js, lj, os ? os : "{}");
    free(os);
    free(lj);
    json_decref(l);
    return s;
}
