// SPDX-License-Identifier: MIT
/*
 * entry.c: scope entries (JSON -> msgpack), path globs and $VARIABLES; see
 * entry.h and policy.h.
 */
#include "entry.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "policy.h"

static int depth_of(json_t *v, int limit)
{
    if (limit < 0) return 1;
    int max = 0;
    size_t i;
    const char *k;
    json_t *x;
    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            int d = depth_of(x, limit - 1);
            if (d > max) max = d;
        }
    } else if (json_is_object(v)) {
        json_object_foreach(v, k, x)
        {
            int d = depth_of(x, limit - 1);
            if (d > max) max = d;
        }
    } else {
        return 0;
    }
    return max + 1;
}

static void pack(msgpack_packer *pk, json_t *v)
{
    size_t i;
    const char *k;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        msgpack_pack_map(pk, json_object_size(v));
        json_object_foreach(v, k, x)
        {
            msgpack_pack_str_with_body(pk, k, strlen(k));
            pack(pk, x);
        }
        break;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(v));
        json_array_foreach(v, i, x) pack(pk, x);
        break;
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        msgpack_pack_int64(pk, json_integer_value(v));
        break;
    case JSON_REAL:
        msgpack_pack_double(pk, json_real_value(v));
        break;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        break;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        break;
    case JSON_NULL:
        msgpack_pack_nil(pk);
        break;
    }
}

int pol_entry_make(struct pol_arena *a, json_t *obj, struct pol_pos pos, struct pol_entry *e)
{
    if (depth_of(obj, POL_ENTRY_MAX_DEPTH) > POL_ENTRY_MAX_DEPTH) return -1;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pack(&pk, obj);
    char *json = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    char *mp = sb.data ? pol_arena_alloc(a, sb.size) : NULL;
    const char *json_copy = json ? pol_arena_strdup(a, json) : NULL;
    int rc = mp && json_copy ? 0 : -2;
    if (rc == 0) {
        memcpy(mp, sb.data, sb.size);
        *e = (struct pol_entry){json_copy, mp, sb.size, pos};
    }
    free(json);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

struct pol_entry *pol_entry_copy(struct pol_arena *a, const struct pol_entry *e)
{
    struct pol_entry *c = pol_arena_alloc(a, sizeof(*c));
    char *mp = pol_arena_alloc(a, e->mp_len);
    if (!c || !mp || !(c->json = pol_arena_strdup(a, e->json))) return NULL;
    memcpy(mp, e->mp, e->mp_len);
    c->mp = mp;
    c->mp_len = e->mp_len;
    c->pos = e->pos;
    return c;
}

/* ---- globs --------------------------------------------------------------- */

/* Backtracking is bounded: a pathological pattern gives up rather than hang. */
#define GLOB_BUDGET 100000

struct glob {
    const char *text; /* start of the whole text, for "start of a component" */
    int flags;
    long budget;
};

static bool component_start(const struct glob *g, const char *t)
{
    return t == g->text || t[-1] == '/';
}

/* ASCII only, as tolower() in the C and UTF-8 locales, without a call per byte. */
static inline unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static inline bool same(const struct glob *g, char a, char b)
{
    if (a == b) return true;
    return (g->flags & POL_GLOB_CASEFOLD) && fold((unsigned char)a) == fold((unsigned char)b);
}

static int match(struct glob *g, const char *p, const char *t);

/* A '.' starting a component, which wildcards do not match unless POL_GLOB_DOTS. */
static bool hidden(const struct glob *g, const char *t)
{
    return *t == '.' && !(g->flags & POL_GLOB_DOTS) && component_start(g, t);
}

/* "**": any run, across '/', never over a leading dot. "**\/" may match no directory. */
static int star_star(struct glob *g, const char *p, const char *t)
{
    while (*p == '*')
        p++;
    if (*p == '/') {
        int r = match(g, p + 1, t);
        if (r != 0) return r;
    }
    for (;; t++) {
        int r = match(g, p, t);
        if (r != 0) return r;
        if (!*t || hidden(g, t)) return 0;
    }
}

static int star(struct glob *g, const char *p, const char *t)
{
    for (;; t++) {
        int r = match(g, p, t);
        if (r != 0) return r;
        if (!*t || *t == '/' || hidden(g, t)) return 0;
    }
}

static int match(struct glob *g, const char *p, const char *t)
{
    if (--g->budget < 0) return -1;
    for (;; p++, t++) {
        switch (*p) {
        case '\0':
            return *t == '\0';
        case '*':
            if (p[1] == '*') return star_star(g, p, t);
            return star(g, p + 1, t);
        case '?':
            if (!*t || *t == '/' || hidden(g, t)) return 0;
            break;
        case '\\':
            if (p[1]) p++;
            /* fall through */
        default:
            if (!*t || !same(g, *p, *t)) return 0;
        }
    }
}

int pol_glob_match(const char *pattern, const char *text, int flags)
{
    struct glob g = {text, flags, GLOB_BUDGET};
    size_t lp = strlen(pattern), lt = strlen(text);
    // "dir/**" also names dir itself (a scope for a folder covers listing it).
    if (lp >= 3 && strcmp(pattern + lp - 3, "/**") == 0 && lt == lp - 3) {
        struct glob h = {text, flags, GLOB_BUDGET};
        char *head = strndup(pattern, lp - 3);
        int r = head ? match(&h, head, text) : -1;
        free(head);
        if (r != 0) return r;
    }
    return match(&g, pattern, text);
}

/* ---- variables ----------------------------------------------------------- */

int pol_expand_vars(const char *pattern, const struct pol_var *vars, size_t n, char *out,
                    size_t outlen)
{
    const char *rest = pattern, *name = NULL;
    size_t name_len = 0;
    if (pattern[0] == '$') {
        bool braced = pattern[1] == '{';
        name = pattern + 1 + braced;
        while (isalnum((unsigned char)name[name_len]) || name[name_len] == '_')
            name_len++;
        if (braced && name[name_len] != '}') return -1;
        rest = name + name_len + braced;
    }
    const char *value = "";
    if (name) {
        size_t i = 0;
        while (i < n && !(strlen(vars[i].name) == name_len &&
                          memcmp(vars[i].name, name, name_len) == 0 && vars[i].value))
            i++;
        if (i == n || !*vars[i].value) return -1;
        value = vars[i].value;
    }
    size_t lv = strlen(value), lr = strlen(rest);
    /* "$HOME/" + "/x" would make "//x"; a value ending in '/' drops it. */
    if (lv && value[lv - 1] == '/' && rest[0] == '/') lv--;
    /* memcpy, not snprintf: this runs on every scoped call (see bench row 7). */
    if (lv + lr >= outlen || lv + lr > INT_MAX) return -1;
    memcpy(out, value, lv);
    memcpy(out + lv, rest, lr + 1);
    return (int)(lv + lr);
}

bool pol_path_var_unknown(const char *path, const char **name)
{
    static const char *const known[] = {
        "APPCONFIG", "APPDATA", "APPLOCALDATA", "APPCACHE", "APPLOG",   "AUDIO",    "CACHE",
        "CONFIG",    "DATA",    "LOCALDATA",    "DESKTOP",  "DOCUMENT", "DOWNLOAD", "EXE",
        "FONT",      "HOME",    "PICTURE",      "PUBLIC",   "RUNTIME",  "TEMPLATE", "VIDEO",
        "RESOURCE",  "TEMP",    "LOG",          "BUNDLE"};
    static _Thread_local char got[40];
    if (path[0] != '$') return false;
    const char *v = path + 1 + (path[1] == '{');
    size_t n = 0;
    while (isalnum((unsigned char)v[n]) || v[n] == '_')
        n++;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strlen(known[i]) == n && !memcmp(known[i], v, n)) return false;
    snprintf(got, sizeof got, "$%.*s", (int)(n < 32 ? n : 32), v);
    *name = got;
    return true;
}
