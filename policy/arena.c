// SPDX-License-Identifier: MIT
/* arena.c: chunked bump allocator; see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_PAYLOAD 4096

struct pol_arena_chunk {
    struct pol_arena_chunk *next;
    size_t used;
    size_t size;
    max_align_t data[];
};

void pol_arena_init(struct pol_arena *a)
{
    a->head = NULL;
}

void pol_arena_free(struct pol_arena *a)
{
    struct pol_arena_chunk *c = a->head;
    while (c) {
        struct pol_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

static struct pol_arena_chunk *chunk_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct pol_arena_chunk)) return NULL;
    struct pol_arena_chunk *c = malloc(sizeof(*c) + size);
    if (!c) return NULL;
    c->next = NULL;
    c->used = 0;
    c->size = size;
    return c;
}

void *pol_arena_alloc(struct pol_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    if (size > SIZE_MAX - align) return NULL;
    size = (size + align - 1) / align * align;
    if (size == 0) size = align;
    struct pol_arena_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        c = chunk_new(size > CHUNK_PAYLOAD ? size : CHUNK_PAYLOAD);
        if (!c) return NULL;
        /* A big one-off block goes behind the current chunk so the current
         * chunk's free space is not abandoned. */
        if (size > CHUNK_PAYLOAD && a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void *pol_arena_array(struct pol_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return pol_arena_alloc(a, n * size);
}

char *pol_arena_strdup(struct pol_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = pol_arena_alloc(a, n);
    if (p) memcpy(p, s, n);
    return p;
}

char *pol_arena_printf(struct pol_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = pol_arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
