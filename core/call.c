/*
 * call.c: a request's life in the core, received -> checked -> handled ->
 * answered, and events from renderers. Every path that accepts a request id
 * into r->inflight ends in finish(), which removes it and sends the one
 * response that request gets.
 */
#include "internal.h"
#include "ipc_nng.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct moat_call {
    moat_renderer *r; /* a reference */
    uint64_t id;
    nng_msg *frame; /* the request; args borrow from it */
    struct ipc_slice args;
    msgpack_zone *zone; /* for moat_call_args, made on first use */
    msgpack_object obj;
    char command[];
};

/* Sends the response frame msg (NULL: none could be built) and retires id. */
static void finish(moat_renderer *r, uint64_t id, nng_msg *msg)
{
    nng_mtx_lock(r->mtx);
    core_idset_remove(&r->inflight, id);
    nng_mtx_unlock(r->mtx);
    if (msg)
        core_renderer_send(r, msg);
    else
        core_renderer_abort(r, "out of memory answering request %llu", (unsigned long long)id);
}

static nng_msg *error_frame(uint64_t id, const char *code, const char *message)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, strlen(message) + 64) != 0) return NULL;
    ipc_pack_error(&pk, id, code, message);
    if (b.failed) {
        nng_msg_free(b.msg);
        return NULL;
    }
    return b.msg;
}

void core_send_error(moat_renderer *r, uint64_t id, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    finish(r, id, error_frame(id, code, message));
}

void core_send_result(moat_renderer *r, uint64_t id, const void *value, size_t len)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    nng_msg *msg = NULL;
    if (ipc_msgbuf_init(&b, &pk, len + 24) == 0) {
        ipc_pack_response_head(&pk, id, true);
        ipc_pack_raw(&pk, value, len);
        if (!b.failed)
            msg = b.msg;
        else
            nng_msg_free(b.msg);
    }
    finish(r, id, msg);
}

int core_send_event(moat_renderer *r, const char *name, const void *payload, size_t len)
{
    struct ipc_msgbuf b;
    msgpack_packer pk;
    if (ipc_msgbuf_init(&b, &pk, len + strlen(name) + 16) != 0) return core_fail("out of memory");
    ipc_pack_event_head(&pk, name, strlen(name));
    if (payload)
        ipc_pack_raw(&pk, payload, len);
    else
        msgpack_pack_nil(&pk);
    if (b.failed) {
        nng_msg_free(b.msg);
        return core_fail("out of memory");
    }
    core_renderer_send(r, b.msg);
    return 0;
}

/* ---- the audit log ------------------------------------------------------- */

static void iso_time(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void core_audit(moat_app *app, const char *label, const char *cmd, const struct pol_reason *why)
{
    char when[40];
    iso_time(when, sizeof when);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s}", "time", when, "label", label,
                          "command", cmd, "decision", "deny", "capability", why->capability,
                          "permission", why->permission, "reason", why->text);
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) {
        size_t n = strlen(line);
        line[n] = '\n'; /* overwrites the NUL: one write, one whole line */
        ssize_t w = write(app->audit_fd, line, n + 1);
        (void)w;
    }
    free(line);
    json_decref(o);
}

/* ---- requests ------------------------------------------------------------ */

/* Checks the request; answers it at once unless it goes to a handler. Takes msg. */
void core_handle_request(moat_renderer *r, nng_msg *msg, const struct ipc_frame *f)
{
    char name[IPC_MAX_NAME + 1];
    memcpy(name, f->name.ptr, f->name.len);
    name[f->name.len] = '\0';
    nng_mtx_lock(r->mtx);
    int added = core_idset_add(&r->inflight, f->id);
    nng_mtx_unlock(r->mtx);
    if (added <= 0) {
        nng_msg_free(msg);
        return core_renderer_abort(r,
                                   added == 0 ? "reused request id %llu while it was in flight"
                                              : "out of memory tracking request %llu",
                                   (unsigned long long)f->id);
    }
    struct core_command *cmd = core_table_get(&r->app->commands, name);
    struct pol_reason why;
    moat_call *c = NULL;
    if (core_builtin_request(r, f->id, name)) {
        /* answered */
    } else if (!cmd) {
        core_send_error(r, f->id, "unknown_command", "unknown command \"%s\"", name);
    } else if (pol_check(r->view, name, &why) != POL_ALLOW) {
        core_audit(r->app, r->label, name, &why);
        core_send_error(r, f->id, "denied", "%s is not allowed for \"%s\": %s", name, r->label,
                        why.text);
    } else if (!(c = calloc(1, sizeof *c + f->name.len + 1))) {
        core_send_error(r, f->id, "failed", "out of memory");
    } else {
        core_renderer_ref(r);
        *c = (moat_call){.r = r, .id = f->id, .frame = msg, .args = f->body};
        memcpy(c->command, name, f->name.len + 1);
        cmd->fn(c, cmd->ud); /* owns c from here */
        return;
    }
    nng_msg_free(msg);
}

const char *moat_call_command(const moat_call *c)
{
    return c->command;
}

const char *moat_call_label(const moat_call *c)
{
    return c->r->label;
}

const void *moat_call_args_raw(const moat_call *c, size_t *len)
{
    *len = c->args.len;
    return c->args.ptr;
}

const msgpack_object *moat_call_args(moat_call *c)
{
    if (!c->zone) {
        c->zone = msgpack_zone_new(4096);
        if (!c->zone || ipc_unpack(c->args.ptr, c->args.len, c->zone, &c->obj) != 0)
            c->obj.type = MSGPACK_OBJECT_NIL;
    }
    return &c->obj;
}

static void call_free(moat_call *c)
{
    core_renderer_unref(c->r);
    nng_msg_free(c->frame);
    if (c->zone) msgpack_zone_free(c->zone);
    free(c);
}

int moat_call_resolve(moat_call *c, const void *value, size_t len)
{
    char why[200];
    if (ipc_check_value(value, len, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why)) {
        moat_call_reject(c, "failed", "%s returned an invalid value: %s", c->command, why);
        return core_fail("invalid result for %s: %s", c->command, why);
    }
    core_send_result(c->r, c->id, value, len);
    call_free(c);
    return 0;
}

int moat_call_resolve_null(moat_call *c)
{
    static const char nil = (char)0xc0;
    return moat_call_resolve(c, &nil, 1);
}

/* Packs one value with fn and resolves c with it. */
static int resolve_packed(moat_call *c, void (*fn)(msgpack_packer *, const void *), const void *v)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    fn(&pk, v);
    int rv = sb.data ? moat_call_resolve(c, sb.data, sb.size)
                     : moat_call_reject(c, "failed", "out of memory");
    msgpack_sbuffer_destroy(&sb);
    return rv;
}

static void pack_str(msgpack_packer *pk, const void *s)
{
    ipc_pack_cstr(pk, s);
}

static void pack_int(msgpack_packer *pk, const void *v)
{
    msgpack_pack_int64(pk, *(const int64_t *)v);
}

int moat_call_resolve_str(moat_call *c, const char *s)
{
    return resolve_packed(c, pack_str, s);
}

int moat_call_resolve_int(moat_call *c, int64_t v)
{
    return resolve_packed(c, pack_int, &v);
}

int moat_call_reject(moat_call *c, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (!code || !ipc_name_ok(code, strlen(code))) code = "failed";
    finish(c->r, c->id, error_frame(c->id, code, message));
    call_free(c);
    return 0;
}

/* ---- events from renderers ----------------------------------------------- */

struct pending_listener {
    moat_event_fn fn;
    void *ud;
};

void core_handle_event(moat_renderer *r, const struct ipc_frame *f)
{
    char name[IPC_MAX_NAME + 1];
    memcpy(name, f->name.ptr, f->name.len);
    name[f->name.len] = '\0';
    if (core_builtin_event(r, f)) return;
    /* Collected first: a listener may unlisten (itself or others) while called. */
    size_t n = 0;
    for (struct core_listener *l = r->app->listeners; l; l = l->next)
        n += strcmp(l->event, name) == 0;
    if (n == 0) return;
    struct pending_listener *ls = calloc(n, sizeof *ls);
    msgpack_zone *zone = msgpack_zone_new(4096);
    msgpack_object payload;
    if (ls && zone && ipc_unpack(f->body.ptr, f->body.len, zone, &payload) == 0) {
        size_t i = 0;
        for (struct core_listener *l = r->app->listeners; l; l = l->next)
            if (strcmp(l->event, name) == 0) ls[i++] = (struct pending_listener){l->fn, l->ud};
        for (i = 0; i < n; i++)
            ls[i].fn(ls[i].ud, r->label, name, &payload);
    }
    if (zone) msgpack_zone_free(zone);
    free(ls);
}
