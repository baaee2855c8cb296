/*
 * compile.c: struct pol_tree -> struct pol_policy. Resolves each permission
 * a capability names through the catalog, expanding sets depth first, and
 * records which commands it allows and denies. Unknown identifiers and set
 * cycles are errors at the reference in the file that reached them.
 */
#include "compiled.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

struct rules {
    struct pol_rule *v;
    size_t n, cap;
};

struct compiler {
    const char *file;
    struct pol_error *err;
    const struct pol_catalog *cat;
    struct pol_policy *pol;
    struct pol_map strings; /* interned copies in pol->arena */
    struct pol_map seen;    /* permissions already expanded for this capability */
    struct rules allow, deny;
    const struct pol_perm **chain; /* the sets being expanded, outermost first */
    size_t depth, chain_cap;
    struct pol_pos at; /* the reference being resolved */
};

static int no_memory(struct compiler *c)
{
    return pol_err_at(c->err, c->file, (struct pol_pos){0, 0}, "out of memory");
}

static int push_rule(struct compiler *c, struct rules *r, const struct pol_perm *p)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct pol_rule *v = realloc(r->v, cap * sizeof(*v));
        if (!v) return no_memory(c);
        r->v = v;
        r->cap = cap;
    }
    struct pol_rule *rule = &r->v[r->n];
    rule->command = pol_map_intern(&c->strings, &c->pol->arena, p->command);
    rule->permission = pol_map_intern(&c->strings, &c->pol->arena, p->id);
    if (!rule->command || !rule->permission) return no_memory(c);
    r->n++;
    return 0;
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
    return pol_err_at(c->err, c->file, c->at, "permission set \"%s\" includes itself: %s", set->id,
                      loop);
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
            return pol_err_at(c->err, c->file, c->at,
                              "permission set \"%s\" includes unknown permission \"%s\"", set->id,
                              set->members[i]);
        if (expand(c, m) < 0) return -1;
    }
    c->depth--;
    return 0;
}

/* Each permission counts once per capability: its first mention decides. */
static int expand(struct compiler *c, const struct pol_perm *p)
{
    if (pol_map_get(&c->seen, p->id)) return 0;
    int rc = p->kind == POL_PERM_SET     ? expand_set(c, p)
             : p->kind == POL_PERM_ALLOW ? push_rule(c, &c->allow, p)
                                         : push_rule(c, &c->deny, p);
    if (rc < 0) return -1;
    return pol_map_put(&c->seen, p->id, (void *)p) < 0 ? no_memory(c) : 0;
}

static int resolve(struct compiler *c, const struct pol_perm_node *ref)
{
    char q[POL_QUOTE_SIZE];
    c->at = ref->pos;
    if (!*ref->id)
        return pol_err_at(c->err, c->file, c->at, "permission identifier must not be empty");
    const struct pol_perm *p = pol_catalog_find(c->cat, ref->id);
    if (p) return expand(c, p);
    const char *near = pol_catalog_suggest(c->cat, ref->id);
    if (near)
        return pol_err_at(c->err, c->file, c->at, "unknown permission %s (did you mean \"%s\"?)",
                          pol_quote(q, ref->id), near);
    return pol_err_at(c->err, c->file, c->at, "unknown permission %s", pol_quote(q, ref->id));
}

static const struct pol_rule *keep_rules(struct compiler *c, const struct rules *r)
{
    struct pol_rule *v = pol_arena_array(&c->pol->arena, r->n ? r->n : 1, sizeof(*v));
    if (v && r->n) memcpy(v, r->v, r->n * sizeof(*v));
    return v;
}

static const char *const *keep_windows(struct compiler *c, const struct pol_cap_node *node)
{
    const char **v = pol_arena_array(&c->pol->arena, node->n_windows, sizeof(*v));
    for (size_t i = 0; v && i < node->n_windows; i++)
        if (!(v[i] = pol_arena_strdup(&c->pol->arena, node->windows[i]))) return NULL;
    return v;
}

static int compile_cap(struct compiler *c, const struct pol_cap_node *node, struct pol_cap *out)
{
    c->allow.n = c->deny.n = 0;
    pol_map_free(&c->seen);
    for (size_t i = 0; i < node->n_perms; i++)
        if (resolve(c, &node->perms[i]) < 0) return -1;
    out->id = pol_arena_strdup(&c->pol->arena, node->id);
    out->windows = keep_windows(c, node);
    out->n_windows = node->n_windows;
    out->allow = keep_rules(c, &c->allow);
    out->n_allow = c->allow.n;
    out->deny = keep_rules(c, &c->deny);
    out->n_deny = c->deny.n;
    return out->id && out->windows && out->allow && out->deny ? 0 : no_memory(c);
}

static int keep_commands(struct compiler *c)
{
    size_t n = c->cat ? c->cat->n_commands : 0;
    const char **v = pol_arena_array(&c->pol->arena, n ? n : 1, sizeof(*v));
    if (!v) return no_memory(c);
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = pol_map_intern(&c->strings, &c->pol->arena, c->cat->commands[i])))
            return no_memory(c);
    c->pol->commands = v;
    c->pol->n_commands = n;
    return 0;
}

static int compile_all(struct compiler *c, const struct pol_tree *tree)
{
    struct pol_cap *caps =
        pol_arena_array(&c->pol->arena, tree->n_caps ? tree->n_caps : 1, sizeof(*caps));
    if (!caps) return no_memory(c);
    for (size_t i = 0; i < tree->n_caps; i++)
        if (compile_cap(c, &tree->caps[i], &caps[i]) < 0) return -1;
    c->pol->caps = caps;
    c->pol->n_caps = tree->n_caps;
    return keep_commands(c);
}

int pol_compile(const struct pol_tree *tree, const struct pol_catalog *cat, const char *file,
                struct pol_policy **out, struct pol_error *err)
{
    struct compiler c = {.file = file, .err = err, .cat = cat};
    if (!(c.pol = calloc(1, sizeof(*c.pol)))) return no_memory(&c);
    pol_arena_init(&c.pol->arena);
    pol_map_init(&c.strings);
    pol_map_init(&c.seen);
    int rc = compile_all(&c, tree);
    pol_map_free(&c.strings);
    pol_map_free(&c.seen);
    free(c.allow.v);
    free(c.deny.v);
    free(c.chain);
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
