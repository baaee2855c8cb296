// SPDX-License-Identifier: MIT
/*
 * store_file.c: a store's values between msgpack (the wire) and JSON (the
 * file, as plugin-store writes it: serde_json's pretty form), and the file
 * itself: read whole, written atomically so a crash leaves the old bytes or
 * the new, never half of each.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

json_t *store_json_from(const msgpack_object *o, unsigned depth, const char **why)
{
    if (depth > STORE_MAX_DEPTH) return *why = "the value nests too deeply", NULL;
    json_t *v = NULL;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return json_null();
    case MSGPACK_OBJECT_BOOLEAN:
        return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        return o->via.u64 > INT64_MAX ? json_real((double)o->via.u64)
                                      : json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return json_integer(o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        /* JSON has no NaN or Infinity: JSON.stringify makes them null, as Tauri's IPC does. */
        v = json_real(o->via.f64);
        return v ? v : json_null();
    case MSGPACK_OBJECT_STR:
        v = json_stringn(o->via.str.ptr, o->via.str.size);
        return v ? v : (*why = "strings must be UTF-8 without NUL", NULL);
    case MSGPACK_OBJECT_BIN: /* bytes travel as a list of numbers in JSON */
        v = json_array();
        for (uint32_t i = 0; v && i < o->via.bin.size; i++)
            json_array_append_new(v, json_integer((unsigned char)o->via.bin.ptr[i]));
        return v;
    case MSGPACK_OBJECT_ARRAY:
        v = json_array();
        for (uint32_t i = 0; v && i < o->via.array.size; i++) {
            json_t *e = store_json_from(&o->via.array.ptr[i], depth + 1, why);
            if (!e || json_array_append_new(v, e) < 0) return json_decref(v), NULL;
        }
        return v;
    case MSGPACK_OBJECT_MAP:
        v = json_object();
        for (uint32_t i = 0; v && i < o->via.map.size; i++) {
            const msgpack_object *k = &o->via.map.ptr[i].key;
            char key[1024];
            if (k->type != MSGPACK_OBJECT_STR || k->via.str.size >= sizeof key ||
                memchr(k->via.str.ptr, 0, k->via.str.size))
                return json_decref(v), *why = "object keys must be strings under 1 KiB", NULL;
            memcpy(key, k->via.str.ptr, k->via.str.size);
            key[k->via.str.size] = '\0';
            json_t *e = store_json_from(&o->via.map.ptr[i].val, depth + 1, why);
            if (!e || json_object_set_new(v, key, e) < 0)
                return json_decref(v), *why = *why ? *why : "keys must be UTF-8", NULL;
        }
        return v;
    default:
        return *why = "a value of a type JSON does not have", NULL;
    }
}

int store_json_pack(msgpack_packer *pk, const json_t *v, unsigned depth)
{
    if (depth > STORE_MAX_DEPTH) return -1;
    const char *k;
    json_t *e;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        msgpack_pack_map(pk, json_object_size(v));
        json_object_foreach((json_t *)v, k, e)
        {
            msgpack_pack_str_with_body(pk, k, strlen(k));
            if (store_json_pack(pk, e, depth + 1) < 0) return -1;
        }
        return 0;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(v));
        json_array_foreach(v, i, e) if (store_json_pack(pk, e, depth + 1) < 0) return -1;
        return 0;
    case JSON_STRING:
        return msgpack_pack_str_with_body(pk, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return msgpack_pack_int64(pk, json_integer_value(v));
    case JSON_REAL:
        return msgpack_pack_double(pk, json_real_value(v));
    case JSON_TRUE:
        return msgpack_pack_true(pk);
    case JSON_FALSE:
        return msgpack_pack_false(pk);
    default:
        return msgpack_pack_nil(pk);
    }
}

/* Deeper than a store keeps? (jansson itself allows 2048 levels.) */
static bool too_deep(const json_t *v, unsigned depth)
{
    if (depth > STORE_MAX_DEPTH) return true;
    const char *k;
    json_t *e;
    size_t i;
    if (json_is_object(v))
        json_object_foreach((json_t *)v, k, e) if (too_deep(e, depth + 1)) return true;
    if (json_is_array(v)) json_array_foreach(v, i, e) if (too_deep(e, depth + 1)) return true;
    return false;
}

int store_file_read(const char *abs, const char *rel, json_t **out, char *why, size_t len)
{
    int fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT) return 1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STORE_MAX_FILE) {
        snprintf(why, len, "%s: cannot read the store file: %s", rel,
                 fd < 0                ? strerror(errno)
                 : S_ISREG(st.st_mode) ? "it is over 64 MiB"
                                       : "it is no regular file");
        if (fd >= 0) close(fd);
        return -1;
    }
    json_error_t err;
    json_t *v = json_loadfd(fd, JSON_REJECT_DUPLICATES, &err);
    close(fd);
    if (!v || !json_is_object(v) || too_deep(v, 0)) {
        char detail[300];
        if (!v)
            snprintf(detail, sizeof detail, "%s at line %d, column %d", err.text, err.line,
                     err.column);
        else
            snprintf(detail, sizeof detail, "%s",
                     json_is_object(v) ? "it nests too deeply" : "it is no JSON object");
        snprintf(why, len,
                 "%s: the store file is corrupt (%s); it was left as it is: fix or remove it, or "
                 "load with createNew",
                 rel, detail);
        json_decref(v);
        return -1;
    }
    *out = v;
    return 0;
}

/* mkdir -p of abs's folder, 0700 for what is made. */
static int make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = mkdir(path, 0700);
        *s = '/';
        if (rc < 0 && errno != EEXIST) return -1;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

int store_file_write(const char *abs, const char *rel, const json_t *obj, char *why, size_t len)
{
    char tmp[PATH_MAX + 16], dir[PATH_MAX];
    char *text = json_dumps(obj, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    int fd = -1, rc = -1;
    if (snprintf(dir, sizeof dir, "%s", abs) >= (int)sizeof dir || !text) goto out;
    if (make_parents(dir) < 0) goto out;
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", abs);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) goto out;
    if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0 || rename(tmp, abs) < 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        goto out;
    }
    *strrchr(dir, '/') = '\0';
    int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) fsync(dfd), close(dfd); /* the rename itself made durable */
    rc = 0;
out:
    if (rc < 0) snprintf(why, len, "%s: cannot save the store: %s", rel, strerror(errno));
    if (fd >= 0) close(fd);
    free(text);
    return rc;
}
