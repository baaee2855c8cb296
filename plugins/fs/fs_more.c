// SPDX-License-Identifier: MIT
/*
 * fs_more.c: fs:truncate, fs:size, fs:copy_file and fs:rename. Like the
 * other commands, each works on descriptors opened beneath the granting
 * entry's root and re-checked; a name that is made, replaced or moved is
 * acted on by name in its folder's descriptor, never through a link.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_req.h"

#define MAX_DEPTH 128

/* A regular file of r's, opened with flags (never blocking on a FIFO); or -1 (answered). */
static int open_regular(struct core_fsr *r, int flags)
{
    int fd = core_fsr_open_checked(r, flags | O_NONBLOCK);
    struct stat st;
    if (fd < 0) return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return core_fsr_fail(r, "failed", "%s is not a regular file", r->abs);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* An optional non-negative integer argument; -1 (answered) when it is something else. */
static int64_t len_arg(struct core_fsr *r, const char *key)
{
    const msgpack_object *v = core_fsr_get(r->args, key);
    if (plugin_absent(v)) return 0;
    if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= INT64_MAX)
        return (int64_t)v->via.u64;
    if (v->type == MSGPACK_OBJECT_FLOAT64 && v->via.f64 >= 0 && v->via.f64 < 9e15 &&
        v->via.f64 == (double)(int64_t)v->via.f64)
        return (int64_t)v->via.f64;
    return core_fsr_fail(r, "invalid_args", "%s must be a non-negative integer", key);
}

int core_fs_truncate(struct core_fsr *r)
{
    int64_t len = len_arg(r, "len");
    if (len < 0) return -1;
    int fd = open_regular(r, O_WRONLY);
    if (fd < 0) return -1;
    int err = ftruncate(fd, (off_t)len) < 0 ? errno : 0;
    close(fd);
    return err ? core_fsr_fail_errno(r, r->abs, err) : core_fsr_done(r);
}

/*
 * The bytes of the files in folder fd, recursively, as Tauri's size sums them
 * (links are not followed); what a deny entry covers is left out. errno or 0.
 */
static int dir_size(struct core_fsr *r, int fd, char *logical, size_t len, int depth,
                    uint64_t *total)
{
    if (depth >= MAX_DEPTH) return ELOOP;
    DIR *d = fdopendir(fd);
    if (!d) return close(fd), errno;
    int err = 0;
    struct dirent *e;
    size_t at = strlen(logical);
    while (!err && (e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(logical + at, len - at, "%s%s", at > 1 ? "/" : "", e->d_name);
        if (core_fs_denied(logical, r->deny, r->n_deny, &r->env) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISREG(st.st_mode)) *total += (uint64_t)st.st_size;
        if (!S_ISDIR(st.st_mode)) continue;
        int sub = core_fsr_open_in(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY, 0);
        if (sub >= 0) err = dir_size(r, sub, logical, len, depth + 1, total);
    }
    logical[at] = '\0';
    closedir(d);
    return err;
}

int core_fs_size(struct core_fsr *r)
{
    int fd = core_fsr_open_checked(r, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0) return -1;
    if (fstat(fd, &st) < 0) return close(fd), core_fsr_fail_errno(r, r->abs, errno);
    uint64_t total = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size;
    char logical[PATH_MAX];
    snprintf(logical, sizeof logical, "%s", r->abs);
    int err = S_ISDIR(st.st_mode) ? dir_size(r, fd, logical, sizeof logical, 0, &total) : 0;
    if (!S_ISDIR(st.st_mode)) close(fd);
    if (err) return core_fsr_fail_errno(r, r->abs, err);
    moat_call_resolve_int(r->call, (int64_t)total);
    r->call = NULL;
    return 0;
}

static int copy_fd(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n > 0) continue;
        if (n == 0) return 0;
        if (errno == EINTR) continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
            return errno;
        break;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? errno : 0;
        for (ssize_t o = 0; o < n;) {
            ssize_t w = write(out, buf + o, (size_t)(n - o));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return w < 0 ? errno : EIO;
            o += w;
        }
    }
}

/* The destination gets the source's permission bits, as std::fs::copy gives them. */
int core_fs_copy_file(struct core_fsr *from, struct core_fsr *to)
{
    int in = open_regular(from, O_RDONLY);
    if (in < 0) return -1;
    struct stat st;
    char parent[PATH_MAX];
    const char *name;
    int dir = fstat(in, &st) == 0 ? core_fsr_open_parent(to, parent, &name) : -1;
    if (dir < 0) return close(in), to->call ? core_fsr_fail_errno(to, to->abs, errno) : -1;
    int out = core_fsr_open_in(dir, name, O_WRONLY | O_CREAT | O_TRUNC, (int)(st.st_mode & 0777));
    int err = out < 0 ? errno : copy_fd(in, out);
    if (out >= 0 && !err && fchmod(out, st.st_mode & 0777) < 0) err = errno;
    if (out >= 0 && close(out) < 0 && !err) err = errno;
    close(in);
    close(dir);
    return err ? core_fsr_fail_errno(to, to->abs, err) : core_fsr_done(to);
}

int core_fs_rename(struct core_fsr *from, struct core_fsr *to)
{
    char pf[PATH_MAX], pt[PATH_MAX];
    const char *nf, *nt;
    int df = core_fsr_open_parent(from, pf, &nf);
    if (df < 0) return -1;
    int dt = core_fsr_open_parent(to, pt, &nt);
    if (dt < 0) return close(df), -1;
    int err = renameat(df, nf, dt, nt) < 0 ? errno : 0;
    close(df);
    close(dt);
    return err ? core_fsr_fail_errno(from, from->abs, err) : core_fsr_done(from);
}
