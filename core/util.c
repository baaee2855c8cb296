/*
 * util.c: the core's small building blocks: thread-local errors, a string
 * hash table and a set of request ids.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local char errbuf[512] = "no error";

const char *moat_errmsg(void)
{
    return errbuf;
}

int core_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    return -1;
}

int64_t core_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a: short keys, no adversary can choose them (names come from the embedder). */
static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static struct core_slot *find_slot(struct core_slot *slots, size_t cap, const char *key)
{
    size_t i = hash_str(key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

void *core_table_get(const struct core_table *t, const char *key)
{
    if (t->count == 0) return NULL;
    return find_slot(t->slots, t->cap, key)->value;
}

static int table_grow(struct core_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16;
    struct core_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key) *find_slot(slots, cap, t->slots[i].key) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

int core_table_put(struct core_table *t, const char *key, void *value)
{
    if ((t->count + 1) * 2 > t->cap && table_grow(t) != 0) return -1;
    struct core_slot *s = find_slot(t->slots, t->cap, key);
    if (!s->key) {
        if (!(s->key = strdup(key))) return -1;
        t->count++;
    }
    s->value = value;
    return 0;
}

void core_table_free(struct core_table *t, void (*free_value)(void *))
{
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].key && free_value) free_value(t->slots[i].value);
        free(t->slots[i].key);
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}

#define ID_EMPTY 0
#define ID_REMOVED UINT64_MAX

static size_t id_probe(const struct core_idset *s, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 17) & (s->cap - 1);
}

static int idset_rehash(struct core_idset *s, size_t cap)
{
    uint64_t *keys = calloc(cap, sizeof *keys);
    if (!keys) return -1;
    struct core_idset n = {keys, cap, 0, 0};
    for (size_t i = 0; i < s->cap; i++) {
        uint64_t k = s->keys[i];
        if (k == ID_EMPTY || k == ID_REMOVED) continue;
        size_t j = id_probe(&n, k);
        while (n.keys[j] != ID_EMPTY)
            j = (j + 1) & (cap - 1);
        n.keys[j] = k;
        n.used++;
        n.count++;
    }
    free(s->keys);
    *s = n;
    return 0;
}

int core_idset_add(struct core_idset *s, uint64_t id)
{
    if (id >= ID_REMOVED - 1)
        return 0; /* cannot be stored; treated as a clash so the caller refuses it */
    uint64_t key = id + 1;
    if ((s->used + 1) * 4 > s->cap * 3 &&
        idset_rehash(s, s->count * 2 >= s->cap / 2 ? (s->cap ? s->cap * 2 : 16) : s->cap) != 0)
        return -1;
    size_t i = id_probe(s, key), slot = SIZE_MAX;
    for (; s->keys[i] != ID_EMPTY; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == key) return 0;
        if (s->keys[i] == ID_REMOVED && slot == SIZE_MAX) slot = i;
    }
    if (slot == SIZE_MAX) {
        slot = i;
        s->used++;
    }
    s->keys[slot] = key;
    s->count++;
    return 1;
}

int core_idset_remove(struct core_idset *s, uint64_t id)
{
    if (s->count == 0 || id >= ID_REMOVED - 1) return 0;
    uint64_t key = id + 1;
    for (size_t i = id_probe(s, key); s->keys[i] != ID_EMPTY; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == key) {
            s->keys[i] = ID_REMOVED;
            s->count--;
            return 1;
        }
    }
    return 0;
}

void core_idset_free(struct core_idset *s)
{
    free(s->keys);
    memset(s, 0, sizeof *s);
}
