// SPDX-License-Identifier: MIT
/*
 * merge.c: a view's scopes. For each allowed command, the allow and deny
 * entries that the matching capabilities attach to it (directly, or through
 * a scope permission of its group), identical entries once, unpacked into
 * the view's msgpack zone so that pol_check can hand them out as they are.
 */
#include <string.h>

#include "view.h"

struct merge {
    struct pol_view *v;
    const struct pol_policy *p;
    const struct pol_cap *cap;
    bool fill; /* false: count only */
};

/*
 * msgpack-c gives an empty str a NULL ptr; the plugins that read scope entries
 * may pass it to memcpy or memchr, which must not get NULL: point it at "".
 */
static void no_null_strings(msgpack_object *o)
{
    static const char empty[1];
    if (o->type == MSGPACK_OBJECT_STR && !o->via.str.ptr) o->via.str.ptr = empty;
    for (uint32_t i = 0; o->type == MSGPACK_OBJECT_ARRAY && i < o->via.array.size; i++)
        no_null_strings(&o->via.array.ptr[i]);
    for (uint32_t i = 0; o->type == MSGPACK_OBJECT_MAP && i < o->via.map.size; i++) {
        no_null_strings(&o->via.map.ptr[i].key);
        no_null_strings(&o->via.map.ptr[i].val);
    }
}

static const msgpack_object *unpacked(struct pol_view *v, const struct pol_entry *e)
{
    msgpack_object *o = pol_map_get(&v->unpacked, e->json);
    if (o) return o;
    if (!v->zone && !(v->zone = msgpack_zone_new(4096))) return NULL;
    const char *key = pol_map_intern(&v->strings, &v->arena, e->json);
    /* Unpacked strings point into the bytes, so the view keeps its own copy of them. */
    char *bytes = pol_arena_alloc(&v->arena, e->mp_len);
    size_t off = 0;
    if (!key || !bytes || !(o = pol_arena_alloc(&v->arena, sizeof(*o)))) return NULL;
    memcpy(bytes, e->mp, e->mp_len);
    if (msgpack_unpack(bytes, e->mp_len, &off, v->zone, o) != MSGPACK_UNPACK_SUCCESS ||
        pol_map_put(&v->unpacked, key, o) < 0)
        return NULL;
    no_null_strings(o);
    return o;
}

static bool already(const struct pol_scope_src *src, size_t n, const char *json)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(src[i].json, json) == 0) return true;
    return false;
}

static int add(struct merge *m, struct pol_view_entry *e, const struct pol_scoped *s)
{
    struct pol_scope *sc = &e->scope;
    size_t *n = s->deny ? &sc->n_deny : &sc->n_allow;
    if (!m->fill) {
        (*n)++;
        return 0;
    }
    msgpack_object *objs = (msgpack_object *)(s->deny ? sc->deny : sc->allow);
    struct pol_scope_src *src = (struct pol_scope_src *)(s->deny ? sc->deny_src : sc->allow_src);
    if (already(src, *n, s->entry->json)) return 0;
    const msgpack_object *o = unpacked(m->v, s->entry);
    struct pol_scope_src *d = &src[*n];
    const char *cap = pol_map_intern(&m->v->strings, &m->v->arena, m->cap->id);
    const char *perm = pol_map_intern(&m->v->strings, &m->v->arena, s->permission);
    const char *json = pol_map_intern(&m->v->strings, &m->v->arena, s->entry->json);
    if (!o || !cap || !perm || !json) return -1;
    objs[*n] = *o;
    *d = (struct pol_scope_src){cap, perm, json, s->entry->pos.line, s->entry->pos.col};
    (*n)++;
    return 0;
}

static struct pol_view_entry *allowed(struct merge *m, const char *cmd)
{
    struct pol_view_entry *e = pol_map_get(&m->v->decisions, cmd);
    return e && e->decision == POL_ALLOW ? e : NULL;
}

static int visit(struct merge *m, const struct pol_scoped *s)
{
    if (s->command) {
        struct pol_view_entry *e = allowed(m, s->command);
        return e ? add(m, e, s) : 0;
    }
    size_t glen = strlen(s->group);
    for (size_t i = 0; i < m->p->n_commands; i++) {
        const char *cmd = m->p->commands[i];
        struct pol_view_entry *e =
            pol_group_len(cmd) == glen && !strncmp(cmd, s->group, glen) ? allowed(m, cmd) : NULL;
        if (e && add(m, e, s) < 0) return -1;
    }
    return 0;
}

static int pass(struct merge *m, const bool *match)
{
    for (size_t i = 0; i < m->p->n_caps; i++) {
        m->cap = &m->p->caps[i];
        for (size_t j = 0; match[i] && j < m->cap->n_scoped; j++)
            if (visit(m, &m->cap->scoped[j]) < 0) return -1;
    }
    return 0;
}

/* Room for what the counting pass found; the filling pass counts again, without duplicates. */
static int make_room(struct pol_view *v, struct pol_scope *sc)
{
    struct pol_arena *a = &v->arena;
    if (sc->n_allow && (!(sc->allow = pol_arena_array(a, sc->n_allow, sizeof(*sc->allow))) ||
                        !(sc->allow_src = pol_arena_array(a, sc->n_allow, sizeof(*sc->allow_src)))))
        return -1;
    if (sc->n_deny && (!(sc->deny = pol_arena_array(a, sc->n_deny, sizeof(*sc->deny))) ||
                       !(sc->deny_src = pol_arena_array(a, sc->n_deny, sizeof(*sc->deny_src)))))
        return -1;
    sc->n_allow = sc->n_deny = 0;
    return 0;
}

int pol_view_add_scopes(struct pol_view *v, const struct pol_policy *p, const bool *match)
{
    struct merge m = {v, p, NULL, false};
    if (pass(&m, match) < 0) return -1;
    for (size_t i = 0; i < p->n_commands; i++) {
        struct pol_view_entry *e = pol_map_get(&v->decisions, p->commands[i]);
        if (e && make_room(v, &e->scope) < 0) return -1;
    }
    m.fill = true;
    return pass(&m, match);
}
