/*
 * lint.c: warnings about a policy that loads but probably does not say what
 * its author meant; see pol_lint in policy.h.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "compiled.h"

struct linter {
    const struct pol_policy *p;
    const char *const *labels;
    size_t n_labels;
    struct pol_diag *v;
    size_t n, cap;
    const struct pol_entry **seen; /* scope entries already warned about */
    size_t n_seen;
    int failed;
};

static void warn(struct linter *l, struct pol_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct linter *l, struct pol_pos pos, const char *fmt, ...)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct pol_diag *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    struct pol_diag *d = &l->v[l->n++];
    d->line = pos.line;
    d->column = pos.line ? pos.col : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof(d->message), fmt, ap);
    va_end(ap);
}

static bool glob_matches_known(const struct linter *l, const char *glob)
{
    for (size_t i = 0; i < l->n_labels; i++)
        if (fnmatch(glob, l->labels[i], 0) == 0) return true;
    return false;
}

static void check_windows(struct linter *l, const struct pol_cap *c)
{
    if (c->never) {
        warn(l, c->pos, "capability \"%s\" never applies: %s", c->id, c->never);
        return;
    }
    if (!l->n_labels) return;
    size_t dead = 0;
    for (size_t i = 0; i < c->n_windows; i++) {
        if (glob_matches_known(l, c->windows[i])) continue;
        dead++;
        warn(l, c->window_pos[i],
             "label pattern \"%s\" of capability \"%s\" matches no known label", c->windows[i],
             c->id);
    }
    if (dead == c->n_windows && (c->n_allow || c->n_deny))
        warn(l, c->pos, "capability \"%s\" applies to no known label: it grants nothing", c->id);
}

/* True when every label cap a applies to, b applies to as well (as far as can be told). */
static bool covers(const struct linter *l, const struct pol_cap *b, const struct pol_cap *a)
{
    if (b == a) return true;
    if (b->never) return false;
    for (size_t i = 0; i < a->n_windows; i++) {
        bool hit = false;
        for (size_t j = 0; j < b->n_windows && !hit; j++)
            hit = strcmp(b->windows[j], a->windows[i]) == 0 || strcmp(b->windows[j], "*") == 0;
        if (!hit) return false;
    }
    (void)l;
    return true;
}

static void check_shadowed(struct linter *l, const struct pol_cap *a)
{
    for (size_t r = 0; r < a->n_allow; r++) {
        const struct pol_rule *allow = &a->allow[r];
        for (size_t i = 0; i < l->p->n_caps; i++) {
            const struct pol_cap *b = &l->p->caps[i];
            size_t k = 0;
            while (k < b->n_deny && strcmp(b->deny[k].command, allow->command) != 0)
                k++;
            if (k == b->n_deny || !covers(l, b, a)) continue;
            warn(l, allow->pos,
                 "\"%s\" never allows \"%s\" in capability \"%s\": %s in capability \"%s\" denies "
                 "it (deny wins)",
                 allow->permission, allow->command, a->id, b->deny[k].permission, b->id);
            break;
        }
    }
}

/* Where a glob's literal part ends: the first of * ? [ or the end. */
static size_t literal_prefix(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !strchr("*?[", s[i]))
        i++;
    return i;
}

static const char *reach(const char *s, size_t n)
{
    size_t lit = literal_prefix(s, n);
    bool recursive = memmem(s, n, "**", 2) != NULL;
    if ((lit == 0 && n > 0) || (lit <= 1 && s[0] == '/' && (n == 1 || recursive)))
        return "the whole filesystem";
    static const char *const homes[] = {"$HOME", "$HOME/", "${HOME}", "${HOME}/", "~", "~/"};
    for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++)
        if (lit == strlen(homes[i]) && !memcmp(s, homes[i], lit) && (lit == n || recursive))
            return "the whole home directory";
    return NULL;
}

static void check_entry(struct linter *l, const struct pol_scoped *s)
{
    for (size_t i = 0; i < l->n_seen; i++)
        if (l->seen[i] == s->entry) return;
    const struct pol_entry **seen = realloc(l->seen, (l->n_seen + 1) * sizeof(*seen));
    if (!seen) return (void)(l->failed = 1);
    l->seen = seen;
    l->seen[l->n_seen++] = s->entry;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    if (msgpack_unpack_next(&u, s->entry->mp, s->entry->mp_len, NULL) == MSGPACK_UNPACK_SUCCESS &&
        u.data.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < u.data.via.map.size; i++) {
            const msgpack_object *v = &u.data.via.map.ptr[i].val;
            const char *what =
                v->type == MSGPACK_OBJECT_STR ? reach(v->via.str.ptr, v->via.str.size) : NULL;
            if (what)
                warn(l, s->entry->pos.line ? s->entry->pos : s->ref,
                     "scope entry %s of \"%s\" reaches %s", s->entry->json, s->permission, what);
        }
    }
    msgpack_unpacked_destroy(&u);
}

int pol_lint(const struct pol_policy *p, const char *const *labels, size_t n_labels,
             struct pol_diag **out)
{
    struct linter l = {.p = p, .labels = labels, .n_labels = n_labels};
    for (size_t i = 0; p && i < p->n_notes; i++)
        warn(&l, p->notes[i].pos, "%s", p->notes[i].message);
    for (size_t i = 0; p && i < p->n_caps; i++) {
        const struct pol_cap *c = &p->caps[i];
        check_windows(&l, c);
        check_shadowed(&l, c);
        for (size_t j = 0; j < c->n_scoped; j++)
            if (!c->scoped[j].deny) check_entry(&l, &c->scoped[j]);
    }
    free(l.seen);
    if (l.failed) {
        free(l.v);
        return -1;
    }
    *out = l.v;
    return (int)l.n;
}
