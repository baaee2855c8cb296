// SPDX-License-Identifier: MIT
/*
 * compiled.h: a loaded policy. Every permission is resolved (sets expanded)
 * into per-capability lists of allowed and denied commands and the scope
 * entries attached to them; what is left for a view is to pick the
 * capabilities whose window globs match a label.
 */
#ifndef MOAT_POLICY_COMPILED_H
#define MOAT_POLICY_COMPILED_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "catalog.h"
#include "entry.h"
#include "tree.h"

/* One command, the catalog permission that names it, and the reference in the file. */
struct pol_rule {
    const char *command;
    const char *permission;
    struct pol_pos pos;
};

/* A scope entry and what it applies to. */
struct pol_scoped {
    const char *command; /* NULL: every allowed command of group (a scope permission) */
    const char *group;   /* with command NULL: "fs:" (the prefix up to ':'), or "" */
    bool deny;
    const struct pol_entry *entry;
    const char *permission; /* the permission it came with */
    struct pol_pos ref;     /* the reference in the capability that brought it */
};

struct pol_cap {
    const char *id;
    struct pol_pos pos;
    const char *const *windows; /* fnmatch(3) globs over renderer labels */
    const struct pol_pos *window_pos;
    size_t n_windows;
    const char *never;            /* why it can never apply, or NULL */
    const struct pol_rule *allow; /* file order, first mention of each command */
    size_t n_allow;
    const struct pol_rule *deny;
    size_t n_deny;
    const struct pol_scoped *scoped;
    size_t n_scoped;
};

/* Something compile noticed that is legal but probably a mistake (pol_lint reports it). */
struct pol_note {
    struct pol_pos pos;
    const char *message;
    const char *file; /* where pos is, when not the policy's own file (a folder's files), or NULL */
};

struct pol_policy {
    struct pol_arena arena; /* owns everything below */
    const char *file;
    const struct pol_cap *caps;
    size_t n_caps;
    /* Every catalog command, so a view can say which ones it does not grant. */
    const char *const *commands;
    size_t n_commands;
    const struct pol_note *notes;
    size_t n_notes;
    const char *unshipped; /* the note naming identifiers of plugins not shipped, or NULL */
    struct pol_pos unshipped_pos;
    const char *unshipped_file; /* where the first of them is written */
};

/*
 * Resolves tree against cat. Returns 0 and sets *out, or -1 with every error
 * (each reference's first) added to errs. flags: POL_LOAD_STRICT.
 */
int pol_compile(const struct pol_tree *tree, const struct pol_catalog *cat, const char *file,
                unsigned flags, struct pol_policy **out, struct pol_errors *errs);

/* "fs:" for "fs:read_file", "a:b:" for "a:b:c", "" for "log". */
size_t pol_group_len(const char *name);

#endif
