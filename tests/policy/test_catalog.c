// SPDX-License-Identifier: MIT
/*
 * test_catalog.c: how commands become permission identifiers, and what the
 * catalog refuses.
 */
#include <stdlib.h>

#include "policy_test.h"
#include "test.h"

/* Every derived identifier loads, and grants or denies the command it names. */
static void test_identifiers_from_commands(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("{'identifier':'c','windows':['main'],'permissions':['app:allow-version',"
                       "'fs:allow-read-text-file','a:b:allow-c-d','allow-greet','app:deny-name',"
                       "'a:b:deny-c-d','deny-greet']}"));
    CHECK(p != NULL);
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_reason why;
    CHECK(pol_check(v, "app:version", &why) == POL_ALLOW);
    CHECK(pol_check(v, "fs:read_text_file", &why) == POL_ALLOW);
    CHECK_STR(why.permission, "fs:allow-read-text-file");
    CHECK(pol_check(v, "a:b:c_d", &why) == POL_DENY);
    CHECK_STR(why.text, "denied by a:b:deny-c-d in capability c");
    CHECK(pol_check(v, "greet", &why) == POL_DENY);
    CHECK_STR(why.text, "denied by deny-greet in capability c");
    CHECK(pol_check(v, "app:name", &why) == POL_DENY);
    CHECK_STR(why.permission, "app:deny-name");
    /* Grants are by exact command name: no prefixes, no dashes for underscores. */
    CHECK(pol_check(v, "fs:read-text-file", &why) == POL_DENY);
    CHECK(pol_check(v, "app:versio", &why) == POL_DENY);
    CHECK(pol_check(v, "app:version ", &why) == POL_DENY);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* The underscore form is not an identifier; the suggestion names the dash form. */
static void test_underscore_identifier_unknown(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = NULL;
    struct pol_error err;
    const char *text = test_json(
        "{'identifier':'c','windows':['main'],'permissions':['fs:allow-read_text_file']}");
    CHECK(pol_load_string(text, strlen(text), "t.json", cat, &p, &err) == -1);
    CHECK(p == NULL);
    CHECK_STR(err.message, "unknown permission \"fs:allow-read_text_file\" (did you mean "
                           "\"fs:allow-read-text-file\"?)");
    CHECK(err.column == test_col(text, "\"fs:allow-read_text_file\""));
    pol_catalog_free(cat);
}

static void test_add_command_refusals(void)
{
    struct pol_catalog *cat = test_catalog();
    CHECK(pol_catalog_add_command(cat, "") == -1);
    CHECK(pol_catalog_add_command(cat, NULL) == -1);
    CHECK(pol_catalog_add_command(NULL, "x") == -1);
    CHECK(pol_catalog_add_command(cat, "log") == -1);     /* already present */
    CHECK(pol_catalog_add_command(cat, "app:") == -1);    /* no name */
    CHECK(pol_catalog_add_command(cat, ":name") == -1);   /* no group */
    CHECK(pol_catalog_add_command(cat, "a:b:c-d") == -1); /* same identifiers as a:b:c_d */
    CHECK(pol_catalog_add_command(cat, "new_one") == 0);
    CHECK(pol_catalog_add_command(cat, "new_one") == -1);
    pol_catalog_free(cat);
}

static void test_add_set_refusals(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *const members[] = {"allow-log"};
    const char *const bad[] = {"allow-log", ""};
    const char *const null_member[] = {NULL};
    CHECK(pol_catalog_add_set(cat, "app:default", NULL, members, 1) == -1); /* a set */
    CHECK(pol_catalog_add_set(cat, "allow-log", NULL, members, 1) == -1);   /* a rule */
    CHECK(pol_catalog_add_set(cat, "", NULL, members, 1) == -1);
    CHECK(pol_catalog_add_set(cat, NULL, NULL, members, 1) == -1);
    CHECK(pol_catalog_add_set(cat, "s:bad", NULL, bad, 2) == -1);
    CHECK(pol_catalog_add_set(cat, "s:null", NULL, null_member, 1) == -1);
    CHECK(pol_catalog_add_set(cat, "s:none", NULL, NULL, 1) == -1);
    CHECK(pol_catalog_add_set(cat, "s:empty", "grants nothing", NULL, 0) == 0);
    CHECK(pol_catalog_add_set(cat, "s:log", NULL, members, 1) == 0);
    /* A command whose identifiers a set already took is refused. */
    const char *const taken[] = {"allow-log"};
    CHECK(pol_catalog_add_set(cat, "allow-later", NULL, taken, 1) == 0);
    CHECK(pol_catalog_add_command(cat, "later") == -1);
    pol_catalog_free(cat);
}

/* The catalog copies what it is given and the policy keeps nothing of it. */
static void test_catalog_copies_and_is_not_kept(void)
{
    struct pol_catalog *cat = pol_catalog_new();
    char cmd[] = "tmp:thing";
    char member[] = "tmp:allow-thing";
    const char *members[] = {member};
    CHECK(pol_catalog_add_command(cat, cmd) == 0);
    CHECK(pol_catalog_add_set(cat, "tmp:set", NULL, members, 1) == 0);
    memset(cmd, 'x', sizeof(cmd) - 1);
    memset(member, 'x', sizeof(member) - 1);
    struct pol_policy *p =
        test_load(cat, test_json("{'identifier':'c','windows':['*'],'permissions':['tmp:set']}"));
    CHECK(p != NULL);
    pol_catalog_free(cat);
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_reason why;
    CHECK(pol_check(v, "tmp:thing", &why) == POL_ALLOW);
    CHECK_STR(why.text, "allowed by tmp:allow-thing in capability c");
    pol_view_free(v);
    pol_free(p);
}

/* An empty or NULL catalog knows no permission at all. */
static void test_empty_catalog(void)
{
    struct pol_policy *p = NULL;
    struct pol_error err;
    const char *text =
        test_json("{'identifier':'c','windows':['main'],'permissions':['allow-log']}");
    CHECK(pol_load_string(text, strlen(text), "t.json", NULL, &p, &err) == -1);
    CHECK_STR(err.message, "unknown permission \"allow-log\"");
    text = test_json("{'identifier':'c','windows':['main'],'permissions':[]}");
    CHECK(pol_load_string(text, strlen(text), "t.json", NULL, &p, &err) == 0);
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_reason why;
    CHECK(pol_check(v, "log", &why) == POL_DENY);
    CHECK_STR(why.text, "no capability for label \"main\" grants \"log\"");
    pol_view_free(v);
    pol_free(p);
}

int suite_catalog(void)
{
    RUN(test_identifiers_from_commands);
    RUN(test_underscore_identifier_unknown);
    RUN(test_add_command_refusals);
    RUN(test_add_set_refusals);
    RUN(test_catalog_copies_and_is_not_kept);
    RUN(test_empty_catalog);
    return TEST_RESULT();
}
