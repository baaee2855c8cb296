// SPDX-License-Identifier: MIT
/*
 * fs.c: a scoped filesystem request's way in (see fs.h and fs_req.h): args
 * -> absolute path -> scope (deny wins) -> openat2 beneath the granting
 * entry's root -> the scope again on the path actually opened (a symbolic
 * link inside the root may point somewhere the strings did not say). The
 * commands themselves are in fs_cmds.c.
 */
#include "fs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_req.h"
#include "internal.h"
#include "plugins_internal.h"
#include "scope.h"

const msgpack_object *core_fsr_get(const msgpack_object *m, const char *key)
{
    return plugin_arg(m, key);
}

bool core_fsr_opt_bool(const struct core_fsr *r, const char *key, bool dflt)
{
    const msgpack_object *v = core_fsr_get(r->options, key);
    return v && v->type == MSGPACK_OBJECT_BOOLEAN ? v->via.boolean : dflt;
}

/*
 * msg into out with r->abs, wherever it starts a path, as the renderer gave
 * it: a path relative to a baseDir must not tell the renderer where the
 * host keeps that folder. A path given absolute is shown as it was given too.
 */
static void hide_host_paths(const struct core_fsr *r, const char *msg, char *out, size_t n)
{
    size_t la = strlen(r->abs), o = 0;
    for (const char *p = msg; *p && o + 1 < n;) {
        if (la && r->shown[0] && !strncmp(p, r->abs, la) &&
            (p[la] == '/' || p[la] == ':' || p[la] == ' ' || p[la] == '\0')) {
            o += (size_t)snprintf(out + o, n - o, "%s", r->shown);
            p += la;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < n ? o : n - 1] = '\0';
}

/* Rejects the call with "cmd: message"; returns -1. */
int core_fsr_fail(struct core_fsr *r, const char *code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (strcmp(code, "denied") == 0) /* a scope's denial is a denial: audited like the rest */
        core_audit_scope(r->call, r->cmd, r->checked, &r->env, msg);
    char shown[sizeof msg + PATH_MAX];
    hide_host_paths(r, msg, shown, sizeof shown);
    moat_call_reject(r->call, code, "%s: %s", r->cmd, shown);
    r->call = NULL;
    return -1;
}

int core_fsr_fail_errno(struct core_fsr *r, const char *path, int err)
{
    if (err == EXDEV || err == ELOOP)
        return core_fsr_fail(
            r, "denied", "%s: a symbolic link leads out of the scope or is not allowed here", path);
    return core_fsr_fail(r, err == ENOENT || err == ENOTDIR ? "not_found" : "failed", "%s: %s",
                         path, strerror(err));
}

/* BaseDirectory's name as @tauri-apps/api spells it ("AppData"), to the variable's ("APPDATA"). */
static const char *base_name_of(const msgpack_object *v)
{
    char up[32];
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return plugin_base_dir_name((int64_t)v->via.u64);
    if (v->type != MSGPACK_OBJECT_STR || v->via.str.size >= sizeof up) return NULL;
    for (uint32_t i = 0; i < v->via.str.size; i++)
        up[i] = (char)toupper((unsigned char)v->via.str.ptr[i]);
    up[v->via.str.size] = '\0';
    if (!strcmp(up, "EXECUTABLE")) return "EXE";
    for (int n = 1; plugin_base_dir_name(n); n++)
        if (!strcmp(plugin_base_dir_name(n), up)) return plugin_base_dir_name(n);
    return NULL;
}

/* Every BaseDirectory of Tauri's (1 Audio ... 23 Template), resolved as core:path does. */
static const char *base_dir(struct core_fsr *r, const msgpack_object *v, int *ok)
{
    *ok = 1;
    if (!v || v->type == MSGPACK_OBJECT_NIL) return NULL;
    const char *name = base_name_of(v);
    if (!name) {
        *ok = 0;
        core_fsr_fail(r, "invalid_args",
                      "the options' baseDir must be a BaseDirectory (1 Audio ... 23 Template)");
        return NULL;
    }
    if (!strcmp(name, "APPDATA") && r->env.appdata) return r->env.appdata;
    if (!strcmp(name, "APPCACHE") && r->env.appcache) return r->env.appcache;
    if (!strcmp(name, "HOME") && r->env.home) return r->env.home;
    if (!strcmp(name, "TEMP")) return r->env.temp;
    if (plugin_base_dir(name, r->id.identifier, r->env.bundle, r->base_buf, sizeof r->base_buf) ==
        0)
        return r->base_buf;
    *ok = 0;
    return NULL;
}

/*
 * What this renderer picked in plugin-dialog's choosers joins its allow
 * entries (deny entries still win), as Tauri's dialog adds it to the fs scope.
 */
static int add_picked(struct core_fsr *r)
{
    msgpack_unpacked_destroy(&r->picked);
    msgpack_unpacked_init(&r->picked);
    free(r->picked_buf); /* the entries' strings point into it */
    r->picked_buf = NULL;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    int n = plugin_dialog_scope(r->app, r->call, PLUGIN_DIALOG_FS, &sb);
    if (n > 0 &&
        msgpack_unpack_next(&r->picked, sb.data, sb.size, NULL) == MSGPACK_UNPACK_SUCCESS &&
        r->picked.data.type == MSGPACK_OBJECT_ARRAY) {
        const msgpack_object **grown =
            realloc(r->allow, (r->n_allow + r->picked.data.via.array.size + 1) * sizeof *grown);
        if (!grown) {
            msgpack_sbuffer_destroy(&sb);
            return core_fsr_fail(r, "failed", "out of memory");
        }
        r->allow = grown;
        for (uint32_t i = 0; i < r->picked.data.via.array.size; i++)
            r->allow[r->n_allow++] = &r->picked.data.via.array.ptr[i];
        r->picked_buf = msgpack_sbuffer_release(&sb);
    }
    msgpack_sbuffer_destroy(&sb);
    return 0;
}

static int load_scope(struct core_fsr *r)
{
    r->n_allow = moat_call_scope_count(r->call, MOAT_SCOPE_ALLOW);
    r->n_deny = moat_call_scope_count(r->call, MOAT_SCOPE_DENY);
    r->allow = calloc(r->n_allow + 1, sizeof(*r->allow));
    r->deny = calloc(r->n_deny + 1, sizeof(*r->deny));
    if (!r->allow || !r->deny) return core_fsr_fail(r, "failed", "out of memory");
    for (size_t i = 0; i < r->n_allow; i++)
        r->allow[i] = moat_call_scope_entry(r->call, MOAT_SCOPE_ALLOW, i);
    for (size_t i = 0; i < r->n_deny; i++)
        r->deny[i] = moat_call_scope_entry(r->call, MOAT_SCOPE_DENY, i);
    return add_picked(r);
}

/* Arguments -> an absolute path the scope grants (r->grant), or the call rejected. */
int core_fsr_prepare(struct core_fsr *r)
{
    return core_fsr_prepare_at(r, "path", "baseDir");
}

int core_fsr_prepare_at(struct core_fsr *r, const char *path_key, const char *base_key)
{
    r->args = moat_call_args(r->call);
    const msgpack_object *path = core_fsr_get(r->args, path_key);
    if (!path || path->type != MSGPACK_OBJECT_STR) {
        r->options = NULL;
        return core_fsr_fail(r, "invalid_args", "expected {%s: string, options?: {%s?}}", path_key,
                             base_key);
    }
    return core_fsr_prepare_path(r, path, base_key);
}

int core_fsr_prepare_path(struct core_fsr *r, const msgpack_object *path, const char *base_key)
{
    r->args = moat_call_args(r->call);
    r->options = core_fsr_get(r->args, "options");
    snprintf(r->shown, sizeof r->shown, "%.*s",
             (int)(path->via.str.size < PATH_MAX - 1 ? path->via.str.size : PATH_MAX - 1),
             path->via.str.ptr);
    if (r->options && r->options->type != MSGPACK_OBJECT_NIL &&
        r->options->type != MSGPACK_OBJECT_MAP)
        return core_fsr_fail(r, "invalid_args", "options must be an object");
    plugin_identity(core_call_bundle_dir(r->call), r->app->name, &r->id);
    core_fs_env_init(&r->env, r->id.identifier, core_call_bundle_dir(r->call), r->env_buf,
                     sizeof(r->env_buf));
    r->env.match_dots = r->id.fs_match_dots;
    int ok;
    const char *base = base_dir(r, core_fsr_get(r->options, base_key), &ok), *why;
    if (!ok)
        return r->call ? core_fsr_fail(r, "failed",
                                       "unknown path: that baseDir is not set for this user")
                       : -1;
    /* A URL object arrives as "file:///..." (plugin-fs sends path.toString()). */
    char url_path[PATH_MAX];
    const char *p = path->via.str.ptr;
    size_t plen = path->via.str.size;
    int url = core_fs_from_url(p, plen, url_path, sizeof url_path, &why);
    if (url < 0) return core_fsr_fail(r, "invalid_args", "%s", why);
    if (url) p = url_path, plen = strlen(url_path);
    if (core_fs_normalize(p, plen, base, r->abs, sizeof(r->abs), &why) < 0)
        return core_fsr_fail(r, "invalid_args", "%s", why);
    char reason[PATH_MAX + 100];
    if (load_scope(r) < 0) return -1;
    r->checked = r->abs;
    if (core_fs_authorize(r->abs, r->allow, r->n_allow, r->deny, r->n_deny, &r->env, &r->grant,
                          reason, sizeof(reason)) < 0)
        return core_fsr_fail(r, "denied", "%s", reason);
    core_learn(r->app, moat_call_label(r->call), moat_call_command(r->call), r->abs);
    return 0;
}

/*
 * The scope again, on where fd really is (plus name, for something about to
 * be made in the folder fd): a link beneath the root may lead to a path the
 * scope denies, or that no allow entry covers.
 */
int core_fsr_recheck(struct core_fsr *r, int fd, const char *name)
{
    char proc[64], real[PATH_MAX], root[PATH_MAX], logical[2 * PATH_MAX];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(proc, real, sizeof(real) - 1);
    if (n <= 0 || !realpath(r->grant.root, root))
        return core_fsr_fail(r, "failed", "%s: cannot tell where it leads", r->abs);
    real[n] = '\0';
    size_t lr = strcmp(root, "/") ? strlen(root) : 0;
    if (strncmp(real, root, lr) || (real[lr] != '/' && real[lr] != '\0'))
        return core_fsr_fail(r, "denied", "%s: leads out of the scope", r->abs);
    snprintf(logical, sizeof(logical), "%s%s%s%s", strcmp(r->grant.root, "/") ? r->grant.root : "",
             real + lr, name ? "/" : "", name ? name : "");
    if (!logical[0]) snprintf(logical, sizeof(logical), "/");
    struct core_fs_grant g;
    char why[PATH_MAX + 100];
    r->checked = logical; /* until the answer below: logical outlives it */
    if (core_fs_authorize(logical, r->allow, r->n_allow, r->deny, r->n_deny, &r->env, &g, why,
                          sizeof(why)) < 0)
        /* why names where the link leads: for the audit (r->checked), not the renderer */
        return core_fsr_fail(r, "denied", "%s: a link in it leads where the scope does not allow",
                             r->abs);
    r->checked = r->abs;
    return 0;
}

/* Opens r's path beneath the root and re-checks it. */
int core_fsr_open_checked(struct core_fsr *r, int flags)
{
    int fd = core_fs_open(&r->grant, r->grant.rel, flags, 0);
    if (fd < 0) return core_fsr_fail_errno(r, r->abs, errno), -1;
    if (core_fsr_recheck(r, fd, NULL) < 0) return close(fd), -1;
    return fd;
}

/* The folder that will hold r's path, opened and re-checked; *name is the last component. */
int core_fsr_open_parent(struct core_fsr *r, char *parent, const char **name)
{
    if (!strcmp(r->grant.rel, "."))
        return core_fsr_fail(r, "denied", "%s is the root of its scope entry", r->abs), -1;
    char *slash = strrchr(r->grant.rel, '/');
    snprintf(parent, PATH_MAX, "%.*s", slash ? (int)(slash - r->grant.rel) : 1,
             slash ? r->grant.rel : ".");
    *name = slash ? slash + 1 : r->grant.rel;
    int fd = core_fs_open(&r->grant, parent, O_PATH | O_DIRECTORY, 0);
    if (fd < 0) return core_fsr_fail_errno(r, r->abs, errno), -1;
    if (core_fsr_recheck(r, fd, *name) < 0) return close(fd), -1;
    return fd;
}

/* openat2 of one name in dir, never following a link there. */
int core_fsr_open_in(int dir, const char *name, int flags, int mode)
{
    struct open_how how = {.flags = (unsigned)(flags | O_CLOEXEC | O_NOFOLLOW),
                           .mode = (flags & O_CREAT) ? (unsigned)mode : 0,
                           .resolve =
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    return core_fs_openat2(dir, name, &how);
}

int core_fsr_resolve(struct core_fsr *r, msgpack_sbuffer *sb)
{
    if (!sb->data) return core_fsr_fail(r, "failed", "out of memory");
    moat_call_resolve(r->call, sb->data, sb->size);
    r->call = NULL;
    return 0;
}

size_t core_fsr_max_read(const struct core_fsr *r)
{
    /* Room for the response envelope around the bytes. */
    size_t frame = r->app->limits.max_frame > 4096 ? r->app->limits.max_frame - 4096 : 0;
    return frame < CORE_FS_MAX_READ ? frame : CORE_FS_MAX_READ;
}

static struct core_fsr *fsr_new(moat_call *call, moat_app *app)
{
    struct core_fsr *r = calloc(1, sizeof(*r));
    if (!r) return NULL;
    r->call = call;
    r->app = app;
    r->cmd = moat_call_command(call);
    return r;
}

static void fsr_free(struct core_fsr *r)
{
    if (!r) return;
    free(r->allow);
    free(r->deny);
    msgpack_unpacked_destroy(&r->picked);
    free(r->picked_buf);
    free(r);
}

/* Every request is answered exactly once: prepare and op answer, or this does. */
static void run(moat_call *call, moat_app *app, int (*op)(struct core_fsr *))
{
    core_fs_handles_sweep(app);
    struct core_fsr *r = fsr_new(call, app);
    if (!r) {
        moat_call_reject(call, "failed", "%s: out of memory", moat_call_command(call));
        return;
    }
    if (core_fsr_prepare(r) == 0) op(r);
    if (r->call) moat_call_reject(r->call, "failed", "%s: not answered", r->cmd);
    fsr_free(r);
}

/*
 * Two paths (copy_file, rename), each checked as if it were the only one,
 * with its own baseDir option; the two requests share the call: whichever
 * answers it, neither may again.
 */
static void run2(moat_call *call, moat_app *app, const char *const keys[4],
                 int (*op)(struct core_fsr *, struct core_fsr *))
{
    core_fs_handles_sweep(app);
    struct core_fsr *from = fsr_new(call, app), *to = fsr_new(call, app);
    if (!from || !to) {
        moat_call_reject(call, "failed", "%s: out of memory", moat_call_command(call));
    } else {
        if (core_fsr_prepare_at(from, keys[0], keys[1]) == 0 &&
            core_fsr_prepare_at(to, keys[2], keys[3]) == 0)
            op(from, to);
        if (from->call && to->call) moat_call_reject(call, "failed", "%s: not answered", from->cmd);
    }
    fsr_free(from);
    fsr_free(to);
}

#define FS_COMMAND(op)                                                                             \
    static void cmd_##op(moat_call *call, void *ud)                                                \
    {                                                                                              \
        run(call, ud, core_fs_##op);                                                               \
    }
FS_COMMAND(read_text_file)
FS_COMMAND(read_file)
FS_COMMAND(write_text_file)
FS_COMMAND(write_file)
FS_COMMAND(read_dir)
FS_COMMAND(exists)
FS_COMMAND(stat)
FS_COMMAND(mkdir)
FS_COMMAND(remove)
FS_COMMAND(create)
FS_COMMAND(open_file)
FS_COMMAND(truncate)
FS_COMMAND(lstat)
FS_COMMAND(size)
FS_COMMAND(read_text_file_lines)

static void cmd_copy_file(moat_call *call, void *ud)
{
    static const char *const keys[4] = {"fromPath", "fromPathBaseDir", "toPath", "toPathBaseDir"};
    run2(call, ud, keys, core_fs_copy_file);
}

static void cmd_rename(moat_call *call, void *ud)
{
    static const char *const keys[4] = {"oldPath", "oldPathBaseDir", "newPath", "newPathBaseDir"};
    run2(call, ud, keys, core_fs_rename);
}

static const struct {
    const char *name;
    moat_command_fn fn;
} commands[] = {
    {"fs:read_text_file", cmd_read_text_file},
    {"fs:read_file", cmd_read_file},
    {"fs:write_text_file", cmd_write_text_file},
    {"fs:write_file", cmd_write_file},
    {"fs:read_dir", cmd_read_dir},
    {"fs:exists", cmd_exists},
    {"fs:stat", cmd_stat},
    {"fs:mkdir", cmd_mkdir},
    {"fs:remove", cmd_remove},
    {"fs:create", cmd_create},
    {"fs:open", cmd_open_file},
    {"fs:copy_file", cmd_copy_file},
    {"fs:rename", cmd_rename},
    {"fs:truncate", cmd_truncate},
    {"fs:lstat", cmd_lstat},
    {"fs:size", cmd_size},
    {"fs:read_text_file_lines", cmd_read_text_file_lines},
    {"fs:watch", core_fs_watch_cmd},
    {"fs:unwatch", core_fs_unwatch_cmd},
};

int moat_plugin_fs_register(moat_app *app)
{
    static const char *const manifest[] = {"fs/permissions.json"};
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (moat_app_command(app, commands[i].name, commands[i].fn, app) < 0) return -1;
    if (core_fs_register_handles(app) < 0) return -1;
    if (moat_app_on_renderer_end(app, core_fs_renderer_ended, app) < 0) return -1;
    return plugin_load_manifests(app, manifest, 1);
}
