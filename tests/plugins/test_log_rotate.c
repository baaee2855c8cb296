// SPDX-License-Identifier: MIT
/*
 * test_log_rotate.c: plugin-log's rotation of $APPLOG/<name>.log, as Tauri's
 * RotationStrategy does it: past max_file_size, keep one removes the file,
 * keep all renames it <name>_YYYY-MM-DD_HH-MM-SS.log (an older one of the
 * same second becomes .bak). The e2e test (test_log.sh) covers keep one
 * through moat run; this covers keep all and the edges.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "moat_plugins.h"
#include "test.h"

int plugin_log_rotate(const char *dir, const char *name, int rotation, uint64_t max, size_t adding);

static char dir[64];

static void put(const char *name, size_t n)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    for (size_t i = 0; i < n; i++)
        fputc('x', f);
    fclose(f);
}

/* Files in dir: their count; names matching prefix and suffix counted in *matching. */
static int count(const char *prefix, const char *suffix, int *matching)
{
    DIR *d = opendir(dir);
    int n = 0;
    *matching = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        n++;
        size_t l = strlen(e->d_name), ls = strlen(suffix);
        if (!strncmp(e->d_name, prefix, strlen(prefix)) && l > ls &&
            !strcmp(e->d_name + l - ls, suffix))
            ++*matching;
    }
    closedir(d);
    return n;
}

static void clean(void)
{
    DIR *d = opendir(dir);
    char p[400];
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') snprintf(p, sizeof p, "%s/%s", dir, e->d_name), unlink(p);
    closedir(d);
}

static void test_under_the_limit_stays(void)
{
    int m;
    put("App.log", 100);
    CHECK(plugin_log_rotate(dir, "App", MOAT_LOG_KEEP_ALL, 200, 100) == 0);
    CHECK(count("App.log", "", &m) == 1 && m == 1);
    CHECK(plugin_log_rotate(dir, "None", MOAT_LOG_KEEP_ALL, 1, 100) == 0); /* no file yet */
    clean();
}

static void test_keep_one_removes(void)
{
    int m;
    put("App.log", 150);
    CHECK(plugin_log_rotate(dir, "App", MOAT_LOG_KEEP_ONE, 200, 51) == 0);
    CHECK(count("App", ".log", &m) == 0);
    clean();
}

static void test_keep_all_renames(void)
{
    int m;
    put("App.log", 150);
    CHECK(plugin_log_rotate(dir, "App", MOAT_LOG_KEEP_ALL, 200, 51) == 0);
    CHECK(count("App_", ".log", &m) == 1 && m == 1);
    /* Again within the same second: the first rotated file becomes .bak. */
    put("App.log", 150);
    CHECK(plugin_log_rotate(dir, "App", MOAT_LOG_KEEP_ALL, 200, 51) == 0);
    int bak, total = count("App_", ".log", &m);
    count("App_", ".log.bak", &bak);
    /* The same second: one .log and its .bak; the next second: two .log. Never one lost. */
    CHECK(total == 2 && ((m == 1 && bak == 1) || (m == 2 && bak == 0)));
    clean();
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/moat-logrot-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(test_under_the_limit_stays);
    RUN(test_keep_one_removes);
    RUN(test_keep_all_renames);
    rmdir(dir);
    return TEST_RESULT();
}
