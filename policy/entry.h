// SPDX-License-Identifier: MIT
/*
 * entry.h: scope entries as the policy keeps them. An entry is written as a
 * JSON object; it is kept twice, as compact JSON (for explain, lint and the
 * audit log) and as msgpack bytes (which a view unpacks once, so handlers
 * get typed values without work per call).
 */
#ifndef MOAT_POLICY_ENTRY_H
#define MOAT_POLICY_ENTRY_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"

/* Deeper scope entries are refused: handlers walk them, and IPC allows 32. */
#define POL_ENTRY_MAX_DEPTH 16

struct pol_entry {
    const char *json; /* compact, keys in the order written */
    const char *mp;   /* one msgpack map */
    size_t mp_len;
    struct pol_pos pos; /* of the entry's '{' in the policy file; line 0: a catalog default */
};

/*
 * Fills e from obj (a JSON object), copying into a. Returns 0, -1 when obj is
 * nested deeper than POL_ENTRY_MAX_DEPTH, or -2 when memory ran out.
 */
int pol_entry_make(struct pol_arena *a, json_t *obj, struct pol_pos pos, struct pol_entry *e);

/* True when path starts with a $VARIABLE that is none of Tauri's base directories (nor
 * $BUNDLE); *name is then "$THAT" (thread-local, valid until the next call). */
bool pol_path_var_unknown(const char *path, const char **name);

/* A copy of e (its strings and bytes) in a; NULL when out of memory. */
struct pol_entry *pol_entry_copy(struct pol_arena *a, const struct pol_entry *e);

#endif
