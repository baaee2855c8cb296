// SPDX-License-Identifier: MIT
/*
 * log.c: plugin-log's command, plugin:log|log {level, message, location?,
 * file?, line?, keyValues?}, written as plugin-log's default format writes a
 * record, "[YYYY-MM-DD][HH:MM:SS][target][LEVEL] message" (UTC; target is
 * the caller's location, "webview" without one), to the app's targets:
 *
 *   stdout, stderr  through the app's output hook (moat_app_set_output)
 *   log dir         $APPLOG/<productName>.log, rotated when a record would
 *                   take it past max_file_size (40000 bytes, as Tauri):
 *                   keep one (the old file is removed) or keep all (renamed
 *                   <name>_YYYY-MM-DD_HH-MM-SS.log, as Tauri names them)
 *   webview         the event log://log {message, level} to every renderer,
 *                   which attachLogger and attachConsole listen for
 *
 * A Tauri app picks its targets in Rust; a Moat app with
 * moat_plugin_log_configure (default: all but stderr). Renderers are
 * hostile: control characters in a record are escaped, so one record is one
 * line and cannot forge another, and a record is cut at 16 KiB.
 *
 * Moat's own `log` command (core/builtins.c, permission allow-log) stays as
 * it was: one line to the core's log; plugin-log's are log:allow-log and
 * log:default.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "plugins_internal.h"

#define LOG_MAX_RECORD (16u << 10)

struct log_state {
    const moat_app *app;
    moat_log_opts opts;
    struct log_state *next;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_state *states;

void moat_log_opts_default(moat_log_opts *o)
{
    *o = (moat_log_opts){.targets = MOAT_LOG_STDOUT | MOAT_LOG_DIR | MOAT_LOG_WEBVIEW,
                         .max_file_size = 40000,
                         .rotation = MOAT_LOG_KEEP_ONE,
                         .level = 1};
}

int moat_plugin_log_configure(moat_app *app, const moat_log_opts *o)
{
    pthread_mutex_lock(&log_lock);
    struct log_state *s = states;
    while (s && s->app != app)
        s = s->next;
    if (!s && (s = calloc(1, sizeof *s)))
        *s = (struct log_state){.app = app, .next = states}, states = s;
    if (s) s->opts = *o;
    pthread_mutex_unlock(&log_lock);
    return s ? 0 : -1;
}

static void opts_of(const moat_app *app, moat_log_opts *o)
{
    moat_log_opts_default(o);
    pthread_mutex_lock(&log_lock);
    for (struct log_state *s = states; s; s = s->next)
        if (s->app == app) *o = s->opts;
    pthread_mutex_unlock(&log_lock);
}

void plugin_log_forget(moat_app *app)
{
    pthread_mutex_lock(&log_lock);
    for (struct log_state **p = &states; *p; p = &(*p)->next)
        if ((*p)->app == app) {
            struct log_state *s = *p;
            *p = s->next;
            free(s);
            break;
        }
    pthread_mutex_unlock(&log_lock);
}

/* ---- the file ----------------------------------------------------------------------- */

/* mkdir -p, 0700 for what is made. */
static int make_dirs(const char *dir)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s/", dir) >= (int)sizeof p) return -1;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = mkdir(p, 0700);
        *s = '/';
        if (rc < 0 && errno != EEXIST) return -1;
    }
    return 0;
}

int plugin_log_rotate(const char *dir, const char *name, int rotation, uint64_t max, size_t adding)
{
    char path[PATH_MAX], to[PATH_MAX + 40], stamp[32];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    if (lstat(path, &st) < 0 || (uint64_t)st.st_size + adding <= max || st.st_size == 0) return 0;
    if (rotation == MOAT_LOG_KEEP_ONE) return unlink(path);
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", gmtime_r(&now, &tm));
    snprintf(to, sizeof to, "%s/%s_%s.log", dir, name, stamp);
    if (access(to, F_OK) == 0) { /* two rotations in one second: the older becomes .bak, as Tauri */
        char bak[sizeof to + 4];
        snprintf(bak, sizeof bak, "%s.bak", to);
        if (rename(to, bak) < 0) return -1;
    }
    return rename(path, to);
}

/* Appends line to $APPLOG/<productName>.log; 0, or -1 (errno). */
static int write_file(moat_call *c, moat_app *app, const moat_log_opts *o, const char *line,
                      size_t n)
{
    struct plugin_identity id;
    char dir[PATH_MAX], path[PATH_MAX + 300];
    plugin_identity(moat_call_bundle_dir(c), moat_app_name(app), &id);
    const char *name = id.product_name[0] ? id.product_name : id.identifier;
    if (plugin_base_dir("APPLOG", id.identifier, moat_call_bundle_dir(c), dir, sizeof dir) < 0 ||
        strchr(name, '/') || make_dirs(dir) < 0)
        return errno = errno ? errno : ENOENT, -1;
    if (plugin_log_rotate(dir, name, o->rotation, o->max_file_size, n) < 0) return -1;
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -1;
    ssize_t w = write(fd, line, n); /* O_APPEND: one write, one record, even with other writers */
    int e = errno;
    close(fd);
    return w == (ssize_t)n ? 0 : (errno = w < 0 ? e : EIO, -1);
}

/* ---- the command --------------------------------------------------------------------- */

/* Appends s to out (at *n, below cap), control characters escaped ("\n", "\x1b"). */
static void put_escaped(char *out, size_t *n, size_t cap, const char *s, size_t len)
{
    for (size_t i = 0; i < len && *n + 5 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n')
            out[(*n)++] = '\\', out[(*n)++] = 'n';
        else if (ch == '\r')
            out[(*n)++] = '\\', out[(*n)++] = 'r';
        else if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            *n += (size_t)snprintf(out + *n, cap - *n, "\\x%02x", ch);
        else
            out[(*n)++] = (char)ch;
    }
    out[*n] = '\0';
}

/* Checks the optional fields' types as serde would (file, location: strings; line: u32; keyValues:
 * strings). */
static const char *check_optional(const msgpack_object *a)
{
    const msgpack_object *loc = plugin_arg(a, "location"), *file = plugin_arg(a, "file"),
                         *line = plugin_arg(a, "line"), *kv = plugin_arg(a, "keyValues");
    if ((!plugin_absent(loc) && loc->type != MSGPACK_OBJECT_STR) ||
        (!plugin_absent(file) && file->type != MSGPACK_OBJECT_STR))
        return "location and file must be strings";
    if (!plugin_absent(line) &&
        (line->type != MSGPACK_OBJECT_POSITIVE_INTEGER || line->via.u64 > UINT32_MAX))
        return "line must be a number from 0 to 4294967295";
    if (!plugin_absent(kv) && kv->type != MSGPACK_OBJECT_MAP)
        return "keyValues must be an object of strings";
    for (uint32_t i = 0; !plugin_absent(kv) && i < kv->via.map.size; i++)
        if (kv->via.map.ptr[i].key.type != MSGPACK_OBJECT_STR ||
            kv->via.map.ptr[i].val.type != MSGPACK_OBJECT_STR)
            return "keyValues must be an object of strings";
    return NULL;
}

static void emit_record(moat_app *app, const char *line, size_t n, uint64_t level)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "message", 7);
    msgpack_pack_str_with_body(&pk, line, n);
    msgpack_pack_str_with_body(&pk, "level", 5);
    msgpack_pack_uint64(&pk, level);
    if (sb.data) moat_app_emit(app, NULL, "log://log", sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static void cmd_log(moat_call *c, void *ud)
{
    static const char *const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
    moat_app *app = ud;
    const msgpack_object *a = moat_call_args(c), *level = plugin_arg(a, "level"),
                         *msg = plugin_arg(a, "message"), *loc = plugin_arg(a, "location");
    const char *bad = check_optional(a);
    if (!level || level->type != MSGPACK_OBJECT_POSITIVE_INTEGER || level->via.u64 < 1 ||
        level->via.u64 > 5)
        bad = "level must be a LogLevel: 1 (Trace) to 5 (Error)";
    else if (!msg || msg->type != MSGPACK_OBJECT_STR)
        bad = "message must be a string";
    if (bad) {
        moat_call_reject(c, "invalid_args", "log:log: %s", bad);
        return;
    }
    moat_log_opts o;
    opts_of(app, &o);
    if (level->via.u64 <
        (uint64_t)o.level) { /* below the app's level: dropped, as log's max_level */
        moat_call_resolve_null(c);
        return;
    }
    char *line = malloc(LOG_MAX_RECORD + 8), stamp[32];
    if (!line) {
        moat_call_reject(c, "failed", "log:log: out of memory");
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "[%Y-%m-%d][%H:%M:%S]", gmtime_r(&now, &tm));
    size_t n = (size_t)snprintf(line, LOG_MAX_RECORD, "%s[", stamp);
    if (plugin_absent(loc))
        put_escaped(line, &n, LOG_MAX_RECORD, "webview", 7);
    else
        put_escaped(line, &n, 1024, loc->via.str.ptr, loc->via.str.size); /* room for the rest */
    n += (size_t)snprintf(line + n, LOG_MAX_RECORD - n, "][%s] ", names[level->via.u64 - 1]);
    put_escaped(line, &n, LOG_MAX_RECORD, msg->via.str.ptr, msg->via.str.size);
    if (o.targets & MOAT_LOG_STDOUT) core_output(app, moat_call_label(c), 1, "%s", line);
    if (o.targets & MOAT_LOG_STDERR) core_output(app, moat_call_label(c), 2, "%s", line);
    if (o.targets & MOAT_LOG_WEBVIEW) emit_record(app, line, n, level->via.u64);
    int rc = 0;
    if (o.targets & MOAT_LOG_DIR) {
        line[n] = '\n';
        rc = write_file(c, app, &o, line, n + 1);
    }
    free(line);
    if (rc < 0)
        moat_call_reject(c, "failed", "log:log: cannot write the log file: %s", strerror(errno));
    else
        moat_call_resolve_null(c);
}

static void finish(void *app)
{
    plugin_log_forget(app);
}

int moat_plugin_log_register(moat_app *app)
{
    static const char *const manifest[] = {"log/permissions.json"};
    if (moat_app_set_data(app, "moat:log", app, finish) < 0 ||
        moat_app_command(app, "log:log", cmd_log, app) < 0)
        return -1;
    return plugin_load_manifests(app, manifest, 1);
}
