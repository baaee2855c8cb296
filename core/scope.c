/*
 * scope.c: policy scopes reach command handlers. The view unpacked every
 * entry when the renderer started, so these only index arrays.
 */
#include "scope.h"

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

const struct pol_catalog *core_app_catalog(moat_app *app)
{
    return app->catalog;
}
