// SPDX-License-Identifier: MIT
/*
 * util.c: the core's small building blocks: thread-local errors, a string
 * hash table and a set of request ids.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Room for a policy's errors one per line (core_fail_policy), not just one line. */
static _Thread_local char errbuf[8192] = "no error";

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

/*
 * As many whole lines as fit, each error's "file:line:column: what"; the tail
 * line "… and N more errors" always has its room, so a cut is never silent.
 * The first line always fits: an error formats to less than 1 KiB.
 */
int core_fail_policy(const struct pol_errors *errs)
{
    enum { TAIL = 48 }; /* "\n… and 18446744073709551615 more errors" */
    char line[1024];
    size_t used = 0, shown = 0;
    if (errs->n == 0) return core_fail("out of memory loading the policy");
    for (; shown < errs->n; shown++) {
        pol_error_format(&errs->list[shown], line, sizeof line);
        if (used + strlen(line) + 1 + TAIL >= sizeof errbuf) break;
        used +=
            (size_t)snprintf(errbuf + used, sizeof errbuf - used, "%s%s", shown ? "\n" : "", line);
    }
    if (errs->total > shown)
        snprintf(errbuf + used, sizeof errbuf - used, "\n\u2026 and %zu more error%s",
                 errs->total - shown, errs->total - shown == 1 ? "" : "s");
    return -1;
}

int64_t core_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * SipHash-2-4 (Aumasson and Bernstein) under a key drawn once per process:
 * table keys and ids come from renderers, and a hash they could predict
 * would let one pile its names or ids into one probe chain.
 */
static uint64_t sip_key[2];
static pthread_once_t sip_once = PTHREAD_ONCE_INIT;

static void sip_init(void)
{
    if (getrandom(sip_key, sizeof sip_key, 0) != sizeof sip_key) { /* no entropy yet: still vary */
        sip_key[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&sip_key;
        sip_key[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;
    }
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1, v1 = ROTL(v1, 13), v1 ^= v0, v0 = ROTL(v0, 32);                                  \
        v2 += v3, v3 = ROTL(v3, 16), v3 ^= v2;                                                     \
        v0 += v3, v3 = ROTL(v3, 21), v3 ^= v0;                                                     \
        v2 += v1, v1 = ROTL(v1, 17), v1 ^= v2, v2 = ROTL(v2, 32);                                  \
    } while (0)

uint64_t core_hash_keyed(const uint64_t key[2], const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ull, v1 = key[1] ^ 0x646f72616e646f6dull;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ull, v3 = key[1] ^ 0x7465646279746573ull;
    uint64_t b = (uint64_t)len << 56, m;
    for (; len >= 8; len -= 8, p += 8) {
        memcpy(&m, p, 8); /* little-endian machines only, as the rest of the core */
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = 0; i < len; i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t core_hash(const void *data, size_t len)
{
    pthread_once(&sip_once, sip_init);
    return core_hash_keyed(sip_key, data, len);
}

static size_t hash_str(const char *s)
{
    return (size_t)core_hash(s, strlen(s));
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

void core_table_remove(struct core_table *t, const char *key)
{
    if (t->count == 0) return;
    struct core_slot *s = find_slot(t->slots, t->cap, key);
    if (!s->key) return;
    free(s->key);
    *s = (struct core_slot){0}; /* an empty slot's value is what get answers: NULL */
    t->count--;
    /* Linear probing without tombstones: move back what probed past the hole. */
    size_t hole = (size_t)(s - t->slots);
    for (size_t i = (hole + 1) & (t->cap - 1); t->slots[i].key; i = (i + 1) & (t->cap - 1)) {
        size_t home = hash_str(t->slots[i].key) & (t->cap - 1);
        /* i may move to the hole unless its home lies cyclically in (hole, i]. */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (stays) continue;
        t->slots[hole] = t->slots[i];
        t->slots[i] = (struct core_slot){0};
        hole = i;
    }
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

/*
 * The id map: open addressing on the id, with the value beside it. Ids
 * come from renderers, so probing starts at a keyed hash of the id
 * and the table stays at most 3/4 full (tombstones included).
 */
static size_t id_probe(size_t cap, uint64_t id)
{
    return (size_t)core_hash(&id, sizeof id) & (cap - 1);
}

static int idmap_rehash(struct core_idmap *m, size_t cap)
{
    struct core_idslot *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].state != CORE_ID_USED) continue;
        size_t j = id_probe(cap, m->slots[i].id);
        while (slots[j].state != CORE_ID_EMPTY)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->used = m->count;
    return 0;
}

int core_idmap_add(struct core_idmap *m, uint64_t id, void *value)
{
    if ((m->used + 1) * 4 > m->cap * 3 &&
        idmap_rehash(m, m->count * 4 >= m->cap ? (m->cap ? m->cap * 2 : 16) : m->cap) != 0)
        return -1;
    size_t i = id_probe(m->cap, id), slot = SIZE_MAX;
    for (; m->slots[i].state != CORE_ID_EMPTY; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].state == CORE_ID_USED && m->slots[i].id == id) return 0;
        if (m->slots[i].state == CORE_ID_REMOVED && slot == SIZE_MAX) slot = i;
    }
    if (slot == SIZE_MAX) {
        slot = i;
        m->used++;
    }
    m->slots[slot] = (struct core_idslot){id, value, CORE_ID_USED};
    m->count++;
    return 1;
}

static struct core_idslot *idmap_find(const struct core_idmap *m, uint64_t id)
{
    if (m->count == 0) return NULL;
    for (size_t i = id_probe(m->cap, id); m->slots[i].state != CORE_ID_EMPTY;
         i = (i + 1) & (m->cap - 1))
        if (m->slots[i].state == CORE_ID_USED && m->slots[i].id == id) return &m->slots[i];
    return NULL;
}

bool core_idmap_get(const struct core_idmap *m, uint64_t id, void **value)
{
    struct core_idslot *s = idmap_find(m, id);
    if (s && value) *value = s->value;
    return s != NULL;
}

bool core_idmap_set(struct core_idmap *m, uint64_t id, void *value)
{
    struct core_idslot *s = idmap_find(m, id);
    if (s) s->value = value;
    return s != NULL;
}

bool core_idmap_remove(struct core_idmap *m, uint64_t id, void **value)
{
    struct core_idslot *s = idmap_find(m, id);
    if (!s) return false;
    if (value) *value = s->value;
    s->state = CORE_ID_REMOVED;
    m->count--;
    return true;
}

void core_idmap_each(struct core_idmap *m, void (*fn)(uint64_t id, void *value, void *ud), void *ud)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].state == CORE_ID_USED) fn(m->slots[i].id, m->slots[i].value, ud);
}

void core_idmap_free(struct core_idmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}
