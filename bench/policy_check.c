/*
 * policy_check.c: row 7, pol_check (policy/policy.h) against a 1,000-rule
 * policy: 1,000 commands in 10 groups, 10 capabilities of 100 permissions
 * each (every 7th a deny), for windows "main", "worker-*" and "*". The view of
 * label "main" answers a rotating mix of allowed, denied and unknown commands.
 *
 *   policy_cmd    ns per check, command only
 *   policy_scope  ns per check with a path scope: pending until the policy
 *                 library offers such a check
 */
#include "common.h"
#include "policy.h"

#include <stdarg.h>
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

static char *policy_text(void)
{
    static const char *const windows[] = {"main", "worker-*", "*"};
    size_t cap = 1 << 17;
    char *t = calloc(1, cap);
    if (!t) bench_die("calloc");
    append(t, cap, "[");
    for (int c = 0; c < CAPS; c++) {
        append(t, cap, "%s{\"identifier\": \"cap-%d\", \"windows\": [\"%s\"], \"permissions\": [",
               c ? ", " : "", c, windows[c % 3]);
        for (int i = c * 100; i < c * 100 + 100; i++)
            append(t, cap, "%s\"grp%d:%s-cmd-%d\"", i % 100 ? ", " : "", i / 100,
                   i % 7 ? "allow" : "deny", i);
        append(t, cap, "]}");
    }
    append(t, cap, "]");
    return t;
}

int main(void)
{
    struct pol_catalog *cat = pol_catalog_new();
    if (!cat) bench_die("pol_catalog_new");
    name_commands(cat);
    char *text = policy_text();
    struct pol_policy *p;
    struct pol_error e;
    char line[1024];
    if (pol_load_string(text, strlen(text), "bench-policy", cat, &p, &e) != 0) {
        fprintf(stderr, "bench_policy: %s\n", pol_error_format(&e, line, sizeof line));
        return 1;
    }
    struct pol_view *v = pol_view_new(p, "main");
    struct bench_samples s = {0};
    unsigned allowed = 0;
    for (int r = 0; r < WARMUP + ROUNDS; r++) {
        uint64_t t0 = bench_now_ns();
        for (int i = 0; i < CHECKS; i++)
            allowed += pol_check(v, names[i % (COMMANDS + UNKNOWN)], NULL) == POL_ALLOW;
        if (r >= WARMUP) bench_add(&s, (double)(bench_now_ns() - t0) / CHECKS);
    }
    fprintf(stderr, "bench_policy: %.1f%% of checks allowed\n",
            100.0 * allowed / ((double)CHECKS * (WARMUP + ROUNDS)));
    bench_emit("policy_cmd", "ns", &s);
    bench_emit_missing("policy_scope", "n/a (pending): policy.h has no path-scope check yet");
    bench_samples_free(&s);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
    free(text);
    return 0;
}
