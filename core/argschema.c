// SPDX-License-Identifier: MIT
/*
 * argschema.c: compiling and checking a command's argument schema; see
 * argschema.h.
 */
#include "argschema.h"
#include "internal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    T_STRING = 1 << 0,
    T_NUMBER = 1 << 1,
    T_INTEGER = 1 << 2,
    T_BOOLEAN = 1 << 3,
    T_ARRAY = 1 << 4,
    T_OBJECT = 1 << 5,
    T_NULL = 1 << 6,
};

static const struct {
    const char *name;
    unsigned bit;
} type_names[] = {{"string", T_STRING},   {"number", T_NUMBER}, {"integer", T_INTEGER},
                  {"boolean", T_BOOLEAN}, {"array", T_ARRAY},   {"object", T_OBJECT},
                  {"null", T_NULL}};
#define N_TYPES (sizeof type_names / sizeof *type_names)

struct prop {
    char *name;
    struct core_argschema *node;
};

struct core_argschema {
    unsigned types; /* 0: any value */
    struct prop *props;
    size_t n_props;
    char **required;
    size_t n_required;
    bool closed; /* additionalProperties: false */
    struct core_argschema *items;
};

void core_argschema_free(struct core_argschema *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_props; i++) {
        free(s->props[i].name);
        core_argschema_free(s->props[i].node);
    }
    for (size_t i = 0; i < s->n_required; i++)
        free(s->required[i]);
    free(s->props);
    free(s->required);
    core_argschema_free(s->items);
    free(s);
}

/* ---- compiling ------------------------------------------------------------------ */

struct compiling {
    const char *command;
    char at[256]; /* where in the schema, for errors: "properties.name" */
};

static int bad(const struct compiling *c, const char *what)
{
    return core_fail("argument schema of %s: %s%s%s", c->command, c->at[0] ? c->at : "",
                     c->at[0] ? ": " : "", what);
}

static struct core_argschema *node_new(struct compiling *c, json_t *j, int depth);

static int compile_type(struct compiling *c, json_t *t, struct core_argschema *s)
{
    json_t *one;
    size_t i;
    if (json_is_string(t)) {
        json_t *arr = json_pack("[O]", t);
        int rc = arr ? compile_type(c, arr, s) : core_fail("out of memory");
        json_decref(arr);
        return rc;
    }
    if (!json_is_array(t)) return bad(c, "\"type\" must be a type name or an array of them");
    json_array_foreach(t, i, one)
    {
        size_t k = 0;
        while (k < N_TYPES &&
               !(json_is_string(one) && !strcmp(json_string_value(one), type_names[k].name)))
            k++;
        if (k == N_TYPES)
            return bad(c, "\"type\": expected string, number, integer, boolean, array, object "
                          "or null");
        s->types |= type_names[k].bit;
    }
    return 0;
}

/* Descends into key (and sub, a property name) for errors, compiles j, comes back. */
static struct core_argschema *child(struct compiling *c, const char *key, const char *sub,
                                    json_t *j, int depth)
{
    size_t mark = strlen(c->at);
    snprintf(c->at + mark, sizeof c->at - mark, "%s%s%s%s", mark ? "." : "", key, sub ? "." : "",
             sub ? sub : "");
    struct core_argschema *n = node_new(c, j, depth + 1);
    c->at[mark] = '\0';
    return n;
}

static int compile_object(struct compiling *c, json_t *j, struct core_argschema *s, int depth)
{
    json_t *props = json_object_get(j, "properties"), *req = json_object_get(j, "required");
    json_t *extra = json_object_get(j, "additionalProperties"), *v;
    const char *key;
    size_t i;
    if (props && !json_is_object(props)) return bad(c, "\"properties\" must be an object");
    if (req && !json_is_array(req)) return bad(c, "\"required\" must be an array of names");
    if (extra && !json_is_boolean(extra))
        return bad(c, "\"additionalProperties\" must be true or false");
    s->closed = extra && json_is_false(extra);
    s->props = calloc(json_object_size(props) + 1, sizeof *s->props);
    s->required = calloc(json_array_size(req) + 1, sizeof *s->required);
    if (!s->props || !s->required) return core_fail("out of memory");
    json_object_foreach(props, key, v)
    {
        struct prop *p = &s->props[s->n_props];
        if (!(p->name = strdup(key))) return core_fail("out of memory");
        s->n_props++;
        if (!(p->node = child(c, "properties", key, v, depth))) return -1;
    }
    json_array_foreach(req, i, v)
    {
        if (!json_is_string(v)) return bad(c, "\"required\" must be an array of names");
        if (!(s->required[s->n_required] = strdup(json_string_value(v))))
            return core_fail("out of memory");
        s->n_required++;
    }
    return 0;
}

static struct core_argschema *node_new(struct compiling *c, json_t *j, int depth)
{
    static const char *const known[] = {
        "type",  "properties", "required", "additionalProperties", "items", "description",
        "title", "$schema",    "$comment"};
    if (depth > 32) return bad(c, "nested too deep (32 levels at most)"), NULL;
    if (!json_is_object(j)) return bad(c, "expected a schema object"), NULL;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        size_t k = 0;
        while (k < sizeof known / sizeof *known && strcmp(key, known[k]))
            k++;
        if (k == sizeof known / sizeof *known) {
            char what[400];
            snprintf(what, sizeof what,
                     "keyword \"%.64s\" is not checked by Moat (it knows type, properties, "
                     "required, additionalProperties, items, description, title)",
                     key);
            return bad(c, what), NULL;
        }
    }
    struct core_argschema *s = calloc(1, sizeof *s);
    if (!s) return core_fail("out of memory"), NULL;
    json_t *type = json_object_get(j, "type"), *items = json_object_get(j, "items");
    if ((type && compile_type(c, type, s) != 0) || compile_object(c, j, s, depth) != 0 ||
        (items && !(s->items = child(c, "items", NULL, items, depth)))) {
        core_argschema_free(s);
        return NULL;
    }
    return s;
}

struct core_argschema *core_argschema_new(const char *text, const char *command)
{
    struct compiling c = {.command = command};
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return core_fail("argument schema of %s: %d:%d: invalid JSON: %s", command, je.line,
                         je.column, je.text),
               NULL;
    struct core_argschema *s = node_new(&c, j, 0);
    json_decref(j);
    if (s && s->types != T_OBJECT) {
        core_argschema_free(s);
        return bad(&c, "expected \"type\": \"object\" (invoke's arguments are one object)"), NULL;
    }
    return s;
}

/* ---- checking -------------------------------------------------------------------- */

/* The kinds a value satisfies, and what it is called in errors. */
static unsigned kinds(const msgpack_object *o, const char **called)
{
    switch (o->type) {
    case MSGPACK_OBJECT_STR:
        return *called = "a string", T_STRING;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return *called = "an integer", T_INTEGER | T_NUMBER;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: /* JS has only doubles: 3.0 is an integer there */
        *called = "a number";
        return T_NUMBER | (o->via.f64 > -9e18 && o->via.f64 < 9e18 &&
                                   (double)(long long)o->via.f64 == o->via.f64
                               ? T_INTEGER
                               : 0);
    case MSGPACK_OBJECT_BOOLEAN:
        return *called = "a boolean", T_BOOLEAN;
    case MSGPACK_OBJECT_ARRAY:
        return *called = "an array", T_ARRAY;
    case MSGPACK_OBJECT_MAP:
        return *called = "an object", T_OBJECT;
    case MSGPACK_OBJECT_NIL:
        return *called = "null", T_NULL;
    default:
        return *called = "binary data", 0;
    }
}

static void expected(unsigned types, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    unsigned n = 0;
    for (size_t k = 0; k < N_TYPES; k++)
        n += (types & type_names[k].bit) != 0;
    for (size_t k = 0, i = 0; k < N_TYPES; k++) {
        if (!(types & type_names[k].bit)) continue;
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        const char *a = !strcmp(type_names[k].name, "null")      ? ""
                        : strchr("aeiou", type_names[k].name[0]) ? "an "
                                                                 : "a ";
        o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s%s", sep, a, type_names[k].name);
        i++;
    }
}

struct checking {
    char path[256]; /* "name", "items[2].id"; "" for the arguments themselves */
    char *why;
    size_t len;
};

static int mismatch(struct checking *k, const char *fmt, const char *a, const char *b)
{
    char what[300];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(k->why, k->len, "%s: %s", k->path[0] ? k->path : "arguments", what);
    return -1;
}

static int check(struct checking *k, const struct core_argschema *s, const msgpack_object *o);

static int check_member(struct checking *k, const struct core_argschema *s, const char *fmt,
                        const char *name, size_t name_len, size_t index, const msgpack_object *o)
{
    size_t mark = strlen(k->path);
    if (name)
        snprintf(k->path + mark, sizeof k->path - mark, fmt, mark ? "." : "", (int)name_len, name);
    else
        snprintf(k->path + mark, sizeof k->path - mark, "[%zu]", index);
    int rc = check(k, s, o);
    if (rc == 0) k->path[mark] = '\0';
    return rc;
}

static int check_object(struct checking *k, const struct core_argschema *s, const msgpack_object *o)
{
    const msgpack_object_map *m = &o->via.map;
    for (size_t r = 0; r < s->n_required; r++) {
        uint32_t i = 0;
        for (; i < m->size; i++)
            if (m->ptr[i].key.type == MSGPACK_OBJECT_STR &&
                m->ptr[i].key.via.str.size == strlen(s->required[r]) &&
                !memcmp(m->ptr[i].key.via.str.ptr, s->required[r], m->ptr[i].key.via.str.size))
                break;
        if (i == m->size) return mismatch(k, "missing required \"%s\"%s", s->required[r], "");
    }
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *key = &m->ptr[i].key;
        if (key->type != MSGPACK_OBJECT_STR) return mismatch(k, "%s%s", "keys must be strings", "");
        size_t p = 0;
        while (p < s->n_props && !(strlen(s->props[p].name) == key->via.str.size &&
                                   !memcmp(s->props[p].name, key->via.str.ptr, key->via.str.size)))
            p++;
        if (p < s->n_props) {
            if (check_member(k, s->props[p].node, "%s%.*s", key->via.str.ptr, key->via.str.size, 0,
                             &m->ptr[i].val))
                return -1;
        } else if (s->closed) {
            char name[80];
            snprintf(name, sizeof name, "%.*s",
                     (int)(key->via.str.size < 64 ? key->via.str.size : 64), key->via.str.ptr);
            return mismatch(k, "unknown argument \"%s\"%s (additionalProperties is false)", name,
                            "");
        }
    }
    return 0;
}

static int check(struct checking *k, const struct core_argschema *s, const msgpack_object *o)
{
    const char *called;
    unsigned have = kinds(o, &called);
    if (s->types && !(s->types & have)) {
        char want[160];
        expected(s->types, want, sizeof want);
        return mismatch(k, "expected %s, got %s", want, called);
    }
    if (o->type == MSGPACK_OBJECT_MAP) return check_object(k, s, o);
    for (uint32_t i = 0; s->items && o->type == MSGPACK_OBJECT_ARRAY && i < o->via.array.size; i++)
        if (check_member(k, s->items, NULL, NULL, 0, i, &o->via.array.ptr[i])) return -1;
    return 0;
}

int core_argschema_check(const struct core_argschema *s, const msgpack_object *args, char *why,
                         size_t len)
{
    struct checking k = {.why = why, .len = len};
    static const msgpack_object empty = {.type = MSGPACK_OBJECT_MAP};
    return check(&k, s, args->type == MSGPACK_OBJECT_NIL ? &empty : args);
}
