/*
 * compiled.h: a loaded policy. Every permission is resolved (sets expanded)
 * into per-capability lists of allowed and denied command names; what is left
 * for a view is to pick the capabilities whose window globs match a label.
 */
#ifndef MOAT_POLICY_COMPILED_H
#define MOAT_POLICY_COMPILED_H

#include <stddef.h>

#include "arena.h"
#include "catalog.h"
#include "tree.h"

/* One command, and the catalog permission (allow-x or deny-x) that names it. */
struct pol_rule {
    const char *command;
    const char *permission;
};

struct pol_cap {
    const char *id;
    const char *const *windows; /* fnmatch(3) globs over renderer labels */
    size_t n_windows;
    const struct pol_rule *allow; /* file order, first mention of each command */
    size_t n_allow;
    const struct pol_rule *deny;
    size_t n_deny;
};

struct pol_policy {
    struct pol_arena arena; /* owns everything below */
    const struct pol_cap *caps;
    size_t n_caps;
    /* Every catalog command, so a view can say which ones it does not grant. */
    const char *const *commands;
    size_t n_commands;
};

/* Resolves tree against cat. Returns 0 and sets *out, or -1 with err filled. */
int pol_compile(const struct pol_tree *tree, const struct pol_catalog *cat, const char *file,
                struct pol_policy **out, struct pol_error *err);

#endif
