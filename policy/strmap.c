// SPDX-License-Identifier: MIT
/* strmap.c: linear-probing string hash table; see strmap.h. */
#include "strmap.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CAP 16

/* FNV-1a: short keys, no allocation, good enough spread for names. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void pol_map_init(struct pol_map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

void pol_map_free(struct pol_map *m)
{
    free(m->slots);
    pol_map_init(m);
}

static struct pol_map_slot *probe(struct pol_map_slot *slots, size_t cap, const char *key,
                                  uint64_t hash)
{
    size_t i = (size_t)hash & (cap - 1);
    for (;;) {
        struct pol_map_slot *s = &slots[i];
        if (!s->key || (s->hash == hash && strcmp(s->key, key) == 0)) return s;
        i = (i + 1) & (cap - 1);
    }
}

static int grow(struct pol_map *m, size_t cap)
{
    struct pol_map_slot *slots = calloc(cap, sizeof(*slots));
    if (!slots) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        struct pol_map_slot *old = &m->slots[i];
        if (old->key) *probe(slots, cap, old->key, old->hash) = *old;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

/* Keeps the load factor at or below one half, so probes stay short. */
int pol_map_reserve(struct pol_map *m, size_t extra)
{
    if (extra > SIZE_MAX / 4 - m->n) return -1;
    size_t need = (m->n + extra) * 2;
    if (need <= m->cap) return 0;
    size_t cap = m->cap ? m->cap : MIN_CAP;
    while (cap < need)
        cap *= 2;
    return grow(m, cap);
}

int pol_map_put(struct pol_map *m, const char *key, void *value)
{
    if (pol_map_reserve(m, 1) < 0) return -1;
    uint64_t hash = hash_str(key);
    struct pol_map_slot *s = probe(m->slots, m->cap, key, hash);
    if (s->key) return 1;
    s->key = key;
    s->hash = hash;
    s->value = value;
    m->n++;
    return 0;
}

void *pol_map_get(const struct pol_map *m, const char *key)
{
    if (m->n == 0) return NULL;
    uint64_t hash = hash_str(key);
    struct pol_map_slot *s = probe(m->slots, m->cap, key, hash);
    return s->key ? s->value : NULL;
}

const char *pol_map_intern(struct pol_map *m, struct pol_arena *a, const char *s)
{
    const char *copy = pol_map_get(m, s);
    if (copy) return copy;
    if (pol_map_reserve(m, 1) < 0 || !(copy = pol_arena_strdup(a, s))) return NULL;
    pol_map_put(m, copy, (void *)copy);
    return copy;
}
