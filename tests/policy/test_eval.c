// SPDX-License-Identifier: MIT
/*
 * test_eval.c: decisions and reasons. Allow, deny, deny over allow, sets,
 * label globs, default deny, and the view's independence from its policy.
 */
#include <stdio.h>
#include <stdlib.h>

#include "policy_test.h"
#include "test.h"

static const char *const no_str = NULL;

static void check_opt(const char *got, const char *want)
{
    if (want)
        CHECK_STR(got, want);
    else
        CHECK(got == NULL);
}

/* Decision, deciding capability and permission (NULL: none), and the reason text. */
static void expect_at(int line, const struct pol_view *v, const char *cmd, enum pol_decision want,
                      const char *cap, const char *perm, const char *text)
{
    int before = test_failures;
    struct pol_reason why = {"junk", "junk", NULL, NULL, ""};
    CHECK(pol_check(v, cmd, &why) == want);
    check_opt(why.capability, cap);
    check_opt(why.permission, perm);
    CHECK_STR(why.text, text);
    if (test_failures != before)
        fprintf(stderr, "  (in EXPECT at %s:%d for \"%s\")\n", __FILE__, line, cmd);
}

#define EXPECT(...) expect_at(__LINE__, __VA_ARGS__)

/* A policy of one capability for windows ["main"] with the given permissions. */
static struct pol_policy *one_cap(const struct pol_catalog *cat, const char *perms)
{
    char text[2048];
    snprintf(text, sizeof(text), "{'identifier':'main-cap','windows':['main'],'permissions':%s}",
             perms);
    return test_load(cat, test_json(text));
}

static void test_allow(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['app:allow-version']");
    struct pol_view *v = pol_view_new(p, "main");
    CHECK(p && v);
    EXPECT(v, "app:version", POL_ALLOW, "main-cap", "app:allow-version",
           "allowed by app:allow-version in capability main-cap");
    EXPECT(v, "greet", POL_DENY, no_str, no_str,
           "no capability for label \"main\" grants \"greet\"");
    EXPECT(v, "app:name", POL_DENY, no_str, no_str,
           "no capability for label \"main\" grants \"app:name\"");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

static void test_deny(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['deny-log', 'allow-greet']");
    struct pol_view *v = pol_view_new(p, "main");
    EXPECT(v, "log", POL_DENY, "main-cap", "deny-log", "denied by deny-log in capability main-cap");
    EXPECT(v, "greet", POL_ALLOW, "main-cap", "allow-greet",
           "allowed by allow-greet in capability main-cap");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* Within one capability, the order of allow and deny does not matter. */
static void test_deny_over_allow_one_capability(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *orders[] = {"['allow-log', 'deny-log']", "['deny-log', 'allow-log']"};
    for (int i = 0; i < 2; i++) {
        struct pol_policy *p = one_cap(cat, orders[i]);
        struct pol_view *v = pol_view_new(p, "main");
        EXPECT(v, "log", POL_DENY, "main-cap", "deny-log",
               "denied by deny-log in capability main-cap");
        pol_view_free(v);
        pol_free(p);
    }
    pol_catalog_free(cat);
}

/* A deny in any matching capability beats an allow in another, in either file order. */
static void test_deny_over_allow_across_capabilities(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *texts[] = {
        "[{'identifier':'grant','windows':['main'],'permissions':['allow-log','allow-greet']},"
        " {'identifier':'block','windows':['*'],'permissions':['deny-log']}]",
        "[{'identifier':'block','windows':['*'],'permissions':['deny-log']},"
        " {'identifier':'grant','windows':['main'],'permissions':['allow-log','allow-greet']}]",
    };
    for (int i = 0; i < 2; i++) {
        struct pol_policy *p = test_load(cat, test_json(texts[i]));
        struct pol_view *v = pol_view_new(p, "main");
        EXPECT(v, "log", POL_DENY, "block", "deny-log", "denied by deny-log in capability block");
        EXPECT(v, "greet", POL_ALLOW, "grant", "allow-greet",
               "allowed by allow-greet in capability grant");
        pol_view_free(v);
        pol_free(p);
    }
    pol_catalog_free(cat);
}

/* When two capabilities allow a command, the first in the file is named. */
static void test_first_granting_capability_named(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("[{'identifier':'one','windows':['m*'],'permissions':['app:default']},"
                       " {'identifier':'two','windows':['main'],'permissions':['allow-greet',"
                       "'app:allow-name']}]"));
    struct pol_view *v = pol_view_new(p, "main");
    EXPECT(v, "app:name", POL_ALLOW, "one", "app:allow-name",
           "allowed by app:allow-name in capability one");
    EXPECT(v, "greet", POL_ALLOW, "two", "allow-greet", "allowed by allow-greet in capability two");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

static void test_sets(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['app:default']");
    struct pol_view *v = pol_view_new(p, "main");
    EXPECT(v, "app:version", POL_ALLOW, "main-cap", "app:allow-version",
           "allowed by app:allow-version in capability main-cap");
    EXPECT(v, "app:name", POL_ALLOW, "main-cap", "app:allow-name",
           "allowed by app:allow-name in capability main-cap");
    CHECK(pol_check(v, "greet", NULL) == POL_DENY);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* app:all holds app:default (defined after it) and allow-greet; app:quiet holds a deny. */
static void test_nested_sets(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['app:all', 'allow-log']");
    struct pol_view *v = pol_view_new(p, "main");
    CHECK(pol_check(v, "app:version", NULL) == POL_ALLOW);
    CHECK(pol_check(v, "app:name", NULL) == POL_ALLOW);
    EXPECT(v, "greet", POL_ALLOW, "main-cap", "allow-greet",
           "allowed by allow-greet in capability main-cap");
    CHECK(pol_check(v, "log", NULL) == POL_ALLOW);
    CHECK(pol_check(v, "fs:read_text_file", NULL) == POL_DENY);
    pol_view_free(v);
    pol_free(p);

    p = one_cap(cat, "['allow-log', 'app:quiet']");
    v = pol_view_new(p, "main");
    EXPECT(v, "log", POL_DENY, "main-cap", "deny-log", "denied by deny-log in capability main-cap");
    CHECK(pol_check(v, "app:version", NULL) == POL_ALLOW);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

static void test_label_globs(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat,
        test_json("[{'identifier':'workers','windows':['worker-*','helper-?'],"
                  "'permissions':['allow-log']},"
                  " {'identifier':'main-cap','windows':['main'],'permissions':['allow-greet']}]"));
    const char *match[] = {"worker-1", "worker-", "worker-a-b", "helper-x"};
    for (size_t i = 0; i < 4; i++) {
        struct pol_view *v = pol_view_new(p, match[i]);
        EXPECT(v, "log", POL_ALLOW, "workers", "allow-log",
               "allowed by allow-log in capability workers");
        CHECK(pol_check(v, "greet", NULL) == POL_DENY);
        pol_view_free(v);
    }
    const char *miss[] = {"worker", "Worker-1", "helper-xy", "xworker-1", ""};
    for (size_t i = 0; i < 5; i++) {
        struct pol_view *v = pol_view_new(p, miss[i]);
        char text[128];
        snprintf(text, sizeof(text), "no capability applies to label \"%s\"", miss[i]);
        EXPECT(v, "log", POL_DENY, no_str, no_str, text);
        EXPECT(v, "greet", POL_DENY, no_str, no_str, text);
        pol_view_free(v);
    }
    struct pol_view *v = pol_view_new(p, "main");
    CHECK(pol_check(v, "greet", NULL) == POL_ALLOW);
    EXPECT(v, "log", POL_DENY, no_str, no_str, "no capability for label \"main\" grants \"log\"");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

static void test_default_deny(void)
{
    struct pol_view *v = pol_view_new(NULL, "main");
    CHECK(v != NULL);
    EXPECT(v, "app:version", POL_DENY, no_str, no_str, "no policy loaded");
    pol_view_free(v);
    /* No view at all, no command, no reason wanted: still a denial, never a crash. */
    struct pol_reason why;
    CHECK(pol_check(NULL, "app:version", &why) == POL_DENY);
    CHECK(why.capability == NULL && why.permission == NULL && why.text != NULL);
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['allow-log']");
    v = pol_view_new(p, "main");
    CHECK(pol_check(v, NULL, &why) == POL_DENY);
    CHECK(pol_check(v, "log", NULL) == POL_ALLOW);
    /* Worded as for a command that exists: a denial tells a renderer nothing of what does. */
    EXPECT(v, "no-such-command", POL_DENY, no_str, no_str,
           "no capability for label \"main\" grants \"no-such-command\"");
    pol_view_free(v);
    v = pol_view_new(p, "side");
    EXPECT(v, "log", POL_DENY, no_str, no_str, "no capability applies to label \"side\"");
    pol_view_free(v);
    pol_view_free(NULL);
    pol_free(NULL);
    pol_free(p);
    pol_catalog_free(cat);
}

/* The view copies what it needs: free the policy (and catalog), then ask. */
static void test_view_outlives_policy(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = one_cap(cat, "['app:default', 'deny-log']");
    struct pol_view *v = pol_view_new(p, "main");
    pol_free(p);
    pol_catalog_free(cat);
    EXPECT(v, "app:version", POL_ALLOW, "main-cap", "app:allow-version",
           "allowed by app:allow-version in capability main-cap");
    EXPECT(v, "log", POL_DENY, "main-cap", "deny-log", "denied by deny-log in capability main-cap");
    EXPECT(v, "greet", POL_DENY, no_str, no_str,
           "no capability for label \"main\" grants \"greet\"");
    pol_view_free(v);
}

static struct pol_catalog *big_catalog(size_t n)
{
    struct pol_catalog *cat = pol_catalog_new();
    const char **all = calloc(n, sizeof(*all));
    char(*ids)[48] = calloc(n, sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        char cmd[48];
        snprintf(cmd, sizeof(cmd), "big:cmd_%zu", i);
        CHECK(pol_catalog_add_command(cat, cmd) == 0);
        snprintf(ids[i], sizeof(ids[i]), "big:allow-cmd-%zu", i);
        all[i] = ids[i];
    }
    CHECK(pol_catalog_add_set(cat, "big:all", NULL, all, n) == 0);
    free(all);
    free(ids);
    return cat;
}

/* 1,000 commands granted through one set, every tenth denied; all decided by lookup. */
static void test_many_rules(void)
{
    enum { N = 1000 };
    struct pol_catalog *cat = big_catalog(N);
    char text[N * 24 + 256];
    size_t used = (size_t)snprintf(text, sizeof(text),
                                   "{\"identifier\":\"big\",\"windows\":[\"main\"],"
                                   "\"permissions\":[\"big:all\"");
    for (size_t i = 0; i < N; i += 10)
        used += (size_t)snprintf(text + used, sizeof(text) - used, ",\"big:deny-cmd-%zu\"", i);
    snprintf(text + used, sizeof(text) - used, "]}");
    struct pol_policy *p = test_load(cat, text);
    struct pol_view *v = pol_view_new(p, "main");
    char cmds[N][32];
    for (size_t i = 0; i < N; i++)
        snprintf(cmds[i], sizeof(cmds[i]), "big:cmd_%zu", i);
    int wrong = 0;
    for (size_t i = 0; i < N; i++)
        wrong += pol_check(v, cmds[i], NULL) != (i % 10 ? POL_ALLOW : POL_DENY);
    CHECK(wrong == 0); /* speed is measured in bench/, not here */
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

int suite_eval(void)
{
    RUN(test_allow);
    RUN(test_deny);
    RUN(test_deny_over_allow_one_capability);
    RUN(test_deny_over_allow_across_capabilities);
    RUN(test_first_granting_capability_named);
    RUN(test_sets);
    RUN(test_nested_sets);
    RUN(test_label_globs);
    RUN(test_default_deny);
    RUN(test_view_outlives_policy);
    RUN(test_many_rules);
    return TEST_RESULT();
}
