// SPDX-License-Identifier: MIT
/*
 * tree.h: a policy file as written, checked for shape but not yet resolved
 * against the catalog. Every node keeps the position its errors point at.
 * Scope entries hang off struct pol_perm_node.
 */
#ifndef MOAT_POLICY_TREE_H
#define MOAT_POLICY_TREE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "entry.h"
#include "error.h"
#include "jsonpos.h"

struct pol_perm_node {
    const char *id;                 /* permission identifier as written */
    struct pol_pos pos;             /* of the identifier string */
    struct pol_entry *allow, *deny; /* scope entries written with it */
    size_t n_allow, n_deny;
};

struct pol_cap_node {
    const char *file; /* the file it was written in (the caller's string: lives until compiled) */
    const char *id;
    struct pol_pos id_pos;   /* of the identifier string */
    const char *description; /* NULL when absent */
    struct pol_pos pos;      /* of the capability's '{' */
    const char **windows;    /* label globs from "windows" and "webviews", at least one */
    struct pol_pos *window_pos;
    size_t n_windows;
    const char *never; /* why it can never apply ("platforms" without linux), or NULL */
    struct pol_perm_node *perms;
    size_t n_perms;
};

struct pol_tree {
    struct pol_arena arena; /* owns every string and array below */
    struct pol_cap_node *caps;
    size_t n_caps;
    /*
     * A tauri.conf.json's app.security.capabilities: when it is there, only the
     * capabilities it lists apply, inline (in caps) or named here by identifier.
     */
    bool enables;
    const char **refs;
    struct pol_pos *ref_pos;
    size_t n_refs;
};

/*
 * Checks the shape of root (a jansson tree whose text jp indexed) and builds
 * out. Returns 0, or -1 with every error added to errs; out then holds what
 * passed (for compile to find more errors in, not to use). Free out with
 * pol_tree_free either way.
 */
int pol_parse(json_t *root, const struct pol_jsonpos *jp, const char *file, struct pol_tree *out,
              struct pol_errors *errs);
/*
 * The same for a tauri.conf.json: the capabilities of app.security.capabilities,
 * inline objects into out->caps and identifiers into out->refs.
 */
int pol_parse_tauri_conf(json_t *root, const struct pol_jsonpos *jp, const char *file,
                         struct pol_tree *out, struct pol_errors *errs);
void pol_tree_free(struct pol_tree *t);

#endif
