// SPDX-License-Identifier: MIT
/*
 * view.h: a view's insides, shared by view.c (decisions), scope.c (merged
 * scopes) and explain.c.
 */
#ifndef MOAT_POLICY_VIEW_H
#define MOAT_POLICY_VIEW_H

#include <msgpack.h>
#include <stdatomic.h>

#include "arena.h"
#include "compiled.h"
#include "policy.h"
#include "strmap.h"

/* A struct pol_reason as the view keeps it (without the caller's buffer). */
struct pol_kept_reason {
    const char *capability, *permission, *text;
    const struct pol_scope *scope;
};

struct pol_view_entry {
    enum pol_decision decision;
    struct pol_kept_reason why; /* why.scope points at scope */
    struct pol_scope scope;
};

struct pol_view {
    atomic_int refs;
    struct pol_arena arena;     /* every string the view hands out */
    msgpack_zone *zone;         /* the unpacked scope entries */
    struct pol_map decisions;   /* command -> struct pol_view_entry */
    struct pol_kept_reason fallback; /* for commands not in the table */
    bool fallback_names_cmd;    /* its text is "... grants \"CMD\"", made by pol_check */
    struct pol_map strings;     /* interned copies, while building */
    struct pol_map unpacked;    /* entry JSON -> msgpack_object, while building */
    const char *label;
};

/* Attaches the scope entries of the matching capabilities to the allowed commands. */
int pol_view_add_scopes(struct pol_view *v, const struct pol_policy *p, const bool *match);

#endif
