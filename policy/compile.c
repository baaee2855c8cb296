// SPDX-License-Identifier: MIT
/*
 * compile.c: struct pol_tree -> struct pol_policy. Resolves each permission
 * a capability names through the catalog, expanding sets depth first, and
 * records which commands it allows and denies and which scope entries come
 * with them. Unknown identifiers and set cycles are errors at the reference
 * in the file that reached them: each reference's first, and every
 * reference is resolved whatever the others gave.
 */
#include "compiled.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

/* A growable array of elem-sized items. */
struct vec {
    void *v;
    size_t n, cap, elem;
};

static void *vec_push(struct vec *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void *v = realloc(a->v, cap * a->elem);
        if (!v) return NULL;
        a->v = v;
        a->cap = cap;
    }
    return (char *)a->v + a->elem * a->n++;
}

/* The scope entries written with the reference being resolved, in the policy's arena. */
struct inline_scope {
    const struct pol_entry *allow, *deny;
    size_t n_allow, n_deny;
};

struct compiler {
    const char *file;        /* of the capability being compiled */
    const char *policy_file; /* the policy's: the file, or the folder of files */
    struct pol_errors *errs;
    unsigned flags;
    const struct pol_catalog *cat;
    struct pol_policy *pol;
    struct pol_map strings;        /* interned copies in pol->arena */
    struct pol_map entries;        /* catalog entry JSON -> its copy in pol->arena */
    struct pol_map seen;           /* permissions already expanded for this capability */
    struct pol_map allowed;        /* commands with an allow rule in this capability */
    struct pol_map denied;         /* commands with a deny rule in this capability */
    struct vec allow, deny;        /* struct pol_rule */
    struct vec scoped;             /* struct pol_scoped */
    struct vec notes;              /* struct pol_note */
    struct vec unshipped;          /* struct pol_note: identifiers of plugins not in the catalog */
    const struct pol_perm **chain; /* the sets being expanded, outermost first */
    size_t depth, chain_cap;
    const struct pol_perm_node *ref; /* the reference being resolved */
    struct inline_scope inl;
    size_t attached; /* commands the reference's entries attached to */
};

static int no_memory(struct compiler *c)
{
    return pol_err_oom(c->errs, c->file);
}

static const char *intern(struct compiler *c, const char *s)
{
    return pol_map_intern(&c->strings, &c->pol->arena, s);
}

size_t pol_group_len(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? (size_t)(colon - name + 1) : 0;
}

static int push_rule(struct compiler *c, struct vec *rules, struct pol_map *have, const char *cmd,
                     const struct pol_perm *p)
{
    if (!pol_catalog_has_command(c->cat, cmd))
        return pol_err_at(c->errs, c->file, c->ref->pos,
                          "permission \"%s\" names unknown command \"%s\"", p->id, cmd);
    if (pol_map_get(have, cmd)) return 0;
    struct pol_rule *r = vec_push(rules);
    if (!r) return no_memory(c);
    *r = (struct pol_rule){intern(c, cmd), intern(c, p->id), c->ref->pos};
    if (!r->command || !r->permission || pol_map_put(have, r->command, (void *)r->command) < 0)
        return no_memory(c);
    return 0;
}

/* A catalog entry, copied once into the policy (the policy keeps no pointer to the catalog). */
static const struct pol_entry *own_entry(struct compiler *c, const struct pol_entry *e)
{
    struct pol_entry *copy = pol_map_get(&c->entries, e->json);
    if (copy) return copy;
    if (!(copy = pol_entry_copy(&c->pol->arena, e)) ||
        pol_map_put(&c->entries, copy->json, copy) < 0)
        return NULL;
    return copy;
}

static int attach(struct compiler *c, const char *cmd, const char *group, bool deny,
                  const struct pol_entry *e, const struct pol_perm *p, bool from_catalog)
{
    struct pol_scoped *s = vec_push(&c->scoped);
    if (!s) return no_memory(c);
    *s = (struct pol_scoped){cmd ? intern(c, cmd) : NULL,
                             group ? intern(c, group) : NULL,
                             deny,
                             from_catalog ? own_entry(c, e) : e,
                             intern(c, p->id),
                             c->ref->pos};
    return s->entry && s->permission && (!cmd || s->command) && (!group || s->group) ? 0
                                                                                     : no_memory(c);
}

/* The permission's own entries and the reference's, for cmd (or, with cmd NULL, group). */
static int attach_all(struct compiler *c, const char *cmd, const char *group,
                      const struct pol_perm *p)
{
    for (size_t i = 0; i < p->n_scope_allow; i++)
        if (attach(c, cmd, group, false, &p->scope_allow[i], p, true) < 0) return -1;
    for (size_t i = 0; i < p->n_scope_deny; i++)
        if (attach(c, cmd, group, true, &p->scope_deny[i], p, true) < 0) return -1;
    for (size_t i = 0; i < c->inl.n_allow; i++)
        if (attach(c, cmd, group, false, &c->inl.allow[i], p, false) < 0) return -1;
    for (size_t i = 0; i < c->inl.n_deny; i++)
        if (attach(c, cmd, group, true, &c->inl.deny[i], p, false) < 0) return -1;
    c->attached++;
    return 0;
}

static int expand_rule(struct compiler *c, const struct pol_perm *p)
{
    for (size_t i = 0; i < p->n_deny; i++)
        if (push_rule(c, &c->deny, &c->denied, p->deny[i], p) < 0) return -1;
    for (size_t i = 0; i < p->n_allow; i++)
        if (push_rule(c, &c->allow, &c->allowed, p->allow[i], p) < 0 ||
            attach_all(c, p->allow[i], NULL, p) < 0)
            return -1;
    if (p->n_allow || p->n_deny) return 0;
    /* A scope permission: its entries go to every allowed command of its group. */
    char group[256];
    snprintf(group, sizeof(group), "%.*s", (int)pol_group_len(p->id), p->id);
    return attach_all(c, NULL, group, p);
}

static int push_chain(struct compiler *c, const struct pol_perm *set)
{
    if (c->depth == c->chain_cap) {
        size_t cap = c->chain_cap ? c->chain_cap * 2 : 8;
        const struct pol_perm **v = realloc(c->chain, cap * sizeof(*v));
        if (!v) return no_memory(c);
        c->chain = v;
        c->chain_cap = cap;
    }
    c->chain[c->depth++] = set;
    return 0;
}

/* set is already on the chain, from index `from`: name the loop. */
static int cycle(struct compiler *c, size_t from, const struct pol_perm *set)
{
    char loop[256] = "";
    for (size_t i = from; i < c->depth; i++) {
        size_t used = strlen(loop);
        snprintf(loop + used, sizeof(loop) - used, "%s -> ", c->chain[i]->id);
    }
    size_t used = strlen(loop);
    snprintf(loop + used, sizeof(loop) - used, "%s", set->id);
    return pol_err_at(c->errs, c->file, c->ref->pos, "permission set \"%s\" includes itself: %s",
                      set->id, loop);
}

static int expand(struct compiler *c, const struct pol_perm *p);

static int expand_set(struct compiler *c, const struct pol_perm *set)
{
    for (size_t i = 0; i < c->depth; i++)
        if (c->chain[i] == set) return cycle(c, i, set);
    if (push_chain(c, set) < 0) return -1;
    for (size_t i = 0; i < set->n_members; i++) {
        const struct pol_perm *m = pol_catalog_find(c->cat, set->members[i]);
        if (!m)
            return pol_err_at(c->errs, c->file, c->ref->pos,
                              "permission set \"%s\" includes unknown permission \"%s\"", set->id,
                              set->members[i]);
        if (expand(c, m) < 0) return -1;
    }
    c->depth--;
    return 0;
}

/*
 * A permission reached again adds nothing new, unless the reference at hand
 * brings its own scope entries: those attach to everything it reaches.
 */
static int expand(struct compiler *c, const struct pol_perm *p)
{
    bool has_inline = c->inl.n_allow || c->inl.n_deny;
    if (!has_inline && pol_map_get(&c->seen, p->id)) return 0;
    int rc = p->kind == POL_PERM_SET ? expand_set(c, p) : expand_rule(c, p);
    if (rc < 0) return -1;
    return pol_map_put(&c->seen, p->id, (void *)p) < 0 ? no_memory(c) : 0;
}

static const struct pol_entry *keep_entries(struct compiler *c, const struct pol_entry *e, size_t n)
{
    struct pol_entry *v = pol_arena_array(&c->pol->arena, n ? n : 1, sizeof(*v));
    for (size_t i = 0; v && i < n; i++) {
        const struct pol_entry *copy = pol_entry_copy(&c->pol->arena, &e[i]);
        if (!copy) return NULL;
        v[i] = *copy;
    }
    return v;
}

static int note(struct compiler *c, const char *fmt, const char *id)
{
    struct pol_note *n = vec_push(&c->notes);
    if (!n) return no_memory(c);
    n->pos = c->ref->pos;
    n->message = pol_arena_printf(&c->pol->arena, fmt, id);
    /* A folder's file: the policy's copy, since the tree's goes when loading ends. */
    n->file = strcmp(c->file, c->policy_file) ? intern(c, c->file) : NULL;
    return n->message && (n->file || !strcmp(c->file, c->policy_file)) ? 0 : no_memory(c);
}

/*
 * True when id belongs to a plugin the catalog knows nothing of ("opener:default"
 * with no "opener:" permission at all). Not for core:* (Tauri's core is all here)
 * nor for identifiers without a plugin ("allow-x"): those stay errors.
 */
static bool unshipped_plugin(const struct compiler *c, const char *id)
{
    size_t g = pol_group_len(id);
    if (g < 2 || strncmp(id, "core:", 5) == 0) return false;
    for (size_t i = 0; c->cat && i < c->cat->n_perms; i++)
        if (strncmp(c->cat->order[i]->id, id, g) == 0) return false;
    return true;
}

/* One note naming every identifier of an unshipped plugin, at the first one. */
static int note_unshipped(struct compiler *c)
{
    if (!c->unshipped.n) return 0;
    const struct pol_note *u = c->unshipped.v;
    struct pol_buf b;
    char part[400];
    int rc = 0;
    pol_buf_init(&b);
    snprintf(part, sizeof part,
             "%zu permission%s of plugins Moat does not ship grant%s nothing: ", c->unshipped.n,
             c->unshipped.n == 1 ? "" : "s", c->unshipped.n == 1 ? "s" : "");
    rc |= pol_buf_append(&b, part, strlen(part));
    for (size_t i = 0; i < c->unshipped.n; i++) {
        const char *base = u[i].file ? strrchr(u[i].file, '/') : NULL, *sep = ", ";
        if (!u[i].file) sep = "";
        snprintf(part, sizeof part, "%s\"%.300s\" (%s%sline %d)", i ? ", " : "", u[i].message,
                 u[i].file ? (base ? base + 1 : u[i].file) : "", sep, u[i].pos.line);
        rc |= pol_buf_append(&b, part, strlen(part));
    }
    const char *text = rc ? NULL : pol_arena_strdup(&c->pol->arena, pol_buf_str(&b));
    pol_buf_free(&b);
    struct pol_note *n = text ? vec_push(&c->notes) : NULL;
    if (!n) return no_memory(c);
    *n = (struct pol_note){u[0].pos, text, NULL};
    c->pol->unshipped = n->message;
    c->pol->unshipped_pos = u[0].pos;
    c->pol->unshipped_file = pol_arena_strdup(&c->pol->arena, u[0].file ? u[0].file : c->file);
    n->file = u[0].file ? c->pol->unshipped_file : NULL; /* a folder's file: the warning names it */
    return c->pol->unshipped_file ? 0 : no_memory(c);
}

/* With --strict an identifier of a plugin Moat does not ship is an error where it is written. */
static int unshipped_error(struct compiler *c, const struct pol_perm_node *ref)
{
    char q[POL_QUOTE_SIZE];
    return pol_err_at(c->errs, c->file, ref->pos,
                      "permission %s is of a plugin Moat does not ship, so it grants nothing "
                      "(an error with --strict)",
                      pol_quote(q, ref->id));
}

static int resolve(struct compiler *c, const struct pol_perm_node *ref)
{
    char q[POL_QUOTE_SIZE];
    c->ref = ref;
    c->depth = 0; /* an error in the reference before may have left sets on the chain */
    if (!*ref->id)
        return pol_err_at(c->errs, c->file, ref->pos, "permission identifier must not be empty");
    const struct pol_perm *p = pol_catalog_find(c->cat, ref->id);
    if (!p && unshipped_plugin(c, ref->id) && (c->flags & POL_LOAD_STRICT))
        return unshipped_error(c, ref);
    if (!p && unshipped_plugin(c, ref->id)) {
        /* Tauri's capability files name plugins Moat may not ship: they grant nothing. */
        struct pol_note *n = vec_push(&c->unshipped);
        if (!n || !(n->message = intern(c, ref->id))) return no_memory(c);
        n->pos = ref->pos;
        n->file = strcmp(c->file, c->policy_file) ? c->file : NULL; /* the tree's: outlives this */
        return 0;
    }
    if (!p) {
        const char *near = pol_catalog_suggest(c->cat, ref->id);
        if (near)
            return pol_err_at(c->errs, c->file, ref->pos,
                              "unknown permission %s (did you mean \"%s\"?)", pol_quote(q, ref->id),
                              near);
        return pol_err_at(c->errs, c->file, ref->pos, "unknown permission %s",
                          pol_quote(q, ref->id));
    }
    c->inl =
        (struct inline_scope){keep_entries(c, ref->allow, ref->n_allow),
                              keep_entries(c, ref->deny, ref->n_deny), ref->n_allow, ref->n_deny};
    if (!c->inl.allow || !c->inl.deny) return no_memory(c);
    c->attached = 0;
    if (expand(c, p) < 0) return -1;
    if ((ref->n_allow || ref->n_deny) && c->attached == 0)
        return note(c, "the scope entries written with \"%s\" never apply: it allows no command",
                    ref->id);
    return 0;
}

static void *keep(struct compiler *c, const struct vec *v)
{
    void *out = pol_arena_array(&c->pol->arena, v->n ? v->n : 1, v->elem);
    if (out && v->n) memcpy(out, v->v, v->n * v->elem);
    return out;
}

static int keep_windows(struct compiler *c, const struct pol_cap_node *node, struct pol_cap *out)
{
    const char **v = pol_arena_array(&c->pol->arena, node->n_windows, sizeof(*v));
    struct pol_pos *pos = pol_arena_array(&c->pol->arena, node->n_windows, sizeof(*pos));
    if (!v || !pos) return -1;
    for (size_t i = 0; i < node->n_windows; i++) {
        if (!(v[i] = pol_arena_strdup(&c->pol->arena, node->windows[i]))) return -1;
        pos[i] = node->window_pos[i];
    }
    out->windows = v;
    out->window_pos = pos;
    out->n_windows = node->n_windows;
    return 0;
}

static void reset_cap(struct compiler *c)
{
    c->allow.n = c->deny.n = c->scoped.n = 0;
    pol_map_free(&c->seen);
    pol_map_free(&c->allowed);
    pol_map_free(&c->denied);
}

static int compile_cap(struct compiler *c, const struct pol_cap_node *node, struct pol_cap *out)
{
    int rc = 0;
    reset_cap(c);
    for (size_t i = 0; i < node->n_perms && !c->errs->stopped; i++)
        rc |= resolve(c, &node->perms[i]);
    if (rc < 0) return -1;
    out->id = pol_arena_strdup(&c->pol->arena, node->id);
    out->pos = node->pos;
    out->never = node->never ? pol_arena_strdup(&c->pol->arena, node->never) : NULL;
    out->allow = keep(c, &c->allow);
    out->n_allow = c->allow.n;
    out->deny = keep(c, &c->deny);
    out->n_deny = c->deny.n;
    out->scoped = keep(c, &c->scoped);
    out->n_scoped = c->scoped.n;
    if (!out->id || (node->never && !out->never) || !out->allow || !out->deny || !out->scoped ||
        keep_windows(c, node, out) < 0)
        return no_memory(c);
    return 0;
}

static int keep_commands(struct compiler *c)
{
    size_t n = c->cat ? c->cat->n_commands : 0;
    const char **v = pol_arena_array(&c->pol->arena, n ? n : 1, sizeof(*v));
    if (!v) return no_memory(c);
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = intern(c, c->cat->commands[i]))) return no_memory(c);
    c->pol->commands = v;
    c->pol->n_commands = n;
    return 0;
}

static int compile_all(struct compiler *c, const struct pol_tree *tree)
{
    struct pol_cap *caps =
        pol_arena_array(&c->pol->arena, tree->n_caps ? tree->n_caps : 1, sizeof(*caps));
    if (!caps || !(c->pol->file = pol_arena_strdup(&c->pol->arena, c->file))) return no_memory(c);
    const char *file = c->file;
    int rc = 0;
    for (size_t i = 0; i < tree->n_caps && !c->errs->stopped; i++) {
        c->file = tree->caps[i].file ? tree->caps[i].file : file; /* errors name its own file */
        rc |= compile_cap(c, &tree->caps[i], &caps[i]);
    }
    c->file = file;
    if (rc < 0 || c->errs->stopped) return -1;
    c->pol->caps = caps;
    c->pol->n_caps = tree->n_caps;
    if (note_unshipped(c) < 0) return -1;
    if (!(c->pol->notes = keep(c, &c->notes))) return no_memory(c);
    c->pol->n_notes = c->notes.n;
    return keep_commands(c);
}

static void compiler_free(struct compiler *c)
{
    reset_cap(c);
    pol_map_free(&c->strings);
    pol_map_free(&c->entries);
    free(c->allow.v);
    free(c->deny.v);
    free(c->scoped.v);
    free(c->notes.v);
    free(c->unshipped.v);
    free(c->chain);
}

int pol_compile(const struct pol_tree *tree, const struct pol_catalog *cat, const char *file,
                unsigned flags, struct pol_policy **out, struct pol_errors *errs)
{
    struct compiler c = {
        .file = file, .policy_file = file, .errs = errs, .flags = flags, .cat = cat};
    c.allow.elem = c.deny.elem = sizeof(struct pol_rule);
    c.scoped.elem = sizeof(struct pol_scoped);
    c.notes.elem = c.unshipped.elem = sizeof(struct pol_note);
    if (!(c.pol = calloc(1, sizeof(*c.pol)))) return no_memory(&c);
    pol_arena_init(&c.pol->arena);
    int rc = compile_all(&c, tree);
    compiler_free(&c);
    if (rc < 0)
        pol_free(c.pol);
    else
        *out = c.pol;
    return rc;
}

void pol_free(struct pol_policy *p)
{
    if (!p) return;
    pol_arena_free(&p->arena);
    free(p);
}

const char *pol_unshipped(const struct pol_policy *p, int *line, int *column)
{
    if (!p || !p->unshipped) return NULL;
    if (line) *line = p->unshipped_pos.line;
    if (column) *column = p->unshipped_pos.col;
    return p->unshipped;
}

const char *pol_unshipped_file(const struct pol_policy *p)
{
    return p ? p->unshipped_file : NULL;
}

const char *pol_policy_file(const struct pol_policy *p)
{
    return p ? p->file : NULL;
}
