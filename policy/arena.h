// SPDX-License-Identifier: MIT
/*
 * arena.h: bump allocation for the policy's many small, same-lifetime
 * strings and arrays (a tree, a compiled policy, a view, the catalog). Every
 * block lives until pol_arena_free, so nothing inside needs its own free.
 */
#ifndef MOAT_POLICY_ARENA_H
#define MOAT_POLICY_ARENA_H

#include <stddef.h>

struct pol_arena_chunk;

struct pol_arena {
    struct pol_arena_chunk *head;
};

void pol_arena_init(struct pol_arena *a);
void pol_arena_free(struct pol_arena *a);

/* Zeroed, suitably aligned for any type. NULL when out of memory. */
void *pol_arena_alloc(struct pol_arena *a, size_t size);
/* n elements of size bytes each; NULL on overflow or out of memory. */
void *pol_arena_array(struct pol_arena *a, size_t n, size_t size);
char *pol_arena_strdup(struct pol_arena *a, const char *s);
char *pol_arena_printf(struct pol_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
