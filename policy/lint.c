// SPDX-License-Identifier: MIT
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
    d->file = NULL;
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

static bool is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* True when every label window pattern a matches, pattern b matches too (as far as can be told). */
static bool window_covers(const char *b, const char *a)
{
    if (strcmp(b, a) == 0 || strcmp(b, "*") == 0) return true;
    if (!is_glob(a)) return fnmatch(b, a, 0) == 0;
    /* Two globs: "pre*" covers any pattern starting with "pre". */
    size_t n = strlen(b);
    return n > 0 && b[n - 1] == '*' && strcspn(b, "*?[") == n - 1 && strncmp(a, b, n - 1) == 0;
}

/*
 * Which of a's window patterns capability b applies to as well: the number,
 * and their names joined by ", " into list.
 */
static size_t covered(const struct pol_cap *b, const struct pol_cap *a, char *list, size_t len)
{
    size_t n = 0;
    list[0] = '\0';
    if (b->never) return 0;
    for (size_t i = 0; i < a->n_windows; i++) {
        bool hit = b == a;
        for (size_t j = 0; j < b->n_windows && !hit; j++)
            hit = window_covers(b->windows[j], a->windows[i]);
        if (!hit) continue;
        size_t used = strlen(list);
        snprintf(list + used, len - used, "%s\"%s\"", n ? ", " : "", a->windows[i]);
        n++;
    }
    return n;
}

/*
 * Allow rules of capability a that a deny of capability b (in policy other:
 * the same file, or another applied beside it) overrides, for all of a's
 * labels or for some.
 */
static void check_shadowed_by(struct linter *l, const struct pol_cap *a,
                              const struct pol_policy *other)
{
    for (size_t r = 0; r < a->n_allow; r++) {
        const struct pol_rule *allow = &a->allow[r];
        for (size_t i = 0; i < other->n_caps; i++) {
            const struct pol_cap *b = &other->caps[i];
            size_t k = 0;
            while (k < b->n_deny && strcmp(b->deny[k].command, allow->command) != 0)
                k++;
            char labels[300], where[300] = "";
            size_t n = k < b->n_deny ? covered(b, a, labels, sizeof labels) : 0;
            if (n == 0) continue;
            if (other != l->p)
                snprintf(where, sizeof where, " (%s:%d:%d)", other->file ? other->file : "?",
                         b->deny[k].pos.line, b->deny[k].pos.col);
            if (n == a->n_windows)
                warn(l, allow->pos,
                     "\"%s\" never allows \"%s\" in capability \"%s\": %s in capability \"%s\"%s "
                     "denies it (deny wins)",
                     allow->permission, allow->command, a->id, b->deny[k].permission, b->id, where);
            else
                warn(l, allow->pos,
                     "\"%s\" does not allow \"%s\" for %s in capability \"%s\": %s in capability "
                     "\"%s\"%s denies it there (deny wins)",
                     allow->permission, allow->command, labels, a->id, b->deny[k].permission, b->id,
                     where);
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
    for (size_t i = 0; p && i < p->n_notes; i++) {
        size_t before = l.n;
        warn(&l, p->notes[i].pos, "%s", p->notes[i].message);
        if (l.n > before) l.v[before].file = p->notes[i].file; /* borrowed from p */
    }
    for (size_t i = 0; p && i < p->n_caps; i++) {
        const struct pol_cap *c = &p->caps[i];
        check_windows(&l, c);
        check_shadowed_by(&l, c, p);
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

int pol_lint_across(const struct pol_policy *p, const struct pol_policy *other,
                    struct pol_diag **out)
{
    struct linter l = {.p = p};
    for (size_t i = 0; p && other && p != other && i < p->n_caps; i++)
        check_shadowed_by(&l, &p->caps[i], other);
    if (l.failed) {
        free(l.v);
        return -1;
    }
    *out = l.v;
    return (int)l.n;
}
