// SPDX-License-Identifier: MIT
/* strbuf.c: growable strings and JSON-pointer paths; see strbuf.h. */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pol_buf_init(struct pol_buf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
}

void pol_buf_free(struct pol_buf *b)
{
    free(b->s);
    pol_buf_init(b);
}

static int reserve(struct pol_buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len) return -1;
    size_t need = b->len + n + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) return -1;
    b->s = s;
    b->cap = cap;
    return 0;
}

int pol_buf_append(struct pol_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0) return -1;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int pol_buf_putc(struct pol_buf *b, char c)
{
    return pol_buf_append(b, &c, 1);
}

void pol_buf_truncate(struct pol_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->s[len] = '\0';
    }
}

const char *pol_buf_str(const struct pol_buf *b)
{
    return b->s ? b->s : "";
}

int pol_buf_push_key(struct pol_buf *b, const char *key)
{
    if (pol_buf_putc(b, '/') < 0) return -1;
    for (const char *p = key; *p; p++) {
        int rc = *p == '~'   ? pol_buf_append(b, "~0", 2)
                 : *p == '/' ? pol_buf_append(b, "~1", 2)
                             : pol_buf_putc(b, *p);
        if (rc < 0) return -1;
    }
    return 0;
}

int pol_buf_push_index(struct pol_buf *b, size_t i)
{
    char step[32];
    int n = snprintf(step, sizeof(step), "/%zu", i);
    return pol_buf_append(b, step, (size_t)n);
}
