// SPDX-License-Identifier: MIT
/*
 * fs_cmds.c: the fs commands on one path (reads, writes, listing, stat), each on a descriptor fs.c
 * opened beneath the scope's root and re-checked. Results have Tauri's shapes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_req.h"

/* A whole regular file, at most core_fsr_max_read bytes; NULL (answered) on failure. */
static char *slurp(struct core_fsr *r, size_t *len)
{
    int fd = core_fsr_open_checked(r, O_RDONLY);
    if (fd < 0) return NULL;
    struct stat st;
    size_t max = core_fsr_max_read(r), n = 0;
    char *buf = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        core_fsr_fail(r, "failed", "%s is not a regular file", r->abs);
    } else if ((uint64_t)st.st_size > max) {
        core_fsr_fail(r, "limit_exceeded", "%s has %lld bytes; one read returns at most %zu",
                      r->abs, (long long)st.st_size, max);
    } else if (!(buf = malloc(max + 1))) {
        core_fsr_fail(r, "failed", "out of memory");
    } else {
        ssize_t got;
        /* The file may grow meanwhile: read one byte past the limit to notice. */
        while (n <= max && (got = read(fd, buf + n, max + 1 - n)) > 0)
            n += (size_t)got;
        if (n > max) core_fsr_fail(r, "limit_exceeded", "%s grew past %zu bytes", r->abs, max);
    }
    close(fd);
    if (!r->call) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/*
 * Both answer the bytes as bin: plugin-fs 2.x decodes read_text_file's with
 * TextDecoder(options.encoding), so the file need not be UTF-8.
 */
static int read_bytes(struct core_fsr *r)
{
    size_t len;
    char *buf = slurp(r, &len);
    if (!buf) return -1;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_bin_with_body(&pk, buf, len);
    free(buf);
    int rc = core_fsr_resolve(r, &sb);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

int core_fs_read_text_file(struct core_fsr *r)
{
    return read_bytes(r);
}

int core_fs_read_file(struct core_fsr *r)
{
    moat_channel *ch =
        core_fsr_get(r->args, "onChunk") ? moat_call_channel(r->call, "onChunk") : NULL;
    return ch ? core_fs_stream(r, ch) : read_bytes(r);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * options: append, create (default true), createNew, mode (as Tauri's
 * writeFile). data is bytes (what plugin-fs sends as the raw body, which the
 * shim puts in data: ipc/PROTOCOL.md); write_text_file takes a string too.
 */
static int write_as(struct core_fsr *r, bool text)
{
    const msgpack_object *data = core_fsr_get(r->args, "data"),
                         *mode = core_fsr_get(r->options, "mode");
    if (!data || !(data->type == MSGPACK_OBJECT_BIN || (text && data->type == MSGPACK_OBJECT_STR)))
        return core_fsr_fail(r, "invalid_args", "expected {path, data: %s, options?}",
                             text ? "string or bytes" : "bytes");
    const char *p = data->via.bin.ptr; /* str and bin share their layout */
    size_t n = data->via.bin.size;
    int flags = O_WRONLY | (core_fsr_opt_bool(r, "append", false) ? O_APPEND : O_TRUNC);
    if (core_fsr_opt_bool(r, "create", true)) flags |= O_CREAT;
    if (core_fsr_opt_bool(r, "createNew", false)) flags |= O_CREAT | O_EXCL;
    char parent[PATH_MAX];
    const char *name;
    int dir = core_fsr_open_parent(r, parent, &name);
    if (dir < 0) return -1;
    int fd = core_fsr_open_in(
        dir, name, flags,
        mode && mode->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (int)(mode->via.u64 & 0777) : 0666);
    int err = fd < 0 ? errno : (write_all(fd, p, n) < 0 ? errno : 0);
    if (fd >= 0 && close(fd) < 0 && !err) err = errno;
    close(dir);
    if (err) return core_fsr_fail_errno(r, r->abs, err);
    return core_fsr_done(r);
}

int core_fsr_done(struct core_fsr *r)
{
    moat_call_resolve_null(r->call);
    r->call = NULL;
    return 0;
}

int core_fs_write_text_file(struct core_fsr *r)
{
    return write_as(r, true);
}

int core_fs_write_file(struct core_fsr *r)
{
    return write_as(r, false);
}

static void pack_key(msgpack_packer *pk, const char *k)
{
    msgpack_pack_str_with_body(pk, k, strlen(k));
}

static void pack_bool(msgpack_packer *pk, const char *k, bool v)
{
    pack_key(pk, k);
    (v ? msgpack_pack_true : msgpack_pack_false)(pk);
}

/* Tauri's DirEntry: {name, isDirectory, isFile, isSymlink}. */
static void pack_entry(msgpack_packer *pk, int dir, const struct dirent *d)
{
    unsigned char type = d->d_type;
    struct stat st;
    if (type == DT_UNKNOWN && fstatat(dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        type = S_ISDIR(st.st_mode)   ? DT_DIR
               : S_ISREG(st.st_mode) ? DT_REG
               : S_ISLNK(st.st_mode) ? DT_LNK
                                     : DT_UNKNOWN;
    msgpack_pack_map(pk, 4);
    pack_key(pk, "name");
    msgpack_pack_str_with_body(pk, d->d_name, strlen(d->d_name));
    pack_bool(pk, "isDirectory", type == DT_DIR);
    pack_bool(pk, "isFile", type == DT_REG);
    pack_bool(pk, "isSymlink", type == DT_LNK);
}

int core_fs_read_dir(struct core_fsr *r)
{
    int fd = core_fsr_open_checked(r, O_RDONLY | O_DIRECTORY);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) return fd >= 0 ? (close(fd), core_fsr_fail_errno(r, r->abs, errno)) : -1;
    msgpack_sbuffer body;
    msgpack_packer pk;
    msgpack_sbuffer_init(&body);
    msgpack_packer_init(&pk, &body, msgpack_sbuffer_write);
    uint32_t n = 0;
    struct dirent *e;
    size_t max = core_fsr_max_read(r);
    while ((e = readdir(d)) && body.size < max) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        pack_entry(&pk, dirfd(d), e);
        n++;
    }
    bool too_big = e != NULL;
    closedir(d);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, n);
    msgpack_sbuffer_write(&out, body.data, body.size);
    int rc = too_big ? core_fsr_fail(r, "limit_exceeded", "%s has too many entries to list", r->abs)
                     : core_fsr_resolve(r, &out);
    msgpack_sbuffer_destroy(&body);
    msgpack_sbuffer_destroy(&out);
    return rc;
}

int core_fs_exists(struct core_fsr *r)
{
    int fd = core_fs_open(&r->grant, r->grant.rel, O_PATH, 0);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
        static const char no = (char)0xc2;
        moat_call_resolve(r->call, &no, 1);
        r->call = NULL;
        return 0;
    }
    if (fd < 0) return core_fsr_fail_errno(r, r->abs, errno);
    int rc = core_fsr_recheck(r, fd, NULL);
    close(fd);
    if (rc < 0) return -1;
    static const char yes = (char)0xc3;
    moat_call_resolve(r->call, &yes, 1);
    r->call = NULL;
    return 0;
}

static void pack_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
    pack_key(pk, k);
    msgpack_pack_uint64(pk, v);
}

static void pack_time(msgpack_packer *pk, const char *k, const struct timespec *t)
{
    pack_key(pk, k);
    msgpack_pack_int64(pk, (int64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000);
}

/* Tauri's FileInfo; times in milliseconds since the epoch. */
void core_fs_pack_info(msgpack_packer *pk, const struct stat *st, bool is_link)
{
    msgpack_pack_map(pk, 18);
    pack_bool(pk, "isFile", S_ISREG(st->st_mode));
    pack_bool(pk, "isDirectory", S_ISDIR(st->st_mode));
    pack_bool(pk, "isSymlink", is_link);
    pack_u64(pk, "size", (uint64_t)st->st_size);
    pack_time(pk, "mtime", &st->st_mtim);
    pack_time(pk, "atime", &st->st_atim);
    pack_key(pk, "birthtime");
    msgpack_pack_nil(pk);
    pack_bool(pk, "readonly", !(st->st_mode & 0222));
    pack_key(pk, "fileAttributes");
    msgpack_pack_nil(pk);
    pack_u64(pk, "dev", st->st_dev);
    pack_u64(pk, "ino", st->st_ino);
    pack_u64(pk, "mode", st->st_mode);
    pack_u64(pk, "nlink", st->st_nlink);
    pack_u64(pk, "uid", st->st_uid);
    pack_u64(pk, "gid", st->st_gid);
    pack_u64(pk, "rdev", st->st_rdev);
    pack_u64(pk, "blksize", (uint64_t)st->st_blksize);
    pack_u64(pk, "blocks", (uint64_t)st->st_blocks);
}

static int answer_info(struct core_fsr *r, const struct stat *st, bool is_link)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    core_fs_pack_info(&pk, st, is_link);
    int rc = core_fsr_resolve(r, &sb);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

/* stat follows links, as Tauri's does. */
int core_fs_stat(struct core_fsr *r)
{
    int fd = core_fsr_open_checked(r, O_PATH);
    struct stat st;
    if (fd < 0) return -1;
    int err = fstat(fd, &st) < 0 ? errno : 0;
    close(fd);
    if (err) return core_fsr_fail_errno(r, r->abs, err);
    return answer_info(r, &st, false);
}

/* The last component itself, never followed: the folder holding it is opened and re-checked. */
int core_fs_lstat(struct core_fsr *r)
{
    struct stat st;
    int err = 0, fd;
    if (!strcmp(r->grant.rel, ".")) {
        if ((fd = core_fsr_open_checked(r, O_PATH)) < 0) return -1;
        err = fstat(fd, &st) < 0 ? errno : 0;
    } else {
        char parent[PATH_MAX];
        const char *name;
        if ((fd = core_fsr_open_parent(r, parent, &name)) < 0) return -1;
        err = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? errno : 0;
    }
    close(fd);
    if (err) return core_fsr_fail_errno(r, r->abs, err);
    return answer_info(r, &st, S_ISLNK(st.st_mode));
}
