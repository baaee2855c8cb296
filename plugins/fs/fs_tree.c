// SPDX-License-Identifier: MIT
/*
 * fs_tree.c: fs:mkdir and fs:remove, optionally recursive. Every step works
 * on a descriptor of a folder already beneath the scope's root, by name,
 * never following a symbolic link, so a link swapped in mid-way is removed
 * or refused rather than followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_req.h"

/* Deeper trees are refused rather than risk the stack. */
#define MAX_DEPTH 128

static int mode_of(const struct core_fsr *r)
{
    const msgpack_object *m = core_fsr_get(r->options, "mode");
    return m && m->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (int)(m->via.u64 & 07777) : 0777;
}

static int done(struct core_fsr *r)
{
    moat_call_resolve_null(r->call);
    r->call = NULL;
    return 0;
}

/*
 * The scope's root itself, when missing: on an app's first run its $APPDATA (the
 * identifier's folder) does not exist yet, and mkdir(..., {recursive: true}) makes
 * it, as in Tauri. The root is the policy's literal folder, not the renderer's
 * string, so making it grants nothing new; it is made private to the user.
 */
static void make_root(const char *root)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", root);
    for (char *s = p + 1;; s++) {
        s = strchr(s, '/');
        if (s) *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) return;
        if (!s) return;
        *s = '/';
    }
}

/* mkdir -p beneath the root: each level is opened (re-checked), then its child made. */
static int mkdir_parents(struct core_fsr *r, int mode)
{
    struct stat st;
    if (stat(r->grant.root, &st) < 0 && errno == ENOENT) make_root(r->grant.root);
    char *rel = r->grant.rel, saved_abs[PATH_MAX];
    snprintf(saved_abs, sizeof(saved_abs), "%s", r->abs);
    for (char *slash = rel;; slash++) {
        slash = strchr(slash, '/');
        if (slash) *slash = '\0';
        char parent[PATH_MAX];
        const char *name;
        int dir = core_fsr_open_parent(r, parent, &name);
        if (dir < 0) return -1;
        int err = mkdirat(dir, name, (mode_t)mode) < 0 && errno != EEXIST ? errno : 0;
        close(dir);
        if (err) return core_fsr_fail_errno(r, saved_abs, err);
        if (!slash) return done(r);
        *slash = '/';
    }
}

int core_fs_mkdir(struct core_fsr *r)
{
    if (core_fsr_opt_bool(r, "recursive", false)) return mkdir_parents(r, mode_of(r));
    char parent[PATH_MAX];
    const char *name;
    int dir = core_fsr_open_parent(r, parent, &name);
    if (dir < 0) return -1;
    int err = mkdirat(dir, name, (mode_t)mode_of(r)) < 0 ? errno : 0;
    close(dir);
    return err ? core_fsr_fail_errno(r, r->abs, err) : done(r);
}

/* Empties the folder name in dir, then removes it. errno on failure. */
static int remove_tree(int dir, const char *name, int depth)
{
    if (unlinkat(dir, name, 0) == 0) return 0;
    if (errno != EISDIR) return errno;
    if (depth >= MAX_DEPTH) return ELOOP;
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int err = errno;
        if (fd >= 0) close(fd);
        return err == ELOOP ? (unlinkat(dir, name, 0) < 0 ? errno : 0) : err;
    }
    int err = 0;
    struct dirent *e;
    while (!err && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            err = remove_tree(dirfd(d), e->d_name, depth + 1);
    closedir(d);
    if (!err && unlinkat(dir, name, AT_REMOVEDIR) < 0) err = errno;
    return err;
}

int core_fs_remove(struct core_fsr *r)
{
    char parent[PATH_MAX];
    const char *name;
    int dir = core_fsr_open_parent(r, parent, &name);
    if (dir < 0) return -1;
    int err = 0;
    if (core_fsr_opt_bool(r, "recursive", false))
        err = remove_tree(dir, name, 0);
    else if (unlinkat(dir, name, 0) < 0)
        err = errno != EISDIR ? errno : unlinkat(dir, name, AT_REMOVEDIR) < 0 ? errno : 0;
    close(dir);
    return err ? core_fsr_fail_errno(r, r->abs, err) : done(r);
}
