// SPDX-License-Identifier: MIT
/*
 * scope.c: policy scopes reach command handlers. The view unpacked every
 * entry when the renderer started, so these only index arrays.
 */
#include "scope.h"

#include <stdio.h>

#include "fs.h"
#include "internal.h"

size_t moat_call_scope_count(moat_call *call, moat_scope_kind kind)
{
    const struct pol_scope *s = call ? core_call_scope(call) : NULL;
    if (!s) return 0;
    return kind == MOAT_SCOPE_DENY ? s->n_deny : s->n_allow;
}

const msgpack_object *moat_call_scope_entry(moat_call *call, moat_scope_kind kind, size_t i)
{
    const struct pol_scope *s = call ? core_call_scope(call) : NULL;
    if (!s || i >= (kind == MOAT_SCOPE_DENY ? s->n_deny : s->n_allow)) return NULL;
    return kind == MOAT_SCOPE_DENY ? &s->deny[i] : &s->allow[i];
}

const char *core_call_bundle_dir(const moat_call *call)
{
    return core_call_renderer(call)->dir;
}

const char *moat_call_bundle_dir(const moat_call *call)
{
    return core_call_bundle_dir(call);
}

const struct pol_catalog *core_app_catalog(moat_app *app)
{
    return app->catalog;
}

/* The scope entry that decided a refusal of path: a deny entry matching it, else the
 * allow entry granting it (then a link led out). NULL: none did. */
static const struct pol_scope_src *deciding_entry(const struct pol_scope *s, const char *path,
                                                  const struct core_fs_env *env)
{
    for (size_t i = 0; path && i < s->n_deny; i++) {
        const msgpack_object *e = &s->deny[i];
        if (core_fs_denied(path, &e, 1, env)) return &s->deny_src[i];
    }
    char why[64];
    struct core_fs_grant *g = malloc(sizeof *g); /* two 4 KiB paths: not on a handler's stack */
    const struct pol_scope_src *found = NULL;
    for (size_t i = 0; g && path && !found && i < s->n_allow; i++) {
        const msgpack_object *e = &s->allow[i];
        if (core_fs_authorize(path, &e, 1, NULL, 0, env, g, why, sizeof why) == 0)
            found = &s->allow_src[i];
    }
    free(g);
    return found;
}

/* The audit line for call, refused by src (NULL: no entry of its scope decided). */
static void audit_by(moat_call *call, const char *cmd, const struct pol_scope_src *src,
                     const char *text)
{
    moat_renderer *r = core_call_renderer(call);
    struct pol_reason why = {.text = text};
    char line[1024];
    if (src) {
        why.capability = src->capability, why.permission = src->permission;
        if (src->line)
            snprintf(line, sizeof line,
                     "%s: by scope entry %s of %s in capability %s (line %d, column %d)", text,
                     src->json, src->permission, src->capability, src->line, src->column);
        else
            snprintf(line, sizeof line,
                     "%s: by scope entry %s (the default of %s) in capability %s", text, src->json,
                     src->permission, src->capability);
        why.text = line;
    } else {
        /* The command's own grant: the scope that came with it covers nothing here.
         * The call's view, not the renderer's: a reload may swap that, and a plugin
         * may audit from a thread of its own while the call is unanswered. */
        struct pol_reason granted;
        const struct pol_view *v = core_call_view(call);
        if (v && pol_check(v, cmd, &granted) == POL_ALLOW) {
            why.capability = granted.capability, why.permission = granted.permission;
            snprintf(line, sizeof line,
                     "%s: no scope entry allows it (the command is granted by %s in capability %s)",
                     text, granted.permission, granted.capability);
            why.text = line;
        }
    }
    size_t len;
    const void *args = moat_call_args_raw(call, &len);
    core_audit_entry(r->app, r->label, cmd, &why, src, args, len);
}

void core_audit_scope(moat_call *call, const char *cmd, const char *path,
                      const struct core_fs_env *env, const char *text)
{
    const struct pol_scope *s = core_call_scope(call);
    audit_by(call, cmd, s ? deciding_entry(s, path, env) : NULL, text);
}

void core_audit_scope_at(moat_call *call, const char *cmd, moat_scope_kind kind, long i,
                         const char *text)
{
    const struct pol_scope *s = core_call_scope(call);
    size_t n = !s ? 0 : kind == MOAT_SCOPE_DENY ? s->n_deny : s->n_allow;
    const struct pol_scope_src *src = i < 0 || (size_t)i >= n   ? NULL
                                      : kind == MOAT_SCOPE_DENY ? &s->deny_src[i]
                                                                : &s->allow_src[i];
    audit_by(call, cmd, src, text);
}
