// SPDX-License-Identifier: MIT
/*
 * test_scopes.c: scope entries. Written with a permission, declared by a
 * provider, brought by a scope permission; merged per command and label;
 * handed out as msgpack maps; Tauri capability files; globs and variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_test.h"
#include "test.h"

/* The string under key in a msgpack map, copied into buf ("" if absent). */
static const char *str_at(const msgpack_object *m, const char *key, char *buf, size_t len)
{
    buf[0] = '\0';
    for (uint32_t i = 0; m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key, *v = &m->via.map.ptr[i].val;
        if (k->via.str.size == strlen(key) && !memcmp(k->via.str.ptr, key, k->via.str.size) &&
            v->type == MSGPACK_OBJECT_STR)
            snprintf(buf, len, "%.*s", (int)v->via.str.size, v->via.str.ptr);
    }
    return buf;
}

static const struct pol_scope *scope_of(const struct pol_view *v, const char *cmd,
                                        enum pol_decision want)
{
    struct pol_reason why;
    CHECK(pol_check(v, cmd, &why) == want);
    CHECK(why.scope != NULL);
    return why.scope;
}

static void test_written_scope(void)
{
    struct pol_catalog *cat = test_catalog();
    const char *text =
        "{'identifier':'c','windows':['main'],'permissions':[\n"
        "  {'identifier':'fs:allow-read-text-file','allow':[{'path':'$HOME/docs/*','n':3}],\n"
        "   'deny':['$HOME/docs/private']}, 'allow-log']}";
    struct pol_policy *p = test_load(cat, test_json(text));
    struct pol_view *v = pol_view_new(p, "main");
    const struct pol_scope *s = scope_of(v, "fs:read_text_file", POL_ALLOW);
    char buf[128];
    CHECK(s->n_allow == 1 && s->n_deny == 1);
    if (s->n_allow == 1 && s->n_deny == 1) {
        CHECK(s->allow[0].type == MSGPACK_OBJECT_MAP && s->allow[0].via.map.size == 2);
        CHECK_STR(str_at(&s->allow[0], "path", buf, sizeof(buf)), "$HOME/docs/*");
        CHECK(s->allow[0].via.map.ptr[1].val.type == MSGPACK_OBJECT_POSITIVE_INTEGER);
        CHECK_STR(str_at(&s->deny[0], "path", buf, sizeof(buf)), "$HOME/docs/private");
        CHECK_STR(s->allow_src[0].json, "{\"path\":\"$HOME/docs/*\",\"n\":3}");
        CHECK_STR(s->allow_src[0].capability, "c");
        CHECK_STR(s->allow_src[0].permission, "fs:allow-read-text-file");
        CHECK(s->allow_src[0].line == 2 && s->allow_src[0].column == 52);
        CHECK(s->deny_src[0].line == 3 && s->deny_src[0].column == 12);
    }
    s = scope_of(v, "log", POL_ALLOW);
    CHECK(s->n_allow == 0 && s->n_deny == 0);
    s = scope_of(v, "fs:read_file", POL_DENY);
    CHECK(s->n_allow == 0 && s->n_deny == 0);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* A provider's permission brings its own entries; the capability may add more. */
static void test_declared_scope(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("{'identifier':'c','windows':['main'],'permissions':[{'identifier':"
                       "'fs:allow-appdata-read','deny':[{'path':'$APPDATA/*.key'}]}]}"));
    struct pol_view *v = pol_view_new(p, "main");
    for (int i = 0; i < 2; i++) {
        struct pol_reason why;
        CHECK(pol_check(v, i ? "fs:read_file" : "fs:read_text_file", &why) == POL_ALLOW);
        CHECK_STR(why.text, "allowed by fs:allow-appdata-read in capability c");
        const struct pol_scope *s = why.scope;
        CHECK(s->n_allow == 1 && s->n_deny == 2);
        if (s->n_allow != 1 || s->n_deny != 2) continue;
        CHECK_STR(s->allow_src[0].json, "{\"path\":\"$APPDATA/**\"}");
        CHECK(s->allow_src[0].line == 0); /* the permission's own default */
        CHECK_STR(s->allow_src[0].capability, "c");
        CHECK_STR(s->deny_src[0].json, "{\"path\":\"$APPDATA/secret/**\"}");
        CHECK_STR(s->deny_src[1].json, "{\"path\":\"$APPDATA/*.key\"}");
        CHECK(s->deny_src[1].line == 1);
    }
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* A scope permission reaches every allowed command of its group, and nothing else. */
static void test_scope_permission(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("[{'identifier':'a','windows':['main'],'permissions':['fs:allow-read-file',"
                       "'allow-log']}, {'identifier':'b','windows':['m*'],"
                       "'permissions':['fs:scope-temp']}]"));
    struct pol_view *v = pol_view_new(p, "main");
    const struct pol_scope *s = scope_of(v, "fs:read_file", POL_ALLOW);
    CHECK(s->n_allow == 1 && s->n_deny == 0);
    if (s->n_allow == 1) {
        CHECK_STR(s->allow_src[0].json, "{\"path\":\"$TEMP/**\"}");
        CHECK_STR(s->allow_src[0].capability, "b");
        CHECK_STR(s->allow_src[0].permission, "fs:scope-temp");
    }
    CHECK(scope_of(v, "fs:write_file", POL_DENY)->n_allow == 0);
    CHECK(scope_of(v, "log", POL_ALLOW)->n_allow == 0);
    pol_view_free(v);
    /* A label the scope's capability does not match gets no entries. */
    v = pol_view_new(p, "other");
    CHECK(scope_of(v, "fs:read_file", POL_DENY)->n_allow == 0);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* Entries from several capabilities merge; identical ones appear once; deny entries stay. */
static void test_merge_across_capabilities(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat, test_json("[{'identifier':'a','windows':['main'],'permissions':[{'identifier':"
                       "'fs:allow-read-file','allow':['/a/**','/b/*']}]},"
                       " {'identifier':'b','windows':['*'],'permissions':[{'identifier':"
                       "'fs:allow-read-file','allow':['/b/*'],'deny':['/a/x']}]}]"));
    struct pol_view *v = pol_view_new(p, "main");
    const struct pol_scope *s = scope_of(v, "fs:read_file", POL_ALLOW);
    CHECK(s->n_allow == 2 && s->n_deny == 1);
    if (s->n_allow == 2 && s->n_deny == 1) {
        CHECK_STR(s->allow_src[0].json, "{\"path\":\"/a/**\"}");
        CHECK_STR(s->allow_src[1].json, "{\"path\":\"/b/*\"}");
        CHECK_STR(s->deny_src[0].json, "{\"path\":\"/a/x\"}");
        CHECK_STR(s->deny_src[0].capability, "b");
    }
    pol_view_free(v);
    /* A command denied outright hands out no scope at all. */
    pol_free(p);
    p = test_load(cat, test_json("[{'identifier':'a','windows':['main'],'permissions':["
                                 "{'identifier':'fs:allow-read-file','allow':['/a/**']},"
                                 "'fs:deny-read-file']}]"));
    v = pol_view_new(p, "main");
    s = scope_of(v, "fs:read_file", POL_DENY);
    CHECK(s->n_allow == 0 && s->n_deny == 0);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/*
 * Plain strings as Tauri's fs and http take them: {"path": s} and {"url": s}, whichever key
 * comes first in the permission object (here "allow" before "identifier").
 */
static void test_string_entries(void)
{
    struct pol_catalog *cat = test_catalog();
    CHECK(pol_catalog_add_command(cat, "http:fetch") == 0); /* and so http:allow-fetch */
    const char *text = "{'identifier':'c','windows':['main'],'permissions':[\n"
                       "  {'allow':['https://example.com/*'],'identifier':'http:allow-fetch',\n"
                       "   'deny':['https://example.com/private/*']},\n"
                       "  {'identifier':'fs:allow-read-text-file','allow':['$APPDATA/**']}]}";
    struct pol_policy *p = test_load(cat, test_json(text));
    CHECK(p != NULL);
    struct pol_view *v = p ? pol_view_new(p, "main") : NULL;
    char buf[128];
    const struct pol_scope *s = v ? scope_of(v, "http:fetch", POL_ALLOW) : NULL;
    CHECK(s && s->n_allow == 1 && s->n_deny == 1);
    if (s && s->n_allow == 1 && s->n_deny == 1) {
        CHECK_STR(str_at(&s->allow[0], "url", buf, sizeof(buf)), "https://example.com/*");
        CHECK_STR(str_at(&s->deny[0], "url", buf, sizeof(buf)), "https://example.com/private/*");
        CHECK_STR(s->allow_src[0].json, "{\"url\":\"https://example.com/*\"}");
        CHECK(s->allow_src[0].line == 2 && s->allow_src[0].column == 13);
    }
    s = v ? scope_of(v, "fs:read_text_file", POL_ALLOW) : NULL;
    CHECK(s && s->n_allow == 1 &&
          !strcmp(str_at(&s->allow[0], "path", buf, sizeof(buf)), "$APPDATA/**"));
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

/* The view copies scope entries: they outlive the policy and the catalog. */
static void test_scope_outlives_policy(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load(
        cat,
        test_json("{'identifier':'c','windows':['main'],'permissions':['fs:allow-appdata-read']}"));
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_view *held = pol_view_ref(v);
    pol_free(p);
    pol_catalog_free(cat);
    pol_view_free(v); /* the call's reference keeps it */
    char buf[64];
    const struct pol_scope *s = scope_of(held, "fs:read_file", POL_ALLOW);
    CHECK(s->n_allow == 1 &&
          !strcmp(str_at(&s->allow[0], "path", buf, sizeof(buf)), "$APPDATA/**"));
    pol_view_free(held);
}

/* A Tauri capability file with webviews, local, platforms and remote loads as it is. */
static void test_tauri_file(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = test_load_fixture(cat, "tauri.json");
    CHECK(p != NULL);
    const char *labels[] = {"main", "preview"};
    for (int i = 0; i < 2; i++) {
        struct pol_view *v = pol_view_new(p, labels[i]);
        CHECK(pol_check(v, "app:version", NULL) == POL_ALLOW);
        const struct pol_scope *s = scope_of(v, "fs:read_text_file", POL_ALLOW);
        CHECK(s->n_allow == 2); /* its own entry and fs:scope-temp's */
        pol_view_free(v);
    }
    struct pol_view *v = pol_view_new(p, "other");
    CHECK(pol_check(v, "app:version", NULL) == POL_DENY);
    pol_view_free(v);
    pol_free(p);
    /* Capabilities for other platforms, or for remote content only, never apply. */
    p = test_load_fixture(cat, "mobile.json");
    v = pol_view_new(p, "main");
    struct pol_reason why;
    CHECK(pol_check(v, "log", &why) == POL_DENY);
    CHECK_STR(why.text, "no capability applies to label \"main\"");
    CHECK(pol_check(v, "greet", NULL) == POL_DENY);
    pol_view_free(v);
    pol_free(p);
    pol_catalog_free(cat);
}

static void test_declare_refusals(void)
{
    struct pol_catalog *cat = test_catalog();
    char err[200];
    static const char *const bad[] = {"[1]"};
    static const char *const deep[] = {"{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}"};
    struct pol_permission_def d = {.id = "x:bad", .scope_allow = bad, .n_scope_allow = 1};
    CHECK(pol_catalog_add_permission(cat, &d, err, sizeof(err)) == -1);
    CHECK_STR(err, "scope entry 1 is not a JSON object: [1]");
    d.scope_allow = deep;
    CHECK(pol_catalog_add_permission(cat, &d, err, sizeof(err)) == -1);
    CHECK_STR(err, "scope entry 1 is nested too deeply");
    d = (struct pol_permission_def){.id = "fs:scope-temp"};
    CHECK(pol_catalog_add_permission(cat, &d, err, sizeof(err)) == -1);
    CHECK_STR(err, "\"fs:scope-temp\" is already declared");
    d.id = "";
    CHECK(pol_catalog_add_permission(cat, &d, NULL, 0) == -1);
    CHECK(pol_catalog_add_permission(NULL, &d, NULL, 0) == -1);
    pol_catalog_free(cat);
}

static void test_globs(void)
{
    static const struct {
        const char *pattern, *text;
        int flags, want;
    } cases[] = {
        {"/a/*", "/a/b", 0, 1},         {"/a/*", "/a/b/c", 0, 0},
        {"/a/*", "/a", 0, 0},           {"/a/**", "/a", 0, 1},
        {"/a/**", "/a/b/c", 0, 1},      {"/a/**", "/ab", 0, 0},
        {"/a/**/z", "/a/z", 0, 1},      {"/a/**/z", "/a/b/c/z", 0, 1},
        {"/a/**", "/a/.ssh/id", 0, 0},  {"/a/.ssh/*", "/a/.ssh/id", 0, 1},
        {"/a/*", "/a/.x", 0, 0},        {"/a/?x", "/a/.x", 0, 0},
        {"/a/?", "/a/b", 0, 1},         {"/a/?", "/a/", 0, 0},
        {"/a/\\*", "/a/*", 0, 1},       {"/a/\\*", "/a/b", 0, 0},
        {"/A/b", "/a/B", 0, 0},         {"/A/b", "/a/B", POL_GLOB_CASEFOLD, 1},
        {"/a/*.txt", "/a/x.txt", 0, 1}, {"/a/*.txt", "/a/x.txt/y", 0, 0},
        {"**", "/any/thing", 0, 1},     {"", "", 0, 1},
        {"/a/b", "/a/b", 0, 1},         {"/a/b", "/a/b/", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = pol_glob_match(cases[i].pattern, cases[i].text, cases[i].flags);
        CHECK(got == cases[i].want);
        if (got != cases[i].want)
            fprintf(stderr, "  glob \"%s\" on \"%s\": %d\n", cases[i].pattern, cases[i].text, got);
    }
    /* A pathological pattern gives up (-1) instead of running for ever. */
    char pat[200] = "", text[200] = "";
    for (int i = 0; i < 30; i++)
        strcat(pat, "*a");
    for (int i = 0; i < 60; i++)
        strcat(text, "a");
    strcat(text, "b");
    CHECK(pol_glob_match(pat, text, 0) == -1);
}

static void test_vars(void)
{
    const struct pol_var vars[] = {{"HOME", "/home/u/"}, {"APPDATA", "/d"}, {"EMPTY", ""}};
    char out[64];
    CHECK(pol_expand_vars("$HOME/x", vars, 3, out, sizeof(out)) == 9);
    CHECK_STR(out, "/home/u/x");
    CHECK(pol_expand_vars("${APPDATA}/**", vars, 3, out, sizeof(out)) == 5);
    CHECK_STR(out, "/d/**");
    CHECK(pol_expand_vars("/plain/$HOME", vars, 3, out, sizeof(out)) == 12);
    CHECK_STR(out, "/plain/$HOME");
    CHECK(pol_expand_vars("$NOPE/x", vars, 3, out, sizeof(out)) == -1);
    CHECK(pol_expand_vars("$EMPTY/x", vars, 3, out, sizeof(out)) == -1);
    CHECK(pol_expand_vars("${HOME", vars, 3, out, sizeof(out)) == -1);
    CHECK(pol_expand_vars("$HOME/0123456789012345678901234567890123456789012345678901234567", vars,
                          3, out, sizeof(out)) == -1);
}

int suite_scopes(void)
{
    RUN(test_written_scope);
    RUN(test_string_entries);
    RUN(test_declared_scope);
    RUN(test_scope_permission);
    RUN(test_merge_across_capabilities);
    RUN(test_scope_outlives_policy);
    RUN(test_tauri_file);
    RUN(test_declare_refusals);
    RUN(test_globs);
    RUN(test_vars);
    return TEST_RESULT();
}
