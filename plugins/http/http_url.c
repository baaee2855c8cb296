// SPDX-License-Identifier: MIT
/*
 * http_url.c: request URLs made canonical as the WHATWG URL parser makes
 * them (see http_url.h); the scope patterns are in http_pattern.c.
 */
#include "http_url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends byte c to out (cap bytes), percent-encoded when enc says so. -1 when full. */
static int put(char *out, size_t cap, size_t *n, unsigned char c, bool enc)
{
    static const char hex[] = "0123456789ABCDEF";
    if (*n + (enc ? 3 : 1) >= cap) return -1;
    if (enc) {
        out[(*n)++] = '%';
        out[(*n)++] = hex[c >> 4];
        out[(*n)++] = hex[c & 15];
    } else {
        out[(*n)++] = (char)c;
    }
    out[*n] = '\0';
    return 0;
}

/* The percent-encode sets of the URL standard (C0 controls and non-ASCII always). */
static bool enc_path(unsigned char c)
{
    return c < 0x21 || c > 0x7e || strchr("\"#<>?`{}", c);
}
static bool enc_query(unsigned char c)
{
    return c < 0x21 || c > 0x7e || strchr("\"#<>'", c);
}
static bool enc_hash(unsigned char c)
{
    return c < 0x21 || c > 0x7e || strchr("\"<>`", c);
}
static bool enc_user(unsigned char c)
{
    return enc_path(c) || strchr("/:;=@[\\]^|", c);
}

bool http_url_must_encode(char set, unsigned char c)
{
    return set == 'p'   ? enc_path(c)
           : set == 'q' ? enc_query(c)
           : set == 'h' ? enc_hash(c)
                        : enc_user(c);
}

static int encode(const char *s, size_t len, char *out, size_t cap, bool (*set)(unsigned char))
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len; i++)
        if (put(out, cap, &n, (unsigned char)s[i], set((unsigned char)s[i])) < 0) return -1;
    return 0;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* One IPv4 part as WHATWG reads it: 0x hex, leading-0 octal, decimal. -1: not a number. */
static int ipv4_part(const char *s, size_t len, uint64_t *v)
{
    int base = 10;
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, s += 2, len -= 2;
    else if (len >= 2 && s[0] == '0')
        base = 8, s++, len--;
    *v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hexval((unsigned char)s[i]);
        if (d < 0 || d >= base) return -1;
        *v = *v * (uint64_t)base + (uint64_t)d;
        if (*v > 0xffffffffull * 256) return -2; /* too big either way */
    }
    return 0;
}

/* True when host's last label is a number: then host must be an IPv4 address. */
static bool ends_in_number(const char *h)
{
    size_t n = strlen(h);
    if (n && h[n - 1] == '.') n--;
    size_t start = n;
    while (start && h[start - 1] != '.')
        start--;
    if (start == n) return false;
    bool digits = true;
    for (size_t i = start; i < n; i++)
        digits = digits && isdigit((unsigned char)h[i]);
    if (digits) return true;
    uint64_t v;
    return n - start >= 2 && h[start] == '0' && (h[start + 1] == 'x' || h[start + 1] == 'X') &&
           ipv4_part(h + start, n - start, &v) == 0;
}

/* WHATWG's IPv4 parser: 1 to 4 parts, the last filling the remaining bytes. */
static int ipv4(char *h, size_t cap, const char **why)
{
    uint64_t parts[4];
    int n = 0;
    const char *p = h;
    size_t len = strlen(h);
    if (len && h[len - 1] == '.') len--;
    while (p < h + len) {
        const char *dot = memchr(p, '.', (size_t)(h + len - p));
        size_t l = dot ? (size_t)(dot - p) : (size_t)(h + len - p);
        if (n == 4 || l == 0 || ipv4_part(p, l, &parts[n]) < 0)
            return *why = "the host is not a valid IPv4 address", -1;
        n++;
        p += l + (dot ? 1 : 0);
    }
    if (n == 0) return *why = "the host is not a valid IPv4 address", -1;
    for (int i = 0; i < n - 1; i++)
        if (parts[i] > 255) return *why = "the host is not a valid IPv4 address", -1;
    if (parts[n - 1] >= (1ull << (8 * (5 - n))))
        return *why = "the host is not a valid IPv4 address", -1;
    uint64_t v = parts[n - 1];
    for (int i = 0; i < n - 1; i++)
        v += parts[i] << (8 * (3 - i));
    snprintf(h, cap, "%u.%u.%u.%u", (unsigned)(v >> 24) & 255, (unsigned)(v >> 16) & 255,
             (unsigned)(v >> 8) & 255, (unsigned)v & 255);
    return 0;
}

/* "[...]" to WHATWG's serialization: lowercase hex, the longest run of 2+ zero pieces as "::". */
int http_url_ipv6(const char *s, size_t len, char *out, size_t cap, const char **why)
{
    char in[64];
    unsigned char a[16];
    if (len < 2 || len - 2 >= sizeof in) return *why = "the host is not a valid IPv6 address", -1;
    memcpy(in, s + 1, len - 2);
    in[len - 2] = '\0';
    if (strchr(in, '%') || inet_pton(AF_INET6, in, a) != 1)
        return *why = "the host is not a valid IPv6 address", -1;
    unsigned piece[8];
    for (int i = 0; i < 8; i++)
        piece[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && piece[j] == 0)
            j++;
        if (j - i > best_len) best = i, best_len = j - i;
        i = j > i ? j : i + 1;
    }
    size_t n = 0;
    n += (size_t)snprintf(out + n, cap - n, "[");
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            n += (size_t)snprintf(out + n, cap - n, i == 0 ? "::" : ":");
            i += best_len - 1;
            continue;
        }
        n += (size_t)snprintf(out + n, cap - n, "%x%s", piece[i], i < 7 ? ":" : "");
    }
    snprintf(out + n, cap - n, "]");
    return 0;
}

/* Percent-decodes, maps IDN to ASCII, lowercases and checks a host name into out. */
int http_url_host(const char *s, size_t len, char *out, size_t cap, const char **why)
{
    char dec[256];
    size_t n = 0;
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return *why = "the host has a bad percent-escape", -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || n + 1 >= sizeof dec) return *why = "the host is too long or has NUL", -1;
        ascii = ascii && c < 0x80;
        dec[n++] = (char)c;
    }
    dec[n] = '\0';
    if (!n) return *why = "the URL has no host", -1;
    char *idn = NULL;
    /* UTS #46 as the URL standard applies it (nontransitional), also to xn-- labels. */
    bool needs_idn = !ascii || strcasestr(dec, "xn--");
    if (needs_idn) {
        if (idn2_to_ascii_8z(dec, &idn, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
            return *why = "the host is not a valid internationalized domain name", -1;
        if (strlen(idn) >= cap) return free(idn), *why = "the host is too long", -1;
        strcpy(out, idn);
        idn2_free(idn);
    } else {
        snprintf(out, cap, "%s", dec);
    }
    for (char *p = out; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("#%/:<>?@[\\]^|", *p))
            return *why = "the host has a forbidden character", -1;
    }
    return ends_in_number(out) ? ipv4(out, cap, why) : 0;
}

/* host[:port] of the authority into u. */
static int host_port(const char *s, size_t len, struct http_url *u, const char **why)
{
    const char *colon = NULL;
    if (len && s[0] == '[') {
        const char *end = memchr(s, ']', len);
        if (!end) return *why = "the host is not a valid IPv6 address", -1;
        if (http_url_ipv6(s, (size_t)(end - s) + 1, u->host, sizeof u->host, why) < 0) return -1;
        if ((size_t)(end - s) + 1 < len) {
            if (end[1] != ':') return *why = "junk after the IPv6 address", -1;
            colon = end + 1;
        }
    } else {
        colon = memrchr(s, ':', len);
        if (http_url_host(s, colon ? (size_t)(colon - s) : len, u->host, sizeof u->host, why) < 0)
            return -1;
    }
    u->port[0] = '\0';
    if (!colon || colon + 1 == s + len) return 0;
    unsigned v = 0;
    for (const char *p = colon + 1; p < s + len; p++) {
        if (!isdigit((unsigned char)*p) || (v = v * 10 + (*p - '0')) > 65535)
            return *why = "the port is not a number from 0 to 65535", -1;
    }
    if (v != (strcmp(u->scheme, "https") ? 80 : 443))
        snprintf(u->port, sizeof u->port, "%u", v & 0xffffu);
    return 0;
}

static bool is_dot(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 3 && !strncasecmp(s, "%2e", 3));
}
static bool is_dotdot(const char *s, size_t n)
{
    return (n == 2 && !strncmp(s, "..", 2)) ||
           (n == 4 && (!strncasecmp(s, ".%2e", 4) || !strncasecmp(s, "%2e.", 4))) ||
           (n == 6 && !strncasecmp(s, "%2e%2e", 6));
}

/* The path (from its first '/') with dot segments resolved and bytes encoded. */
static int path_of(const char *s, size_t len, char *out, size_t cap, const char **why)
{
    size_t n = 0;
    out[0] = '\0';
    const char *p = s, *end = s + len;
    if (p < end && *p == '/') p++;
    for (;;) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t l = slash ? (size_t)(slash - p) : (size_t)(end - p);
        bool last = !slash;
        if (is_dotdot(p, l)) {
            while (n && out[n - 1] != '/')
                n--;    /* drop the last segment ... */
            if (n) n--; /* ... and its slash */
            out[n] = '\0';
            if (last && put(out, cap, &n, '/', false) < 0) goto long_path;
        } else if (is_dot(p, l)) {
            if (last && put(out, cap, &n, '/', false) < 0) goto long_path;
        } else {
            if (put(out, cap, &n, '/', false) < 0) goto long_path;
            for (size_t i = 0; i < l; i++)
                if (put(out, cap, &n, (unsigned char)p[i], enc_path((unsigned char)p[i])) < 0)
                    goto long_path;
        }
        if (last) break;
        p = slash + 1;
    }
    if (!n && put(out, cap, &n, '/', false) < 0) goto long_path;
    return 0;
long_path:
    return *why = "the URL is too long", -1;
}

static int scheme_of(const char *s, size_t len, struct http_url *u, size_t *used, const char **why)
{
    size_t i = 0;
    while (i < len && i < sizeof u->scheme - 1 &&
           (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        u->scheme[i] = (char)tolower((unsigned char)s[i]), i++;
    u->scheme[i] = '\0';
    if (i == len || s[i] != ':' || !i) return *why = "not an absolute URL", -1;
    if (strcmp(u->scheme, "http") && strcmp(u->scheme, "https"))
        return *why = "only http and https URLs can be fetched", -1;
    /* Special schemes ignore extra slashes; only "//" is accepted here. */
    if (i + 3 > len || s[i + 1] != '/' || s[i + 2] != '/')
        return *why = "an http(s) URL must be scheme://host...", -1;
    *used = i + 3;
    return 0;
}

static int userinfo(const char *s, size_t len, struct http_url *u, const char **why)
{
    const char *colon = memchr(s, ':', len);
    size_t ul = colon ? (size_t)(colon - s) : len;
    if (encode(s, ul, u->user, sizeof u->user, enc_user) < 0 ||
        (colon && encode(colon + 1, len - ul - 1, u->pass, sizeof u->pass, enc_user) < 0))
        return *why = "the user name or password is too long", -1;
    return 0;
}

int http_url_parse(const char *s, size_t len, struct http_url *u, const char **why)
{
    memset(u, 0, sizeof *u);
    if (len >= HTTP_URL_MAX) return *why = "the URL is too long", -1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '\\')
            return *why = "the URL has a space, a control character or a backslash", -1;
    size_t i;
    if (scheme_of(s, len, u, &i, why) < 0) return -1;
    size_t a = i;
    while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
        i++;
    const char *at = memrchr(s + a, '@', i - a);
    if (at && userinfo(s + a, (size_t)(at - (s + a)), u, why) < 0) return -1;
    size_t h = at ? (size_t)(at - s) + 1 : a;
    if (host_port(s + h, i - h, u, why) < 0) return -1;
    size_t p = i;
    while (i < len && s[i] != '?' && s[i] != '#')
        i++;
    if (path_of(s + p, i - p, u->path, sizeof u->path, why) < 0) return -1;
    if (i < len && s[i] == '?') {
        size_t q = ++i;
        while (i < len && s[i] != '#')
            i++;
        u->has_query = true;
        if (encode(s + q, i - q, u->query, sizeof u->query, enc_query) < 0)
            return *why = "the URL is too long", -1;
    }
    if (i < len && s[i] == '#') {
        u->has_hash = true;
        if (encode(s + i + 1, len - i - 1, u->hash, sizeof u->hash, enc_hash) < 0)
            return *why = "the URL is too long", -1;
    }
    return 0;
}

void http_url_format(const struct http_url *u, bool with_hash, char *out, size_t len)
{
    snprintf(out, len, "%s://%s%s%s%s%s%s%s%s%s%s%s", u->scheme, u->user, u->pass[0] ? ":" : "",
             u->pass, u->user[0] || u->pass[0] ? "@" : "", u->host, u->port[0] ? ":" : "", u->port,
             u->path, u->has_query ? "?" : "", u->query, with_hash && u->has_hash ? "#" : "");
    if (with_hash && u->has_hash) snprintf(out + strlen(out), len - strlen(out), "%s", u->hash);
}

long http_url_port_number(const struct http_url *u)
{
    return u->port[0] ? strtol(u->port, NULL, 10) : strcmp(u->scheme, "https") ? 80 : 443;
}

int http_url_resolve(const struct http_url *base, const char *ref, struct http_url *out,
                     const char **why)
{
    size_t n = strlen(ref);
    char *abs = malloc(3 * HTTP_URL_MAX);
    if (!abs) return *why = "out of memory", -1;
    size_t s = 0;
    while (s < n && (isalnum((unsigned char)ref[s]) || strchr("+-.", ref[s])))
        s++;
    int rc;
    if (s < n && ref[s] == ':' && s > 0) { /* absolute */
        rc = http_url_parse(ref, n, out, why);
    } else {
        char origin[1100];
        snprintf(origin, sizeof origin, "%s://%s%s%s%s%s%s%s", base->scheme, base->user,
                 base->pass[0] ? ":" : "", base->pass, base->user[0] || base->pass[0] ? "@" : "",
                 base->host, base->port[0] ? ":" : "", base->port);
        if (!strncmp(ref, "//", 2)) {
            snprintf(abs, 3 * HTTP_URL_MAX, "%s:%s", base->scheme, ref);
        } else if (ref[0] == '/') {
            snprintf(abs, 3 * HTTP_URL_MAX, "%s%s", origin, ref);
        } else if (ref[0] == '?') {
            snprintf(abs, 3 * HTTP_URL_MAX, "%s%s%s", origin, base->path, ref);
        } else if (ref[0] == '#') {
            snprintf(abs, 3 * HTTP_URL_MAX, "%s%s%s%s%s", origin, base->path,
                     base->has_query ? "?" : "", base->query, ref);
        } else { /* relative to the base path's folder */
            const char *slash = strrchr(base->path, '/');
            snprintf(abs, 3 * HTTP_URL_MAX, "%s%.*s/%s", origin, (int)(slash - base->path),
                     base->path, ref);
        }
        rc = http_url_parse(abs, strlen(abs), out, why);
    }
    free(abs);
    return rc;
}

static int b64val(int c)
{
    return c >= 'A' && c <= 'Z'   ? c - 'A'
           : c >= 'a' && c <= 'z' ? c - 'a' + 26
           : c >= '0' && c <= '9' ? c - '0' + 52
           : c == '+'             ? 62
           : c == '/'             ? 63
                                  : -1;
}

/* Forgiving base64 (the URL standard's): ASCII whitespace skipped, padding optional. */
static int b64_decode(unsigned char *s, size_t n, size_t *out)
{
    size_t o = 0, k = 0;
    unsigned acc = 0;
    while (n && (s[n - 1] == '=' || isspace(s[n - 1])))
        n -= s[n - 1] == '=' || isspace(s[n - 1]);
    for (size_t i = 0; i < n; i++) {
        if (isspace(s[i])) continue;
        int v = b64val(s[i]);
        if (v < 0) return -1;
        acc = acc << 6 | (unsigned)v;
        if (++k == 4) {
            s[o++] = (unsigned char)(acc >> 16), s[o++] = (unsigned char)(acc >> 8);
            s[o++] = (unsigned char)acc, k = 0, acc = 0;
        }
    }
    if (k == 1) return -1;
    if (k == 2) s[o++] = (unsigned char)(acc >> 4);
    if (k == 3) s[o++] = (unsigned char)(acc >> 10), s[o++] = (unsigned char)(acc >> 2);
    *out = o;
    return 0;
}

int http_data_url(const char *s, size_t len, unsigned char **body, size_t *n, char *type,
                  size_t tlen, const char **why)
{
    const char *comma = memchr(s, ',', len);
    if (len < 5 || strncasecmp(s, "data:", 5) || !comma) return *why = "not a data: URL", -1;
    const char *mt = s + 5;
    size_t ml = (size_t)(comma - mt);
    bool b64 = ml >= 7 && !strncasecmp(comma - 7, ";base64", 7);
    if (b64) ml -= 7;
    while (ml && isspace((unsigned char)*mt))
        mt++, ml--;
    snprintf(type, tlen, "%.*s", (int)ml, mt);
    if (!ml || type[0] == ';') snprintf(type, tlen, "text/plain;charset=US-ASCII");
    const char *d = comma + 1, *end = s + len;
    unsigned char *out = malloc((size_t)(end - d) + 1);
    if (!out) return *why = "out of memory", -1;
    size_t o = 0;
    for (const char *p = d; p < end && *p != '#'; p++) {
        int hi = *p == '%' && p + 2 < end ? hexval((unsigned char)p[1]) : -1;
        int lo = hi >= 0 ? hexval((unsigned char)p[2]) : -1;
        if (lo >= 0)
            out[o++] = (unsigned char)(hi * 16 + lo), p += 2;
        else
            out[o++] = (unsigned char)*p;
    }
    if (b64 && b64_decode(out, o, &o) < 0)
        return free(out), *why = "the data: URL is not valid base64", -1;
    *body = out;
    *n = o;
    return 0;
}
