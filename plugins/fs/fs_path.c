// SPDX-License-Identifier: MIT
/*
 * fs_path.c: what a path may be, whether a scope grants it, and opening it
 * beneath the granting entry's root; see fs.h. String checks come first
 * for clear errors; openat2 then makes escaping impossible whatever the
 * strings said, and fs.c re-checks deny entries on the path actually opened.
 */
#include "fs.h"
#include "ipc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plugins_internal.h"
#include "policy.h"

#define MAX_PATH 4095
#define MAX_NAME 255

void core_fs_env_init(struct core_fs_env *env, const char *app_name, const char *bundle, char *buf,
                      size_t len)
{
    const char *home = getenv("HOME"), *tmp = getenv("TMPDIR");
    const char *data = getenv("XDG_DATA_HOME"), *cache = getenv("XDG_CACHE_HOME");
    if (!home || home[0] != '/') {
        struct passwd *pw = getpwuid(getuid());
        home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
    }
    int a = snprintf(buf, len, "%s", home ? home : "") + 1;
    int b = a +
            snprintf(buf + a, len - a, data && data[0] == '/' ? "%s/%s" : "%s/.local/share/%s",
                     data && data[0] == '/' ? data : (home ? home : ""), app_name) +
            1;
    int c = b +
            snprintf(buf + b, len - b, cache && cache[0] == '/' ? "%s/%s" : "%s/.cache/%s",
                     cache && cache[0] == '/' ? cache : (home ? home : ""), app_name) +
            1;
    *env = (struct core_fs_env){
        .identifier = app_name,
        .bundle = bundle,
        .home = home ? buf : NULL,
        .appdata = (data && data[0] == '/') || home ? buf + a : NULL,
        .appcache = (cache && cache[0] == '/') || home ? buf + b : NULL,
        .temp = tmp && tmp[0] == '/' ? tmp : "/tmp",
    };
    if ((size_t)c > len) env->home = env->appdata = env->appcache = NULL;
}

/* Length of the valid UTF-8 sequence at s (no overlongs, no surrogates), or 0. */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The byte-level refusals; see core_fs_normalize. */
static const char *bad_bytes(const char *p, size_t len)
{
    if (len == 0) return "the path is empty";
    if (len > MAX_PATH) return "the path is longer than 4095 bytes";
    if (memchr(p, '\0', len)) return "the path contains a NUL byte";
    if (len >= 5 && !strncmp(p, "file:", 5)) return "file URLs are not accepted: pass a path";
    if (!ipc_utf8_valid(p, len)) return "the path is not valid UTF-8";
    /* Bytes of multi-byte characters are >= 0x80: only ASCII needs looking at. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == 0x7f) return "the path contains a control character";
        if (c == '\\') return "the path contains a backslash";
        if (c == '%' && i + 2 < len && is_hex(p[i + 1]) && is_hex(p[i + 2]))
            return "the path contains a percent-encoded byte (paths are never decoded)";
    }
    return NULL;
}

/* Appends the components of p (len bytes) to out, which holds an absolute path. */
static const char *append_components(char *out, size_t outlen, const char *p, size_t len)
{
    size_t o = strlen(out);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && p[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 2 && p[i] == '.' && p[i + 1] == '.') return "the path must not contain \"..\"";
        if (n > MAX_NAME) return "a path component is longer than 255 bytes";
        if (n && !(n == 1 && p[i] == '.')) {
            if (o + (o > 1) + n + 1 > outlen) return "the path is longer than 4095 bytes";
            if (o > 1) out[o++] = '/';
            memcpy(out + o, p + i, n);
            out[o += n] = '\0';
        }
        i = j + 1;
    }
    return NULL;
}

int core_fs_normalize(const char *path, size_t len, const char *base, char *out, size_t outlen,
                      const char **why)
{
    *why = bad_bytes(path, len);
    if (*why) return -1;
    if (path[0] != '/' && !base) {
        *why = "a relative path needs options.baseDir";
        return -1;
    }
    snprintf(out, outlen, "/");
    if (path[0] != '/' && (*why = append_components(out, outlen, base, strlen(base)))) return -1;
    *why = append_components(out, outlen, path, len);
    if (!*why && strlen(out) > MAX_PATH) *why = "the path is longer than 4095 bytes";
    return *why ? -1 : 0;
}

/* The reason a parsed file URL u is refused, or NULL; its path (still encoded) in *path. */
static const char *bad_url(GUri *u, const char **path)
{
    const char *host = u ? g_uri_get_host(u) : NULL;
    *path = u ? g_uri_get_path(u) : NULL;
    if (!u || g_ascii_strcasecmp(g_uri_get_scheme(u), "file")) return "not a valid file URL";
    if (host && *host && g_ascii_strcasecmp(host, "localhost"))
        return "a file URL must not name a host (only localhost, or none)";
    if (g_uri_get_userinfo(u) || g_uri_get_port(u) != -1)
        return "a file URL must not carry a user or a port";
    if (g_uri_get_query(u) || g_uri_get_fragment(u))
        return "a file URL must not carry a query or a fragment";
    if ((*path)[0] != '/') return "a file URL's path must be absolute";
    return NULL;
}

/*
 * What the URL's own text may not hold, before glib parses it (which would
 * resolve "..", decoded or not, as the URL standard does): Moat refuses a
 * ".." in a URL as in a path, an encoded NUL and an encoded '/'.
 */
static const char *bad_url_text(const char *s, size_t len)
{
    size_t end = strcspn(s, "?#");
    if (end > len) end = len;
    int dots = 0; /* in this segment: '.' or %2e; -1 once anything else came */
    for (size_t i = 5;; i++) {
        bool esc = s[i] == '%' && i + 2 < end;
        if (i == end || s[i] == '/') {
            if (dots == 2) return "the path must not contain \"..\"";
            if (i == end) return NULL;
            dots = 0;
        } else if (esc && s[i + 1] == '0' && s[i + 2] == '0') {
            return "a file URL's path decodes to a NUL byte (%00)";
        } else if (esc && s[i + 1] == '2' && (s[i + 2] | 0x20) == 'f') {
            return "a file URL's path has an encoded '/' (%2F)";
        } else if (s[i] == '.' || (esc && s[i + 1] == '2' && (s[i + 2] | 0x20) == 'e')) {
            dots = dots < 0 ? -1 : dots + 1;
            i += s[i] == '%' ? 2 : 0;
        } else {
            dots = -1;
        }
    }
}

int core_fs_from_url(const char *s, size_t len, char *out, size_t outlen, const char **why)
{
    if (len < 5 || g_ascii_strncasecmp(s, "file:", 5)) return 0;
    *why = NULL;
    if (memchr(s, '\0', len)) *why = "the path contains a NUL byte";
    if (len > 3 * MAX_PATH + 32) *why = "the path is longer than 4095 bytes";
    if (!*why) *why = bad_url_text(s, len);
    if (*why) return -1;
    char *copy = g_strndup(s, len);
    GUri *u = g_uri_parse(copy, G_URI_FLAGS_ENCODED, NULL);
    const char *path;
    *why = bad_url(u, &path);
    /* "/" as illegal: an encoded slash would split a name the URL kept whole. */
    GBytes *b = *why ? NULL : g_uri_unescape_bytes(path, -1, "/", NULL);
    gsize n = 0;
    const char *bytes = b ? g_bytes_get_data(b, &n) : NULL;
    if (!*why && !b)
        *why = "a file URL's path has a bad escape";
    else if (b && memchr(bytes, '\0', n))
        *why = "a file URL's path decodes to a NUL byte (%00)";
    else if (b && n >= outlen)
        *why = "the path is longer than 4095 bytes";
    if (!*why) memcpy(out, bytes, n), out[n] = '\0';
    if (b) g_bytes_unref(b);
    if (u) g_uri_unref(u);
    g_free(copy);
    return *why ? -1 : 1;
}

/* ---- scope entries -------------------------------------------------------- */

static bool entry_bool(const msgpack_object *e, const char *key)
{
    for (uint32_t i = 0; e->type == MSGPACK_OBJECT_MAP && i < e->via.map.size; i++) {
        const msgpack_object *k = &e->via.map.ptr[i].key, *v = &e->via.map.ptr[i].val;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
    }
    return false;
}

/* The folder $name stands for (name: len bytes), into buf; NULL when unknown or unset. */
static const char *var_value(const struct core_fs_env *env, const char *name, size_t len, char *buf,
                             size_t buflen)
{
    const struct pol_var fixed[] = {{"BUNDLE", env->bundle},   {"RESOURCE", env->bundle},
                                    {"APPDATA", env->appdata}, {"APPCACHE", env->appcache},
                                    {"HOME", env->home},       {"TEMP", env->temp}};
    char key[32];
    if (len >= sizeof key) return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (!strcmp(fixed[i].name, key)) return fixed[i].value;
    /* The rest of Tauri's base directories ($APPCONFIG, $DOCUMENT, ...), as core:path has them. */
    return plugin_base_dir(key, env->identifier, env->bundle, buf, buflen) == 0 ? buf : NULL;
}

/* The entry's "path" with its $VARIABLE expanded into out; -1 when it has none or it is unknown. */
static int entry_glob(const msgpack_object *e, const struct core_fs_env *env, char *out, size_t len)
{
    char raw[MAX_PATH + 1], dir[MAX_PATH + 1];
    for (uint32_t i = 0; e->type == MSGPACK_OBJECT_MAP && i < e->via.map.size; i++) {
        const msgpack_object *k = &e->via.map.ptr[i].key, *v = &e->via.map.ptr[i].val;
        if (k->type != MSGPACK_OBJECT_STR || k->via.str.size != 4 ||
            memcmp(k->via.str.ptr, "path", 4) || v->type != MSGPACK_OBJECT_STR ||
            v->via.str.size > MAX_PATH || memchr(v->via.str.ptr, '\0', v->via.str.size))
            continue;
        memcpy(raw, v->via.str.ptr, v->via.str.size);
        raw[v->via.str.size] = '\0';
        if (raw[0] != '$') return pol_expand_vars(raw, NULL, 0, out, len);
        const char *name = raw + 1 + (raw[1] == '{');
        size_t n = 0;
        while (isalnum((unsigned char)name[n]) || name[n] == '_')
            n++;
        struct pol_var var = {"", var_value(env, name, n, dir, sizeof dir)};
        char vname[32];
        if (!var.value || n >= sizeof vname) return -1;
        memcpy(vname, name, n);
        vname[n] = '\0';
        var.name = vname;
        return pol_expand_vars(raw, &var, 1, out, len);
    }
    return -1;
}

bool core_fs_denied(const char *path, const msgpack_object *const *deny, size_t n_deny,
                    const struct core_fs_env *env)
{
    char glob[MAX_PATH + 1], prefix[MAX_PATH + 1];
    size_t len = strlen(path);
    int dots = env->match_dots ? POL_GLOB_DOTS : 0;
    for (size_t i = 0; i < n_deny; i++) {
        if (entry_glob(deny[i], env, glob, sizeof(glob)) < 0) continue;
        /* Denying a folder denies what is inside it: try the path and each of its parents. */
        for (size_t end = len; end > 0; end--) {
            if (end < len && path[end] != '/') continue;
            snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
            if (pol_glob_match(glob, prefix, POL_GLOB_CASEFOLD | dots) != 0) return true;
        }
    }
    return false;
}

// The folder an entry is rooted at: up to the last '/' before its first
// wildcard ("/a/b/*.txt" -> "/a/b"; a plain path -> its folder; "**" -> "/").
static void literal_root(const char *glob, char *root, size_t len)
{
    size_t lit = strcspn(glob, "*?[\\"), n = 0;
    for (size_t i = 0; i < lit; i++)
        if (glob[i] == '/') n = i;
    snprintf(root, len, "%.*s", (int)(n ? n : 1), n ? glob : "/");
}

static int fill_grant(const char *abs, const char *glob, const msgpack_object *e,
                      struct core_fs_grant *g)
{
    literal_root(glob, g->root, sizeof(g->root));
    size_t n = strlen(g->root);
    if (strcmp(g->root, "/") == 0) n = 0;
    if (strncmp(abs, g->root, n) != 0 || (abs[n] != '/' && abs[n] != '\0')) return -1;
    snprintf(g->rel, sizeof(g->rel), "%s", abs[n] ? abs + n + 1 : ".");
    if (!g->rel[0]) snprintf(g->rel, sizeof(g->rel), ".");
    g->no_symlinks = entry_bool(e, "noSymlinks");
    return 0;
}

int core_fs_authorize(const char *abs, const msgpack_object *const *allow, size_t n_allow,
                      const msgpack_object *const *deny, size_t n_deny,
                      const struct core_fs_env *env, struct core_fs_grant *g, char *why, size_t len)
{
    char glob[MAX_PATH + 1];
    if (core_fs_denied(abs, deny, n_deny, env)) {
        snprintf(why, len, "%s is denied by the scope", abs);
        return -1;
    }
    for (size_t i = 0; i < n_allow; i++)
        if (entry_glob(allow[i], env, glob, sizeof(glob)) >= 0 &&
            pol_glob_match(glob, abs, env->match_dots ? POL_GLOB_DOTS : 0) == 1 &&
            fill_grant(abs, glob, allow[i], g) == 0)
            return 0;
    snprintf(why, len, "%s is outside the scope (%zu allow entr%s)", abs, n_allow,
             n_allow == 1 ? "y" : "ies");
    return -1;
}

int core_fs_openat2(int dir, const char *path, const struct open_how *how)
{
    /* EAGAIN means a rename or mount anywhere on the system raced with a
     * ".." in the walk (the test suite's parallel tests do that): the
     * kernel asks the caller to try again. Bounded, so a steady stream of
     * renames cannot hold a handler forever. */
    for (int tries = 0;; tries++) {
        int fd = (int)syscall(SYS_openat2, dir, path, how, sizeof(*how));
        if (fd >= 0 || errno != EAGAIN || tries == 63) return fd;
    }
}

int core_fs_open(const struct core_fs_grant *g, const char *rel, int flags, int mode)
{
    int root = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return -1;
    struct open_how how = {
        .flags = (unsigned)(flags | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? (unsigned)mode : 0,
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (g->no_symlinks ? RESOLVE_NO_SYMLINKS : 0),
    };
    int fd = core_fs_openat2(root, rel, &how);
    int saved = errno;
    close(root);
    errno = saved;
    return fd;
}
