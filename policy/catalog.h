// SPDX-License-Identifier: MIT
/*
 * catalog.h: the catalog's insides, for compile.c. A permission is either a
 * rule (commands it allows and denies, and scope entries that come with it)
 * or a set of other permissions. Every command gets two derived rules,
 * allow-x and deny-x; providers may declare more.
 */
#ifndef MOAT_POLICY_CATALOG_H
#define MOAT_POLICY_CATALOG_H

#include <stddef.h>

#include "arena.h"
#include "entry.h"
#include "policy.h"
#include "strmap.h"

enum pol_perm_kind { POL_PERM_RULE, POL_PERM_SET };

struct pol_perm {
    const char *id;
    enum pol_perm_kind kind;
    const char *description; /* may be NULL */
    /* RULE: commands (resolved at load), and scope entries for them */
    const char *const *allow;
    size_t n_allow;
    const char *const *deny;
    size_t n_deny;
    const struct pol_entry *scope_allow;
    size_t n_scope_allow;
    const struct pol_entry *scope_deny;
    size_t n_scope_deny;
    /* SET: permission identifiers, resolved at load */
    const char *const *members;
    size_t n_members;
};

struct pol_catalog {
    struct pol_arena arena;  /* every string and struct pol_perm */
    struct pol_map perms;    /* identifier -> struct pol_perm */
    struct pol_perm **order; /* in the order added, for suggestions */
    size_t n_perms, cap_perms;
    const char **commands; /* in the order added */
    size_t n_commands, cap_commands;
    struct pol_map command_set; /* command -> itself, for duplicates */
    /* command -> JSON Schema text of its arguments, of its result (a manifest's) */
    struct pol_map command_args, command_returns;
};

/* NULL when id is not in the catalog (cat may be NULL: an empty catalog). */
const struct pol_perm *pol_catalog_find(const struct pol_catalog *cat, const char *id);
/* Adds p (allocated in cat->arena). -1 when its id is taken or memory ran out. */
int pol_catalog_insert(struct pol_catalog *cat, struct pol_perm *p);
/* The nearest known permission identifier, for "did you mean", or NULL. */
const char *pol_catalog_suggest(const struct pol_catalog *cat, const char *id);

#endif
