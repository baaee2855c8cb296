// SPDX-License-Identifier: MIT
/*
 * test_tools.c: what policy writers get besides loading: the linter's
 * warnings, explain, learn mode's policy, argument digests and the schema.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_test.h"
#include "test.h"

/* The warnings, one "line:column: message" per line. */
static char *lint_text(const struct pol_policy *p, const char *const *labels, size_t n)
{
    struct pol_diag *d = NULL;
    int count = pol_lint(p, labels, n, &d);
    static char text[8192];
    text[0] = '\0';
    for (int i = 0; i < count; i++) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof(text) - used, "%d:%d: %s\n", d[i].line, d[i].column,
                 d[i].message);
    }
    free(d);
    return text;
}

static void test_lint(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load_fixture(cat, "lint.json");
    const char *const labels[] = {"main", "worker-1"};
    const char *t = lint_text(p, labels, 2);
    CHECK_CONTAINS(t, "9:23: the scope entries written with \"fs:deny-write-file\" never apply: it "
                      "allows no command\n");
    CHECK_CONTAINS(t, "4:25: label pattern \"settings\" of capability \"main-cap\" matches no "
                      "known label\n");
    CHECK_CONTAINS(t, "6:7: \"allow-log\" never allows \"log\" in capability \"main-cap\": "
                      "deny-log in capability \"main-cap\" denies it (deny wins)\n");
    CHECK_CONTAINS(t, "8:55: scope entry {\"path\":\"/**\"} of \"fs:allow-read-file\" reaches the "
                      "whole filesystem\n");
    CHECK_CONTAINS(t, "8:74: scope entry {\"path\":\"$HOME/**\"} of \"fs:allow-read-file\" reaches "
                      "the whole home directory\n");
    CHECK_CONTAINS(t, "20:21: \"allow-greet\" never allows \"greet\" in capability \"greeter\": "
                      "deny-greet in capability \"everyone\" denies it (deny wins)\n");
    CHECK_CONTAINS(t, "22:3: capability \"ios\" never applies: its \"platforms\" do not include "
                      "linux\n");
    CHECK(strstr(t, "notes") == NULL); /* a narrow home scope is fine */
    /* Without known labels, nothing is said about labels. */
    t = lint_text(p, NULL, 0);
    CHECK(strstr(t, "known label") == NULL);
    CHECK_CONTAINS(t, "reaches the whole filesystem");
    const char *const none[] = {"nobody"};
    t = lint_text(p, none, 1);
    CHECK_CONTAINS(t, "capability \"greeter\" applies to no known label: it grants nothing\n");
    pol_free(p);
    /* A clean policy has nothing to say. */
    p = test_load(cat, test_json("[{'identifier':'a','windows':['main','worker-*'],'permissions':"
                                 "['app:default',{'identifier':'fs:allow-read-file','allow':"
                                 "['$APPDATA/**']}]}]"));
    CHECK_STR(lint_text(p, labels, 2), "");
    pol_free(p);
    pol_catalog_free(cat);
}

/* A deny in one capability overrides an allow in another: by a label glob, for some labels, and
 * across files; each warning names both. */
static void test_lint_shadowing(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat,
        test_json("[{'identifier':'a','windows':['main','settings'],'permissions':["
                  "'allow-log','allow-greet']},"
                  "{'identifier':'lock','windows':['ma*','sett?ngs'],'permissions':['deny-log']},"
                  "{'identifier':'half','windows':['main'],'permissions':['deny-greet']}]"));
    const char *t = lint_text(p, NULL, 0);
    CHECK_CONTAINS(t, "\"allow-log\" never allows \"log\" in capability \"a\": deny-log in "
                      "capability \"lock\" denies it (deny wins)\n");
    CHECK_CONTAINS(t, "\"allow-greet\" does not allow \"greet\" for \"main\" in capability \"a\": "
                      "deny-greet in capability \"half\" denies it there (deny wins)\n");
    pol_free(p);
    /* Two files: the allow in one, the deny in the other. */
    struct pol_policy *allow = test_load(
        cat,
        test_json("{'identifier':'main-allow','windows':['main'],'permissions':['allow-log']}"));
    struct pol_policy *deny = test_load(
        cat, test_json("{'identifier':'lockdown','windows':['*'],'permissions':['deny-log']}"));
    CHECK_STR(lint_text(allow, NULL, 0), "");
    struct pol_diag *d = NULL;
    int n = pol_lint_across(allow, deny, &d);
    CHECK(n == 1);
    if (n == 1) {
        CHECK(d[0].line == 1 && d[0].column == 62);
        CHECK_CONTAINS(d[0].message, "\"allow-log\" never allows \"log\" in capability "
                                     "\"main-allow\": deny-log in capability \"lockdown\" (");
        CHECK_CONTAINS(d[0].message, ":1:57) denies it (deny wins)");
    }
    free(d);
    d = NULL;
    CHECK(pol_lint_across(deny, allow, &d) == 0); /* an allow shadows nothing */
    free(d);
    pol_free(allow);
    pol_free(deny);
    pol_catalog_free(cat);
}

static void test_explain(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("{'identifier':'c','windows':['main'],'permissions':['deny-log',"
                       "{'identifier':'fs:allow-appdata-read','allow':['$HOME/pub/*']}]}"));
    struct pol_view *v = pol_view_new(p, "main");
    const struct pol_var vars[] = {{"APPDATA", "/data/app"}, {"HOME", "/home/u"}};
    struct pol_explanation e;
    CHECK(pol_explain(v, "log", NULL, vars, 2, &e) == 0);
    CHECK(e.decision == POL_DENY);
    CHECK_STR(e.text, "deny: denied by deny-log in capability c");
    CHECK(pol_explain(v, "fs:read_file", "{\"path\": \"/data/app/notes.txt\"}", vars, 2, &e) == 0);
    CHECK(e.decision == POL_ALLOW);
    CHECK_STR(e.entry, "{\"path\":\"$APPDATA/**\"}");
    CHECK_STR(e.text, "allow: allowed by fs:allow-appdata-read in capability c\nallow: the "
                      "arguments match allow scope entry {\"path\":\"$APPDATA/**\"} (the default "
                      "of fs:allow-appdata-read) in capability c");
    /* Deny entries win, and ignore case. */
    CHECK(pol_explain(v, "fs:read_file", "{\"path\": \"/data/app/SECRET/k\"}", vars, 2, &e) == 0);
    CHECK(e.decision == POL_DENY);
    CHECK_STR(e.entry, "{\"path\":\"$APPDATA/secret/**\"}");
    CHECK(pol_explain(v, "fs:read_text_file", "{\"path\": \"/home/u/pub/a\"}", vars, 2, &e) == 0);
    CHECK(e.decision == POL_ALLOW && e.entry_line == 1 && e.entry_column > 1);
    CHECK_CONTAINS(e.text, "scope entry {\"path\":\"$HOME/pub/*\"} of fs:allow-appdata-read in "
                           "capability c (line 1, column ");
    CHECK(pol_explain(v, "fs:read_file", "{\"path\": \"/etc/passwd\"}", vars, 2, &e) == 0);
    CHECK(e.decision == POL_DENY);
    CHECK_CONTAINS(e.text, "deny: no allow scope entry covers the arguments; the scope is:\n"
                           "  deny scope entry {\"path\":\"$APPDATA/secret/**\"}");
    /* Without its variable, an entry matches nothing. */
    CHECK(pol_explain(v, "fs:read_file", "{\"path\": \"/data/app/x\"}", vars + 1, 1, &e) == 0);
    CHECK(e.decision == POL_DENY);
    CHECK(pol_explain(v, "fs:read_file", "[1]", vars, 2, &e) == -1);
    CHECK_STR(e.text, "the arguments must be a JSON object");
    CHECK(pol_explain(v, "fs:read_file", "{", vars, 2, &e) == -1 && e.decision == POL_DENY);
    /* No arguments: the scope is listed. */
    CHECK(pol_explain(v, "fs:read_file", NULL, vars, 2, &e) == 0 && e.decision == POL_ALLOW);
    CHECK_CONTAINS(e.text, "the command checks its arguments against this scope:\n  deny ");
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* Learn mode's policy loads, and allows exactly what was recorded. */
static void test_learned(void)
{
    struct pol_catalog *cat = test_catalog();
    const struct pol_learned calls[] = {
        {"main", "app:version", NULL},
        {"main", "fs:read_file", "{\"path\": \"/d/a.txt\"}"},
        {"main", "fs:read_file", "{\"path\": \"/d/b*.txt\"}"},
        {"main", "fs:read_file", "{\"path\": \"/d/a.txt\"}"},
        {"work[1]", "log", NULL},
        {"main", "app:version", NULL},
    };
    char *text = pol_learned_policy(cat, calls, 6);
    CHECK(text != NULL);
    struct pol_policy *p = text ? test_load(cat, text) : NULL;
    CHECK(p != NULL);
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_reason why;
    CHECK(pol_check(v, "app:version", &why) == POL_ALLOW);
    CHECK_STR(why.text, "allowed by app:allow-version in capability learned-1");
    CHECK(pol_check(v, "fs:read_file", &why) == POL_ALLOW);
    CHECK(why.scope->n_allow == 2 && why.scope->n_deny == 0);
    CHECK(pol_check(v, "app:name", NULL) == POL_DENY);
    CHECK(pol_check(v, "log", NULL) == POL_DENY);
    pol_view_free(v);
    v = pol_view_new(p, "work[1]"); /* the label is escaped: it matches only itself */
    CHECK(pol_check(v, "log", NULL) == POL_ALLOW);
    pol_view_free(v);
    v = pol_view_new(p, "work1");
    CHECK(pol_check(v, "log", NULL) == POL_DENY);
    pol_view_free(v);
    pol_free(p);
    free(text);
    const struct pol_learned unknown[] = {{"main", "no:such", NULL}};
    CHECK(pol_learned_policy(cat, unknown, 1) == NULL);
    const struct pol_learned bad_scope[] = {{"main", "log", "[1]"}};
    CHECK(pol_learned_policy(cat, bad_scope, 1) == NULL);
    pol_catalog_free(cat);
}

static void test_digest(void)
{
    char a[POL_DIGEST_SIZE], b[POL_DIGEST_SIZE];
    CHECK_STR(pol_args_digest("", 0, a), "fnv1a64:cbf29ce484222325");
    CHECK_STR(pol_args_digest("a", 1, a), "fnv1a64:af63dc4c8601ec8c");
    pol_args_digest("\x81\xa1x\x01", 4, a);
    pol_args_digest("\x81\xa1x\x02", 4, b);
    CHECK(strcmp(a, b) != 0 && strlen(a) == POL_DIGEST_SIZE - 1);
}

/* The embedded schema is schema.json, valid JSON, and knows every capability key. */
static void test_schema(void)
{
    json_error_t je;
    json_t *s = json_loads(pol_schema_json(), 0, &je);
    CHECK(json_is_object(s));
    json_t *props = json_object_get(
        json_object_get(json_object_get(s, "definitions"), "Capability"), "properties");
    const char *keys[] = {"$schema",     "identifier", "description", "windows", "webviews",
                          "permissions", "platforms",  "local",       "remote"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        CHECK(json_object_get(props, keys[i]) != NULL);
    CHECK(json_object_size(props) == sizeof(keys) / sizeof(keys[0]));
    json_decref(s);
    char path[4096];
    snprintf(path, sizeof(path), "%s/../../../policy/schema.json", test_fixture(""));
    json_t *file = json_load_file(path, 0, &je);
    json_t *embedded = json_loads(pol_schema_json(), 0, &je);
    CHECK(file && json_equal(file, embedded));
    json_decref(file);
    json_decref(embedded);
}

static void test_catalog_print(void)
{
    struct pol_catalog *cat = test_catalog();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pol_catalog_print(cat, f);
    fclose(f);
    CHECK_CONTAINS(text, "app:allow-version (permission)\n  allows: app:version\n");
    CHECK_CONTAINS(text, "app:default (set)\n  app basics\n  includes: app:allow-version "
                         "app:allow-name\n");
    CHECK_CONTAINS(text,
                   "fs:allow-appdata-read (permission)\n  read files in $APPDATA\n  allows: "
                   "fs:read_text_file fs:read_file\n  scope allow {\"path\":\"$APPDATA/**\"}\n"
                   "  scope deny {\"path\":\"$APPDATA/secret/**\"}\n");
    CHECK_CONTAINS(text, "fs:scope-temp (scope)\n  scope allow {\"path\":\"$TEMP/**\"}\n");
    free(text);
    pol_catalog_free(cat);
}

int suite_tools(void)
{
    RUN(test_lint);
    RUN(test_lint_shadowing);
    RUN(test_explain);
    RUN(test_learned);
    RUN(test_digest);
    RUN(test_schema);
    RUN(test_catalog_print);
    return TEST_RESULT();
}
