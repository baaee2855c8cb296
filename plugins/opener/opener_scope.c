// SPDX-License-Identifier: MIT
/*
 * opener_scope.c: what plugin-opener may open; see opener.h. The strings are
 * checked and matched here; opener.c starts the program on what these
 * decided (target), never on what the renderer wrote.
 */
#include "opener.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_url.h"
#include "ipc.h"
#include "plugins_internal.h"

/* ---- the URL glob ---------------------------------------------------------- */

static unsigned char fold_c(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Bytes of the UTF-8 character at t ('?' takes one character, not one byte). */
static size_t char_len(const char *t)
{
    unsigned char c = (unsigned char)*t;
    size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if (!t[i]) return i;
    return n;
}

/* The class at p (just past '['): its end (past ']') in *end; whether c is in it. -1: unclosed. */
static int class_match(const char *p, const char *pend, unsigned char c, bool fold,
                       const char **end)
{
    bool neg = p < pend && *p == '!', in = false;
    if (neg) p++;
    for (bool first = true; p < pend; first = false) {
        if (*p == ']' && !first) {
            *end = p + 1;
            return in != neg;
        }
        unsigned char lo = (unsigned char)*p, hi = lo;
        if (p + 2 < pend && p[1] == '-' && p[2] != ']') hi = (unsigned char)p[2], p += 2;
        p++;
        if ((c >= lo && c <= hi) || (fold && fold_c(c) >= fold_c(lo) && fold_c(c) <= fold_c(hi)))
            in = true;
    }
    return -1;
}

static int glob_valid(const char *p, const char *pend)
{
    const char *end;
    for (; p < pend; p++)
        if (*p == '[') {
            if (class_match(p + 1, pend, 0, false, &end) < 0) return -1;
            p = end - 1;
        }
    return 0;
}

int opener_glob(const char *pattern, size_t plen, const char *text, bool fold)
{
    const char *p = pattern, *pend = pattern + plen, *t = text, *star_p = NULL, *star_t = NULL;
    if (glob_valid(p, pend) < 0) return -1;
    /* '*' crosses everything, so the last star is the only backtracking point: O(n*m). */
    while (*t) {
        if (p < pend && *p == '*') {
            while (p < pend && *p == '*')
                p++;
            star_p = p, star_t = t;
            continue;
        }
        const char *np = p + 1;
        size_t adv = 1;
        int ok = 0;
        if (p < pend && *p == '?')
            ok = 1, adv = char_len(t);
        else if (p < pend && *p == '[')
            ok = class_match(p + 1, pend, (unsigned char)*t, fold, &np);
        else if (p < pend)
            ok = *p == *t || (fold && fold_c((unsigned char)*p) == fold_c((unsigned char)*t));
        if (ok == 1) {
            p = np, t += adv;
            continue;
        }
        if (!star_p) return 0;
        p = star_p, t = ++star_t;
    }
    while (p < pend && *p == '*')
        p++;
    return p == pend;
}

/* ---- entries --------------------------------------------------------------- */

/* The entry's string under key, or NULL. */
static const msgpack_object *entry_str(const msgpack_object *e, const char *key)
{
    const msgpack_object *v = plugin_arg(e, key);
    return v && v->type == MSGPACK_OBJECT_STR ? v : NULL;
}

/* Tauri's Application::matches: absent = the default program only, a bool, or one name. */
static bool app_admits(const msgpack_object *e, const char *with)
{
    const msgpack_object *a = plugin_arg(e, "app");
    if (plugin_absent(a)) return with == NULL;
    if (a->type == MSGPACK_OBJECT_BOOLEAN) return a->via.boolean;
    return a->type == MSGPACK_OBJECT_STR && with && strlen(with) == a->via.str.size &&
           !memcmp(with, a->via.str.ptr, a->via.str.size);
}

bool opener_program_ok(const char *with)
{
    size_t n = strlen(with);
    if (n == 0 || n > 255 || with[0] == '-') return false;
    for (size_t i = 0; i < n; i++)
        if (with[i] <= ' ' || with[i] > '~' || with[i] == '/') return false;
    return true;
}

/* ---- URLs ------------------------------------------------------------------ */

/* The scheme of s (lowercased into out), or -1 when s starts with none. */
static int scheme_of(const char *s, size_t n, char *out, size_t len)
{
    size_t i = 0;
    if (!n || !((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')) return -1;
    while (i < n && s[i] != ':') {
        char c = s[i];
        bool ok = ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '-' || c == '.';
        if (!ok || i + 1 >= len) return -1;
        out[i] = (char)fold_c((unsigned char)c);
        i++;
    }
    if (i == n) return -1;
    out[i] = '\0';
    return 0;
}

/* The forms of the URL matched against entries: what it is opened as, and maybe one more. */
struct url_forms {
    char *form[2];
    size_t n;
};

/* Whether the authority of url (after "scheme:" and its slashes) holds c. */
static bool authority_has(const char *url, char c)
{
    const char *a = strchr(url, ':') + 1;
    a += strspn(a, "/");
    return memchr(a, c, strcspn(a, "/?#")) != NULL;
}

static const char *http_forms(const char *url, size_t len, struct url_forms *f)
{
    struct http_url *u = malloc(sizeof *u);
    const char *why = NULL;
    if (!u) return "out of memory";
    if (http_url_parse(url, len, u, &why) < 0) {
    } else if (u->user[0] || u->pass[0] || authority_has(url, '@')) {
        why = "a URL with user info before its host (user@host) is refused: it hides the host";
    } else {
        http_url_format(u, true, f->form[0], OPENER_URL_MAX);
        /* "https://example.com" is "https://example.com/": an entry may be written either way. */
        if (!strcmp(u->path, "/") && !u->has_query && !u->has_hash) {
            size_t n = strlen(f->form[0]) - 1;
            memcpy(f->form[1], f->form[0], n);
            f->form[1][n] = '\0';
            f->n = 2;
        } else {
            f->n = 1;
        }
    }
    free(u);
    return why;
}

/* Other schemes: as written, but never with a user info or an encoded host. */
static const char *other_forms(const char *url, struct url_forms *f)
{
    const char *rest = strchr(url, ':') + 1;
    if (rest[0] == '/' && rest[1] == '/') {
        if (authority_has(url, '@'))
            return "a URL with user info before its host (user@host) is refused: it hides the host";
        if (authority_has(url, '%')) return "a URL whose host is percent-encoded is refused";
    }
    memcpy(f->form[0], url, strlen(url) + 1); /* shorter than OPENER_URL_MAX: url_checks */
    f->n = 1;
    return NULL;
}

static const char *url_checks(const char *url, size_t len, char *scheme, size_t slen)
{
    if (len == 0) return "the URL is empty";
    if (len >= OPENER_URL_MAX) return "the URL is longer than 8191 bytes";
    if (memchr(url, '\0', len) || !ipc_utf8_valid(url, len)) return "the URL is not valid UTF-8";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c == 0x7f || c == '\\')
            return "the URL has a space, a control character or a backslash";
    }
    if (scheme_of(url, len, scheme, slen) < 0) return "the URL has no scheme (such as https:)";
    static const char *const never[] = {"javascript", "vbscript", "data", "blob", "file"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (!strcmp(scheme, never[i]))
            return strcmp(scheme, "file")
                       ? "URLs of that scheme are never opened"
                       : "file: URLs are never opened: open a path with openPath";
    return NULL;
}

static bool url_match(const msgpack_object *e, const struct url_forms *f, bool fold, int *bad)
{
    const msgpack_object *g = entry_str(e, "url");
    for (size_t i = 0; g && i < f->n; i++) {
        int m = opener_glob(g->via.str.ptr, g->via.str.size, f->form[i], fold);
        if (m < 0) *bad = 1;
        if (m != 0) return true; /* a malformed pattern matches for deny, is caught for allow */
    }
    return false;
}

enum opener_verdict opener_url_decide(const char *url, size_t len, const char *with,
                                      const msgpack_object *const *allow, size_t n_allow,
                                      const msgpack_object *const *deny, size_t n_deny,
                                      char *target, size_t tlen, char *why, size_t wlen,
                                      long *deny_at)
{
    long unused;
    if (!deny_at) deny_at = &unused;
    *deny_at = -1;
    char scheme[32], *bufs = malloc(3 * OPENER_URL_MAX), *raw = NULL;
    const char *bad = bufs ? url_checks(url, len, scheme, sizeof scheme) : "out of memory";
    struct url_forms f = {{NULL, NULL}, 0};
    if (!bad && with && !opener_program_ok(with))
        bad = "\"with\" must be a program's name (no '/', not starting with '-')";
    if (!bad) {
        raw = bufs + 2 * OPENER_URL_MAX;
        memcpy(raw, url, len); /* url_checks bounded len and refused NUL bytes */
        raw[len] = '\0';
        f.form[0] = bufs, f.form[1] = bufs + OPENER_URL_MAX;
        bad = !strcmp(scheme, "http") || !strcmp(scheme, "https") ? http_forms(raw, len, &f)
                                                                  : other_forms(raw, &f);
    }
    if (bad) {
        snprintf(why, wlen, "%s", bad);
        free(bufs);
        return OPENER_INVALID;
    }
    enum opener_verdict v = OPENER_DENIED;
    int broken = 0;
    for (size_t i = 0; i < n_deny; i++)
        if (url_match(deny[i], &f, true, &broken)) {
            *deny_at = (long)i;
            snprintf(why, wlen, "not allowed to open url %s: a deny entry matches it", f.form[0]);
            free(bufs);
            return OPENER_DENIED;
        }
    for (size_t i = 0; i < n_allow && v != OPENER_ALLOWED; i++) {
        broken = 0;
        if (url_match(allow[i], &f, false, &broken) && !broken && app_admits(allow[i], with))
            v = OPENER_ALLOWED;
    }
    if (v == OPENER_ALLOWED)
        snprintf(target, tlen, "%s", f.form[0]);
    else
        snprintf(why, wlen, "not allowed to open url %s%s%s: no allow entry covers it", f.form[0],
                 with ? " with " : "", with ? with : "");
    free(bufs);
    return v;
}

/* ---- paths ----------------------------------------------------------------- */

#define NOT_THERE "the path does not exist"

/* abs checked and resolved: *real is where it leads. NULL, or why not. */
static const char *real_path(const char *path, size_t len, char *abs, char *real)
{
    const char *why;
    if (len == 0 || path[0] != '/') return "the path must be absolute";
    if (core_fs_normalize(path, len, NULL, abs, PATH_MAX, &why) < 0) return why;
    if (!realpath(abs, real))
        return errno == ENOENT || errno == ENOTDIR ? NOT_THERE : "the path cannot be resolved";
    return NULL;
}

/* The first deny entry covering p (ignoring case), or -1. */
static long deny_index(const char *p, const msgpack_object *const *deny, size_t n_deny,
                       const struct core_fs_env *env)
{
    for (size_t i = 0; i < n_deny; i++)
        if (core_fs_denied(p, &deny[i], 1, env)) return (long)i;
    return -1;
}

/* Some allow entry admitting with covers p (as given and as resolved). */
static bool path_granted(const char *p, const msgpack_object *const *allow, size_t n_allow,
                         const char *with, bool any_app, const struct core_fs_env *env)
{
    struct core_fs_grant *g = malloc(sizeof *g);
    char why[64];
    bool ok = false;
    for (size_t i = 0; g && !ok && i < n_allow; i++)
        ok = (any_app || app_admits(allow[i], with)) &&
             core_fs_authorize(p, &allow[i], 1, NULL, 0, env, g, why, sizeof why) == 0;
    free(g);
    return ok;
}

enum opener_verdict opener_path_decide(const char *path, size_t len, const char *with,
                                       const msgpack_object *const *allow, size_t n_allow,
                                       const msgpack_object *const *deny, size_t n_deny,
                                       const struct core_fs_env *env, char *target, size_t tlen,
                                       char *why, size_t wlen, long *deny_at)
{
    long unused;
    if (!deny_at) deny_at = &unused;
    *deny_at = -1;
    char abs[PATH_MAX], real[PATH_MAX];
    const char *bad = with && !opener_program_ok(with)
                          ? "\"with\" must be a program's name (no '/', not starting with '-')"
                      : len == 0 || path[0] != '/' ? "the path must be absolute"
                                                   : NULL;
    if (!bad && core_fs_normalize(path, len, NULL, abs, sizeof abs, &bad) < 0) {
    } else if (!bad && (*deny_at = deny_index(abs, deny, n_deny, env)) >= 0) {
        snprintf(why, wlen, "not allowed to open path %s: a deny entry covers it", abs);
        return OPENER_DENIED;
    } else if (!bad && !path_granted(abs, allow, n_allow, with, false, env)) {
        snprintf(why, wlen, "not allowed to open path %s%s%s: no allow entry covers it", abs,
                 with ? " with " : "", with ? with : "");
        return OPENER_DENIED;
    } else if (!bad && (bad = real_path(path, len, abs, real)) == NULL) {
        /* A link inside the scope may lead out of it: what is opened is checked too. */
        if ((*deny_at = deny_index(real, deny, n_deny, env)) >= 0 ||
            !path_granted(real, allow, n_allow, with, false, env)) {
            snprintf(why, wlen, "not allowed to open path %s: it leads out of the scope", abs);
            return OPENER_DENIED;
        }
        snprintf(target, tlen, "%s", real);
        return OPENER_ALLOWED;
    }
    snprintf(why, wlen, "%s", bad);
    return strcmp(bad, NOT_THERE) ? OPENER_INVALID : OPENER_MISSING;
}

enum opener_verdict opener_reveal_decide(const char *path, size_t len,
                                         const msgpack_object *const *allow, size_t n_allow,
                                         const msgpack_object *const *deny, size_t n_deny,
                                         const struct core_fs_env *env, char *dir, size_t dlen,
                                         char *why, size_t wlen, long *deny_at)
{
    long unused;
    if (!deny_at) deny_at = &unused;
    *deny_at = -1;
    char abs[PATH_MAX], real[PATH_MAX];
    const char *bad = real_path(path, len, abs, real);
    if (bad) {
        snprintf(why, wlen, "%s", bad);
        return strcmp(bad, NOT_THERE) ? OPENER_INVALID : OPENER_MISSING;
    }
    size_t n_paths = 0;
    for (size_t i = 0; i < n_allow; i++)
        n_paths += entry_str(allow[i], "path") != NULL;
    const char *checked[] = {abs, real};
    for (int i = 0; i < 2; i++) {
        bool denied = (*deny_at = deny_index(checked[i], deny, n_deny, env)) >= 0;
        if (denied || (n_paths && !path_granted(checked[i], allow, n_allow, NULL, true, env))) {
            snprintf(why, wlen, "not allowed to reveal %s: %s", abs,
                     i        ? "it leads out of the scope"
                     : denied ? "a deny entry covers it"
                              : "no allow entry covers it");
            return OPENER_DENIED;
        }
    }
    char *slash = strrchr(real, '/');
    if (slash == real) slash++; /* the parent of "/x" is "/"; of "/" itself, "/" */
    *slash = '\0';
    snprintf(dir, dlen, "%s", real[0] ? real : "/");
    return OPENER_ALLOWED;
}
