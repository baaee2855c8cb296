// SPDX-License-Identifier: MIT
/*
 * shell_scope.c: what a call to plugin:shell|execute or spawn may run, from
 * the scope the policy attaches (Tauri's shell scope entries):
 *
 *   {"name": "exec-sh", "cmd": "sh", "args": ["-c", {"validator": "\\S+"}]}
 *
 * The renderer names an entry (program) and passes args; what runs is the
 * entry's cmd, never a string of the renderer's. args is true (any), false
 * or absent (none), or a list: fixed strings, passed as written, and
 * {validator, raw} entries, whose argument must match the regex: all of it
 * (Tauri wraps the regex in ^...$; here the match itself is anchored at both
 * ends, so an alternation cannot escape the anchors) unless raw. A deny entry
 * with the name refuses the program whatever allows it.
 *
 * Stricter than Tauri, on purpose: arguments beyond the declared list are
 * refused (Tauri drops them), a regex's backtracking is bounded (PCRE2 is
 * not linear-time as Rust's regex is), an argument with a NUL or over
 * SHELL_MAX_ARG_BYTES is refused, and a cmd must be absolute, start with a
 * $VARIABLE (Tauri's base directories) or be a bare name, looked up in the
 * core's PATH here (a relative path would depend on the renderer's cwd).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"

#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u

int shell_fail(struct shell_err *e, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->code = code;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void shell_cmd_free(struct shell_cmd *c)
{
    for (size_t i = 0; c->argv && c->argv[i]; i++)
        free(c->argv[i]);
    for (size_t i = 0; c->envp && c->envp[i]; i++)
        free(c->envp[i]);
    free(c->argv);
    free(c->envp);
    free(c->path);
    free(c->cwd);
    memset(c, 0, sizeof *c);
}

static bool str_is(const msgpack_object *o, const char *s)
{
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
           !memcmp(o->via.str.ptr, s, o->via.str.size);
}

/* A msgpack string as a C string (NULL when it is none or holds a NUL). Caller frees. */
static char *cstr(const msgpack_object *o)
{
    if (!o || o->type != MSGPACK_OBJECT_STR || memchr(o->via.str.ptr, 0, o->via.str.size))
        return NULL;
    return strndup(o->via.str.ptr, o->via.str.size);
}

/*
 * Whether subject matches pattern: the whole subject unless raw. 1, 0, or -1
 * with e (the pattern is malformed, or matching it costs too much).
 */
static int regex_match(const char *pattern, bool raw, const char *subject, size_t len,
                       struct shell_err *e)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C, &err, &off, NULL);
    if (!re) {
        PCRE2_UCHAR what[128];
        pcre2_get_error_message(err, what, sizeof what);
        return shell_fail(e, "failed", "the scope's validator \"%.200s\" is no regex: %s", pattern,
                          (char *)what);
    }
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = -1;
    if (mc && md) {
        pcre2_set_match_limit(mc, MATCH_LIMIT);
        pcre2_set_depth_limit(mc, DEPTH_LIMIT);
        uint32_t opts = raw ? 0 : PCRE2_ANCHORED | PCRE2_ENDANCHORED;
        rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, opts, md, mc);
        if (rc >= 0)
            rc = 1;
        else if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL ||
                 rc <= PCRE2_ERROR_UTF8_ERR1)
            rc = 0; /* invalid UTF-8 matches nothing */
        else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT)
            rc = shell_fail(e, "denied", "matching the validator \"%.200s\" costs too much",
                            pattern);
        else
            rc = shell_fail(e, "failed", "matching the validator \"%.200s\" failed (%d)", pattern,
                            rc);
    } else
        shell_fail(e, "failed", "out of memory");
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    pcre2_code_free(re);
    return rc;
}

int shell_which(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        struct stat st;
        /* Only absolute directories: "" or "." would make the core's cwd part of the lookup. */
        if (n > 0 && p[0] == '/' && snprintf(out, len, "%.*s/%s", (int)n, p, name) < (int)len &&
            stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
        p += n + (colon ? 1 : 0);
    }
    return -1;
}

/* The program cmd (as the scope entry writes it) names, into out. 0, or -1 with e. */
static int resolve_cmd(moat_call *call, const char *cmd, char *out, size_t len, struct shell_err *e)
{
    if (!*cmd) return shell_fail(e, "failed", "a scope entry has an empty cmd");
    if (cmd[0] == '$') {
        size_t n = strcspn(cmd + 1, "/");
        char var[64], base[PATH_MAX];
        struct plugin_identity id;
        if (n == 0 || n >= sizeof var)
            return shell_fail(e, "failed", "the scope entry's cmd %s names no base directory", cmd);
        memcpy(var, cmd + 1, n), var[n] = '\0';
        plugin_identity(moat_call_bundle_dir(call), NULL, &id);
        if (plugin_base_dir(var, id.identifier, moat_call_bundle_dir(call), base, sizeof base) !=
                0 ||
            snprintf(out, len, "%s%s", base, cmd + 1 + n) >= (int)len)
            return shell_fail(e, "failed", "the scope entry's cmd %s: $%s is unknown or unset", cmd,
                              var);
    } else if (cmd[0] == '/') {
        if (snprintf(out, len, "%s", cmd) >= (int)len)
            return shell_fail(e, "failed", "the scope entry's cmd is too long");
    } else if (strchr(cmd, '/')) {
        return shell_fail(e, "failed",
                          "the scope entry's cmd %s is a relative path: give an absolute one, a "
                          "$VARIABLE path or a bare name looked up in PATH",
                          cmd);
    } else if (shell_which(cmd, out, len) != 0) {
        return shell_fail(e, "failed", "program %s not found in PATH", cmd);
    }
    if (access(out, X_OK) != 0)
        return shell_fail(e, "failed", "program %s (%s) cannot be executed: %m", cmd, out);
    return 0;
}

/* The first scope entry of kind named program, or NULL. */
static const msgpack_object *find_entry(moat_call *call, moat_scope_kind kind, const char *program)
{
    size_t n = moat_call_scope_count(call, kind);
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *en = moat_call_scope_entry(call, kind, i);
        if (str_is(plugin_arg(en, "name"), program)) return en;
    }
    return NULL;
}

/* Appends a copy of the msgpack string s (checked) to c->argv. 0, or -1 with e. */
static int push_arg(struct shell_cmd *c, const char *s, size_t n, size_t index, size_t *total,
                    struct shell_err *e)
{
    if (memchr(s, 0, n))
        return shell_fail(e, "invalid_args", "argument %zu holds a NUL byte", index);
    if (n > SHELL_MAX_ARG_BYTES || (*total += n + 1) > SHELL_MAX_ARGV_BYTES)
        return shell_fail(e, "limit_exceeded", "argument %zu: the arguments pass %u bytes", index,
                          n > SHELL_MAX_ARG_BYTES ? SHELL_MAX_ARG_BYTES : SHELL_MAX_ARGV_BYTES);
    if (!(c->argv[c->argc] = strndup(s, n))) return shell_fail(e, "failed", "out of memory");
    c->argv[++c->argc] = NULL;
    return 0;
}

/* The renderer's args as an array of n objects (a lone string counts as one). */
static int renderer_args(const msgpack_object *args, const msgpack_object **v, size_t *n,
                         const char *program, struct shell_err *e)
{
    if (plugin_absent(args)) return *v = NULL, *n = 0, 0;
    if (args->type == MSGPACK_OBJECT_STR) return *v = args, *n = args->via.str.size ? 1 : 0, 0;
    if (args->type != MSGPACK_OBJECT_ARRAY)
        return shell_fail(e, "invalid_args", "%s: args must be a string or an array of strings",
                          program);
    if (args->via.array.size > SHELL_MAX_ARGS)
        return shell_fail(e, "limit_exceeded", "%s: more than %d arguments", program,
                          SHELL_MAX_ARGS);
    for (uint32_t i = 0; i < args->via.array.size; i++)
        if (args->via.array.ptr[i].type != MSGPACK_OBJECT_STR)
            return shell_fail(e, "invalid_args", "%s: argument %u is not a string", program, i);
    *v = args->via.array.ptr, *n = args->via.array.size;
    return 0;
}

/* How much of a string argument a message quotes. */
static size_t clip(const msgpack_object *s)
{
    size_t n = s->via.str.size > 60 ? 60 : s->via.str.size;
    const char *nul = memchr(s->via.str.ptr, 0, n);
    return nul ? (size_t)(nul - s->via.str.ptr) : n;
}

/* Checks the renderer's n args against the entry's list, filling c->argv. 0, or -1 with e. */
static int check_list(const msgpack_object *list, const msgpack_object *v, size_t n,
                      const char *program, struct shell_cmd *c, struct shell_err *e)
{
    size_t total = 0, declared = list->via.array.size;
    if (n > declared)
        return shell_fail(
            e, "denied", "%s: argument %zu is beyond the %zu the scope allows (refused: \"%.*s\")",
            program, declared, declared, (int)clip(&v[declared]), v[declared].via.str.ptr);
    for (size_t i = 0; i < declared; i++) {
        const msgpack_object *a = &list->via.array.ptr[i];
        if (a->type == MSGPACK_OBJECT_STR) { /* fixed: the scope's string, whatever was passed */
            if (push_arg(c, a->via.str.ptr, a->via.str.size, i, &total, e) < 0) return -1;
            continue;
        }
        char *validator = cstr(plugin_arg(a, "validator"));
        const msgpack_object *raw = plugin_arg(a, "raw");
        if (a->type != MSGPACK_OBJECT_MAP || !validator ||
            (!plugin_absent(raw) && raw->type != MSGPACK_OBJECT_BOOLEAN)) {
            free(validator);
            return shell_fail(e, "failed",
                              "%s: the scope's argument %zu is neither a string nor "
                              "{validator, raw}",
                              program, i);
        }
        if (i >= n) {
            shell_fail(e, "denied", "%s: argument %zu must match the validator %s but is missing",
                       program, i, validator);
            free(validator);
            return -1;
        }
        const char *s = v[i].via.str.ptr;
        size_t len = v[i].via.str.size;
        int m = len > SHELL_MAX_ARG_BYTES
                    ? 0
                    : regex_match(validator, !plugin_absent(raw) && raw->via.boolean, s ? s : "",
                                  len, e);
        if (m == 0)
            shell_fail(e, "denied", "%s: argument %zu (\"%.*s%s\") fails the validator %s", program,
                       i, (int)clip(&v[i]), s, len > 60 ? "..." : "", validator);
        free(validator);
        if (m != 1 || push_arg(c, s, len, i, &total, e) < 0) return -1;
    }
    return 0;
}

int shell_scope_prepare(moat_call *call, const char *program, const msgpack_object *args,
                        bool sidecar, struct shell_cmd *c, struct shell_err *e)
{
    const msgpack_object *en = find_entry(call, MOAT_SCOPE_ALLOW, program);
    if (find_entry(call, MOAT_SCOPE_DENY, program))
        return shell_fail(e, "denied", "program %s is denied by the scope", program);
    if (!en) return shell_fail(e, "denied", "program %s is not allowed by the scope", program);
    const msgpack_object *esc = plugin_arg(en, "sidecar"), *eargs = plugin_arg(en, "args");
    bool entry_sidecar = esc && esc->type == MSGPACK_OBJECT_BOOLEAN && esc->via.boolean;
    if (entry_sidecar != sidecar)
        return shell_fail(e, "denied",
                          "program %s: the scoped command was called with the improper sidecar "
                          "flag set",
                          program);
    if (sidecar)
        return shell_fail(e, "failed", "program %s: sidecars are not supported by Moat", program);
    char *cmd = cstr(plugin_arg(en, "cmd")), path[PATH_MAX];
    if (!cmd) return shell_fail(e, "failed", "the scope entry %s has no cmd string", program);
    int rc = resolve_cmd(call, cmd, path, sizeof path, e);
    const msgpack_object *v = NULL;
    size_t n = 0, total = 0;
    if (rc == 0) rc = renderer_args(args, &v, &n, program, e);
    size_t cap = 2 + (eargs && eargs->type == MSGPACK_OBJECT_ARRAY ? eargs->via.array.size : n);
    c->argv = rc == 0 ? calloc(cap, sizeof *c->argv) : NULL;
    c->path = rc == 0 ? strdup(path) : NULL;
    if (rc == 0 && (!c->argv || !c->path)) rc = shell_fail(e, "failed", "out of memory");
    if (rc == 0) c->argv[c->argc++] = cmd, cmd = NULL;
    free(cmd);
    if (rc < 0) return -1;
    if (plugin_absent(eargs) || (eargs->type == MSGPACK_OBJECT_BOOLEAN && !eargs->via.boolean)) {
        if (n > 0)
            return shell_fail(e, "denied", "program %s: the scope allows no arguments", program);
    } else if (eargs->type == MSGPACK_OBJECT_BOOLEAN) {
        for (size_t i = 0; i < n; i++)
            if (push_arg(c, v[i].via.str.ptr, v[i].via.str.size, i, &total, e) < 0) return -1;
    } else if (eargs->type == MSGPACK_OBJECT_ARRAY) {
        if (args && args->type == MSGPACK_OBJECT_STR && n > 0)
            return shell_fail(e, "denied",
                              "program %s received arguments in an unexpected format (a string, "
                              "where the scope lists them)",
                              program);
        return check_list(eargs, v, n, program, c, e);
    } else {
        return shell_fail(e, "failed", "the scope entry %s: args must be a bool or a list",
                          program);
    }
    return 0;
}

int shell_open_check(const char *path, struct shell_err *e)
{
    /* Tauri's default open scope (plugins > shell > open), matched as Rust's regex does. */
    static const char *const open_re = "^((mailto:\\w+)|(tel:\\w+)|(https?://\\w+)).+";
    int m = regex_match(open_re, true, path, strlen(path), e);
    if (m == 0)
        return shell_fail(e, "denied", "%.200s does not match the open scope %s", path, open_re);
    return m == 1 ? 0 : -1;
}
