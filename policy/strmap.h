// SPDX-License-Identifier: MIT
/*
 * strmap.h: an open-addressing hash table from C strings to pointers. It is
 * what makes pol_check a lookup: one hash, a short probe, one strcmp. Keys
 * are borrowed (they must outlive the map; callers keep them in an arena).
 * There is no removal: every user builds a table once and then reads it.
 */
#ifndef MOAT_POLICY_STRMAP_H
#define MOAT_POLICY_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct pol_map_slot {
    const char *key; /* NULL: empty slot */
    uint64_t hash;
    void *value;
};

struct pol_map {
    struct pol_map_slot *slots;
    size_t cap; /* 0 or a power of two */
    size_t n;
};

void pol_map_init(struct pol_map *m);
void pol_map_free(struct pol_map *m); /* frees the table, not keys or values */
/* Makes room for extra more keys, so that many puts cannot fail. 0 or -1. */
int pol_map_reserve(struct pol_map *m, size_t extra);
/* 0: inserted; 1: key already present (value left as it was); -1: no memory. */
int pol_map_put(struct pol_map *m, const char *key, void *value);
void *pol_map_get(const struct pol_map *m, const char *key); /* NULL if absent */

struct pol_arena;
/* One arena copy per distinct string: s's copy, made on first sight. NULL: no memory. */
const char *pol_map_intern(struct pol_map *m, struct pol_arena *a, const char *s);

#endif
