// SPDX-License-Identifier: MIT
/*
 * test_forms.c: the three shapes of a capability file (one object, an array,
 * {"capabilities": [...]}), read from fixtures in data/.
 */
#include <stdio.h>

#include "policy_test.h"
#include "test.h"

static void expect(const struct pol_view *v, const char *cmd, enum pol_decision want,
                   const char *text)
{
    struct pol_reason why;
    int before = test_failures;
    CHECK(pol_check(v, cmd, &why) == want);
    CHECK_STR(why.text, text);
    if (test_failures != before) fprintf(stderr, "  (for \"%s\")\n", cmd);
}

/* single.json: a set, an {"identifier"} object, and deny-log listed before allow-log. */
static void test_single_object(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load_fixture(cat, "single.json");
    CHECK(p != NULL);
    struct pol_view *v = pol_view_new(p, "main");
    expect(v, "app:version", POL_ALLOW, "allowed by app:allow-version in capability main-cap");
    expect(v, "app:name", POL_ALLOW, "allowed by app:allow-name in capability main-cap");
    expect(v, "greet", POL_ALLOW, "allowed by allow-greet in capability main-cap");
    expect(v, "log", POL_DENY, "denied by deny-log in capability main-cap");
    expect(v, "fs:read_text_file", POL_DENY,
           "no capability for label \"main\" grants \"fs:read_text_file\"");
    pol_view_free(v);
    v = pol_view_new(p, "mainx");
    expect(v, "app:version", POL_DENY, "no capability applies to label \"mainx\"");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* array.json: per-label capabilities, and a "*" capability denying log everywhere. */
static void test_array(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load_fixture(cat, "array.json");
    CHECK(p != NULL);
    struct pol_view *main_v = pol_view_new(p, "main");
    struct pol_view *worker = pol_view_new(p, "worker-3");
    struct pol_view *other = pol_view_new(p, "other");
    expect(main_v, "app:version", POL_ALLOW, "allowed by app:allow-version in capability main-cap");
    expect(main_v, "log", POL_DENY, "denied by deny-log in capability no-log-anywhere");
    expect(main_v, "fs:read_text_file", POL_DENY,
           "no capability for label \"main\" grants \"fs:read_text_file\"");
    expect(worker, "fs:read_text_file", POL_ALLOW,
           "allowed by fs:allow-read-text-file in capability workers");
    expect(worker, "log", POL_DENY, "denied by deny-log in capability no-log-anywhere");
    expect(worker, "app:version", POL_DENY,
           "no capability for label \"worker-3\" grants \"app:version\"");
    expect(other, "log", POL_DENY, "denied by deny-log in capability no-log-anywhere");
    expect(other, "greet", POL_DENY, "no capability for label \"other\" grants \"greet\"");
    pol_view_free(main_v);
    pol_view_free(worker);
    pol_view_free(other);
    pol_free(p);
    pol_catalog_free(cat);
}

/* list.json: {"$schema", "capabilities"}; nested sets; a group with a colon in it. */
static void test_capability_list(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load_fixture(cat, "list.json");
    CHECK(p != NULL);
    struct pol_view *v = pol_view_new(p, "main");
    expect(v, "app:version", POL_ALLOW, "allowed by app:allow-version in capability main-cap");
    expect(v, "greet", POL_ALLOW, "allowed by allow-greet in capability main-cap");
    expect(v, "a:b:c_d", POL_ALLOW, "allowed by a:b:allow-c-d in capability main-cap");
    expect(v, "log", POL_DENY, "no capability for label \"main\" grants \"log\"");
    pol_view_free(v);
    v = pol_view_new(p, "settings");
    expect(v, "log", POL_DENY, "denied by deny-log in capability quiet");
    expect(v, "app:name", POL_ALLOW, "allowed by app:allow-name in capability main-cap");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* No capabilities at all is a valid policy that grants nothing. */
static void test_empty_lists(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *texts[] = {"[]", "{\"capabilities\": []}",
                           " {\"$schema\": \"x\", \"capabilities\": [] }\n"};
    for (int i = 0; i < 3; i++) {
        struct pol_policy *p = test_load(cat, texts[i]);
        CHECK(p != NULL);
        struct pol_view *v = pol_view_new(p, "main");
        expect(v, "log", POL_DENY, "no capability applies to label \"main\"");
        pol_view_free(v);
        pol_free(p);
    }
    pol_catalog_free(cat);
}

/* A UTF-8 byte order mark is skipped; columns on line 1 do not count it. */
static void test_byte_order_mark(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *text =
        "\xEF\xBB\xBF{\"identifier\":\"c\",\"windows\":[\"main\"],\"permissions\":[\"allow-lg\"]}";
    struct pol_policy *p = NULL;
    struct pol_error err;
    CHECK(pol_load_string(text, strlen(text), "bom.json", cat, &p, &err) == -1);
    CHECK(err.line == 1 && err.column == test_col(text + 3, "\"allow-lg\""));
    CHECK_STR(err.message, "unknown permission \"allow-lg\" (did you mean \"allow-log\"?)");
    pol_catalog_free(cat);
}

int suite_forms(void)
{
    RUN(test_single_object);
    RUN(test_array);
    RUN(test_capability_list);
    RUN(test_empty_lists);
    RUN(test_byte_order_mark);
    return TEST_RESULT();
}
