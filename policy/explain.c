// SPDX-License-Identifier: MIT
/*
 * explain.c: why a request is allowed or denied, down to the scope entry,
 * for `moat policy explain`. Scope entries are matched generically: each
 * string value is a path glob that the same key of the arguments must match.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

static bool key_is(const msgpack_object *k, const char **out, char *buf, size_t len)
{
    if (k->type != MSGPACK_OBJECT_STR || k->via.str.size >= len) return false;
    if (k->via.str.size) memcpy(buf, k->via.str.ptr, k->via.str.size); /* "" may have no ptr */
    buf[k->via.str.size] = '\0';
    *out = buf;
    return true;
}

/* 1: the glob matches; 0: it does not (an unknown $VARIABLE matches nothing); -1: undecided. */
static int value_matches(const msgpack_object *pat, json_t *arg, const struct pol_var *vars,
                         size_t n, int flags)
{
    char glob[4096], expanded[4096];
    if (!json_is_string(arg) || pat->via.str.size >= sizeof(glob)) return 0;
    if (pat->via.str.size) memcpy(glob, pat->via.str.ptr, pat->via.str.size);
    glob[pat->via.str.size] = '\0';
    if (pol_expand_vars(glob, vars, n, expanded, sizeof(expanded)) < 0) return 0;
    return pol_glob_match(expanded, json_string_value(arg), flags);
}

/* An entry covers args when each of its string values matches the same key of args. */
static bool entry_matches(const msgpack_object *e, json_t *args, const struct pol_var *vars,
                          size_t n, bool deny)
{
    if (e->type != MSGPACK_OBJECT_MAP) return false;
    for (uint32_t i = 0; i < e->via.map.size; i++) {
        const msgpack_object *v = &e->via.map.ptr[i].val;
        const char *key;
        char buf[256];
        if (v->type != MSGPACK_OBJECT_STR) continue; /* options such as noSymlinks */
        if (!key_is(&e->via.map.ptr[i].key, &key, buf, sizeof(buf))) return false;
        int r = value_matches(v, json_object_get(args, key), vars, n, deny ? POL_GLOB_CASEFOLD : 0);
        if (r == 0 || (r < 0 && !deny)) return false;
    }
    return true;
}

static void say(struct pol_explanation *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct pol_explanation *out, const char *fmt, ...)
{
    size_t used = strlen(out->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->text + used, sizeof(out->text) - used, fmt, ap);
    va_end(ap);
}

static void where(struct pol_explanation *out, const struct pol_scope_src *src)
{
    out->capability = src->capability;
    out->permission = src->permission;
    out->entry = src->json;
    out->entry_line = src->line;
    out->entry_column = src->column;
    if (src->line)
        say(out, "scope entry %s of %s in capability %s (line %d, column %d)", src->json,
            src->permission, src->capability, src->line, src->column);
    else
        say(out, "scope entry %s (the default of %s) in capability %s", src->json, src->permission,
            src->capability);
}

static void list_scope(struct pol_explanation *out, const struct pol_scope *s)
{
    for (size_t i = 0; i < s->n_deny; i++) {
        say(out, "\n  deny ");
        where(out, &s->deny_src[i]);
    }
    for (size_t i = 0; i < s->n_allow; i++) {
        say(out, "\n  allow ");
        where(out, &s->allow_src[i]);
    }
    out->entry = NULL;
    out->entry_line = out->entry_column = 0;
}

static void decide_scope(struct pol_explanation *out, const struct pol_scope *s, json_t *args,
                         const struct pol_var *vars, size_t n)
{
    for (size_t i = 0; i < s->n_deny; i++) {
        if (!entry_matches(&s->deny[i], args, vars, n, true)) continue;
        out->decision = POL_DENY;
        say(out, "deny: the arguments match deny ");
        return where(out, &s->deny_src[i]);
    }
    for (size_t i = 0; i < s->n_allow; i++) {
        if (!entry_matches(&s->allow[i], args, vars, n, false)) continue;
        say(out, "allow: the arguments match allow ");
        return where(out, &s->allow_src[i]);
    }
    out->decision = POL_DENY;
    say(out, "deny: no allow scope entry covers the arguments; the scope is:");
    list_scope(out, s);
}

int pol_explain(const struct pol_view *v, const char *cmd, const char *args_json,
                const struct pol_var *vars, size_t n_vars, struct pol_explanation *out)
{
    struct pol_reason why;
    memset(out, 0, sizeof(*out));
    out->decision = pol_check(v, cmd, &why);
    out->capability = why.capability;
    out->permission = why.permission;
    json_error_t je;
    json_t *args = args_json ? json_loads(args_json, JSON_DECODE_ANY, &je) : NULL;
    if (args_json && !json_is_object(args)) {
        json_decref(args);
        out->decision = POL_DENY;
        say(out, "the arguments must be a JSON object%s%s", args ? "" : ": ", args ? "" : je.text);
        return -1;
    }
    const struct pol_scope *s = why.scope;
    say(out, "%s: %s", out->decision == POL_ALLOW ? "allow" : "deny", why.text);
    if (out->decision == POL_ALLOW && s->n_allow + s->n_deny > 0) {
        say(out, "\n");
        if (args)
            decide_scope(out, s, args, vars, n_vars);
        else {
            say(out, "the command checks its arguments against this scope:");
            list_scope(out, s);
        }
    }
    json_decref(args);
    return 0;
}
