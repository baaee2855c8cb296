// SPDX-License-Identifier: MIT
/*
 * fs_handle.c: plugin-fs's resources: FileHandle (fs:open, fs:create, then
 * fs:read, write, seek, fstat, ftruncate by rid) and the line readers of
 * readTextFileLines (fs:read_text_file_lines, _next). The descriptor is the
 * one opened beneath the scope's root and re-checked when the handle was
 * made, so later calls need no path. rids live in the app's resource table
 * (plugins/core/resources.c), where core:resources:close ends them; a handle
 * answers only the renderer that made it (the table is app-wide).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_req.h"
#include "internal.h"

#define LINES_CHUNK 65536

struct fs_handle {
    moat_app *app;
    moat_renderer *owner; /* a reference: compared, and asked whether it has ended */
    int fd;
    uint32_t rid;
    bool lines;
    /* A line reader's bytes read but not yet answered: buf[off, len). */
    char *buf;
    size_t off, len, cap;
    bool eof;
    struct fs_handle *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fs_handle *handles;

static const char *kind_of(bool lines)
{
    return lines ? "fs:lines" : "fs:file";
}

static void handle_close(void *obj)
{
    struct fs_handle *h = obj;
    pthread_mutex_lock(&lock);
    for (struct fs_handle **p = &handles; *p; p = &(*p)->next)
        if (*p == h) {
            *p = h->next;
            break;
        }
    pthread_mutex_unlock(&lock);
    close(h->fd);
    core_renderer_unref(h->owner);
    free(h->buf);
    free(h);
}

/* Closes app's handles owned by r, or (r NULL) by any renderer that has ended. */
static void close_owned(moat_app *app, const moat_renderer *r)
{
    uint32_t gone[64];
    size_t n;
    do {
        n = 0;
        pthread_mutex_lock(&lock);
        for (struct fs_handle *h = handles; h && n < 64; h = h->next)
            if (h->app == app && (r ? h->owner == r : moat_renderer_exited(h->owner, NULL)))
                gone[n++] = h->rid;
        pthread_mutex_unlock(&lock);
        for (size_t i = 0; i < n; i++)
            plugin_rid_close(app, gone[i]);
    } while (n == 64);
}

void core_fs_handles_sweep(moat_app *app)
{
    core_fs_watch_sweep(app, NULL);
    close_owned(app, NULL);
}

void core_fs_renderer_ended(void *app, moat_renderer *r, const moat_exit *info)
{
    (void)info;
    core_fs_watch_sweep(app, r);
    close_owned(app, r);
}

uint32_t core_fs_handle_add(struct core_fsr *r, int fd, bool lines)
{
    moat_renderer *owner = core_call_renderer(r->call);
    core_fs_handles_sweep(r->app);
    int count = 0;
    pthread_mutex_lock(&lock);
    for (struct fs_handle *h = handles; h; h = h->next)
        count += h->owner == owner;
    pthread_mutex_unlock(&lock);
    struct fs_handle *h = count < FS_HANDLES_PER_RENDERER ? calloc(1, sizeof *h) : NULL;
    if (!h) {
        close(fd);
        if (count >= FS_HANDLES_PER_RENDERER)
            core_fsr_fail(r, "limit_exceeded", "%d open files per renderer (close some first)",
                          FS_HANDLES_PER_RENDERER);
        else
            core_fsr_fail(r, "failed", "out of memory");
        return 0;
    }
    *h = (struct fs_handle){.app = r->app, .owner = owner, .fd = fd, .lines = lines};
    core_renderer_ref(owner);
    /* Listed first: the table may close it (close_all) as soon as it has a rid. */
    pthread_mutex_lock(&lock);
    h->next = handles;
    handles = h;
    pthread_mutex_unlock(&lock);
    h->rid = plugin_rid_add(r->app, kind_of(lines), h, handle_close);
    if (!h->rid) {
        handle_close(h); /* frees h */
        core_fsr_fail(r, "failed", "out of memory");
        return 0;
    }
    return h->rid;
}

static int answer_rid(struct core_fsr *r, int fd, bool lines)
{
    uint32_t rid = core_fs_handle_add(r, fd, lines);
    if (!rid) return -1;
    moat_call_resolve_int(r->call, rid);
    r->call = NULL;
    return 0;
}

/* Rust's OpenOptions as flags: read (default true), write, append, truncate, create, createNew. */
static int open_flags(struct core_fsr *r, int *flags)
{
    bool rd = core_fsr_opt_bool(r, "read", true), wr = core_fsr_opt_bool(r, "write", false),
         ap = core_fsr_opt_bool(r, "append", false), tr = core_fsr_opt_bool(r, "truncate", false),
         cr = core_fsr_opt_bool(r, "create", false), cn = core_fsr_opt_bool(r, "createNew", false);
    if (plugin_absent(r->options)) rd = true;
    bool writes = wr || ap;
    if ((!rd && !writes) || ((tr || cr || cn) && !writes) || (tr && ap))
        return core_fsr_fail(r, "invalid_args",
                             "options: read or write needed; truncate, create and createNew "
                             "need write (truncate not with append)");
    *flags = (rd && writes ? O_RDWR
              : writes     ? O_WRONLY
                           : O_RDONLY) |
             (ap ? O_APPEND : 0) | (tr ? O_TRUNC : 0) | (cr || cn ? O_CREAT : 0) |
             (cn ? O_EXCL : 0);
    return 0;
}

/* Opens (or makes) r's file by name in its checked folder; a regular file only. */
static int open_file(struct core_fsr *r, int flags, int mode)
{
    int fd;
    if (flags & O_CREAT) {
        char parent[PATH_MAX];
        const char *name;
        int dir = core_fsr_open_parent(r, parent, &name);
        if (dir < 0) return -1;
        fd = core_fsr_open_in(dir, name, flags | O_NONBLOCK, mode);
        int err = errno;
        close(dir);
        if (fd < 0) return core_fsr_fail_errno(r, r->abs, err);
    } else if ((fd = core_fsr_open_checked(r, flags | O_NONBLOCK)) < 0) {
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return core_fsr_fail(r, "failed", "%s is not a regular file", r->abs);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* File::create: write-only, made or emptied. */
int core_fs_create(struct core_fsr *r)
{
    int fd = open_file(r, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    return fd < 0 ? -1 : answer_rid(r, fd, false);
}

int core_fs_open_file(struct core_fsr *r)
{
    int flags = 0;
    if (open_flags(r, &flags) < 0) return -1;
    const msgpack_object *m = core_fsr_get(r->options, "mode");
    int mode = m && m->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (int)(m->via.u64 & 0777) : 0666;
    int fd = open_file(r, flags, mode);
    return fd < 0 ? -1 : answer_rid(r, fd, false);
}

int core_fs_read_text_file_lines(struct core_fsr *r)
{
    int fd = open_file(r, O_RDONLY, 0);
    return fd < 0 ? -1 : answer_rid(r, fd, true);
}

/* ---- the rid commands ------------------------------------------------------ */

struct rid_call {
    moat_call *call;
    moat_app *app;
    const char *cmd;
    const msgpack_object *args;
    struct fs_handle *h;
};

static int rc_fail(struct rid_call *c, const char *code, const char *msg, int err)
{
    moat_call_reject(c->call, code, "%s: %s%s%s", c->cmd, msg, err ? ": " : "",
                     err ? strerror(err) : "");
    return -1;
}

static int rc_bin(struct rid_call *c, const char *p, size_t n)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_bin_with_body(&pk, p, n);
    int rc = sb.data ? moat_call_resolve(c->call, sb.data, sb.size) : -1;
    if (!sb.data) rc_fail(c, "failed", "out of memory", 0);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

/* args[key] as an integer in [lo, hi]; absent: dflt. false (answered) otherwise. */
static bool int_arg(struct rid_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt,
                    int64_t *out)
{
    const msgpack_object *v = plugin_arg(c->args, key);
    *out = dflt;
    if (plugin_absent(v)) return true;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= (uint64_t)INT64_MAX)
        *out = (int64_t)v->via.u64;
    else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *out = v->via.i64;
    else if (v->type == MSGPACK_OBJECT_FLOAT64 && v->via.f64 > -9e15 && v->via.f64 < 9e15 &&
             v->via.f64 == (double)(int64_t)v->via.f64)
        *out = (int64_t)v->via.f64;
    else
        return rc_fail(c, "invalid_args", key, 0), false;
    if (*out < lo || *out > hi) return rc_fail(c, "invalid_args", key, ERANGE), false;
    return true;
}

/* read(rid, len): up to len bytes, then the count as 8 big-endian bytes (plugin-fs reads it so). */
static int do_read(struct rid_call *c)
{
    size_t frame = c->app->limits.max_frame;
    int64_t max = frame > 4096 + 8 ? (int64_t)(frame - 4096 - 8) : 0, len;
    if (max > CORE_FS_MAX_READ) max = CORE_FS_MAX_READ;
    if (!int_arg(c, "len", 0, INT64_MAX, -1, &len)) return -1;
    if (len < 0) return rc_fail(c, "invalid_args", "expected {rid, len: number}", 0);
    if (len > max) len = max; /* a short read, as a file may give */
    char *buf = malloc((size_t)len + 8);
    if (!buf) return rc_fail(c, "failed", "out of memory", 0);
    ssize_t n;
    do
        n = read(c->h->fd, buf, (size_t)len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        free(buf);
        return rc_fail(c, "failed", "read", errno);
    }
    for (int i = 0; i < 8; i++)
        buf[n + i] = (char)((uint64_t)n >> (56 - 8 * i));
    int rc = rc_bin(c, buf, (size_t)n + 8);
    free(buf);
    return rc;
}

/* write(rid, data): the bytes written (all of them, or an error). */
static int do_write(struct rid_call *c)
{
    const msgpack_object *d = plugin_arg(c->args, "data");
    if (!d || (d->type != MSGPACK_OBJECT_BIN && d->type != MSGPACK_OBJECT_STR))
        return rc_fail(c, "invalid_args", "expected {rid, data: bytes}", 0);
    const char *p = d->via.bin.ptr;
    size_t n = d->via.bin.size, done = 0;
    while (done < n) {
        ssize_t w = write(c->h->fd, p + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return rc_fail(c, "failed", "write", w < 0 ? errno : EIO);
        done += (size_t)w;
    }
    return moat_call_resolve_int(c->call, (int64_t)done);
}

/* seek(rid, offset, whence: SeekMode 0 Start, 1 Current, 2 End): the new position. */
static int do_seek(struct rid_call *c)
{
    int64_t off, whence;
    if (!int_arg(c, "offset", INT64_MIN + 1, INT64_MAX, 0, &off) ||
        !int_arg(c, "whence", 0, 2, 0, &whence))
        return -1;
    if (whence == 0 && off < 0) return rc_fail(c, "invalid_args", "offset", EINVAL);
    off_t at = lseek(c->h->fd, (off_t)off,
                     whence == 0   ? SEEK_SET
                     : whence == 1 ? SEEK_CUR
                                   : SEEK_END);
    if (at < 0) return rc_fail(c, "failed", "seek", errno);
    return moat_call_resolve_int(c->call, (int64_t)at);
}

static int do_fstat(struct rid_call *c)
{
    struct stat st;
    if (fstat(c->h->fd, &st) < 0) return rc_fail(c, "failed", "fstat", errno);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    core_fs_pack_info(&pk, &st, false);
    int rc = sb.data ? moat_call_resolve(c->call, sb.data, sb.size) : -1;
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

static int do_ftruncate(struct rid_call *c)
{
    int64_t len;
    if (!int_arg(c, "len", 0, INT64_MAX, 0, &len)) return -1;
    if (ftruncate(c->h->fd, (off_t)len) < 0) return rc_fail(c, "failed", "truncate", errno);
    return moat_call_resolve_null(c->call);
}

/* Reads more of a line reader's file; false at the end (or an error, in *err). */
static bool lines_fill(struct fs_handle *h, size_t max, int *err)
{
    if (h->off) {
        memmove(h->buf, h->buf + h->off, h->len - h->off);
        h->len -= h->off;
        h->off = 0;
    }
    if (h->len + LINES_CHUNK > h->cap) {
        size_t cap = h->len + LINES_CHUNK;
        if (cap > max + LINES_CHUNK) return *err = EFBIG, false;
        char *b = realloc(h->buf, cap);
        if (!b) return *err = ENOMEM, false;
        h->buf = b;
        h->cap = cap;
    }
    ssize_t n;
    do
        n = read(h->fd, h->buf + h->len, h->cap - h->len);
    while (n < 0 && errno == EINTR);
    if (n < 0) *err = errno;
    if (n <= 0) return h->eof = true, false;
    h->len += (size_t)n;
    return true;
}

/*
 * read_text_file_lines_next(rid): the next line's bytes (without "\n" or
 * "\r\n") and a 0, or a lone 1 at the end, which closes the reader (as
 * Tauri's does); plugin-fs decodes the bytes with the encoding asked for.
 */
static int do_lines_next(struct rid_call *c)
{
    struct fs_handle *h = c->h;
    size_t frame = c->app->limits.max_frame, max = frame > 8192 ? frame - 8192 : 0;
    if (max > CORE_FS_MAX_READ) max = CORE_FS_MAX_READ;
    int err = 0;
    for (;;) {
        char *nl = h->buf ? memchr(h->buf + h->off, '\n', h->len - h->off) : NULL;
        size_t end = nl ? (size_t)(nl - h->buf) : h->len;
        if (nl || (h->eof && h->len > h->off)) {
            size_t start = h->off, n = end - start;
            h->off = nl ? end + 1 : end;
            if (nl && n && h->buf[end - 1] == '\r') n--;
            char *out = malloc(n + 1);
            if (!out) return rc_fail(c, "failed", "out of memory", 0);
            memcpy(out, h->buf + start, n);
            out[n] = 0;
            int rc = rc_bin(c, out, n + 1);
            free(out);
            return rc;
        }
        if (h->eof) break;
        if (!lines_fill(h, max, &err) && err) break;
    }
    uint32_t rid = h->rid;
    if (err)
        rc_fail(c, err == EFBIG ? "limit_exceeded" : "failed", "reading a line", err);
    else
        rc_bin(c, "\1", 1);
    plugin_rid_close(c->app, rid); /* at the end or on an error, as Tauri's does */
    return err ? -1 : 0;
}

static void run_rid(moat_call *call, void *ud, bool lines, int (*op)(struct rid_call *))
{
    struct rid_call c = {call, ud, moat_call_command(call), moat_call_args(call), NULL};
    core_fs_handles_sweep(c.app);
    const msgpack_object *rid = plugin_arg(c.args, "rid");
    if (!rid || rid->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        rc_fail(&c, "invalid_args", "expected {rid: number, ...}", 0);
        return;
    }
    c.h = plugin_rid_get(c.app, rid->via.u64, kind_of(lines));
    if (!c.h || c.h->owner != core_call_renderer(call)) {
        moat_call_reject(call, "not_found", "%s: bad resource id %llu", c.cmd,
                         (unsigned long long)rid->via.u64);
        return;
    }
    op(&c);
}

#define RID_COMMAND(name, lines)                                                                   \
    static void cmd_##name(moat_call *call, void *ud)                                              \
    {                                                                                              \
        run_rid(call, ud, lines, do_##name);                                                       \
    }
RID_COMMAND(read, false)
RID_COMMAND(write, false)
RID_COMMAND(seek, false)
RID_COMMAND(fstat, false)
RID_COMMAND(ftruncate, false)
RID_COMMAND(lines_next, true)

int core_fs_register_handles(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"fs:read", cmd_read},           {"fs:write", cmd_write},
        {"fs:seek", cmd_seek},           {"fs:fstat", cmd_fstat},
        {"fs:ftruncate", cmd_ftruncate}, {"fs:read_text_file_lines_next", cmd_lines_next},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    return 0;
}
