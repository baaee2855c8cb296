// SPDX-License-Identifier: MIT
/* helpers.c: the suite's shared catalog and loaders; see policy_test.h. */
#include "policy_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MOAT_POLICY_TEST_DATA
#define MOAT_POLICY_TEST_DATA "tests/policy/data"
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int add_sets(struct pol_catalog *cat)
{
    static const char *const def[] = {"app:allow-version", "app:allow-name"};
    static const char *const all[] = {"app:default", "allow-greet"};
    static const char *const quiet[] = {"app:default", "deny-log"};
    static const char *const loop[] = {"x:inner"};
    static const char *const inner[] = {"app:allow-name", "x:loop"};
    static const char *const broken[] = {"app:allow-nope"};
    return pol_catalog_add_set(cat, "app:all", "everything of app", all, COUNT(all)) |
           pol_catalog_add_set(cat, "app:default", "app basics", def, COUNT(def)) |
           pol_catalog_add_set(cat, "app:quiet", NULL, quiet, COUNT(quiet)) |
           pol_catalog_add_set(cat, "x:loop", NULL, loop, COUNT(loop)) |
           pol_catalog_add_set(cat, "x:inner", NULL, inner, COUNT(inner)) |
           pol_catalog_add_set(cat, "x:broken", NULL, broken, COUNT(broken));
}

/* Permissions with scopes, as a command provider declares them. */
static int add_scoped(struct pol_catalog *cat)
{
    static const char *const reads[] = {"fs:read_text_file", "fs:read_file"};
    static const char *const appdata[] = {"{\"path\": \"$APPDATA/**\"}"};
    static const char *const secret[] = {"{\"path\": \"$APPDATA/secret/**\"}"};
    static const char *const temp[] = {"{\"path\": \"$TEMP/**\"}"};
    static const char *const ghost[] = {"x:nothing"};
    static const struct pol_permission_def defs[] = {
        {.id = "fs:allow-appdata-read",
         .description = "read files in $APPDATA",
         .allow = reads,
         .n_allow = 2,
         .scope_allow = appdata,
         .n_scope_allow = 1,
         .scope_deny = secret,
         .n_scope_deny = 1},
        {.id = "fs:scope-temp", .scope_allow = temp, .n_scope_allow = 1},
        {.id = "x:ghost", .allow = ghost, .n_allow = 1},
    };
    for (size_t i = 0; i < COUNT(defs); i++)
        if (pol_catalog_add_permission(cat, &defs[i], NULL, 0) != 0) return -1;
    return 0;
}

struct pol_catalog *test_catalog(void)
{
    static const char *const commands[] = {"app:version",  "app:name",          "log",
                                           "greet",        "fs:read_text_file", "a:b:c_d",
                                           "fs:read_file", "fs:write_file"};
    struct pol_catalog *cat = pol_catalog_new();
    if (!cat) abort();
    for (size_t i = 0; i < COUNT(commands); i++)
        if (pol_catalog_add_command(cat, commands[i]) != 0) abort();
    if (add_sets(cat) != 0 || add_scoped(cat) != 0) abort();
    return cat;
}

const char *test_fixture(const char *name)
{
    static char path[4096];
    const char *src = getenv("MOAT_SOURCE_DIR");
    if (src && *src)
        snprintf(path, sizeof(path), "%s/tests/policy/data/%s", src, name);
    else
        snprintf(path, sizeof(path), "%s/%s", MOAT_POLICY_TEST_DATA, name);
    return path;
}

static struct pol_policy *report(int rc, struct pol_policy *p, const struct pol_error *err)
{
    char buf[1024];
    if (rc == 0) return p;
    fprintf(stderr, "unexpected load error: %s\n", pol_error_format(err, buf, sizeof(buf)));
    return NULL;
}

struct pol_policy *test_load(const struct pol_catalog *cat, const char *text)
{
    struct pol_policy *p = NULL;
    struct pol_error err;
    int rc = pol_load_string(text, strlen(text), "test.json", cat, &p, &err);
    return report(rc, p, &err);
}

struct pol_policy *test_load_fixture(const struct pol_catalog *cat, const char *name)
{
    struct pol_policy *p = NULL;
    struct pol_error err;
    int rc = pol_load_file(test_fixture(name), cat, &p, &err);
    return report(rc, p, &err);
}

int test_col(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    return hit ? (int)(hit - text) + 1 : 0;
}

const char *test_json(const char *s)
{
    static char buf[8192];
    size_t n = strlen(s);
    if (n >= sizeof(buf)) abort();
    for (size_t i = 0; i <= n; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    return buf;
}
