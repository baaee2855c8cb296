// SPDX-License-Identifier: MIT
/*
 * strbuf.h: a growable NUL-terminated string, used for JSON paths (which grow
 * and shrink as a walk descends and returns) and for decoded JSON strings.
 */
#ifndef MOAT_POLICY_STRBUF_H
#define MOAT_POLICY_STRBUF_H

#include <stddef.h>

struct pol_buf {
    char *s; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
};

void pol_buf_init(struct pol_buf *b);
void pol_buf_free(struct pol_buf *b);
int pol_buf_append(struct pol_buf *b, const char *s, size_t n); /* 0 or -1 (no memory) */
int pol_buf_putc(struct pol_buf *b, char c);
/* Back to an earlier length (a mark taken from b->len). */
void pol_buf_truncate(struct pol_buf *b, size_t len);
/* "" when nothing was appended yet. */
const char *pol_buf_str(const struct pol_buf *b);

/* JSON-pointer steps (RFC 6901): "/key" with '~' and '/' escaped, or "/index". */
int pol_buf_push_key(struct pol_buf *b, const char *key);
int pol_buf_push_index(struct pol_buf *b, size_t i);

#endif
