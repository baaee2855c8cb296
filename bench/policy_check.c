// SPDX-License-Identifier: MIT
/*
 * policy_check.c: row 7, pol_check (policy/policy.h) against a 1,000-rule
 * policy: 1,000 commands in 10 groups, 10 capabilities of 100 permissions
 * each (every 7th a deny), for windows "main", "worker-*" and "*". The view of
 * label "main" answers a rotating mix of allowed, denied and unknown commands.
 *
 *   policy_cmd    ns per check, command only
 *   policy_scope  ns per check, command plus path scope: the same policy with
 *                 every allow written as a permission object carrying two
 *                 allow entries and one deny entry ({"path": glob}); a check
 *                 is pol_check, then what a command using scopes does with
 *                 the merged scope it returns: expand $APPDATA and match the
 *                 call's path against the deny entries (case-folded), then
 *                 the allow entries, with pol_glob_match
 */
#include "common.h"
#include "policy.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMANDS 1000
#define UNKNOWN 24
#define CAPS 10
#define CHECKS 200000
#define WARMUP 3
#define ROUNDS 25

static char names[COMMANDS + UNKNOWN][32];

static void name_commands(struct pol_catalog *cat)
{
    for (int i = 0; i < COMMANDS; i++) {
        snprintf(names[i], sizeof names[i], "grp%d:cmd_%d", i / 100, i);
        if (pol_catalog_add_command(cat, names[i]) != 0) bench_die("pol_catalog_add_command");
    }
    for (int i = 0; i < UNKNOWN; i++)
        snprintf(names[COMMANDS + i], sizeof names[i], "nope:cmd_%d", i);
}

/* Appends to the policy text; the loops below bound its size well under cap. */
static void append(char *text, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *text, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, cap - n, fmt, ap);
    va_end(ap);
}

/* One permission entry: a plain identifier, or an object with path scopes. */
static void append_permission(char *t, size_t cap, int i, bool scoped)
{
    const char *sep = i % 100 ? ", " : "", *kind = i % 7 ? "allow" : "deny";
    if (!scoped || i % 7 == 0) {
        append(t, cap, "%s\"grp%d:%s-cmd-%d\"", sep, i / 100, kind, i);
        return;
    }
    append(t, cap,
           "%s{\"identifier\": \"grp%d:allow-cmd-%d\", \"allow\": [{\"path\": "
           "\"$APPDATA/grp%d/**\"}, {\"path\": \"$APPDATA/shared/*.txt\"}], \"deny\": "
           "[{\"path\": \"$APPDATA/**/secret*\"}]}",
           sep, i / 100, i, i / 100);
}

static char *policy_text(bool scoped)
{
    static const char *const windows[] = {"main", "worker-*", "*"};
    size_t cap = 1 << 18;
    char *t = calloc(1, cap);
    if (!t) bench_die("calloc");
    append(t, cap, "[");
    for (int c = 0; c < CAPS; c++) {
        append(t, cap, "%s{\"identifier\": \"cap-%d\", \"windows\": [\"%s\"], \"permissions\": [",
               c ? ", " : "", c, windows[c % 3]);
        for (int i = c * 100; i < c * 100 + 100; i++)
            append_permission(t, cap, i, scoped);
        append(t, cap, "]}");
    }
    append(t, cap, "]");
    return t;
}

/* The view for label "main" of the 1,000-rule policy, with or without scopes. */
static struct pol_view *load_view(const struct pol_catalog *cat, bool scoped, struct pol_policy **p)
{
    char *text = policy_text(scoped), line[1024];
    struct pol_error e;
    int rv = pol_load_string(text, strlen(text), "bench-policy", cat, p, &e);
    free(text);
    if (rv != 0) {
        fprintf(stderr, "bench_policy: %s\n", pol_error_format(&e, line, sizeof line));
        exit(1);
    }
    return pol_view_new(*p, "main");
}

static const struct pol_var vars[] = {{"APPDATA", "/home/user/.local/share/app"}};

/* Whether entry {"path": glob} matches path. Deny entries fold case. */
static bool entry_matches(const msgpack_object *entry, const char *path, int flags)
{
    char pattern[512];
    for (uint32_t i = 0; entry->type == MSGPACK_OBJECT_MAP && i < entry->via.map.size; i++) {
        const msgpack_object *k = &entry->via.map.ptr[i].key, *v = &entry->via.map.ptr[i].val;
        if (k->via.str.size != 4 || memcmp(k->via.str.ptr, "path", 4) != 0 ||
            v->type != MSGPACK_OBJECT_STR || v->via.str.size >= sizeof pattern)
            continue;
        char raw[512];
        memcpy(raw, v->via.str.ptr, v->via.str.size);
        raw[v->via.str.size] = '\0';
        if (pol_expand_vars(raw, vars, 1, pattern, sizeof pattern) < 0) return flags != 0;
        int m = pol_glob_match(pattern, path, flags);
        return m == 1 || (m < 0 && flags != 0);
    }
    return false;
}

/* Command plus path: pol_check, then deny entries win, then some allow entry must match. */
static bool check_with_path(const struct pol_view *v, const char *cmd, const char *path)
{
    struct pol_reason why;
    if (pol_check(v, cmd, &why) != POL_ALLOW) return false;
    const struct pol_scope *sc = why.scope;
    for (size_t i = 0; i < sc->n_deny; i++)
        if (entry_matches(&sc->deny[i], path, POL_GLOB_CASEFOLD)) return false;
    for (size_t i = 0; i < sc->n_allow; i++)
        if (entry_matches(&sc->allow[i], path, 0)) return true;
    return sc->n_allow == 0;
}

static const char *const paths[] = {
    "/home/user/.local/share/app/grp3/notes/today.md",
    "/home/user/.local/share/app/shared/readme.txt",
    "/home/user/.local/share/app/grp3/Secret-keys.txt",
    "/etc/passwd",
};

/* ns per check over CHECKS checks, ROUNDS times after WARMUP; scoped adds the path. */
static void run(const struct pol_view *v, bool scoped, const char *key)
{
    struct bench_samples s = {0};
    unsigned allowed = 0, n = COMMANDS + UNKNOWN;
    for (int r = 0; r < WARMUP + ROUNDS; r++) {
        uint64_t t0 = bench_now_ns();
        for (unsigned i = 0; i < CHECKS; i++)
            allowed += scoped ? check_with_path(v, names[i % n], paths[i % 4])
                              : pol_check(v, names[i % n], NULL) == POL_ALLOW;
        if (r >= WARMUP) bench_add(&s, (double)(bench_now_ns() - t0) / CHECKS);
    }
    fprintf(stderr, "bench_policy: %s: %.1f%% of checks allowed\n", key,
            100.0 * allowed / ((double)CHECKS * (WARMUP + ROUNDS)));
    bench_emit(key, "ns", &s);
    bench_samples_free(&s);
}

int main(void)
{
    struct pol_catalog *cat = pol_catalog_new();
    if (!cat) bench_die("pol_catalog_new");
    name_commands(cat);
    for (int scoped = 0; scoped <= 1; scoped++) {
        struct pol_policy *p;
        struct pol_view *v = load_view(cat, scoped, &p);
        run(v, scoped, scoped ? "policy_scope" : "policy_cmd");
        pol_view_free(v);
        pol_free(p);
    }
    pol_catalog_free(cat);
    return 0;
}
