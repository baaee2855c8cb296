/*
 * catalog.h: the catalog's insides, for compile.c. A permission is either a
 * rule (allow or deny one command) or a set of other permissions.
 */
#ifndef MOAT_POLICY_CATALOG_H
#define MOAT_POLICY_CATALOG_H

#include <stddef.h>

#include "arena.h"
#include "policy.h"
#include "strmap.h"

enum pol_perm_kind { POL_PERM_ALLOW, POL_PERM_DENY, POL_PERM_SET };

struct pol_perm {
    const char *id;
    enum pol_perm_kind kind;
    const char *command;        /* ALLOW, DENY: the command it names */
    const char *description;    /* SET: may be NULL */
    const char *const *members; /* SET: permission identifiers, resolved at load */
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
};

/* NULL when id is not in the catalog (cat may be NULL: an empty catalog). */
const struct pol_perm *pol_catalog_find(const struct pol_catalog *cat, const char *id);
/* The nearest known permission identifier, for "did you mean", or NULL. */
const char *pol_catalog_suggest(const struct pol_catalog *cat, const char *id);

#endif
