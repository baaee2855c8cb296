// SPDX-License-Identifier: MIT
/*
 * fuzz_policy.c: libFuzzer target for the policy loader. Any bytes must
 * either load or fail with errors, never crash, leak or hang; what loads
 * is also put through a view, checks, the linter and explain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static struct pol_catalog *catalog(void)
{
    static const char *const cmds[] = {"app:version",  "app:name",      "log",
                                       "fs:read_file", "fs:write_file", "a:b:c_d"};
    static const char *const def[] = {"app:allow-version", "app:allow-name"};
    static const char *const loop[] = {"x:loop"};
    static const char *const reads[] = {"fs:read_file"};
    static const char *const scope[] = {"{\"path\": \"$APPDATA/**\"}"};
    struct pol_catalog *cat = pol_catalog_new();
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        pol_catalog_add_command(cat, cmds[i]);
    pol_catalog_add_set(cat, "app:default", NULL, def, 2);
    pol_catalog_add_set(cat, "x:loop", NULL, loop, 1);
    struct pol_permission_def d = {.id = "fs:allow-appdata",
                                   .allow = reads,
                                   .n_allow = 1,
                                   .scope_allow = scope,
                                   .n_scope_allow = 1};
    pol_catalog_add_permission(cat, &d, NULL, 0);
    struct pol_permission_def s = {
        .id = "fs:scope-appdata", .scope_allow = scope, .n_scope_allow = 1};
    pol_catalog_add_permission(cat, &s, NULL, 0);
    return cat;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pol_catalog *cat;
    if (!cat) cat = catalog();
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    /* Every error is collected, so a bad tree is still compiled: both halves see bad input. */
    unsigned flags = size % 2 ? POL_LOAD_STRICT : 0;
    int rc = pol_load_string_all((const char *)data, size, "fuzz.json", cat, flags, &p, &errs);
    char line[1024];
    for (size_t i = 0; i < errs.n; i++)
        pol_error_format(&errs.list[i], line, sizeof line);
    pol_errors_free(&errs);
    if (rc != 0) return 0;
    static const char *const labels[] = {"main", "worker-1", ""};
    static const char *const cmds[] = {"app:version", "log", "fs:read_file", "nope"};
    const struct pol_var vars[] = {{"APPDATA", "/d"}, {"HOME", "/h"}};
    for (size_t l = 0; l < 3; l++) {
        struct pol_view *v = pol_view_new(p, labels[l]);
        for (size_t c = 0; v && c < 4; c++) {
            struct pol_reason why;
            pol_check(v, cmds[c], &why);
            struct pol_explanation e;
            pol_explain(v, cmds[c], "{\"path\": \"/d/x/.y\"}", vars, 2, &e);
        }
        pol_view_free(v);
    }
    struct pol_diag *d = NULL;
    if (pol_lint(p, labels, 3, &d) >= 0) free(d);
    pol_free(p);
    return 0;
}
