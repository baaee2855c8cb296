// SPDX-License-Identifier: MIT
/*
 * view.c: the decisions for one renderer label. All the work (globbing,
 * deny-over-allow, reason text, merging and unpacking scope entries) happens
 * once in pol_view_new; pol_check is a hash lookup that neither allocates
 * nor formats.
 */
#include <fnmatch.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "strmap.h"
#include "view.h"

static const struct pol_scope no_scope;

static bool applies(const struct pol_cap *cap, const char *label)
{
    if (cap->never) return false;
    for (size_t i = 0; i < cap->n_windows; i++)
        if (fnmatch(cap->windows[i], label, 0) == 0) return true;
    return false;
}

static const char *keep(struct pol_view *v, const char *s)
{
    return pol_map_intern(&v->strings, &v->arena, s);
}

/* The first decision for a command stands; later ones are ignored. */
static int decide(struct pol_view *v, const char *command, enum pol_decision d,
                  const char *capability, const char *permission, const char *text)
{
    struct pol_view_entry *e = pol_arena_alloc(&v->arena, sizeof(*e));
    const char *key = keep(v, command);
    if (!e || !key || !text) return -1;
    e->decision = d;
    e->why = (struct pol_kept_reason){capability, permission, text, &e->scope};
    return pol_map_put(&v->decisions, key, e) < 0 ? -1 : 0;
}

static int add_rules(struct pol_view *v, const struct pol_cap *cap, const struct pol_rule *rules,
                     size_t n, enum pol_decision d)
{
    const char *cap_id = keep(v, cap->id);
    if (!cap_id) return -1;
    for (size_t i = 0; i < n; i++) {
        const struct pol_rule *r = &rules[i];
        if (pol_map_get(&v->decisions, r->command)) continue;
        const char *perm = keep(v, r->permission);
        const char *text =
            perm ? pol_arena_printf(&v->arena, "%s by %s in capability %s",
                                    d == POL_ALLOW ? "allowed" : "denied", perm, cap_id)
                 : NULL;
        if (decide(v, r->command, d, cap_id, perm, text) < 0) return -1;
    }
    return 0;
}

static int add_ungranted(struct pol_view *v, const struct pol_policy *p)
{
    for (size_t i = 0; i < p->n_commands; i++) {
        const char *cmd = p->commands[i];
        if (pol_map_get(&v->decisions, cmd)) continue;
        const char *text = pol_arena_printf(
            &v->arena, "no capability for label \"%s\" grants \"%s\"", v->label, cmd);
        if (decide(v, cmd, POL_DENY, NULL, NULL, text) < 0) return -1;
    }
    v->fallback.text = "";
    v->fallback_names_cmd = true; /* pol_check words it as add_ungranted does */
    return 0;
}

/* Denials first, across all matching capabilities, so that deny wins. */
static int build(struct pol_view *v, const struct pol_policy *p, const bool *match)
{
    for (size_t i = 0; i < p->n_caps; i++)
        if (match[i] && add_rules(v, &p->caps[i], p->caps[i].deny, p->caps[i].n_deny, POL_DENY) < 0)
            return -1;
    for (size_t i = 0; i < p->n_caps; i++)
        if (match[i] &&
            add_rules(v, &p->caps[i], p->caps[i].allow, p->caps[i].n_allow, POL_ALLOW) < 0)
            return -1;
    if (add_ungranted(v, p) < 0) return -1;
    return pol_view_add_scopes(v, p, match);
}

static int build_for_label(struct pol_view *v, const struct pol_policy *p)
{
    bool *match = calloc(p->n_caps ? p->n_caps : 1, sizeof(*match));
    bool any = false;
    if (!match) return -1;
    for (size_t i = 0; i < p->n_caps; i++) {
        match[i] = applies(&p->caps[i], v->label);
        any = any || match[i];
    }
    int rc;
    if (any) {
        rc = build(v, p, match);
    } else {
        v->fallback.text =
            pol_arena_printf(&v->arena, "no capability applies to label \"%s\"", v->label);
        rc = v->fallback.text ? 0 : -1;
    }
    free(match);
    return rc;
}

struct pol_view *pol_view_new(const struct pol_policy *policy, const char *label)
{
    struct pol_view *v = calloc(1, sizeof(*v));
    if (!v) return NULL;
    atomic_init(&v->refs, 1);
    pol_arena_init(&v->arena);
    pol_map_init(&v->decisions);
    pol_map_init(&v->strings);
    pol_map_init(&v->unpacked);
    v->fallback.scope = &no_scope;
    int rc = 0;
    if (!policy)
        v->fallback.text = "no policy loaded";
    else if (!(v->label = pol_arena_strdup(&v->arena, label ? label : "")) ||
             build_for_label(v, policy) < 0)
        rc = -1;
    pol_map_free(&v->strings);
    pol_map_free(&v->unpacked);
    if (rc < 0) {
        pol_view_free(v);
        return NULL;
    }
    return v;
}

struct pol_view *pol_view_ref(struct pol_view *v)
{
    if (v) atomic_fetch_add(&v->refs, 1);
    return v;
}

void pol_view_free(struct pol_view *v)
{
    if (!v || atomic_fetch_sub(&v->refs, 1) > 1) return;
    pol_map_free(&v->decisions);
    pol_map_free(&v->strings);
    pol_map_free(&v->unpacked);
    if (v->zone) msgpack_zone_free(v->zone);
    pol_arena_free(&v->arena);
    free(v);
}

enum pol_decision pol_check(const struct pol_view *v, const char *cmd, struct pol_reason *why)
{
    static const struct pol_kept_reason no_view = {NULL, NULL, "no policy view", &no_scope};
    const struct pol_kept_reason *r = v ? &v->fallback : &no_view;
    enum pol_decision d = POL_DENY;
    const struct pol_view_entry *e = v && cmd ? pol_map_get(&v->decisions, cmd) : NULL;
    if (e) {
        r = &e->why;
        d = e->decision;
    }
    if (why) {
        why->capability = r->capability;
        why->permission = r->permission;
        why->scope = r->scope;
        why->text = r->text;
        if (!e && v && v->fallback_names_cmd) {
            snprintf(why->buf, sizeof why->buf,
                     "no capability for label \"%.200s\" grants \"%.300s\"", v->label,
                     cmd ? cmd : "");
            why->text = why->buf;
        }
    }
    return d;
}
