/* error.c: load errors and how they print; see error.h and policy.h. */
#include "error.h"

#include <stdio.h>
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
    return buf;
}

int pol_err_vat(struct pol_error *err, const char *file, struct pol_pos pos, const char *fmt,
                va_list ap)
{
    if (!err) return -1;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "<policy>");
    err->line = pos.line > 0 ? pos.line : 0;
    err->column = pos.line > 0 ? (pos.col > 0 ? pos.col : 1) : 0;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return -1;
}

int pol_err_at(struct pol_error *err, const char *file, struct pol_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pol_err_vat(err, file, pos, fmt, ap);
    va_end(ap);
    return -1;
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
