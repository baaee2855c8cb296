// SPDX-License-Identifier: MIT
/*
 * permission.c: permissions that command providers declare (commands plus
 * scope entries), and the catalog's listing; see policy.h.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

static int say(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int say(char *err, size_t len, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *const *copy_strings(struct pol_arena *a, const char *const *v, size_t n)
{
    const char **out = pol_arena_array(a, n ? n : 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++)
        if (!v[i] || !*v[i] || !(out[i] = pol_arena_strdup(a, v[i]))) return NULL;
    return out;
}

/* Parses n JSON object texts into entries in a. */
static const struct pol_entry *parse_entries(struct pol_arena *a, const char *const *texts,
                                             size_t n, char *err, size_t errlen)
{
    struct pol_entry *out = pol_arena_array(a, n ? n : 1, sizeof(*out));
    if (!out) return say(err, errlen, "out of memory"), NULL;
    for (size_t i = 0; i < n; i++) {
        json_error_t je;
        json_t *obj = texts[i] ? json_loads(texts[i], JSON_REJECT_DUPLICATES, &je) : NULL;
        int rc = json_is_object(obj) ? pol_entry_make(a, obj, (struct pol_pos){0, 0}, &out[i]) : -3;
        json_decref(obj);
        if (rc == -3)
            return say(err, errlen, "scope entry %zu is not a JSON object: %s", i + 1,
                       texts[i] ? texts[i] : "(null)"),
                   NULL;
        if (rc < 0) return say(err, errlen, "scope entry %zu is nested too deeply", i + 1), NULL;
    }
    return out;
}

int pol_catalog_add_permission(struct pol_catalog *cat, const struct pol_permission_def *d,
                               char *err, size_t errlen)
{
    if (!cat || !d || !d->id || !*d->id) return say(err, errlen, "a permission needs an id");
    if (pol_catalog_find(cat, d->id)) return say(err, errlen, "\"%s\" is already declared", d->id);
    struct pol_arena *a = &cat->arena;
    struct pol_perm *p = pol_arena_alloc(a, sizeof(*p));
    if (!p || !(p->id = pol_arena_strdup(a, d->id)) ||
        (d->description && !(p->description = pol_arena_strdup(a, d->description))) ||
        !(p->allow = copy_strings(a, d->allow, d->n_allow)) ||
        !(p->deny = copy_strings(a, d->deny, d->n_deny)))
        return say(err, errlen, "bad command name or out of memory in \"%s\"", d->id);
    if (!(p->scope_allow = parse_entries(a, d->scope_allow, d->n_scope_allow, err, errlen)) ||
        !(p->scope_deny = parse_entries(a, d->scope_deny, d->n_scope_deny, err, errlen)))
        return -1;
    p->kind = POL_PERM_RULE;
    p->n_allow = d->n_allow;
    p->n_deny = d->n_deny;
    p->n_scope_allow = d->n_scope_allow;
    p->n_scope_deny = d->n_scope_deny;
    if (pol_catalog_insert(cat, p) < 0) return say(err, errlen, "out of memory");
    return 0;
}

static void print_list(FILE *out, const char *what, const char *const *v, size_t n)
{
    if (!n) return;
    fprintf(out, "  %s:", what);
    for (size_t i = 0; i < n; i++)
        fprintf(out, " %s", v[i]);
    fputc('\n', out);
}

static void print_entries(FILE *out, const char *what, const struct pol_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s %s\n", what, e[i].json);
}

void pol_catalog_print(const struct pol_catalog *cat, FILE *out)
{
    for (size_t i = 0; cat && i < cat->n_perms; i++) {
        const struct pol_perm *p = cat->order[i];
        bool scope_only = p->kind == POL_PERM_RULE && !p->n_allow && !p->n_deny;
        fprintf(out, "%s (%s)\n", p->id,
                p->kind == POL_PERM_SET ? "set"
                : scope_only            ? "scope"
                                        : "permission");
        if (p->description) fprintf(out, "  %s\n", p->description);
        print_list(out, "allows", p->allow, p->n_allow);
        print_list(out, "denies", p->deny, p->n_deny);
        print_list(out, "includes", p->members, p->n_members);
        print_entries(out, "scope allow", p->scope_allow, p->n_scope_allow);
        print_entries(out, "scope deny", p->scope_deny, p->n_scope_deny);
    }
}
