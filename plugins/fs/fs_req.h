// SPDX-License-Identifier: MIT
/*
 * fs_req.h: one fs command request, shared by fs.c (arguments, scope,
 * opening) and fs_cmds.c (the operations). A request owns its call until it
 * is answered: every core_fsr_fail and core_fsr_resolve answers it and sets
 * call to NULL.
 */
#ifndef MOAT_CORE_FS_REQ_H
#define MOAT_CORE_FS_REQ_H

#include <limits.h>
#include <sys/stat.h>
#include <stdbool.h>

#include "fs.h"
#include "plugins_internal.h"

struct core_fsr {
    moat_call *call; /* NULL once answered */
    moat_app *app;
    const char *cmd;
    const msgpack_object *args, *options;
    struct core_fs_env env;
    char env_buf[3 * PATH_MAX];
    struct plugin_identity id; /* whose $APPDATA and friends */
    char base_buf[PATH_MAX];   /* options.baseDir's folder, when not one of env's */
    char abs[PATH_MAX];        /* the normalized absolute path */
    char shown[PATH_MAX];      /* the path as the renderer gave it: errors name this one */
    const char *checked; /* the path the scope was last checked on (abs, or where a link led) */
    struct core_fs_grant grant;
    const msgpack_object **allow, **deny; /* the call's scope entries */
    size_t n_allow, n_deny;
    msgpack_unpacked picked; /* what plugin-dialog's choosers added to allow (zeroed: none) */
    char *picked_buf;        /* the packed entries picked's strings point into; malloc'd */
};

const msgpack_object *core_fsr_get(const msgpack_object *map, const char *key);
bool core_fsr_opt_bool(const struct core_fsr *r, const char *key, bool dflt);
/* Rejects the call with code and "cmd: message". Returns -1. */
int core_fsr_fail(struct core_fsr *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Rejects with the code errno err calls for (denied for links out of the scope). */
int core_fsr_fail_errno(struct core_fsr *r, const char *path, int err);
/* Arguments to a path the scope grants (r->abs, r->grant). 0, or -1 (answered). */
int core_fsr_prepare(struct core_fsr *r);
/* The same for args[path_key], relative to options[base_key] (copy_file's fromPath, ...). */
int core_fsr_prepare_at(struct core_fsr *r, const char *path_key, const char *base_key);
/* The same for path (a string in r's args). */
int core_fsr_prepare_path(struct core_fsr *r, const msgpack_object *path, const char *base_key);
/* The scope again on where fd really is (with name: a child of the folder fd). */
int core_fsr_recheck(struct core_fsr *r, int fd, const char *name);
/* r's path opened beneath its root and re-checked, or -1 (answered). */
int core_fsr_open_checked(struct core_fsr *r, int flags);
/* The folder holding r's path (into parent), re-checked with *name; or -1 (answered). */
int core_fsr_open_parent(struct core_fsr *r, char *parent, const char **name);
/* One name in folder dir, never through a symbolic link. */
int core_fsr_open_in(int dir, const char *name, int flags, int mode);
/* Answers with the packed value (frees nothing). 0, or -1 (answered with an error). */
int core_fsr_resolve(struct core_fsr *r, msgpack_sbuffer *sb);
/* The most one read may return: CORE_FS_MAX_READ, less when the app's frames are smaller. */
size_t core_fsr_max_read(const struct core_fsr *r);

/* The operations (fs_cmds.c): each answers r's call. */
int core_fs_read_text_file(struct core_fsr *r);
int core_fs_read_file(struct core_fsr *r);
int core_fs_write_text_file(struct core_fsr *r);
int core_fs_write_file(struct core_fsr *r);
int core_fs_read_dir(struct core_fsr *r);
int core_fs_exists(struct core_fsr *r);
int core_fs_stat(struct core_fsr *r);
int core_fs_mkdir(struct core_fsr *r);
int core_fs_remove(struct core_fsr *r);
int core_fs_create(struct core_fsr *r);
int core_fs_open_file(struct core_fsr *r);
int core_fs_truncate(struct core_fsr *r);
int core_fs_lstat(struct core_fsr *r);
int core_fs_size(struct core_fsr *r);
int core_fs_read_text_file_lines(struct core_fsr *r);
/* Two paths (fs_more.c): from is answered through; to shares its call. */
int core_fs_copy_file(struct core_fsr *from, struct core_fsr *to);
int core_fs_rename(struct core_fsr *from, struct core_fsr *to);
/*
 * fs:watch (fs_watch.c), with its own runner: every path of args.paths
 * checked as one command's path; events go to the onEvent channel. At most
 * FS_WATCHERS_PER_RENDERER watchers, FS_WATCH_DIRS folders each.
 */
#define FS_WATCHERS_PER_RENDERER 8
#define FS_WATCH_DIRS 256
void core_fs_watch_cmd(moat_call *call, void *app);
/* fs:unwatch(rid). */
void core_fs_unwatch_cmd(moat_call *call, void *app);
/* Closes r's watchers, or (r NULL) those of renderers that have ended or stopped reading. */
void core_fs_watch_sweep(moat_app *app, const moat_renderer *r);

/* Tauri's FileInfo of st (fs_cmds.c); is_link for lstat of a link. */
void core_fs_pack_info(msgpack_packer *pk, const struct stat *st, bool is_link);
/* Answers null. 0. */
int core_fsr_done(struct core_fsr *r);

/*
 * The open files and line readers (fs_handle.c): resources with Tauri's rids,
 * usable by the renderer that opened them only, at most FS_HANDLES_PER_RENDERER
 * each, closed by core:resources:close, the moment their renderer ends
 * (core_fs_renderer_ended) or with the app. add takes fd (closes it on failure);
 * returns the rid, or 0 with the call answered.
 */
#define FS_HANDLES_PER_RENDERER 64
uint32_t core_fs_handle_add(struct core_fsr *r, int fd, bool lines);
/* Closes the handles and watchers of renderers that have ended (run thread). */
void core_fs_handles_sweep(moat_app *app);
/*
 * The moat_app_on_renderer_end hook (app is the moat_app): closes every
 * handle and watcher r opened the moment it ends, so no file stays held and
 * no inotify descriptor lives on after it (run thread).
 */
void core_fs_renderer_ended(void *app, moat_renderer *r, const moat_exit *info);
/* The rid commands: fs:read, write, seek, fstat, ftruncate, read_text_file_lines_next, close. */
int core_fs_register_handles(moat_app *app);

/* fs:read_file streamed to ch (fs_stream.c), which it takes over; answers r's call. */
int core_fs_stream(struct core_fsr *r, moat_channel *ch);

#endif
