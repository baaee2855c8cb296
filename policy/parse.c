// SPDX-License-Identifier: MIT
/*
 * parse.c: JSON tree -> struct pol_tree. Walks jansson's tree in document
 * order, keeping the JSON pointer path of the value at hand so that any
 * error can be placed with jsonpos. Every problem is reported: a check that
 * fails adds its error and returns -1, and the walk goes on with the next
 * key or item (what failed is left out of the tree), until memory runs out.
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
    struct pol_errors *errs;
    struct pol_tree *tree;
    struct pol_buf path;    /* of the value being checked */
    struct pol_map cap_ids; /* identifier -> struct pol_cap_node, for duplicates */
    json_t *cap_obj;        /* the capability being checked */
    json_t *perm_obj;       /* the permission object being checked */
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
    pol_err_vat(p->errs, p->file, here(p, at_key), fmt, ap);
    va_end(ap);
    return -1;
}

static int no_memory(struct parser *p)
{
    return pol_err_oom(p->errs, p->file);
}

/* With errors going on, only running out of memory ends the walk early. */
static bool stopped(const struct parser *p)
{
    return p->errs->stopped;
}

/*
 * Runs check on each item of arr with p->path at it: every item is checked,
 * whatever the ones before it gave. 0, or -1 when any failed.
 */
static int each_item(struct parser *p, json_t *arr,
                     int (*check)(struct parser *p, json_t *item, void *target), void *target)
{
    int rc = 0;
    for (size_t i = 0; i < json_array_size(arr) && !stopped(p); i++) {
        size_t mark = p->path.len;
        if (pol_buf_push_index(&p->path, i) < 0) return no_memory(p);
        rc |= check(p, json_array_get(arr, i), target);
        pol_buf_truncate(&p->path, mark);
    }
    return stopped(p) ? -1 : rc;
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

/* A value that is not one of known: an error at the value, with the nearest one. */
static int unknown_word(struct parser *p, const char *word, const char *what,
                        const char *const *known, size_t n)
{
    char q[POL_QUOTE_SIZE];
    struct pol_nearest near;
    pol_nearest_init(&near, word, 2);
    for (size_t i = 0; i < n; i++)
        pol_nearest_offer(&near, known[i]);
    if (near.best)
        return fail(p, false, "unknown %s %s (did you mean \"%s\"?)", what, pol_quote(q, word),
                    near.best);
    return fail(p, false, "unknown %s %s", what, pol_quote(q, word));
}

/* Checks each member of obj in document order against the known keys. */
static int members(struct parser *p, json_t *obj, const char *what, const struct member *known,
                   size_t n, void *target)
{
    const char *key;
    json_t *value;
    int rc = 0;
    json_object_foreach(obj, key, value)
    {
        size_t mark = p->path.len, i = 0;
        if (pol_buf_push_key(&p->path, key) < 0) return no_memory(p);
        while (i < n && strcmp(known[i].key, key) != 0)
            i++;
        rc |= i < n ? known[i].check(p, value, target) : unknown_key(p, key, what, known, n);
        pol_buf_truncate(&p->path, mark);
        if (stopped(p)) return -1;
    }
    return rc;
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

struct label_list {
    struct pol_cap_node *cap;
    const char *key;
};

static int cap_window(struct parser *p, json_t *value, void *target)
{
    const struct label_list *l = target;
    struct pol_cap_node *cap = l->cap;
    if (!json_is_string(value)) return fail(p, false, "\"%s\" must be an array of strings", l->key);
    if (!*json_string_value(value))
        return fail(p, false, "a window label pattern must not be empty");
    cap->window_pos[cap->n_windows] = here(p, false);
    const char *w = copy(p, json_string_value(value));
    if (!w) return no_memory(p);
    cap->windows[cap->n_windows++] = w;
    return 0;
}

/* Grows cap's label globs by n (windows and webviews share them). */
static int more_windows(struct parser *p, struct pol_cap_node *cap, size_t n)
{
    struct pol_arena *a = &p->tree->arena;
    const char **w = pol_arena_array(a, cap->n_windows + n + 1, sizeof(*w));
    struct pol_pos *pos = pol_arena_array(a, cap->n_windows + n + 1, sizeof(*pos));
    if (!w || !pos) return no_memory(p);
    if (cap->n_windows) {
        memcpy(w, cap->windows, cap->n_windows * sizeof(*w));
        memcpy(pos, cap->window_pos, cap->n_windows * sizeof(*pos));
    }
    cap->windows = w;
    cap->window_pos = pos;
    return 0;
}

/* Tauri's "webviews" name webview labels; a Moat renderer is both window and webview. */
static int label_list(struct parser *p, json_t *value, struct pol_cap_node *cap, const char *key,
                      const char *other)
{
    if (!json_is_array(value)) return fail(p, false, "\"%s\" must be an array of strings", key);
    size_t n = json_array_size(value);
    json_t *alt = json_object_get(p->cap_obj, other);
    if (n == 0 && !(json_is_array(alt) && json_array_size(alt) > 0))
        return fail(p, false, "\"%s\" must list at least one window label", key);
    if (more_windows(p, cap, n) < 0) return -1;
    return each_item(p, value, cap_window, &(struct label_list){cap, key});
}

static int cap_windows(struct parser *p, json_t *value, void *target)
{
    return label_list(p, value, target, "windows", "webviews");
}

static int cap_webviews(struct parser *p, json_t *value, void *target)
{
    return label_list(p, value, target, "webviews", "windows");
}

static int platform(struct parser *p, json_t *v, void *target)
{
    static const char *const known[] = {"linux", "macOS", "windows", "iOS", "android"};
    bool *on_linux = target;
    size_t k = 0;
    if (!json_is_string(v)) return fail(p, false, "\"platforms\" must be an array of strings");
    while (k < 5 && strcmp(known[k], json_string_value(v)) != 0)
        k++;
    if (k == 5) return unknown_word(p, json_string_value(v), "platform", known, 5);
    *on_linux = *on_linux || k == 0;
    return 0;
}

/* Moat runs on Linux only: a capability for other platforms never applies. */
static int cap_platforms(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    bool on_linux = false;
    if (!json_is_array(value)) return fail(p, false, "\"platforms\" must be an array of strings");
    int rc = each_item(p, value, platform, &on_linux);
    if (!on_linux) cap->never = "its \"platforms\" do not include linux";
    return rc;
}

static int cap_local(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    if (!json_is_boolean(value)) return fail(p, false, "\"local\" must be true or false");
    if (json_is_false(value))
        cap->never = "\"local\" is false, and Moat renderers only run local bundles";
    return 0;
}

/* Moat never loads remote content, so "remote" grants nothing; its shape is still checked. */
static int cap_remote(struct parser *p, json_t *value, void *target)
{
    (void)target;
    json_t *urls = json_object_get(value, "urls");
    if (!json_is_object(value) || json_object_size(value) != 1 || !json_is_array(urls))
        return fail(p, false, "\"remote\" must be {\"urls\": [...]}");
    for (size_t i = 0; i < json_array_size(urls); i++)
        if (!json_is_string(json_array_get(urls, i)))
            return fail(p, false, "\"remote\" must be {\"urls\": [...]}");
    return 0;
}

static int perm_identifier(struct parser *p, json_t *value, void *target)
{
    struct pol_perm_node *perm = target;
    if (!json_is_string(value)) return fail(p, false, "\"identifier\" must be a string");
    perm->pos = here(p, false);
    return (perm->id = copy(p, json_string_value(value))) ? 0 : no_memory(p);
}

/*
 * The key a plain string stands for in the scope entries of the permission
 * being checked: Tauri's plugins whose entry type is an untagged enum with a
 * string variant (scope.rs: fs's EntryRaw::Value(PathBuf), http's
 * EntryRaw::Value(String)). NULL: that plugin takes objects only.
 */
static const char *string_entry_key(const struct parser *p)
{
    const char *id = json_string_value(json_object_get(p->perm_obj, "identifier"));
    if (id && !strncmp(id, "fs:", 3)) return "path";
    if (id && !strncmp(id, "http:", 5)) return "url";
    return NULL;
}

/* One entry: an object, or a string where Tauri's plugin accepts one (short for the object). */
static int scope_entry(struct parser *p, json_t *value, struct pol_entry *e)
{
    const char *key = json_is_string(value) ? string_entry_key(p) : NULL;
    json_t *obj = key ? json_pack("{s:O}", key, value) : json_incref(value);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return json_is_string(value)
                   ? fail(p, false,
                          "a scope entry must be a JSON object such as {\"path\": \"...\"} "
                          "(a plain string is short for one with fs: and http: permissions only)")
                   : fail(p, false,
                          "a scope entry must be a JSON object such as {\"path\": \"...\"}");
    }
    const char *path = json_string_value(json_object_get(obj, "path")), *bad = NULL;
    if (path && pol_path_var_unknown(path, &bad)) {
        char q[POL_QUOTE_SIZE];
        pol_quote(q, bad);
        json_decref(obj);
        return fail(p, false,
                    "unknown variable %s in scope path; expected one of $APPCONFIG, $APPDATA, "
                    "$APPLOCALDATA, $APPCACHE, $APPLOG, $AUDIO, $CACHE, $CONFIG, $DATA, "
                    "$LOCALDATA, $DESKTOP, $DOCUMENT, $DOWNLOAD, $EXE, $FONT, $HOME, $PICTURE, "
                    "$PUBLIC, $RUNTIME, $TEMPLATE, $VIDEO, $RESOURCE, $TEMP, $BUNDLE",
                    q);
    }
    int rc = pol_entry_make(&p->tree->arena, obj, here(p, false), e);
    json_decref(obj);
    if (rc == -1)
        return fail(p, false, "a scope entry may nest at most %d levels", POL_ENTRY_MAX_DEPTH);
    return rc < 0 ? no_memory(p) : 0;
}

struct entry_list {
    struct pol_entry *v;
    size_t n;
};

/* The entries that pass are kept, in order. */
static int keep_entry(struct parser *p, json_t *value, void *target)
{
    struct entry_list *l = target;
    if (scope_entry(p, value, &l->v[l->n]) < 0) return -1;
    l->n++;
    return 0;
}

static int scope_list(struct parser *p, json_t *value, const char *key, struct pol_entry **out,
                      size_t *n_out)
{
    if (!json_is_array(value))
        return fail(p, false, "\"%s\" must be an array of scope entries", key);
    size_t n = json_array_size(value);
    struct entry_list l = {pol_arena_array(&p->tree->arena, n ? n : 1, sizeof(*l.v)), 0};
    if (!l.v) return no_memory(p);
    int rc = each_item(p, value, keep_entry, &l);
    *out = l.v;
    *n_out = l.n;
    return rc;
}

static int perm_allow(struct parser *p, json_t *value, void *target)
{
    struct pol_perm_node *perm = target;
    return scope_list(p, value, "allow", &perm->allow, &perm->n_allow);
}

static int perm_deny(struct parser *p, json_t *value, void *target)
{
    struct pol_perm_node *perm = target;
    return scope_list(p, value, "deny", &perm->deny, &perm->n_deny);
}

static const struct member perm_members[] = {
    {"identifier", perm_identifier},
    {"allow", perm_allow},
    {"deny", perm_deny},
};

static int cap_permission(struct parser *p, json_t *value, struct pol_perm_node *perm)
{
    if (json_is_string(value)) return perm_identifier(p, value, perm);
    if (!json_is_object(value))
        return fail(p, false,
                    "each permission must be an identifier string or an object "
                    "{\"identifier\": ...}");
    p->perm_obj = value;
    int rc = members(p, value, "permission", perm_members,
                     sizeof(perm_members) / sizeof(perm_members[0]), perm);
    return require(p, value, "identifier", "permission") | rc;
}

/* A permission with any error is left out (compile would only add noise about it). */
static int keep_permission(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    struct pol_perm_node *perm = &cap->perms[cap->n_perms];
    if (cap_permission(p, value, perm) < 0) {
        *perm = (struct pol_perm_node){0};
        return -1;
    }
    cap->n_perms++;
    return 0;
}

static int cap_permissions(struct parser *p, json_t *value, void *target)
{
    struct pol_cap_node *cap = target;
    if (!json_is_array(value))
        return fail(p, false, "\"permissions\" must be an array of permission identifiers");
    size_t n = json_array_size(value);
    if (n && !(cap->perms = pol_arena_array(&p->tree->arena, n, sizeof(*cap->perms))))
        return no_memory(p);
    return each_item(p, value, keep_permission, cap);
}

static const struct member cap_members[] = {
    {"$schema", check_schema},        {"identifier", cap_identifier},
    {"description", cap_description}, {"windows", cap_windows},
    {"permissions", cap_permissions}, {"webviews", cap_webviews},
    {"platforms", cap_platforms},     {"local", cap_local},
    {"remote", cap_remote},
};

static int unique_identifier(struct parser *p, struct pol_cap_node *cap)
{
    if (!*cap->id) return 0; /* its identifier was wrong: that error is there already */
    int rc = pol_map_put(&p->cap_ids, cap->id, cap);
    if (rc < 0) return no_memory(p);
    if (rc == 0) return 0;
    const struct pol_cap_node *first = pol_map_get(&p->cap_ids, cap->id);
    char q[POL_QUOTE_SIZE];
    return pol_err_at(p->errs, p->file, cap->id_pos,
                      "duplicate capability identifier %s (first at line %d, column %d)",
                      pol_quote(q, cap->id), first->id_pos.line, first->id_pos.col);
}

/*
 * With p->path at obj. A capability with errors stays in the tree with what
 * passed (identifier "" when its own was wrong or missing), so that compile
 * still reports unknown permissions in it; the load fails anyway.
 */
static int parse_capability(struct parser *p, json_t *obj, struct pol_cap_node *cap)
{
    cap->file = p->file;
    cap->id = "";
    if (!json_is_object(obj)) return fail(p, false, "each capability must be an object");
    p->cap_obj = obj;
    cap->pos = here(p, false);
    int rc = members(p, obj, "capability", cap_members,
                     sizeof(cap_members) / sizeof(cap_members[0]), cap);
    if (stopped(p)) return -1;
    rc |= require(p, obj, "identifier", "capability");
    char what[POL_QUOTE_SIZE + 16], q[POL_QUOTE_SIZE];
    snprintf(what, sizeof(what), *cap->id ? "capability %s" : "capability", pol_quote(q, cap->id));
    if (!json_object_get(obj, "webviews")) rc |= require(p, obj, "windows", what);
    rc |= require(p, obj, "permissions", what);
    return unique_identifier(p, cap) | rc;
}

static int next_capability(struct parser *p, json_t *obj, void *target)
{
    struct pol_tree *t = target;
    return parse_capability(p, obj, &t->caps[t->n_caps++]);
}

static int parse_cap_list(struct parser *p, json_t *arr)
{
    size_t n = json_array_size(arr);
    struct pol_tree *t = p->tree;
    if (n && !(t->caps = pol_arena_array(&t->arena, n, sizeof(*t->caps)))) return no_memory(p);
    return each_item(p, arr, next_capability, t);
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

/* One entry of app.security.capabilities: a capability object or an identifier. */
static int conf_entry(struct parser *p, json_t *v, void *target)
{
    struct pol_tree *t = target;
    if (json_is_object(v)) return parse_capability(p, v, &t->caps[t->n_caps++]);
    if (!json_is_string(v) || !valid_identifier(json_string_value(v)))
        return fail(p, false,
                    "each entry of app.security.capabilities must be a capability object or "
                    "the identifier of a capability file's capability");
    t->ref_pos[t->n_refs] = here(p, false);
    if (!(t->refs[t->n_refs++] = copy(p, json_string_value(v)))) return no_memory(p);
    return 0;
}

static int parse_conf(struct parser *p, json_t *root)
{
    json_t *sec = json_object_get(json_object_get(root, "app"), "security");
    json_t *caps = json_object_get(sec, "capabilities");
    if (!json_is_object(root) || !caps)
        return pol_err_at(
            p->errs, p->file, (struct pol_pos){0, 0},
            "a tauri.conf.json given as a policy must have app.security.capabilities");
    if (pol_buf_append(&p->path, "/app/security/capabilities", 26) < 0) return no_memory(p);
    if (!json_is_array(caps)) return fail(p, false, "app.security.capabilities must be an array");
    struct pol_tree *t = p->tree;
    size_t n = json_array_size(caps);
    t->enables = true;
    if (n && (!(t->caps = pol_arena_array(&t->arena, n, sizeof(*t->caps))) ||
              !(t->refs = pol_arena_array(&t->arena, n, sizeof(*t->refs))) ||
              !(t->ref_pos = pol_arena_array(&t->arena, n, sizeof(*t->ref_pos)))))
        return no_memory(p);
    return each_item(p, caps, conf_entry, t);
}

static int run_parser(json_t *root, const struct pol_jsonpos *jp, const char *file,
                      struct pol_tree *out, struct pol_errors *errs,
                      int (*parse)(struct parser *, json_t *))
{
    struct parser p = {.file = file, .jp = jp, .errs = errs, .tree = out};
    memset(out, 0, sizeof(*out));
    pol_arena_init(&out->arena);
    pol_buf_init(&p.path);
    pol_map_init(&p.cap_ids);
    int rc = parse(&p, root);
    pol_buf_free(&p.path);
    pol_map_free(&p.cap_ids);
    return rc;
}

int pol_parse(json_t *root, const struct pol_jsonpos *jp, const char *file, struct pol_tree *out,
              struct pol_errors *errs)
{
    return run_parser(root, jp, file, out, errs, parse_root);
}

int pol_parse_tauri_conf(json_t *root, const struct pol_jsonpos *jp, const char *file,
                         struct pol_tree *out, struct pol_errors *errs)
{
    return run_parser(root, jp, file, out, errs, parse_conf);
}

void pol_tree_free(struct pol_tree *t)
{
    pol_arena_free(&t->arena);
    memset(t, 0, sizeof(*t));
}
