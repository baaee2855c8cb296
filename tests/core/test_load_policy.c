// SPDX-License-Identifier: MIT
/*
 * test_load_policy.c: what an embedder sees when moat_app_load_policies
 * fails: every error of every file in moat_errmsg(), one per line at
 * file:line:column, as `moat run` prints them, and a cut list that says how
 * many it left out.
 */
#include "moat.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/moat-load-policy-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* How many lines moat_errmsg() has. */
static int count_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A folder of three broken files (a syntax error, an unknown permission, a wrong type) and one good
 * one. */
static void test_every_error(void)
{
    write_file("a.json", "{\n  \"identifier\": \"a\",\n  \"windows\": [\"main\"]\n"
                         "  \"permissions\": []\n}\n");
    write_file("b.json", "{\"identifier\": \"b\", \"windows\": [\"main\"],\n"
                         " \"permissions\": [\"core:default\",\n   \"core:allow-nosuch\"]}\n");
    write_file("c.json", "{\"identifier\": \"c\",\n\"windows\": 7, \"permissions\": []}\n");
    write_file("d.json", "{\"identifier\": \"d\", \"windows\": [\"main\"], \"permissions\": []}\n");
    moat_app *app = moat_app_new("load-policy");
    const char *paths[] = {dir};
    CHECK(moat_app_load_policies(app, paths, 1) == -1);
    const char *msg = moat_errmsg();
    char want[512];
    snprintf(want, sizeof want, "%s/a.json:4:3: ", dir);
    CHECK_CONTAINS(msg, want);
    snprintf(want, sizeof want, "\n%s/b.json:3:4: ", dir);
    CHECK_CONTAINS(msg, want);
    CHECK_CONTAINS(msg, "core:allow-nosuch");
    snprintf(want, sizeof want, "\n%s/c.json:2:12: ", dir);
    CHECK_CONTAINS(msg, want);
    CHECK(strstr(msg, "d.json") == NULL);
    CHECK(count_lines(msg) == 3);
    CHECK(msg[strlen(msg) - 1] != '\n');
    CHECK(strstr(msg, "more error") == NULL);
    /* The same folder through moat_app_load_policy, and a file alone: one line. */
    CHECK(moat_app_load_policy(app, dir) == -1 && count_lines(moat_errmsg()) == 3);
    snprintf(want, sizeof want, "%s/c.json", dir);
    CHECK(moat_app_load_policy(app, want) == -1 && count_lines(moat_errmsg()) == 1);
    CHECK_CONTAINS(moat_errmsg(), "c.json:2:12: ");
    moat_app_free(app);
    remove_file("a.json"), remove_file("b.json"), remove_file("c.json"), remove_file("d.json");
}

/* Three hundred unknown permissions, one per line: more than 8 KiB of errors. */
static void test_cut_list(void)
{
    enum { N = 300 };
    static char text[N * 32 + 128];
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "{\"identifier\": \"many\", \"windows\": [\"main\"],\n"
                                   "\"permissions\": [\n");
    for (int i = 0; i < N; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "  \"core:allow-nosuch%d\"%s\n",
                                 i, i + 1 < N ? "," : "");
    snprintf(text + used, sizeof text - used, "]}\n");
    write_file("many.json", text);
    char path[256];
    snprintf(path, sizeof path, "%s/many.json", dir);
    moat_app *app = moat_app_new("load-policy");
    CHECK(moat_app_load_policy(app, path) == -1);
    const char *msg = moat_errmsg();
    CHECK(strlen(msg) < 8192);
    int lines = count_lines(msg);
    CHECK(lines > 10);
    /* Each line shown is its own error, in order: line i at line i + 3 of the file. */
    const char *at = msg;
    for (int i = 0; i < lines - 1 && at; i++) {
        char want[300];
        int len = snprintf(want, sizeof want, "%s:%d:3: ", path, i + 3);
        CHECK(strncmp(at, want, (size_t)len) == 0);
        snprintf(want, sizeof want, "core:allow-nosuch%d\"", i);
        const char *end = strchr(at, '\n');
        CHECK(end && strstr(at, want) && strstr(at, want) < end);
        at = end ? end + 1 : NULL;
    }
    /* The last line counts exactly the ones not shown. */
    char tail[64];
    snprintf(tail, sizeof tail, "\u2026 and %d more errors", N - (lines - 1));
    CHECK(at && strcmp(at, tail) == 0);
    moat_app_free(app);
    remove_file("many.json");
}

int main(void)
{
    if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
    RUN(test_every_error);
    RUN(test_cut_list);
    rmdir(dir);
    return TEST_RESULT();
}
