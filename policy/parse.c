/*
 * parse.c: JSON tree -> struct pol_tree. Walks jansson's tree in document
 * order, keeping the JSON pointer path of the value at hand so that any
 * error can be placed with jsonpos. The first problem in the text wins.
 */
#include "tree.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"
#include "suggest.h"

struct parser {
    const char *file;
    const struct pol_jsonpos *jp;
    struct pol_error *err;
    struct pol_tree *tree;
    struct pol_buf path;    /* of the value being checked */
    struct pol_map cap_ids; /* identifier -> struct pol_cap_node, for duplicates */
};

/* A known key of some object, and what checks its value. */
struct member {
    const char *key;
    int (*check)(struct parser *p, json_t *value, void *target);
};

/* Position of the value at p->path, or of the key that introduces it. */
static struct pol_pos here(const struct parser *p, bool key)
{
    const struct pol_jsonpos_entry *e = pol_jsonpos_get(p->jp, pol_buf_str(&p->path));
    if (!e) return (struct pol_pos){0, 0};
    return key ? e->key : e->value;
}

static int fail(struct parser *p, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills the error at the value (or key) at p->path. Returns -1. */
static int fail(struct parser *p, bool at_key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pol_err_vat(p->err, p->file, here(p, at_key), fmt, ap);
    va_end(ap);
    return -1;
}

static int no_memory(struct parser *p)
{
    return pol_err_at(p->err, p->file, (struct pol_pos){0, 0}, "out of memory");
}

static const char *copy(struct parser *p, const char *s)
{
    return pol_arena_strdup(&p->tree->arena, s);
}

static int unknown_key(struct parser *p, const char *key, const char *what,
                       const struct member *known, size_t n)
{
    char expected[256] = "", q[POL_QUOTE_SIZE];
    struct pol_nearest near;
    pol_nearest_init(&near, key, 2);
    for (size_t i = 0; i < n; i++) {
        pol_nearest_offer(&near, known[i].key);
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof(expected) - used, "%s%s", i ? ", " : "", known[i].key);
    }
    if (near.best)
        return fail(p, true, "unknown key %s in %s (did you mean \"%s\"?); expected one of: %s",
                    pol_quote(q, key), what, near.best, expected);
    return fail(p, true, "unknown key %s in %s; expected one of: %s", pol_quote(q, key), what,
                expected);
}

/* Checks each member of obj in document order against the known keys. */
static int members(struct parser *p, json_t *obj, const char *what, const struct member *known,
                   size_t n, void *target)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        size_t mark = p->path.len, i = 0;
        if (pol_buf_push_key(&p->path, key) < 0) return no_memory(p);
        while (i < n && strcmp(known[i].key, key) != 0)
            i++;
        int rc = i < n ? known[i].check(p, value, target) : unknown_key(p, key, what, known, n);
        pol_buf_truncate(&p->path, mark);
        if (rc < 0) return -1;
    }
    return 0;
}

/* With p->path at obj: an error at obj's opening brace when key is absent. */
static int require(struct parser *p, json_t *obj, const char *key, const char *what)
{
    if (json_object_get(obj, key)) return 0;
    return fail(p, false, "%s is missing required key \"%s\"", what, key);
}

static int check_schema(struct parser *p, json_t *value, void *target)
{
    (void)target;
    return json_is_string(value) ? 0 : fail(p, false, "\"$schema\" must be a string");
}

static bool valid_identifier(const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == ':' || c == '.'))
            return false;
    }
    return true;
}

static int cap_identifier(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    char q[POL_QUOTE_SIZE];
    if (!json_is_string(value)) return fail(p, false, "\"identifier\" must be a string");
    const char *id = json_string_value(value);
    if (!*id) return fail(p, false, "capability identifier must not be empty");
    if (!valid_identifier(id))
        return fail(p, false,
                    "capability identifier %s may contain only ASCII letters, digits and "
                    "'-', '_', ':', '.'",
                    pol_quote(q, id));
    cap->id_pos = here(p, false);
    return (cap->id = copy(p, id)) ? 0 : no_memory(p);
}

static int cap_description(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    if (!json_is_string(value)) return fail(p, false, "\"description\" must be a string");
    return (cap->description = copy(p, json_string_value(value))) ? 0 : no_memory(p);
}

static int cap_window(struct parser *p, json_t *value, const char **out)
{
    if (!json_is_string(value)) return fail(p, false, "\"windows\" must be an array of strings");
    if (!*json_string_value(value))
        return fail(p, false, "a window label pattern must not be empty");
    return (*out = copy(p, json_string_value(value))) ? 0 : no_memory(p);
}

static int cap_windows(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    if (!json_is_array(value)) return fail(p, false, "\"windows\" must be an array of strings");
    size_t n = json_array_size(value);
    if (n == 0) return fail(p, false, "\"windows\" must list at least one window label");
    if (!(cap->windows = pol_arena_array(&p->tree->arena, n, sizeof(*cap->windows))))
        return no_memory(p);
    for (size_t i = 0; i < n; i++) {
        size_t mark = p->path.len;
        if (pol_buf_push_index(&p->path, i) < 0) return no_memory(p);
        if (cap_window(p, json_array_get(value, i), &cap->windows[i]) < 0) return -1;
        pol_buf_truncate(&p->path, mark);
    }
    cap->n_windows = n;
    return 0;
}

static int perm_identifier(struct parser *p, json_t *value, void *target)
{
    struct pol_perm_node *perm = target;
    if (!json_is_string(value)) return fail(p, false, "\"identifier\" must be a string");
    perm->pos = here(p, false);
    return (perm->id = copy(p, json_string_value(value))) ? 0 : no_memory(p);
}

static int perm_scope(struct parser *p, json_t *value, void *target)
{
    (void)value;
    (void)target;
    return fail(p, true, "scopes are not supported yet by this permission");
}

static const struct member perm_members[] = {
    {"identifier", perm_identifier},
    {"allow", perm_scope},
    {"deny", perm_scope},
};

static int cap_permission(struct parser *p, json_t *value, struct pol_perm_node *perm)
{
    if (json_is_string(value)) return perm_identifier(p, value, perm);
    if (!json_is_object(value))
        return fail(p, false,
                    "each permission must be an identifier string or an object "
                    "{\"identifier\": ...}");
    if (members(p, value, "permission", perm_members,
                sizeof(perm_members) / sizeof(perm_members[0]), perm) < 0)
        return -1;
    return require(p, value, "identifier", "permission");
}

static int cap_permissions(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    if (!json_is_array(value))
        return fail(p, false, "\"permissions\" must be an array of permission identifiers");
    size_t n = json_array_size(value);
    if (n && !(cap->perms = pol_arena_array(&p->tree->arena, n, sizeof(*cap->perms))))
        return no_memory(p);
    for (size_t i = 0; i < n; i++) {
        size_t mark = p->path.len;
        if (pol_buf_push_index(&p->path, i) < 0) return no_memory(p);
        if (cap_permission(p, json_array_get(value, i), &cap->perms[i]) < 0) return -1;
        pol_buf_truncate(&p->path, mark);
    }
    cap->n_perms = n;
    return 0;
}

static const struct member cap_members[] = {
    {"$schema", check_schema}, {"identifier", cap_identifier},   {"description", cap_description},
    {"windows", cap_windows},  {"permissions", cap_permissions},
};

static int unique_identifier(struct parser *p, struct pol_cap_node *cap)
{
    int rc = pol_map_put(&p->cap_ids, cap->id, cap);
    if (rc < 0) return no_memory(p);
    if (rc == 0) return 0;
    const struct pol_cap_node *first = pol_map_get(&p->cap_ids, cap->id);
    char q[POL_QUOTE_SIZE];
    return pol_err_at(p->err, p->file, cap->id_pos,
                      "duplicate capability identifier %s (first at line %d, column %d)",
                      pol_quote(q, cap->id), first->id_pos.line, first->id_pos.col);
}

/* With p->path at obj. */
static int parse_capability(struct parser *p, json_t *obj, struct pol_cap_node *cap)
{
    if (!json_is_object(obj)) return fail(p, false, "each capability must be an object");
    if (members(p, obj, "capability", cap_members, sizeof(cap_members) / sizeof(cap_members[0]),
                cap) < 0 ||
        require(p, obj, "identifier", "capability") < 0)
        return -1;
    char what[POL_QUOTE_SIZE + 16], q[POL_QUOTE_SIZE];
    snprintf(what, sizeof(what), "capability %s", pol_quote(q, cap->id));
    if (require(p, obj, "windows", what) < 0 || require(p, obj, "permissions", what) < 0) return -1;
    return unique_identifier(p, cap);
}

static int parse_cap_list(struct parser *p, json_t *arr)
{
    size_t n = json_array_size(arr);
    struct pol_tree *t = p->tree;
    if (n && !(t->caps = pol_arena_array(&t->arena, n, sizeof(*t->caps)))) return no_memory(p);
    for (size_t i = 0; i < n; i++) {
        size_t mark = p->path.len;
        if (pol_buf_push_index(&p->path, i) < 0) return no_memory(p);
        if (parse_capability(p, json_array_get(arr, i), &t->caps[i]) < 0) return -1;
        t->n_caps = i + 1;
        pol_buf_truncate(&p->path, mark);
    }
    return 0;
}

static int list_capabilities(struct parser *p, json_t *value, void *target)
{
    (void)target;
    if (!json_is_array(value))
        return fail(p, false, "\"capabilities\" must be an array of capability objects");
    return parse_cap_list(p, value);
}

static const struct member list_members[] = {
    {"$schema", check_schema},
    {"capabilities", list_capabilities},
};

static int parse_root(struct parser *p, json_t *root)
{
    if (json_is_array(root)) return parse_cap_list(p, root);
    if (!json_is_object(root))
        return fail(p, false,
                    "a policy must be a capability object, an array of capability objects, "
                    "or {\"capabilities\": [...]}");
    if (json_object_get(root, "capabilities"))
        return members(p, root, "policy", list_members,
                       sizeof(list_members) / sizeof(list_members[0]), NULL);
    struct pol_tree *t = p->tree;
    if (!(t->caps = pol_arena_alloc(&t->arena, sizeof(*t->caps)))) return no_memory(p);
    t->n_caps = 1;
    return parse_capability(p, root, &t->caps[0]);
}

int pol_parse(json_t *root, const struct pol_jsonpos *jp, const char *file, struct pol_tree *out,
              struct pol_error *err)
{
    struct parser p = {.file = file, .jp = jp, .err = err, .tree = out};
    memset(out, 0, sizeof(*out));
    pol_arena_init(&out->arena);
    pol_buf_init(&p.path);
    pol_map_init(&p.cap_ids);
    int rc = parse_root(&p, root);
    pol_buf_free(&p.path);
    pol_map_free(&p.cap_ids);
    return rc;
}

void pol_tree_free(struct pol_tree *t)
{
    pol_arena_free(&t->arena);
    t->caps = NULL;
    t->n_caps = 0;
}
