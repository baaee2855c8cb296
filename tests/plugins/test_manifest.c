// SPDX-License-Identifier: MIT
/*
 * test_manifest.c: plugins declare their permissions through moat_app_manifest
 * (text or a file), and a policy then decides with them, as it does for the
 * manifests Moat ships (Tauri's core:* sets, core:default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moat.h"
#include "policy.h"
#include "scope.h"
#include "test.h"

static const char *manifest =
    "{\"plugin\": \"notes\", \"commands\": [\"save\", \"load\", \"wipe\"],\n"
    " \"permission\": [{\"identifier\": \"allow-own\", \"description\": \"Save and load own "
    "notes\",\n"
    "   \"commands\": {\"allow\": [\"save\", \"load\"]}, \"scope\": {\"allow\": [{\"path\": "
    "\"$APPDATA/n/**\"}]}}],\n"
    " \"set\": [{\"identifier\": \"all\", \"permissions\": [\"allow-own\", \"allow-wipe\"]}],\n"
    " \"default\": {\"permissions\": [\"allow-load\", \"core:app:allow-version\"]}}";

/* pol_check for label "main" under policy text (one capability for "main"). */
static enum pol_decision decide(moat_app *app, const char *perms, const char *cmd, size_t *n_scope)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"identifier\": \"c\", \"windows\": [\"main\"], \"permissions\": [%s]}", perms);
    struct pol_policy *p = NULL;
    struct pol_error e;
    if (pol_load_string(text, strlen(text), "t.json", core_app_catalog(app), &p, &e) != 0) {
        char line[1024];
        fprintf(stderr, "policy: %s\n", pol_error_format(&e, line, sizeof line));
        return (enum pol_decision) - 1;
    }
    struct pol_view *v = pol_view_new(p, "main");
    struct pol_reason why;
    enum pol_decision d = pol_check(v, cmd, &why);
    if (n_scope) *n_scope = why.scope ? why.scope->n_allow : 0;
    pol_view_free(v);
    pol_free(p);
    return d;
}

static void test_text_manifest(void)
{
    moat_app *app = moat_app_new("t");
    CHECK(moat_app_manifest(app, manifest) == 0);
    size_t n = 0;
    CHECK(decide(app, "\"notes:default\"", "notes:load", NULL) == POL_ALLOW);
    CHECK(decide(app, "\"notes:default\"", "notes:save", NULL) == POL_DENY);
    CHECK(decide(app, "\"notes:default\"", "core:app:version", NULL) == POL_ALLOW);
    CHECK(decide(app, "\"notes:allow-own\"", "notes:save", &n) == POL_ALLOW && n == 1);
    CHECK(decide(app, "\"notes:all\"", "notes:wipe", NULL) == POL_ALLOW);
    CHECK(decide(app, "\"notes:all\", \"notes:deny-wipe\"", "notes:wipe", NULL) == POL_DENY);
    /* The same plugin twice: its permissions are taken. */
    CHECK(moat_app_manifest(app, manifest) == -1);
    CHECK_CONTAINS(moat_errmsg(), "notes:allow-own");
    moat_app_free(app);
}

static void test_file_manifest_and_errors(void)
{
    char path[] = "/tmp/moat-manifest-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, manifest, strlen(manifest)) == (ssize_t)strlen(manifest));
    close(fd);
    moat_app *app = moat_app_new("t");
    CHECK(moat_app_manifest(app, path) == 0);
    CHECK(decide(app, "\"notes:allow-save\"", "notes:save", NULL) == POL_ALLOW);
    unlink(path);
    CHECK(moat_app_manifest(app, path) == -1);
    CHECK_CONTAINS(moat_errmsg(), "cannot open manifest");
    CHECK(moat_app_manifest(app, "{\"plugin\": \"x\", \"comands\": []}") == -1);
    CHECK_CONTAINS(moat_errmsg(), "unknown key \"comands\"");
    CHECK(moat_app_manifest(app, "{\"plugin\": \"y\", \"permission\": [{\"identifier\": \"p\", "
                                 "\"scope\": {\"allow\": [\"not an object\"]}}]}") == -1);
    CHECK_CONTAINS(moat_errmsg(), "scope.allow[0] must be a JSON object");
    CHECK(moat_app_manifest(app, "{\"plugin\": 1}") == -1);
    CHECK(moat_app_manifest(app, "{\"plugin\": \"z\",") == -1);
    CHECK_CONTAINS(moat_errmsg(), "invalid JSON");
    moat_app_free(app);
}

/* core:default is every core:*:default, as Tauri's build makes it. */
static void test_core_default(void)
{
    moat_app *app = moat_app_new("t");
    static const char *const granted[] = {"core:path:join",        "core:path:resolve_directory",
                                          "core:event:emit_to",    "core:app:tauri_version",
                                          "core:window:title",     "core:webview:webview_size",
                                          "core:image:from_bytes", "core:resources:close",
                                          "core:menu:popup",       "core:tray:set_icon",
                                          "app:version",           "log"};
    static const char *const refused[] = {"core:window:set_title", "core:app:app_hide",
                                          "core:webview:print", "core:window:create",
                                          "fs:read_file"};
    for (size_t i = 0; i < sizeof granted / sizeof *granted; i++)
        CHECK(decide(app, "\"core:default\"", granted[i], NULL) == POL_ALLOW);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK(decide(app, "\"core:default\"", refused[i], NULL) == POL_DENY);
    CHECK(decide(app, "\"core:window:allow-set-title\"", "core:window:set_title", NULL) ==
          POL_ALLOW);
    moat_app_free(app);
}

/* plugin-fs's identifiers with Tauri's meaning: sets of a command permission and a scope. */
static void test_fs_identifiers(void)
{
    moat_app *app = moat_app_new("t");
    size_t n = 0;
    CHECK(decide(app, "\"fs:allow-appconfig-read\"", "fs:read_file", &n) == POL_ALLOW && n == 2);
    CHECK(decide(app, "\"fs:allow-appconfig-read\"", "fs:write_file", NULL) == POL_DENY);
    CHECK(decide(app, "\"fs:allow-document-write-recursive\"", "fs:rename", &n) == POL_ALLOW &&
          n == 2);
    CHECK(decide(app, "\"fs:allow-app-read-recursive\"", "fs:exists", &n) == POL_ALLOW && n == 10);
    CHECK(decide(app, "\"fs:read-all\"", "fs:watch", NULL) == POL_ALLOW);
    CHECK(decide(app, "\"fs:read-meta\"", "fs:read_file", NULL) == POL_DENY);
    /* fs:default: mkdir of the app's folders and reading them; nothing written. */
    /* scope-app-index and scope-app-recursive, identical entries once: 10 */
    CHECK(decide(app, "\"fs:default\"", "fs:mkdir", &n) == POL_ALLOW && n == 10);
    CHECK(decide(app, "\"fs:default\"", "fs:read_text_file", NULL) == POL_ALLOW);
    CHECK(decide(app, "\"fs:default\"", "fs:write_text_file", NULL) == POL_DENY);
    CHECK(decide(app, "\"fs:allow-log-read\"", "fs:read_dir", NULL) == POL_ALLOW);
    moat_app_free(app);
}

int main(void)
{
    RUN(test_fs_identifiers);
    RUN(test_text_manifest);
    RUN(test_file_manifest_and_errors);
    RUN(test_core_default);
    return TEST_RESULT();
}
