// SPDX-License-Identifier: MIT
/*
 * http_pattern.c: Tauri's URL scope entries (URL Pattern constructor
 * strings, see http_url.h). A pattern is split into its eight components as
 * the URL Pattern standard's constructor-string parser splits it, each
 * component is translated to an anchored POSIX extended regular expression
 * (the standard itself compiles components to regular expressions), and
 * each is tested against the same component of the canonical URL.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_url.h"

#define PAT_MAX 2048
#define TOK_MAX 512

enum tok_type { T_CHAR, T_ESC, T_NAME, T_REGEX, T_STAR, T_OPEN, T_CLOSE, T_MOD };
struct tok {
    enum tok_type type;
    const char *s; /* the character (T_CHAR, T_ESC: the escaped one, T_MOD), or the text */
    size_t len;
};

static bool name_start(int c)
{
    return isalpha(c) || c == '_' || c == '$';
}

/* The standard's tokenizer, reduced to what decides where components end. -1: bad syntax. */
static int tokenize(const char *p, size_t n, struct tok *t, size_t *nt)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (k == TOK_MAX) return -1;
        enum tok_type prev = k ? t[k - 1].type : T_CHAR;
        bool after_part = k && (prev == T_NAME || prev == T_REGEX || prev == T_CLOSE ||
                                (prev == T_STAR && p[i] != '*'));
        if (p[i] == '\\') {
            if (i + 1 >= n) return -1;
            t[k++] = (struct tok){T_ESC, p + i + 1, 1};
            i += 2;
        } else if (p[i] == ':' && i + 1 < n && name_start((unsigned char)p[i + 1])) {
            size_t j = i + 1;
            while (j < n && (isalnum((unsigned char)p[j]) || p[j] == '_' || p[j] == '$'))
                j++;
            t[k++] = (struct tok){T_NAME, p + i, j - i};
            i = j;
        } else if (p[i] == '(') {
            size_t j = i + 1;
            int depth = 1;
            while (j < n && depth) {
                if (p[j] == '\\')
                    j++;
                else if (p[j] == '(')
                    depth++;
                else if (p[j] == ')')
                    depth--;
                j++;
            }
            if (depth) return -1;
            t[k++] = (struct tok){T_REGEX, p + i, j - i};
            i = j;
        } else if ((p[i] == '?' || p[i] == '+' || p[i] == '*') && after_part) {
            t[k++] = (struct tok){T_MOD, p + i, 1};
            i++;
        } else {
            enum tok_type ty = p[i] == '*'   ? T_STAR
                               : p[i] == '{' ? T_OPEN
                               : p[i] == '}' ? T_CLOSE
                                             : T_CHAR;
            t[k++] = (struct tok){ty, p + i, 1};
            i++;
        }
    }
    *nt = k;
    return 0;
}

enum comp { C_PROTO, C_USER, C_PASS, C_HOST, C_PORT, C_PATH, C_SEARCH, C_HASH, C_N };

/* Token ranges of each component; absent: begin == -1. */
struct split {
    long b[C_N], e[C_N];
};

static bool is_char(const struct tok *t, char c)
{
    return t->type == T_CHAR && t->s[0] == c;
}

/* Where components start and end, at group depth 0, as the constructor-string parser says. */
static int split(const struct tok *t, size_t n, struct split *sp)
{
    for (int c = 0; c < C_N; c++)
        sp->b[c] = sp->e[c] = -1;
    size_t i = 0;
    int depth = 0;
    while (i < n && !(depth == 0 && is_char(&t[i], ':')))
        depth += t[i].type == T_OPEN ? 1 : t[i].type == T_CLOSE ? -1 : 0, i++;
    if (i + 2 >= n + 0 || !is_char(&t[i + 1], '/') || !is_char(&t[i + 2], '/')) return -1;
    sp->b[C_PROTO] = 0, sp->e[C_PROTO] = (long)i;
    size_t a = i + 3, j = a;
    depth = 0;
    bool brackets = false;
    long at = -1, colon = -1;
    for (; j < n; j++) {
        if (t[j].type == T_OPEN) depth++;
        if (t[j].type == T_CLOSE) depth--;
        if (depth) continue;
        if (is_char(&t[j], '/') || is_char(&t[j], '?') || is_char(&t[j], '#')) break;
        if (is_char(&t[j], '@') && at < 0)
            at = (long)j, colon = -1;
        else if (is_char(&t[j], '['))
            brackets = true;
        else if (is_char(&t[j], ']'))
            brackets = false;
        else if (is_char(&t[j], ':') && !brackets)
            colon = (long)j;
    }
    long h = (long)a;
    if (at >= 0) {
        long pc = -1;
        for (long x = (long)a; x < at; x++)
            if (is_char(&t[x], ':') && pc < 0) pc = x;
        sp->b[C_USER] = (long)a, sp->e[C_USER] = pc >= 0 ? pc : at;
        if (pc >= 0) sp->b[C_PASS] = pc + 1, sp->e[C_PASS] = at;
        h = at + 1;
    }
    if (colon >= 0 && colon < h) colon = -1;
    sp->b[C_HOST] = h, sp->e[C_HOST] = colon >= 0 ? colon : (long)j;
    if (colon >= 0) sp->b[C_PORT] = colon + 1, sp->e[C_PORT] = (long)j;
    size_t p = j;
    depth = 0;
    for (; j < n; j++) {
        depth += t[j].type == T_OPEN ? 1 : t[j].type == T_CLOSE ? -1 : 0;
        if (!depth && (is_char(&t[j], '?') || is_char(&t[j], '#'))) break;
    }
    if (j > p) sp->b[C_PATH] = (long)p, sp->e[C_PATH] = (long)j;
    if (j < n && is_char(&t[j], '?')) {
        size_t q = ++j;
        for (; j < n && !is_char(&t[j], '#'); j++) {
        }
        sp->b[C_SEARCH] = (long)q, sp->e[C_SEARCH] = (long)j;
    }
    if (j < n && is_char(&t[j], '#')) sp->b[C_HASH] = (long)j + 1, sp->e[C_HASH] = (long)n;
    return 0;
}

struct buf {
    char s[4 * PAT_MAX + 64];
    size_t n;
    bool bad;
};

static void emit(struct buf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->n + l + 1 >= sizeof b->s) {
        b->bad = true;
        return;
    }
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

/* A literal byte of component c as the URL would spell it, escaped for ERE. */
static void emit_lit(struct buf *b, enum comp c, unsigned char ch)
{
    char tmp[8];
    const char sets[C_N] = {0, 'u', 'u', 0, 0, 'p', 'q', 'h'};
    if (c == C_PROTO || c == C_HOST) ch = (unsigned char)tolower(ch);
    if (sets[c] && http_url_must_encode(sets[c], ch)) {
        snprintf(tmp, sizeof tmp, "%%%02X", ch);
        emit(b, tmp);
        return;
    }
    if ((c == C_PROTO || c == C_HOST || c == C_PORT) && ch >= 0x80) b->bad = true;
    snprintf(tmp, sizeof tmp, strchr(".[]()*+?{}|^$\\", ch) ? "\\%c" : "%c", ch);
    emit(b, tmp);
}

static const char *segment(enum comp c)
{
    return c == C_HOST ? "[^.]+" : c == C_PATH ? "[^/]+" : ".+";
}

/* One part (name, wildcard, regex) with its modifier and, in a path, its '/' prefix. */
static size_t emit_part(struct buf *b, enum comp c, const struct tok *t, size_t i, size_t n,
                        bool prefix)
{
    const char *body = t[i].type == T_STAR ? ".*" : segment(c);
    size_t next = i + 1;
    if (t[i].type == T_NAME && next < n && t[next].type == T_REGEX) i = next++;
    if (t[i].type == T_REGEX) {
        if (t[i].len == 4 && !memcmp(t[i].s, "(.*)", 4))
            body = ".*";
        else
            b->bad = true; /* arbitrary regular expressions: not decided here */
    }
    char mod = next < n && t[next].type == T_MOD ? t[next++].s[0] : 0;
    emit(b, "(");
    if (prefix) emit(b, "/");
    emit(b, "(");
    emit(b, body);
    emit(b, ")");
    emit(b, ")");
    if (mod) {
        char m[2] = {mod, 0};
        emit(b, m);
    }
    return next;
}

/* Tokens [i, end) of component c as an ERE fragment. */
static void emit_range(struct buf *b, enum comp c, const struct tok *t, size_t i, size_t end)
{
    while (i < end && !b->bad) {
        const struct tok *k = &t[i];
        if (k->type == T_CHAR || k->type == T_ESC) {
            /* A '/' right before a part that has a modifier belongs to it (automatic prefix). */
            bool pre =
                c == C_PATH && k->type == T_CHAR && k->s[0] == '/' && i + 2 < end + 1 &&
                i + 1 < end &&
                (t[i + 1].type == T_NAME || t[i + 1].type == T_STAR || t[i + 1].type == T_REGEX);
            if (pre) {
                size_t j = i + 2;
                if (t[i + 1].type == T_NAME && j < end && t[j].type == T_REGEX) j++;
                pre = j < end && t[j].type == T_MOD;
            }
            if (pre)
                i = emit_part(b, c, t, i + 1, end, true);
            else
                emit_lit(b, c, (unsigned char)k->s[0]), i++;
        } else if (k->type == T_NAME || k->type == T_STAR || k->type == T_REGEX) {
            i = emit_part(b, c, t, i, end, false);
        } else if (k->type == T_OPEN) {
            size_t j = i + 1;
            int depth = 1;
            while (j < end && depth)
                depth += t[j].type == T_OPEN ? 1 : t[j].type == T_CLOSE ? -1 : 0, j++;
            if (depth) {
                b->bad = true;
                return;
            }
            emit(b, "(");
            emit_range(b, c, t, i + 1, j - 1);
            emit(b, ")");
            if (j < end && t[j].type == T_MOD) {
                char m[2] = {t[j].s[0], 0};
                emit(b, m);
                j++;
            }
            i = j;
        } else {
            b->bad = true; /* a stray '}' or modifier */
        }
    }
}

static bool all_literal(const struct tok *t, size_t i, size_t end)
{
    for (; i < end; i++)
        if (t[i].type != T_CHAR && t[i].type != T_ESC) return false;
    return true;
}

/* A fully literal host is made canonical as a URL's is (IDN, IPv4 spellings, IPv6). */
static int literal_host(const struct tok *t, size_t i, size_t end, struct buf *b)
{
    char raw[512], host[256];
    const char *why;
    size_t n = 0;
    for (; i < end && n + 1 < sizeof raw; i++)
        raw[n++] = t[i].s[0];
    raw[n] = '\0';
    int rc = raw[0] == '[' ? http_url_ipv6(raw, n, host, sizeof host, &why)
                           : http_url_host(raw, n, host, sizeof host, &why);
    if (rc < 0) return -1;
    emit(b, "^");
    for (char *p = host; *p; p++)
        emit_lit(b, C_HOST, (unsigned char)*p);
    emit(b, "$");
    return 0;
}

/* Component c of the pattern as an anchored ERE, with Tauri's defaults. -1: undecidable. */
static int component_re(const struct tok *t, const struct split *sp, enum comp c, struct buf *b,
                        const char *proto)
{
    long i = sp->b[c], end = sp->e[c];
    b->n = 0;
    b->s[0] = '\0';
    b->bad = false;
    bool empty = i < 0 || end <= i;
    bool root = c == C_PATH && !empty && end == i + 1 && is_char(&t[i], '/');
    if (c == C_PORT && empty) return emit(b, "^$"), 0;
    if (empty || root) return emit(b, "^.*$"), 0;
    if (c == C_HOST && all_literal(t, (size_t)i, (size_t)end))
        return literal_host(t, (size_t)i, (size_t)end, b);
    if (c == C_PORT && all_literal(t, (size_t)i, (size_t)end)) {
        char port[8] = "";
        for (long k = i; k < end && k - i < 6; k++)
            port[k - i] = t[k].s[0];
        if ((!strcmp(proto, "http") && !strcmp(port, "80")) ||
            (!strcmp(proto, "https") && !strcmp(port, "443")))
            return emit(b, "^$"), 0;
    }
    emit(b, "^");
    emit_range(b, c, t, (size_t)i, (size_t)end);
    emit(b, "$");
    return b->bad ? -1 : 0;
}

static const char *url_part(const struct http_url *u, enum comp c)
{
    const char *v[C_N] = {u->scheme, u->user, u->pass,  u->host,
                          u->port,   u->path, u->query, u->hash};
    return v[c];
}

enum http_match http_pattern_test(const char *pattern, size_t len, const struct http_url *u)
{
    struct tok *t = malloc(TOK_MAX * sizeof *t);
    struct buf *b = malloc(sizeof *b);
    struct split sp;
    size_t n;
    enum http_match m = HTTP_MATCH_UNDECIDED;
    if (!t || !b || len > PAT_MAX || tokenize(pattern, len, t, &n) < 0 || split(t, n, &sp) < 0)
        goto out;
    char proto[16] = "";
    if (all_literal(t, 0, (size_t)sp.e[C_PROTO]) && sp.e[C_PROTO] < (long)sizeof proto)
        for (long k = 0; k < sp.e[C_PROTO]; k++)
            proto[k] = (char)tolower((unsigned char)t[k].s[0]);
    /* Every component is compiled even after one fails to match: a pattern Moat cannot
     * decide is undecidable for every URL, not only for those its other parts match. */
    m = HTTP_MATCH_YES;
    for (int c = 0; c < C_N; c++) {
        regex_t re;
        if (component_re(t, &sp, (enum comp)c, b, proto) < 0 ||
            regcomp(&re, b->s, REG_EXTENDED | REG_NOSUB) != 0) {
            m = HTTP_MATCH_UNDECIDED;
            break;
        }
        if (m == HTTP_MATCH_YES && regexec(&re, url_part(u, (enum comp)c), 0, NULL, 0) != 0)
            m = HTTP_MATCH_NO;
        regfree(&re);
    }
out:
    free(t);
    free(b);
    return m;
}

/* The pattern text of a scope entry: {"url": "..."} (or a bare string). */
static bool entry_url(const msgpack_object *e, const char **s, size_t *n)
{
    const msgpack_object *v = e && e->type == MSGPACK_OBJECT_STR ? e : plugin_arg(e, "url");
    if (!v || v->type != MSGPACK_OBJECT_STR) return false;
    *s = v->via.str.ptr;
    *n = v->via.str.size;
    return true;
}

long http_scope_check(const struct http_url *u, const msgpack_object *const *allow, size_t n_allow,
                      const msgpack_object *const *deny, size_t n_deny, char *why, size_t len)
{
    const char *s;
    size_t n;
    for (size_t i = 0; i < n_deny; i++) {
        if (!entry_url(deny[i], &s, &n)) continue;
        enum http_match m = http_pattern_test(s, n, u);
        if (m != HTTP_MATCH_NO) {
            snprintf(why, len, "denied by the scope entry \"%.*s\"%s", (int)(n > 300 ? 300 : n), s,
                     m == HTTP_MATCH_UNDECIDED ? " (a pattern Moat cannot decide: refused)" : "");
            return -1;
        }
    }
    for (size_t i = 0; i < n_allow; i++)
        if (entry_url(allow[i], &s, &n) && http_pattern_test(s, n, u) == HTTP_MATCH_YES)
            return (long)i;
    snprintf(why, len, "no allow entry of the scope matches it");
    return -1;
}
