// SPDX-License-Identifier: MIT
/*
 * test_errors.c: every way a policy is refused, with the exact line:column
 * and message. File cases use the fixtures in data/ (the positions were
 * counted in those files); one-line cases find the column with test_col.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_test.h"
#include "test.h"

#define CAP_KEYS                                                                                   \
    "$schema, identifier, description, windows, permissions, webviews, platforms, local, remote"

static struct pol_policy *const untouched = (struct pol_policy *)&untouched;

static void check_error(const struct pol_error *err, const char *file, int line, int col,
                        const char *message)
{
    int before = test_failures;
    char buf[1024];
    CHECK_STR(err->file, file);
    CHECK(err->line == line);
    CHECK(err->column == col);
    CHECK_STR(err->message, message);
    if (test_failures != before)
        fprintf(stderr, "  got %s (wanted %d:%d)\n", pol_error_format(err, buf, sizeof(buf)), line,
                col);
}

static bool same_error(const struct pol_error *e, const char *file, int line, int col,
                       const char *message)
{
    return !strcmp(e->file, file) && e->line == line && e->column == col &&
           !strcmp(e->message, message);
}

/*
 * The error is among errs (a load may find others too: a misspelt key is also
 * a missing one), and the single-error loader's err is errs' first.
 */
static void check_among(const struct pol_errors *errs, const struct pol_error *first,
                        const char *file, int line, int col, const char *message)
{
    bool found = false;
    for (size_t i = 0; i < errs->n && !found; i++)
        found = same_error(&errs->list[i], file, line, col, message);
    CHECK(found);
    CHECK(errs->n > 0 && errs->total == errs->n);
    if (errs->n) {
        check_error(first, errs->list[0].file, errs->list[0].line, errs->list[0].column,
                    errs->list[0].message);
        CHECK(first->more == errs->total - 1);
    }
    if (!found) {
        fprintf(stderr, "  wanted %s:%d:%d: %s among:\n", file, line, col, message);
        pol_errors_print(errs, stderr, "    ", "");
    }
}

/* Loading fixture name fails at line:col with message, leaving *out alone. */
static void file_error(const char *name, int line, int col, const char *message)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = untouched;
    struct pol_error err;
    struct pol_errors errs;
    const char *path = test_fixture(name);
    CHECK(pol_load_file(path, cat, &p, &err) == -1);
    CHECK(pol_load_all(&path, 1, cat, 0, &p, &errs) == -1);
    CHECK(p == untouched);
    check_among(&errs, &err, path, line, col, message);
    pol_errors_free(&errs);
    pol_catalog_free(cat);
}

/* Loading text (single quotes become double) fails at line:col with message. */
static void text_error(const char *sq_text, int line, int col, const char *message)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = untouched;
    struct pol_error err;
    struct pol_errors errs;
    const char *text = test_json(sq_text);
    CHECK(pol_load_string(text, strlen(text), "t.json", cat, &p, &err) == -1);
    CHECK(pol_load_string_all(text, strlen(text), "t.json", cat, 0, &p, &errs) == -1);
    CHECK(p == untouched);
    check_among(&errs, &err, "t.json", line, col, message);
    pol_errors_free(&errs);
    pol_catalog_free(cat);
}

/* A one-line text failing at needle's column. */
static void line_error(const char *sq_text, const char *needle, const char *message)
{
    char text[4096], quoted_needle[256];
    snprintf(text, sizeof(text), "%s", test_json(sq_text));
    snprintf(quoted_needle, sizeof(quoted_needle), "%s", test_json(needle));
    int col = test_col(text, quoted_needle);
    CHECK(col > 0);
    text_error(sq_text, 1, col, message);
}

static void test_json_syntax(void)
{
    file_error("err_syntax.json", 4, 3, "invalid JSON: '}' expected near '\"permissions\"'");
    const char *cut = "{'identifier':'c','windows':['main']";
    text_error(cut, 1, (int)strlen(cut) + 1, "invalid JSON: '}' expected near end of file");
    line_error("['a',]", "]", "invalid JSON: unexpected token near ']'");
    line_error("{'identifier': tru}", "tru", "invalid JSON: invalid token near 'tru'");
    line_error("[1] []", "[]", "invalid JSON: end of file expected near '['");
}

static void test_duplicate_key(void)
{
    file_error("err_duplicate_key.json", 5, 3, "duplicate key \"windows\"");
    line_error("[{'identifier':'c','windows':['main'],'permissions':[{'identifier':'x',"
               "'identifier':'y'}]}]",
               "'identifier':'y'", "duplicate key \"identifier\"");
}

static void test_unknown_key(void)
{
    file_error("err_unknown_key.json", 3, 3,
               "unknown key \"windws\" in capability (did you mean \"windows\"?); expected one "
               "of: " CAP_KEYS);
    line_error("{'identifier':'c','windows':['main'],'permissions':[],'context':'x'}", "'context'",
               "unknown key \"context\" in capability; expected one of: " CAP_KEYS);
    line_error(
        "{'capabilities':[],'capabilties':[]}", "'capabilties'",
        "unknown key \"capabilties\" in policy (did you mean \"capabilities\"?); expected one "
        "of: $schema, capabilities");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'identifier':'allow-log',"
               "'scope':1}]}",
               "'scope'",
               "unknown key \"scope\" in permission; expected one of: identifier, allow, deny");
    /* Control characters in a key are escaped, so the message stays one line. */
    line_error("{'identifier':'c','windows':['main'],'permissions':[],'a\\nb':1}", "'a\\nb'",
               "unknown key \"a\\nb\" in capability; expected one of: " CAP_KEYS);
}

static void test_wrong_type(void)
{
    file_error("err_wrong_type.json", 3, 14, "\"windows\" must be an array of strings");
    line_error("{'identifier':'c','windows':['main',7],'permissions':[]}", "7]",
               "\"windows\" must be an array of strings");
    line_error("{'identifier':7,'windows':['main'],'permissions':[]}", "7,",
               "\"identifier\" must be a string");
    line_error("{'identifier':'c','description':null,'windows':['main'],'permissions':[]}", "null",
               "\"description\" must be a string");
    line_error("{'$schema':{},'identifier':'c','windows':['main'],'permissions':[]}", "{},",
               "\"$schema\" must be a string");
    line_error("{'identifier':'c','windows':['main'],'permissions':'allow-log'}", "'allow-log'",
               "\"permissions\" must be an array of permission identifiers");
    line_error("{'identifier':'c','windows':['main'],'permissions':['allow-log',false]}", "false",
               "each permission must be an identifier string or an object {\"identifier\": ...}");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'identifier':['x']}]}",
               "['x']", "\"identifier\" must be a string");
    line_error("{'capabilities':{}}", "{}}",
               "\"capabilities\" must be an array of capability objects");
    line_error("[{'identifier':'c','windows':['main'],'permissions':[]}, 'x']", "'x'",
               "each capability must be an object");
    line_error("  'main'", "'main'",
               "a policy must be a capability object, an array of capability objects, or "
               "{\"capabilities\": [...]}");
}

static void test_unknown_permission(void)
{
    file_error("err_unknown_permission.json", 6, 5,
               "unknown permission \"app:allow-versoin\" (did you mean \"app:allow-version\"?)");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'identifier':'alow-greet'}]}",
               "'alow-greet'", "unknown permission \"alow-greet\" (did you mean \"allow-greet\"?)");
    line_error("{'identifier':'c','windows':['main'],'permissions':['zzzzzzzz']}", "'zzzzzzzz'",
               "unknown permission \"zzzzzzzz\"");
    line_error("{'identifier':'c','windows':['main'],'permissions':['']}", "''",
               "permission identifier must not be empty");
    /* A set whose member is unknown fails where the set is used. */
    line_error("{'identifier':'c','windows':['main'],'permissions':['x:broken']}", "'x:broken'",
               "permission set \"x:broken\" includes unknown permission \"app:allow-nope\"");
}

static void test_missing_key(void)
{
    file_error("err_missing_key.json", 2, 3,
               "capability \"main-cap\" is missing required key \"permissions\"");
    line_error("[{'windows':['main'],'permissions':[]}]", "{'w",
               "capability is missing required key \"identifier\"");
    line_error("{'identifier':'c','permissions':[]}", "{",
               "capability \"c\" is missing required key \"windows\"");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{}]}", "{}",
               "permission is missing required key \"identifier\"");
}

static void test_bad_values(void)
{
    file_error("err_empty_windows.json", 3, 14, "\"windows\" must list at least one window label");
    line_error("{'identifier':'c','windows':['main',''],'permissions':[]}", "'']",
               "a window label pattern must not be empty");
    line_error("{'identifier':'','windows':['main'],'permissions':[]}", "'',",
               "capability identifier must not be empty");
    line_error("{'identifier':'main cap','windows':['main'],'permissions':[]}", "'main cap'",
               "capability identifier \"main cap\" may contain only ASCII letters, digits and "
               "'-', '_', ':', '.'");
}

static void test_duplicate_capability(void)
{
    file_error("err_duplicate_capability.json", 4, 21,
               "duplicate capability identifier \"main-cap\" (first at line 3, column 21)");
}

/* Scope entries and Tauri's capability keys are checked for shape. */
static void test_scope_and_tauri_shapes(void)
{
    file_error("err_scope.json", 5, 58,
               "a scope entry must be a JSON object such as {\"path\": \"...\"}");
    /* A plain string is short for an object only where Tauri's plugin takes one: fs, http. */
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'identifier':"
               "'opener:allow-open-url','allow':['https://*']}]}",
               "'https://*'",
               "a scope entry must be a JSON object such as {\"path\": \"...\"} (a plain string "
               "is short for one with fs: and http: permissions only)");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'allow':['$HOME/**'],"
               "'identifier':'allow-log'}]}",
               "'$HOME/**'",
               "a scope entry must be a JSON object such as {\"path\": \"...\"} (a plain string "
               "is short for one with fs: and http: permissions only)");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'deny':{},"
               "'identifier':'allow-log'}]}",
               "{},", "\"deny\" must be an array of scope entries");
    line_error("{'identifier':'c','windows':['main'],'permissions':[{'identifier':'allow-log',"
               "'allow':[{'a':[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}]}]}",
               "{'a'", "a scope entry may nest at most 16 levels");
    line_error(
        "{'identifier':'c','windows':['main'],'permissions':[],'platforms':['linux','macos']}",
        "'macos'", "unknown platform \"macos\" (did you mean \"macOS\"?)");
    line_error("{'identifier':'c','windows':['main'],'permissions':[],'platforms':'linux'}",
               "'linux'", "\"platforms\" must be an array of strings");
    line_error("{'identifier':'c','windows':['main'],'permissions':[],'local':'yes'}", "'yes'",
               "\"local\" must be true or false");
    line_error("{'identifier':'c','windows':['main'],'permissions':[],'remote':{'url':[]}}",
               "{'url'", "\"remote\" must be {\"urls\": [...]}");
    line_error("{'identifier':'c','webviews':[],'permissions':[]}", "[]",
               "\"webviews\" must list at least one window label");
    line_error("{'identifier':'c','webviews':['a',3],'permissions':[]}", "3]",
               "\"webviews\" must be an array of strings");
    /* A permission naming a command the catalog lacks fails where it is used. */
    line_error("{'identifier':'c','windows':['main'],'permissions':['x:ghost']}", "'x:ghost'",
               "permission \"x:ghost\" names unknown command \"x:nothing\"");
}

static void test_set_cycle(void)
{
    file_error("err_set_cycle.json", 4, 34,
               "permission set \"x:loop\" includes itself: x:loop -> x:inner -> x:loop");
    /* Entering the loop elsewhere names the loop from there. */
    line_error("{'identifier':'c','windows':['main'],'permissions':['x:inner']}", "'x:inner'",
               "permission set \"x:inner\" includes itself: x:inner -> x:loop -> x:inner");
}

static void test_bad_bytes(void)
{
    file_error("err_empty.json", 0, 0, "policy is empty (expected a JSON capability file)");
    text_error(" \n\t\r\n", 0, 0, "policy is empty (expected a JSON capability file)");
    text_error("", 0, 0, "policy is empty (expected a JSON capability file)");
    /* Columns count characters: the two-byte é is one column. */
    text_error("[\n 'caf\xC3\xA9', '\xFF']", 2, 11, "policy is not valid UTF-8 (byte 0xff)");
    text_error("['\xC0\xAF']", 1, 3, "policy is not valid UTF-8 (byte 0xc0)");     /* overlong */
    text_error("['\xED\xA0\x80']", 1, 3, "policy is not valid UTF-8 (byte 0xed)"); /* surrogate */
    struct pol_policy *p = untouched;
    struct pol_error err;
    CHECK(pol_load_string("[1,\0 2]", 7, "nul.json", NULL, &p, &err) == -1);
    check_error(&err, "nul.json", 1, 4, "policy contains a NUL byte");
    CHECK(p == untouched);
}

static void test_unreadable_files(void)
{
    struct pol_policy *p = untouched;
    struct pol_error err;
    char message[512];
    const char *path = test_fixture("no-such-file.json");
    CHECK(pol_load_file(path, NULL, &p, &err) == -1);
    snprintf(message, sizeof(message), "cannot open policy: %s", strerror(ENOENT));
    check_error(&err, path, 0, 0, message);
    /* A folder is a capabilities folder: one with no *.json file is an error. */
    char empty[] = "/tmp/moat-policy-empty-XXXXXX";
    CHECK(mkdtemp(empty) != NULL);
    path = empty;
    CHECK(pol_load_file(path, NULL, &p, &err) == -1);
    check_error(&err, path, 0, 0, "no capability files (*.json) in this folder");
    CHECK(p == untouched);
    /* err may be NULL: the failure is still reported by the return value. */
    CHECK(pol_load_file(path, NULL, &p, NULL) == -1);
    CHECK(pol_load_string("{", 1, NULL, NULL, &p, NULL) == -1);
    CHECK(p == untouched);
    rmdir(empty);
}

static void test_error_format(void)
{
    struct pol_error e = {.file = "caps/main.json", .line = 3, .column = 7};
    char buf[256];
    snprintf(e.message, sizeof(e.message), "unknown permission \"x\"");
    CHECK_STR(pol_error_format(&e, buf, sizeof(buf)),
              "caps/main.json:3:7: unknown permission \"x\"");
    e.line = e.column = 0;
    snprintf(e.message, sizeof(e.message), "policy is empty");
    CHECK_STR(pol_error_format(&e, buf, sizeof(buf)), "caps/main.json: policy is empty");
    char small[10];
    CHECK(pol_error_format(&e, small, sizeof(small)) == small);
    CHECK_STR(small, "caps/main");
    /* A real error, formatted. */
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = NULL;
    const char *text = "{\n  \"identifier\": \"c\",\n  \"windows\": [\"main\"],\n  "
                       "\"permissions\": [\"allow-lgo\"]\n}\n";
    CHECK(pol_load_string(text, strlen(text), "caps/main.json", cat, &p, &e) == -1);
    CHECK_STR(
        pol_error_format(&e, buf, sizeof(buf)),
        "caps/main.json:4:19: unknown permission \"allow-lgo\" (did you mean \"allow-log\"?)");
    pol_catalog_free(cat);
}

/* errs holds exactly these, in this order. */
struct want {
    const char *file; /* NULL: the fixture path given to expect_errors */
    int line, col;
    const char *message;
};

static void expect_errors(const struct pol_errors *errs, const char *file, const struct want *w,
                          size_t n)
{
    int before = test_failures;
    CHECK(errs->n == n);
    CHECK(errs->total == n);
    for (size_t i = 0; i < n && i < errs->n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", file, w[i].file ? w[i].file : "");
        CHECK(same_error(&errs->list[i], path, w[i].line, w[i].col, w[i].message));
    }
    if (test_failures != before) {
        fprintf(stderr, "  got:\n");
        pol_errors_print(errs, stderr, "    ", "");
    }
}

#define UNKNOWN_VAR                                                                                \
    "unknown variable \"$APPDTA\" in scope path; expected one of $APPCONFIG, $APPDATA, "           \
    "$APPLOCALDATA, $APPCACHE, $APPLOG, $AUDIO, $CACHE, $CONFIG, $DATA, $LOCALDATA, $DESKTOP, "    \
    "$DOCUMENT, $DOWNLOAD, $EXE, $FONT, $HOME, $PICTURE, $PUBLIC, $RUNTIME, $TEMPLATE, $VIDEO, "   \
    "$RESOURCE, $TEMP, $BUNDLE"

/* One file with five mistakes of different kinds: each is reported, at its place, in order. */
static void test_every_error_of_a_file(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = untouched;
    struct pol_errors errs;
    const char *path = test_fixture("err_many.json");
    CHECK(pol_load_all(&path, 1, cat, 0, &p, &errs) == -1);
    CHECK(p == untouched); /* all or nothing: the good permissions are not applied either */
    const struct want w[] = {
        {NULL, 4, 3,
         "unknown key \"descripton\" in capability (did you mean \"description\"?); expected one "
         "of: " CAP_KEYS},
        {NULL, 6, 5,
         "unknown permission \"app:allow-versoin\" (did you mean \"app:allow-version\"?)"},
        {NULL, 8, 58, UNKNOWN_VAR},
        {NULL, 9, 5,
         "each permission must be an identifier string or an object {\"identifier\": ...}"},
        {NULL, 11, 12, "\"local\" must be true or false"},
    };
    expect_errors(&errs, path, w, sizeof w / sizeof w[0]);
    pol_errors_free(&errs);
    /* The single-error loader gives the first, and how many more there are. */
    struct pol_error first;
    char buf[1024];
    CHECK(pol_load_file(path, cat, &p, &first) == -1);
    CHECK(p == untouched);
    CHECK(first.more == 4);
    CHECK_CONTAINS(pol_error_format(&first, buf, sizeof buf), ":4:3: unknown key \"descripton\"");
    CHECK_CONTAINS(buf, "(and 4 more errors)");
    pol_catalog_free(cat);
}

/* A capabilities folder: each file's errors under its own name, the files in order. */
static void test_errors_across_files(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = untouched;
    struct pol_errors errs;
    char dir[4096], dup[4200];
    snprintf(dir, sizeof dir, "%s", test_fixture("folder_errors"));
    snprintf(dup, sizeof dup, "duplicate capability identifier \"first\" (first in %s/a.json)",
             dir);
    const char *path = dir;
    CHECK(pol_load_all(&path, 1, cat, 0, &p, &errs) == -1);
    CHECK(p == untouched);
    const struct want w[] = {
        {"/a.json", 4, 19, "unknown permission \"allow-lgo\" (did you mean \"allow-log\"?)"},
        {"/b.json", 4, 17, "\"windows\" must be an array of strings"},
        {"/b.json", 8, 19, dup},
    };
    expect_errors(&errs, dir, w, 3);
    pol_errors_free(&errs);
    /* Several paths: a good file given first does not make the bad one's policy apply. */
    const char *two[] = {test_fixture("single.json"), NULL};
    char bad[4200];
    snprintf(bad, sizeof bad, "%s/a.json", dir);
    two[1] = bad;
    CHECK(pol_load_all(two, 2, cat, 0, &p, &errs) == -1);
    CHECK(p == untouched);
    CHECK(errs.n == 1 && errs.n && !strcmp(errs.list[0].file, bad));
    pol_errors_free(&errs);
    pol_catalog_free(cat);
}

/* A hundred errors are kept; the rest are counted and said in one line. */
static void test_error_cap(void)
{
    char text[1024] = "[";
    for (int i = 0; i < 150; i++)
        strcat(text, i ? ",7" : "7");
    strcat(text, "]");
    struct pol_policy *p = untouched;
    struct pol_errors errs;
    CHECK(pol_load_string_all(text, strlen(text), "many.json", NULL, 0, &p, &errs) == -1);
    CHECK(p == untouched);
    CHECK(errs.n == POL_ERRORS_MAX);
    CHECK(errs.total == 150);
    CHECK(errs.n && errs.list[99].column == 2 + 2 * 99);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f != NULL);
    if (f) {
        pol_errors_print(&errs, f, "moat: ", "error: ");
        fclose(f);
        CHECK_CONTAINS(out, "moat: many.json:1:2: error: each capability must be an object\n");
        CHECK_CONTAINS(out, "moat: many.json:1:200: error: each capability must be an object\n"
                            "moat: \u2026 and 50 more errors\n");
        int lines = 0;
        for (const char *c = out; *c; c++)
            lines += *c == '\n';
        CHECK(lines == 101);
    }
    free(out);
    pol_errors_free(&errs);
}

#define UNSHIPPED(id)                                                                              \
    "permission \"" id "\" is of a plugin Moat does not ship, so it grants nothing (an error "     \
    "with --strict)"

/*
 * Identifiers of plugins Moat does not ship: one warning at the first (here in
 * the folder's second file), or with POL_LOAD_STRICT an error at each.
 */
static void test_strict_unshipped(void)
{
    struct pol_catalog *cat = test_catalog();
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    char dir[4096], b[4200];
    snprintf(dir, sizeof dir, "%s", test_fixture("strict"));
    snprintf(b, sizeof b, "%s/b.json", dir);
    const char *path = dir;
    CHECK(pol_load_all(&path, 1, cat, 0, &p, &errs) == 0);
    CHECK(errs.n == 0 && errs.total == 0);
    int line = 0, col = 0;
    const char *warning = pol_unshipped(p, &line, &col);
    CHECK(warning != NULL);
    CHECK_STR(pol_unshipped_file(p), b);
    CHECK(line == 4 && col == 32);
    CHECK_CONTAINS(warning ? warning : "", "\"sql:allow-execute\" (b.json, line 4), "
                                           "\"sql:default\" (c.json, line 5)");
    pol_free(p);
    pol_errors_free(&errs);
    struct pol_policy *q = untouched;
    CHECK(pol_load_all(&path, 1, cat, POL_LOAD_STRICT, &q, &errs) == -1);
    CHECK(q == untouched);
    const struct want w[] = {
        {"/b.json", 4, 32, UNSHIPPED("sql:allow-execute")},
        {"/c.json", 5, 5, UNSHIPPED("sql:default")},
    };
    expect_errors(&errs, dir, w, 2);
    pol_errors_free(&errs);
    pol_catalog_free(cat);
}

int suite_errors(void)
{
    RUN(test_json_syntax);
    RUN(test_duplicate_key);
    RUN(test_unknown_key);
    RUN(test_wrong_type);
    RUN(test_unknown_permission);
    RUN(test_missing_key);
    RUN(test_bad_values);
    RUN(test_duplicate_capability);
    RUN(test_scope_and_tauri_shapes);
    RUN(test_set_cycle);
    RUN(test_bad_bytes);
    RUN(test_unreadable_files);
    RUN(test_error_format);
    RUN(test_every_error_of_a_file);
    RUN(test_errors_across_files);
    RUN(test_error_cap);
    RUN(test_strict_unshipped);
    return TEST_RESULT();
}
