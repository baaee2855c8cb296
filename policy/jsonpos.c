// SPDX-License-Identifier: MIT
/*
 * jsonpos.c: a second, position-recording pass over JSON text; see
 * jsonpos.h. It trusts jansson for strictness and only needs to be right on
 * valid JSON, but it is defensive everywhere: malformed input gives -1,
 * never a crash.
 */
#include "jsonpos.h"

#include <stdbool.h>
#include <string.h>

/* Deeper than jansson's own limit (2048), so all jansson accepts is indexed. */
#define MAX_DEPTH 4096

struct lex {
    const char *s;
    size_t len;
    size_t off;
    struct pol_pos at; /* position of s[off] */
};

enum tok_kind { TOK_END, TOK_PUNCT, TOK_STRING, TOK_WORD, TOK_OTHER };

struct tok {
    enum tok_kind kind;
    char ch; /* for TOK_PUNCT */
    size_t start, end;
    struct pol_pos pos;
};

static void lex_init(struct lex *lx, const char *s, size_t len)
{
    lx->s = s;
    lx->len = len;
    lx->off = 0;
    lx->at = (struct pol_pos){1, 1};
}

/* Past one byte. A column is one character: continuation bytes do not count. */
static void step(struct lex *lx)
{
    unsigned char c = (unsigned char)lx->s[lx->off++];
    if (c == '\n') {
        lx->at.line++;
        lx->at.col = 1;
    } else if ((c & 0xC0) != 0x80) {
        lx->at.col++;
    }
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
}

static int lex_string(struct lex *lx)
{
    step(lx);
    for (;;) {
        if (lx->off >= lx->len) return -1;
        char c = lx->s[lx->off];
        step(lx);
        if (c == '"') return 0;
        if (c == '\\') {
            if (lx->off >= lx->len) return -1;
            step(lx);
        }
    }
}

/* -1 only for an unterminated string. */
static int lex_next(struct lex *lx, struct tok *t)
{
    while (lx->off < lx->len && is_space(lx->s[lx->off]))
        step(lx);
    t->start = lx->off;
    t->pos = lx->at;
    t->ch = 0;
    if (lx->off >= lx->len) {
        t->kind = TOK_END;
    } else if (strchr("{}[]:,", lx->s[lx->off]) && lx->s[lx->off]) {
        t->kind = TOK_PUNCT;
        t->ch = lx->s[lx->off];
        step(lx);
    } else if (lx->s[lx->off] == '"') {
        t->kind = TOK_STRING;
        if (lex_string(lx) < 0) return -1;
    } else if (is_word(lx->s[lx->off])) {
        t->kind = TOK_WORD;
        while (lx->off < lx->len && is_word(lx->s[lx->off]))
            step(lx);
    } else { /* one character, as jansson reports it */
        t->kind = TOK_OTHER;
        step(lx);
        while (lx->off < lx->len && ((unsigned char)lx->s[lx->off] & 0xC0) == 0x80)
            step(lx);
    }
    t->end = lx->off;
    return 0;
}

static bool is_punct(const struct tok *t, char c)
{
    return t->kind == TOK_PUNCT && t->ch == c;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16;
        if (d == 16) return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

static int put_utf8(struct pol_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return pol_buf_append(b, u, n);
}

/* After "\u": one code point, joining a surrogate pair. Advances *p. */
static int decode_u(const char **p, const char *end, unsigned *cp)
{
    if (end - *p < 4 || hex4(*p, cp) < 0) return -1;
    *p += 4;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF) return -1;
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return *cp == 0 ? -1 : 0; /* NUL cannot live in a C string key */
    unsigned lo;
    if (end - *p < 6 || (*p)[0] != '\\' || (*p)[1] != 'u' || hex4(*p + 2, &lo) < 0 || lo < 0xDC00 ||
        lo > 0xDFFF)
        return -1;
    *p += 6;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 0;
}

static int decode_escape(const char **p, const char *end, struct pol_buf *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (*p >= end) return -1;
    char c = *(*p)++;
    if (c == 'u') {
        unsigned cp;
        return decode_u(p, end, &cp) < 0 ? -1 : put_utf8(out, cp);
    }
    const char *hit = strchr(from, c);
    if (!hit || !c) return -1;
    return pol_buf_putc(out, to[hit - from]);
}

int pol_json_decode_string(const char *tok, size_t len, struct pol_buf *out)
{
    if (len < 2 || tok[0] != '"' || tok[len - 1] != '"') return -1;
    pol_buf_truncate(out, 0);
    if (pol_buf_append(out, "", 0) < 0) return -1;
    const char *p = tok + 1, *end = tok + len - 1;
    while (p < end) {
        if (*p == '\\') {
            p++;
            if (decode_escape(&p, end, out) < 0) return -1;
            continue;
        }
        const char *run = p;
        while (p < end && *p != '\\')
            p++;
        if (memchr(run, '\0', (size_t)(p - run)) || pol_buf_append(out, run, (size_t)(p - run)) < 0)
            return -1;
    }
    return 0;
}

struct indexer {
    struct lex lx;
    struct pol_jsonpos *jp;
    struct pol_buf path;
    struct pol_buf key;
};

static int index_value(struct indexer *ix, const struct tok *t, const struct pol_pos *key,
                       int depth);

static int record(struct indexer *ix, const struct tok *t, const struct pol_pos *key)
{
    struct pol_jsonpos_entry *e = pol_arena_alloc(&ix->jp->arena, sizeof(*e));
    if (!e || !(e->path = pol_arena_strdup(&ix->jp->arena, pol_buf_str(&ix->path)))) return -1;
    e->value = t->pos;
    if (key) e->key = *key;
    /* A repeated path means a duplicate key; jansson has rejected those. */
    return pol_map_put(&ix->jp->by_path, e->path, e) < 0 ? -1 : 0;
}

/* One "key": value member; t is the key token. */
static int index_member(struct indexer *ix, const struct tok *t, int depth)
{
    struct pol_pos kpos = t->pos;
    struct tok v;
    if (t->kind != TOK_STRING ||
        pol_json_decode_string(ix->lx.s + t->start, t->end - t->start, &ix->key) < 0)
        return -1;
    size_t mark = ix->path.len;
    if (pol_buf_push_key(&ix->path, pol_buf_str(&ix->key)) < 0) return -1;
    if (lex_next(&ix->lx, &v) < 0 || !is_punct(&v, ':') || lex_next(&ix->lx, &v) < 0 ||
        index_value(ix, &v, &kpos, depth + 1) < 0)
        return -1;
    pol_buf_truncate(&ix->path, mark);
    return 0;
}

static int index_object(struct indexer *ix, int depth)
{
    struct tok t;
    if (lex_next(&ix->lx, &t) < 0) return -1;
    if (is_punct(&t, '}')) return 0;
    for (;;) {
        if (index_member(ix, &t, depth) < 0 || lex_next(&ix->lx, &t) < 0) return -1;
        if (is_punct(&t, '}')) return 0;
        if (!is_punct(&t, ',') || lex_next(&ix->lx, &t) < 0) return -1;
    }
}

static int index_array(struct indexer *ix, int depth)
{
    struct tok t;
    if (lex_next(&ix->lx, &t) < 0) return -1;
    if (is_punct(&t, ']')) return 0;
    for (size_t i = 0;; i++) {
        size_t mark = ix->path.len;
        if (pol_buf_push_index(&ix->path, i) < 0 || index_value(ix, &t, NULL, depth + 1) < 0)
            return -1;
        pol_buf_truncate(&ix->path, mark);
        if (lex_next(&ix->lx, &t) < 0) return -1;
        if (is_punct(&t, ']')) return 0;
        if (!is_punct(&t, ',') || lex_next(&ix->lx, &t) < 0) return -1;
    }
}

static int index_value(struct indexer *ix, const struct tok *t, const struct pol_pos *key,
                       int depth)
{
    if (depth > MAX_DEPTH || record(ix, t, key) < 0) return -1;
    if (is_punct(t, '{')) return index_object(ix, depth);
    if (is_punct(t, '[')) return index_array(ix, depth);
    return t->kind == TOK_STRING || t->kind == TOK_WORD ? 0 : -1;
}

int pol_jsonpos_index(struct pol_jsonpos *jp, const char *text, size_t len)
{
    struct indexer ix = {.jp = jp};
    struct tok t;
    pol_arena_init(&jp->arena);
    pol_map_init(&jp->by_path);
    lex_init(&ix.lx, text, len);
    pol_buf_init(&ix.path);
    pol_buf_init(&ix.key);
    int rc = -1;
    if (lex_next(&ix.lx, &t) == 0 && index_value(&ix, &t, NULL, 0) == 0 &&
        lex_next(&ix.lx, &t) == 0 && t.kind == TOK_END)
        rc = 0;
    pol_buf_free(&ix.path);
    pol_buf_free(&ix.key);
    return rc;
}

void pol_jsonpos_free(struct pol_jsonpos *jp)
{
    pol_map_free(&jp->by_path);
    pol_arena_free(&jp->arena);
}

const struct pol_jsonpos_entry *pol_jsonpos_get(const struct pol_jsonpos *jp, const char *path)
{
    return pol_map_get(&jp->by_path, path);
}

struct pol_pos pol_json_pos_at(const char *text, size_t len, size_t off)
{
    struct lex lx;
    lex_init(&lx, text, len);
    while (lx.off < off && lx.off < len)
        step(&lx);
    return lx.at;
}

int pol_json_token_before(const char *text, size_t len, size_t end, struct pol_pos *start,
                          size_t *start_off, size_t *end_off)
{
    struct lex lx;
    struct tok t;
    lex_init(&lx, text, len);
    for (;;) {
        if (lex_next(&lx, &t) < 0 || t.kind == TOK_END || t.end > end) return -1;
        if (t.end == end) break;
    }
    *start = t.pos;
    if (start_off) *start_off = t.start;
    if (end_off) *end_off = t.end;
    return 0;
}
