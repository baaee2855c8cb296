// SPDX-License-Identifier: MIT
/*
 * catalog.c: the commands the core can run and the permissions that name
 * them; see policy.h and catalog.h.
 */
#include "catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

/* Declared permissions and the listing live in permission.c. */

struct pol_catalog *pol_catalog_new(void)
{
    struct pol_catalog *cat = calloc(1, sizeof(*cat));
    if (!cat) return NULL;
    pol_arena_init(&cat->arena);
    pol_map_init(&cat->perms);
    pol_map_init(&cat->command_set);
    pol_map_init(&cat->command_args);
    pol_map_init(&cat->command_returns);
    return cat;
}

void pol_catalog_free(struct pol_catalog *cat)
{
    if (!cat) return;
    free(cat->order);
    free(cat->commands);
    pol_map_free(&cat->perms);
    pol_map_free(&cat->command_set);
    pol_map_free(&cat->command_args);
    pol_map_free(&cat->command_returns);
    pol_arena_free(&cat->arena);
    free(cat);
}

/* arr with room for need elements of elem bytes (maybe moved), or NULL. */
static void *reserve(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return arr;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / elem) return NULL;
    void *p = realloc(arr, n * elem);
    if (p) *cap = n;
    return p;
}

/* Makes sure adding n permissions and c commands cannot fail halfway. */
static int make_room(struct pol_catalog *cat, size_t n, size_t c)
{
    void *order = reserve(cat->order, &cat->cap_perms, cat->n_perms + n, sizeof(*cat->order));
    if (n && !order) return -1;
    cat->order = order;
    void *cmds =
        reserve(cat->commands, &cat->cap_commands, cat->n_commands + c, sizeof(*cat->commands));
    if (c && !cmds) return -1;
    cat->commands = cmds;
    return pol_map_reserve(&cat->perms, n) < 0 || pol_map_reserve(&cat->command_set, c) < 0 ? -1
                                                                                            : 0;
}

/* "a:b:read_file" + "allow" -> "a:b:allow-read-file", as Tauri names them. */
static char *derive(struct pol_arena *a, const char *cmd, const char *verb)
{
    const char *colon = strrchr(cmd, ':');
    int group = colon ? (int)(colon - cmd + 1) : 0;
    char *id = pol_arena_printf(a, "%.*s%s-%s", group, cmd, verb, cmd + group);
    if (!id) return NULL;
    for (char *q = id + group + strlen(verb) + 1; *q; q++)
        if (*q == '_') *q = '-';
    return id;
}

static struct pol_perm *new_rule(struct pol_catalog *cat, const char *cmd, const char *verb)
{
    struct pol_perm *p = pol_arena_alloc(&cat->arena, sizeof(*p));
    const char **one = pol_arena_alloc(&cat->arena, sizeof(*one));
    if (!p || !one || !(p->id = derive(&cat->arena, cmd, verb))) return NULL;
    p->kind = POL_PERM_RULE;
    *one = cmd;
    if (verb[0] == 'a') {
        p->allow = one;
        p->n_allow = 1;
    } else {
        p->deny = one;
        p->n_deny = 1;
    }
    return p;
}

static void add_perm(struct pol_catalog *cat, struct pol_perm *p)
{
    pol_map_put(&cat->perms, p->id, p); /* room was made, and the id checked absent */
    cat->order[cat->n_perms++] = p;
}

int pol_catalog_add_command(struct pol_catalog *cat, const char *cmd)
{
    if (!cat || !cmd || !*cmd || pol_map_get(&cat->command_set, cmd)) return -1;
    const char *colon = strrchr(cmd, ':');
    if (colon && (colon == cmd || !colon[1])) /* ":x" or "x:": an empty group or name */
        return -1;
    const char *copy = pol_arena_strdup(&cat->arena, cmd);
    struct pol_perm *allow = copy ? new_rule(cat, copy, "allow") : NULL;
    struct pol_perm *deny = copy ? new_rule(cat, copy, "deny") : NULL;
    /* "a_b" and "a-b" would both be "allow-a-b": refuse the second. */
    if (!allow || !deny || pol_map_get(&cat->perms, allow->id) ||
        pol_map_get(&cat->perms, deny->id) || make_room(cat, 2, 1) < 0)
        return -1;
    add_perm(cat, allow);
    add_perm(cat, deny);
    pol_map_put(&cat->command_set, copy, (void *)copy);
    cat->commands[cat->n_commands++] = copy;
    return 0;
}

static const char *const *copy_members(struct pol_arena *a, const char *const *members, size_t n)
{
    const char **out = pol_arena_array(a, n ? n : 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = pol_arena_strdup(a, members[i]))) return NULL;
    return out;
}

int pol_catalog_add_set(struct pol_catalog *cat, const char *id, const char *description,
                        const char *const *members, size_t n)
{
    if (!cat || !id || !*id || (n && !members) || pol_map_get(&cat->perms, id)) return -1;
    for (size_t i = 0; i < n; i++)
        if (!members[i] || !*members[i]) return -1;
    struct pol_perm *p = pol_arena_alloc(&cat->arena, sizeof(*p));
    if (!p || !(p->id = pol_arena_strdup(&cat->arena, id)) ||
        !(p->members = copy_members(&cat->arena, members, n)) ||
        (description && !(p->description = pol_arena_strdup(&cat->arena, description))) ||
        make_room(cat, 1, 0) < 0)
        return -1;
    p->kind = POL_PERM_SET;
    p->n_members = n;
    add_perm(cat, p);
    return 0;
}

int pol_catalog_describe(struct pol_catalog *cat, const char *cmd, int which, const char *text)
{
    if (!cat || !pol_catalog_has_command(cat, cmd)) return -1;
    char *id = derive(&cat->arena, cmd, which == POL_DESCRIBE_DENY ? "deny" : "allow");
    struct pol_perm *p = id ? pol_map_get(&cat->perms, id) : NULL;
    const char *copy = p ? pol_arena_strdup(&cat->arena, text) : NULL;
    if (!copy) return -1;
    p->description = copy;
    return 0;
}

int pol_catalog_has_command(const struct pol_catalog *cat, const char *cmd)
{
    return cat && pol_map_get(&cat->command_set, cmd) != NULL;
}

int pol_catalog_insert(struct pol_catalog *cat, struct pol_perm *p)
{
    if (pol_map_get(&cat->perms, p->id) || make_room(cat, 1, 0) < 0) return -1;
    add_perm(cat, p);
    return 0;
}

const struct pol_perm *pol_catalog_find(const struct pol_catalog *cat, const char *id)
{
    return cat ? pol_map_get(&cat->perms, id) : NULL;
}

const char *pol_catalog_suggest(const struct pol_catalog *cat, const char *id)
{
    if (!cat) return NULL;
    size_t len = strlen(id), max = len / 4 > 2 ? len / 4 : 2;
    struct pol_nearest near;
    pol_nearest_init(&near, id, max);
    for (size_t i = 0; i < cat->n_perms; i++)
        pol_nearest_offer(&near, cat->order[i]->id);
    return near.best;
}

const char *pol_catalog_command_args(const struct pol_catalog *cat, const char *cmd)
{
    return cat && cmd ? pol_map_get(&cat->command_args, cmd) : NULL;
}

const char *pol_catalog_command_returns(const struct pol_catalog *cat, const char *cmd)
{
    return cat && cmd ? pol_map_get(&cat->command_returns, cmd) : NULL;
}

size_t pol_catalog_command_count(const struct pol_catalog *cat)
{
    return cat ? cat->n_commands : 0;
}

const char *pol_catalog_command_at(const struct pol_catalog *cat, size_t i)
{
    return cat && i < cat->n_commands ? cat->commands[i] : NULL;
}
