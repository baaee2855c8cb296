// SPDX-License-Identifier: MIT
/*
 * fs_watch.c: fs:watch and fs:unwatch through inotify, with plugin-fs's
 * event shape (notify's Event: {type, paths, attrs}). Each watched path is
 * checked as any command's path and opened beneath its entry's root (that
 * descriptor is kept); the folders below it, for a recursive watch, are
 * opened from it with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, so no link,
 * planted or swapped in, makes a watch reach outside; a folder or file a
 * deny entry covers is neither watched nor reported. One thread serves every
 * watcher; an event for a renderer that is not reading is dropped, never
 * queued without bound. With delayMs (plugin-fs's watch) events wait in a
 * queue (fs_debounce.c) and leave as notify-debouncer-full lets them; the
 * thread's poll sleeps until the next batch is due. Without it
 * (watchImmediate) each goes as it comes, renames as notify reports them:
 * from, to, then both, each with the cookie as attrs.tracker.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_debounce.h"
#include "fs_req.h"
#include "internal.h"

#define WATCH_MASK                                                                                 \
    (IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO |                 \
     IN_CLOSE_WRITE | IN_DELETE_SELF | IN_ONLYDIR * 0)
#define MAX_ROOTS 16
#define MAX_DEPTH 64

struct watch_dir {
    int wd, root; /* inotify's, and which of the watcher's roots it lies below */
    char *rel;    /* below that root: "" for the root itself */
};

struct watcher {
    moat_app *app;
    moat_renderer *owner; /* a reference */
    moat_channel *ch;
    int ifd;
    uint32_t rid;
    bool recursive, dead;
    int roots[MAX_ROOTS]; /* O_PATH descriptors of the watched paths */
    char *root_abs[MAX_ROOTS];
    size_t n_roots, n_dirs;
    struct watch_dir dirs[FS_WATCH_DIRS];
    /* The call's deny entries and env, copied: events are checked after it ended. */
    msgpack_zone *zone;
    const msgpack_object **deny;
    size_t n_deny;
    struct core_fs_env env;
    char env_buf[6 * PATH_MAX];
    struct fsd *debounce; /* NULL: events go as they come */
    char *from;           /* watchImmediate: the last rename's from, for its both */
    uint32_t from_cookie;
    struct watcher *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watcher *watchers;
static int wake[2] = {-1, -1};
static bool started;

static void watcher_free(struct watcher *w)
{
    if (w->ifd >= 0) close(w->ifd);
    for (size_t i = 0; i < w->n_roots; i++) {
        close(w->roots[i]);
        free(w->root_abs[i]);
    }
    for (size_t i = 0; i < w->n_dirs; i++)
        free(w->dirs[i].rel);
    if (w->ch) moat_channel_close(w->ch);
    if (w->owner) core_renderer_unref(w->owner);
    if (w->zone) msgpack_zone_free(w->zone);
    fsd_free(w->debounce);
    free(w->from);
    free(w->deny);
    free(w);
}

/* The table's close: unlisted under the lock, so the thread never sees it again. */
static void watcher_close(void *obj)
{
    struct watcher *w = obj;
    pthread_mutex_lock(&lock);
    for (struct watcher **p = &watchers; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    pthread_mutex_unlock(&lock);
    if (wake[1] >= 0 && write(wake[1], "", 1) < 0) { /* the poll set is rebuilt */
    }
    watcher_free(w);
}

void core_fs_watch_sweep(moat_app *app, const moat_renderer *r)
{
    uint32_t gone[MAX_ROOTS];
    size_t n;
    do {
        n = 0;
        pthread_mutex_lock(&lock);
        for (struct watcher *w = watchers; w && n < MAX_ROOTS; w = w->next)
            if (w->app == app &&
                (r ? w->owner == r : w->dead || moat_renderer_exited(w->owner, NULL)))
                gone[n++] = w->rid;
        pthread_mutex_unlock(&lock);
        for (size_t i = 0; i < n; i++)
            plugin_rid_close(app, gone[i]);
    } while (n == MAX_ROOTS);
}

/* ---- events ---------------------------------------------------------------- */

/* notify's event for one inotify mask (paths not set); false: not reported. */
static bool kind_of(uint32_t m, uint32_t cookie, struct fsd_event *e)
{
    *e = (struct fsd_event){.sub = m & IN_ISDIR ? FSD_FOLDER : FSD_FILE, .time = fsd_now()};
    if (m & IN_CREATE)
        e->kind = FSD_CREATE;
    else if (m & (IN_DELETE | IN_DELETE_SELF))
        e->kind = FSD_REMOVE;
    else if (m & IN_MODIFY)
        e->kind = FSD_DATA;
    else if (m & IN_ATTRIB)
        e->kind = FSD_META;
    else if (m & (IN_MOVED_FROM | IN_MOVED_TO))
        e->kind = m & IN_MOVED_FROM ? FSD_FROM : FSD_TO, e->has_tracker = true, e->tracker = cookie;
    else if (m & IN_CLOSE_WRITE)
        e->kind = FSD_CLOSE;
    else
        return false;
    return true;
}

/* Sends e on w's channel, unless the renderer is not reading (dropped) or gone. */
static void send_one(void *ud, const struct fsd_event *e)
{
    struct watcher *w = ud;
    if (w->dead || core_channel_room(w->ch) <= 0) { /* gone, or not reading: dropped */
        if (core_channel_room(w->ch) < 0) w->dead = true;
        return;
    }
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    fsd_pack(&pk, e);
    if (sb.data && moat_channel_send(w->ch, sb.data, sb.size) != 0) w->dead = true;
    msgpack_sbuffer_destroy(&sb);
}

/* watchImmediate's rename: from and to as they come, then both once the pair is seen. */
static void send_now(struct watcher *w, struct fsd_event *e, char *path)
{
    e->paths[0] = path, e->n_paths = 1;
    send_one(w, e);
    if (e->kind == FSD_FROM) {
        free(w->from);
        w->from = strdup(path), w->from_cookie = e->tracker;
    } else if (e->kind == FSD_TO && w->from && w->from_cookie == e->tracker) {
        struct fsd_event both = *e;
        both.kind = FSD_BOTH, both.paths[0] = w->from, both.paths[1] = path, both.n_paths = 2;
        send_one(w, &both);
        free(w->from);
        w->from = NULL;
    }
}

static struct watch_dir *dir_of(struct watcher *w, int wd)
{
    for (size_t i = 0; i < w->n_dirs; i++)
        if (w->dirs[i].wd == wd) return &w->dirs[i];
    return NULL;
}

static void logical(const struct watcher *w, int root, const char *rel, const char *name, char *out,
                    size_t len)
{
    const char *a = w->root_abs[root];
    snprintf(out, len, "%s%s%s%s%s", a, *rel ? "/" : "", rel, name && *name ? "/" : "",
             name ? name : "");
}

/* Watches folder rel below root (opened without following any link), and, recursively, below. */
static int add_dir(struct watcher *w, int root, const char *rel, int depth);

static void send_event(struct watcher *w, const struct inotify_event *e)
{
    struct watch_dir *d = dir_of(w, e->wd);
    if (!d || (e->mask & IN_IGNORED)) return;
    char path[2 * PATH_MAX];
    logical(w, d->root, d->rel, e->len ? e->name : NULL, path, sizeof path);
    if (core_fs_denied(path, w->deny, w->n_deny, &w->env)) return;
    if (w->recursive && e->len && (e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO))) {
        char rel[PATH_MAX];
        snprintf(rel, sizeof rel, "%s%s%s", d->rel, *d->rel ? "/" : "", e->name);
        add_dir(w, d->root, rel, 0);
    }
    struct fsd_event ev;
    if (!kind_of(e->mask, e->cookie, &ev)) return;
    if (w->debounce)
        fsd_add(w->debounce, &ev, path);
    else
        send_now(w, &ev, path);
}

static void drain(struct watcher *w)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(w->ifd, buf, sizeof buf)) > 0)
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (!(e->mask & IN_Q_OVERFLOW)) send_event(w, e);
            p += sizeof *e + e->len;
        }
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd fds[1 + 64];
        size_t n = 1;
        fds[0] = (struct pollfd){.fd = wake[0], .events = POLLIN};
        int64_t wait = 1000, now = fsd_now();
        pthread_mutex_lock(&lock);
        for (struct watcher *w = watchers; w && n < 65; w = w->next) {
            if (w->dead) continue;
            fds[n++] = (struct pollfd){.fd = w->ifd, .events = POLLIN};
            int64_t due = w->debounce ? fsd_wait(w->debounce, now) : -1;
            if (due >= 0 && due < wait) wait = due;
        }
        pthread_mutex_unlock(&lock);
        if (poll(fds, n, (int)wait) < 0) continue;
        char junk[64];
        if (fds[0].revents && read(wake[0], junk, sizeof junk) < 0) {
        }
        pthread_mutex_lock(&lock); /* a watcher still listed is not being closed */
        for (size_t i = 1; i < n; i++)
            for (struct watcher *w = watchers; fds[i].revents && w; w = w->next)
                if (w->ifd == fds[i].fd && !w->dead) drain(w);
        now = fsd_now();
        for (struct watcher *w = watchers; w; w = w->next)
            if (w->debounce && !w->dead && fsd_wait(w->debounce, now) == 0)
                fsd_flush(w->debounce, now, send_one, w);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

/* ---- setting up -------------------------------------------------------------- */

static int watch_fd(struct watcher *w, int fd, int root, const char *rel)
{
    if (w->n_dirs >= FS_WATCH_DIRS) return errno = E2BIG, -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int wd = inotify_add_watch(w->ifd, proc, WATCH_MASK);
    if (wd < 0) return -1;
    if (dir_of(w, wd)) return 0; /* the same folder twice */
    char *copy = strdup(rel);
    if (!copy) return errno = ENOMEM, -1;
    w->dirs[w->n_dirs++] = (struct watch_dir){wd, root, copy};
    return 0;
}

static int add_dir(struct watcher *w, int root, const char *rel, int depth)
{
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
                           .resolve =
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    char path[2 * PATH_MAX];
    logical(w, root, rel, NULL, path, sizeof path);
    if (depth > MAX_DEPTH || core_fs_denied(path, w->deny, w->n_deny, &w->env)) return 0;
    int fd = core_fs_openat2(w->roots[root], *rel ? rel : ".", &how);
    if (fd < 0) return errno == ENOTDIR || errno == ELOOP || errno == ENOENT ? 0 : -1;
    int rc = watch_fd(w, fd, root, rel);
    DIR *d = rc == 0 && w->recursive ? fdopendir(fd) : NULL;
    if (!d) {
        close(fd);
        return rc;
    }
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char sub[PATH_MAX];
        if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= PATH_MAX)
            continue;
        rc = add_dir(w, root, sub, depth + 1);
    }
    closedir(d);
    return rc;
}

/* A deep copy of v in zone (the bytes it points to as well). */
static int copy_object(msgpack_zone *zone, const msgpack_object *v, msgpack_object *out)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *v);
    char *bytes = sb.data ? msgpack_zone_malloc(zone, sb.size) : NULL;
    size_t off = 0;
    int rc = -1;
    if (bytes) {
        memcpy(bytes, sb.data, sb.size);
        rc = msgpack_unpack(bytes, sb.size, &off, zone, out) == MSGPACK_UNPACK_SUCCESS ? 0 : -1;
    }
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

/* Deep copies of r's deny entries and env into w. */
static int copy_scope(struct watcher *w, const struct core_fsr *r)
{
    w->zone = msgpack_zone_new(4096);
    w->deny = calloc(r->n_deny + 1, sizeof *w->deny);
    if (!w->zone || !w->deny) return -1;
    for (size_t i = 0; i < r->n_deny; i++) {
        msgpack_object *o = msgpack_zone_malloc(w->zone, sizeof *o);
        if (!o || copy_object(w->zone, r->deny[i], o) < 0) return -1;
        w->deny[w->n_deny++] = o;
    }
    const char *const src[6] = {r->env.bundle, r->env.appdata, r->env.appcache,
                                r->env.home,   r->env.temp,    r->env.identifier};
    const char *dst[6];
    size_t o = 0;
    for (int i = 0; i < 6; i++) {
        dst[i] = NULL;
        if (!src[i]) continue;
        size_t n = strlen(src[i]) + 1;
        if (o + n > sizeof w->env_buf) return -1;
        memcpy(w->env_buf + o, src[i], n);
        dst[i] = w->env_buf + o;
        o += n;
    }
    w->env = (struct core_fs_env){.bundle = dst[0],
                                  .appdata = dst[1],
                                  .appcache = dst[2],
                                  .home = dst[3],
                                  .temp = dst[4],
                                  .identifier = dst[5]};
    return 0;
}

static int start_thread(void)
{
    if (started) return 0;
    if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
    pthread_t t;
    if (pthread_create(&t, NULL, serve, NULL) != 0) return -1;
    pthread_detach(t);
    started = true;
    return 0;
}

/* One path of args.paths, checked as a command's path and made a root of w. */
static int add_root(struct watcher *w, struct core_fsr *r, const msgpack_object *path)
{
    if (core_fsr_prepare_path(r, path, "baseDir") < 0) return -1;
    if (!w->zone && copy_scope(w, r) < 0) return core_fsr_fail(r, "failed", "out of memory");
    if (w->n_roots >= MAX_ROOTS)
        return core_fsr_fail(r, "limit_exceeded", "at most %d paths per watch", MAX_ROOTS);
    int fd = core_fsr_open_checked(r, O_PATH);
    if (fd < 0) return -1;
    struct stat st;
    size_t i = w->n_roots;
    w->roots[i] = fd;
    if (!(w->root_abs[i] = strdup(r->abs))) return core_fsr_fail(r, "failed", "out of memory");
    w->n_roots++;
    int rc = fstat(fd, &st) < 0    ? -1
             : S_ISDIR(st.st_mode) ? add_dir(w, (int)i, "", 0)
                                   : watch_fd(w, fd, (int)i, "");
    if (rc < 0 && errno == E2BIG)
        return core_fsr_fail(r, "limit_exceeded", "a watch covers at most %d folders",
                             FS_WATCH_DIRS);
    if (rc < 0) return core_fsr_fail_errno(r, r->abs, errno);
    return 0;
}

static int count_of(const moat_renderer *owner)
{
    int n = 0;
    for (struct watcher *w = watchers; w; w = w->next)
        n += w->owner == owner;
    return n;
}

/* watch {paths, options: {baseDir, recursive, delayMs}, onEvent}: the watcher's rid. */
void core_fs_watch_cmd(moat_call *call, void *ud)
{
    moat_app *app = ud;
    core_fs_handles_sweep(app);
    const msgpack_object *args = moat_call_args(call), *paths = plugin_arg(args, "paths");
    struct core_fsr *r = calloc(1, sizeof *r);
    struct watcher *w = calloc(1, sizeof *w);
    if (!r || !w) {
        moat_call_reject(call, "failed", "fs:watch: out of memory");
        free(r), free(w);
        return;
    }
    *r = (struct core_fsr){.call = call, .app = app, .cmd = moat_call_command(call)};
    w->app = app;
    w->owner = core_call_renderer(call);
    core_renderer_ref(w->owner);
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    const msgpack_object *opts = plugin_arg(args, "options"), *rec = plugin_arg(opts, "recursive"),
                         *delay = plugin_arg(opts, "delayMs");
    w->recursive = rec && rec->type == MSGPACK_OBJECT_BOOLEAN && rec->via.boolean;
    bool bad_delay = !plugin_absent(delay) && delay->type != MSGPACK_OBJECT_POSITIVE_INTEGER;
    if (!bad_delay && !plugin_absent(delay)) w->debounce = fsd_new(delay->via.u64);
    /* Taken first: a failed watch ends the channel too, so the renderer does not wait on it. */
    if (plugin_arg(args, "onEvent")) w->ch = moat_call_channel(call, "onEvent");
    pthread_mutex_lock(&lock);
    int count = count_of(w->owner);
    pthread_mutex_unlock(&lock);
    if (!paths || paths->type != MSGPACK_OBJECT_ARRAY || !w->ch)
        core_fsr_fail(r, "invalid_args", "expected {paths: string[], options?, onEvent: Channel}");
    else if (bad_delay)
        core_fsr_fail(r, "invalid_args", "options.delayMs must be a whole number of ms");
    else if (!plugin_absent(delay) && !w->debounce)
        core_fsr_fail(r, "failed", "out of memory");
    else if (count >= FS_WATCHERS_PER_RENDERER)
        core_fsr_fail(r, "limit_exceeded", "%d watchers per renderer", FS_WATCHERS_PER_RENDERER);
    else if (w->ifd < 0)
        core_fsr_fail(r, "failed", "inotify: %s", strerror(errno));
    for (uint32_t i = 0; r->call && i < paths->via.array.size; i++) {
        free(r->allow), free(r->deny);
        r->allow = NULL, r->deny = NULL;
        add_root(w, r, &paths->via.array.ptr[i]);
    }
    if (r->call && start_thread() < 0) core_fsr_fail(r, "failed", "cannot start watching");
    if (r->call) {
        pthread_mutex_lock(&lock);
        w->next = watchers;
        watchers = w;
        pthread_mutex_unlock(&lock);
        w->rid = plugin_rid_add(app, "fs:watch", w, watcher_close);
        if (w->rid) {
            moat_call_resolve_int(call, w->rid);
            r->call = NULL;
            if (write(wake[1], "", 1) < 0) { /* the thread polls it from now on */
            }
        } else {
            watcher_close(w);
            moat_call_reject(call, "failed", "fs:watch: out of memory");
        }
        w = NULL;
    }
    if (w) watcher_free(w);
    free(r->allow), free(r->deny);
    msgpack_unpacked_destroy(&r->picked);
    free(r->picked_buf);
    free(r);
}

/* unwatch {rid} (plugin-fs closes watchers through core:resources:close; this is the same). */
void core_fs_unwatch_cmd(moat_call *call, void *ud)
{
    moat_app *app = ud;
    const msgpack_object *rid = plugin_arg(moat_call_args(call), "rid");
    struct watcher *w = rid && rid->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                            ? plugin_rid_get(app, rid->via.u64, "fs:watch")
                            : NULL;
    if (!w || w->owner != core_call_renderer(call)) {
        moat_call_reject(call, "not_found", "fs:unwatch: bad resource id");
        return;
    }
    plugin_rid_close(app, rid->via.u64);
    moat_call_resolve_null(call);
}
