// SPDX-License-Identifier: MIT
/* error.c: load errors and how they print; see error.h and policy.h. */
#include "error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pol_error_format(const struct pol_error *e, char *buf, size_t len)
{
    if (!buf || len == 0) return buf;
    if (!e)
        snprintf(buf, len, "(no error)");
    else if (e->line > 0)
        snprintf(buf, len, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
    else
        snprintf(buf, len, "%s: %s", e->file, e->message);
    size_t used = strlen(buf);
    if (e && e->more)
        snprintf(buf + used, len - used, " (and %zu more error%s)", e->more,
                 e->more == 1 ? "" : "s");
    return buf;
}

void pol_errors_free(struct pol_errors *e)
{
    if (!e) return;
    free(e->list);
    *e = (struct pol_errors){0};
}

void pol_errors_print(const struct pol_errors *e, FILE *out, const char *prefix, const char *tag)
{
    for (size_t i = 0; i < e->n; i++) {
        const struct pol_error *x = &e->list[i];
        if (x->line > 0)
            fprintf(out, "%s%s:%d:%d: %s%s\n", prefix, x->file, x->line, x->column, tag,
                    x->message);
        else
            fprintf(out, "%s%s: %s%s\n", prefix, x->file, tag, x->message);
    }
    if (e->total > e->n)
        fprintf(out, "%s\u2026 and %zu more error%s\n", prefix, e->total - e->n,
                e->total - e->n == 1 ? "" : "s");
}

int pol_err_vat(struct pol_errors *errs, const char *file, struct pol_pos pos, const char *fmt,
                va_list ap)
{
    if (!errs) return -1;
    errs->total++;
    /* All the room at the first error: a hundred errors are 80 KiB. */
    if (!errs->list && !(errs->list = malloc(POL_ERRORS_MAX * sizeof *errs->list))) {
        errs->stopped = true;
        return -1;
    }
    if (errs->n == POL_ERRORS_MAX) return -1;
    struct pol_error *err = &errs->list[errs->n++];
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "<policy>");
    err->line = pos.line > 0 ? pos.line : 0;
    err->column = pos.line > 0 ? (pos.col > 0 ? pos.col : 1) : 0;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    err->more = 0;
    return -1;
}

int pol_err_at(struct pol_errors *errs, const char *file, struct pol_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pol_err_vat(errs, file, pos, fmt, ap);
    va_end(ap);
    return -1;
}

int pol_err_oom(struct pol_errors *errs, const char *file)
{
    pol_err_at(errs, file, (struct pol_pos){0, 0}, "out of memory");
    if (errs) errs->stopped = true;
    return -1;
}

static bool before(const struct pol_error *a, int ra, const struct pol_error *b, int rb)
{
    if (ra != rb) return ra < rb;
    if (a->line != b->line) return a->line < b->line;
    return a->column < b->column;
}

void pol_errors_sort(struct pol_errors *errs, int (*rank)(const char *file, void *ud), void *ud)
{
    int ranks[POL_ERRORS_MAX];
    for (size_t i = 0; i < errs->n; i++)
        ranks[i] = rank(errs->list[i].file, ud);
    /* Insertion sort: at most a hundred, and stable. */
    for (size_t i = 1; i < errs->n; i++) {
        struct pol_error e = errs->list[i];
        int r = ranks[i];
        size_t j = i;
        for (; j > 0 && before(&e, r, &errs->list[j - 1], ranks[j - 1]); j--) {
            errs->list[j] = errs->list[j - 1];
            ranks[j] = ranks[j - 1];
        }
        errs->list[j] = e;
        ranks[j] = r;
    }
}

void pol_errors_first(const struct pol_errors *errs, struct pol_error *err)
{
    if (!err) return;
    if (errs->n) {
        *err = errs->list[0];
        err->more = errs->total - 1;
    } else {
        *err = (struct pol_error){.file = "<policy>"};
        snprintf(err->message, sizeof(err->message), "out of memory");
    }
}

static size_t put_escaped(char *out, unsigned char c)
{
    switch (c) {
    case '"':
        return (size_t)sprintf(out, "\\\"");
    case '\\':
        return (size_t)sprintf(out, "\\\\");
    case '\n':
        return (size_t)sprintf(out, "\\n");
    case '\t':
        return (size_t)sprintf(out, "\\t");
    case '\r':
        return (size_t)sprintf(out, "\\r");
    default:
        if (c < 0x20 || c == 0x7f) return (size_t)sprintf(out, "\\u%04x", c);
        out[0] = (char)c;
        return 1;
    }
}

const char *pol_quote(char buf[POL_QUOTE_SIZE], const char *s)
{
    size_t o = 0, i = 0;
    buf[o++] = '"';
    for (; s[i] && i < POL_QUOTE_SHOWN; i++)
        o += put_escaped(buf + o, (unsigned char)s[i]);
    /* Do not leave half a UTF-8 sequence before the ellipsis. */
    if (s[i]) {
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) {
            i--;
            o--;
        }
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}
