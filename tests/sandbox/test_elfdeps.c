// SPDX-License-Identifier: MIT
/*
 * test_elfdeps.c: the sandbox's library resolver (sandbox/elfdeps.c) against
 * programs laid out in the build tree: the DT_RPATH chain, DT_RUNPATH that
 * is not inherited, ${ORIGIN}, $LIB and $PLATFORM, LD_LIBRARY_PATH, and a
 * library found only through ld.so.conf (whose cache is stale) refused with
 * one line that says so. Each verdict is checked against ld.so itself: the
 * program is run with the same environment and must start exactly when the
 * resolver found everything.
 */
#include "internal.h"
#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char err[1024];
static struct sbx_paths files;

static const char *prog(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/bin/%s", ELFDEPS_DIR, name);
    return path;
}

static bool listed(const char *suffix)
{
    for (size_t i = 0; i < files.n; i++) {
        size_t n = strlen(files.v[i]), k = strlen(suffix);
        if (n >= k && !strcmp(files.v[i] + n - k, suffix)) return true;
    }
    return false;
}

/* The resolver's verdict (0 or -1, with err), after ld.so's own on the same program. */
static int resolve(const char *name, const char *library_path, const char *conf, bool run)
{
    struct sbx_ld_env env = {library_path, "/etc/ld.so.cache", conf ? conf : "/nonexistent",
                             "plat"};
    sbx_paths_free(&files);
    err[0] = '\0';
    int rc = sbx_elf_deps_env(&env, prog(name), &files, err, sizeof err);
    if (run) {
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {(char *)prog(name), NULL};
            char env_lp[4200], *envp[] = {env_lp, NULL};
            snprintf(env_lp, sizeof env_lp, "LD_LIBRARY_PATH=%s", library_path ? library_path : "");
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 2);
            execve(argv[0], argv, envp);
            _exit(126);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        bool started = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (started != (rc == 0))
            fprintf(stderr, "  %s: ld.so %s, the resolver %s (%s)\n", name,
                    started ? "started it" : "did not", rc == 0 ? "agreed it would" : "refused",
                    err);
        CHECK(started == (rc == 0));
    }
    return rc;
}

static void test_rpath_chain(void)
{
    CHECK(resolve("deps_chain", NULL, NULL, true) == 0);
    CHECK(listed("/b/libdeps_mid.so") && listed("/a/libdeps_leaf.so"));
    /* DT_RUNPATH applies to the program's own needs only. */
    CHECK(resolve("deps_runpath", NULL, NULL, true) == -1);
    CHECK_CONTAINS(err, "libdeps_mid.so needs libdeps_leaf.so, which the loader would not find");
}

static void test_tokens(void)
{
    CHECK(resolve("deps_libtok", NULL, NULL, true) == 0);
    CHECK(listed("/lib/" ELFDEPS_TRIPLET "/libdeps_lib.so"));
    CHECK(resolve("deps_platform", NULL, NULL, false) == 0); /* $PLATFORM given as "plat" */
    CHECK(listed("/plat/libdeps_plat.so"));
}

static void test_library_path(void)
{
    char lp[4200];
    snprintf(lp, sizeof lp, "/nonexistent:%s/d", ELFDEPS_DIR);
    CHECK(resolve("deps_env_prog", lp, NULL, true) == 0);
    CHECK(listed("/d/libdeps_env.so"));
    /* ld.so expands $ORIGIN there too: the program's directory. */
    CHECK(resolve("deps_env_prog", "$ORIGIN/../d", NULL, true) == 0);
    CHECK(resolve("deps_env_prog", NULL, NULL, true) == -1);
    CHECK_CONTAINS(err, "needs libdeps_env.so, which the loader would not find");
    CHECK(strchr(err, '\n') == NULL);
}

/* ld.so.conf lists the folder (through an include) but the cache does not: say so. */
static void test_stale_cache(void)
{
    char dir[] = "/tmp/moat-elfdeps-XXXXXX", path[4200], conf[4200];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(conf, sizeof conf, "%s/ld.so.conf", dir);
    snprintf(path, sizeof path, "%s/conf.d", dir);
    CHECK(mkdir(path, 0700) == 0);
    FILE *f = fopen(conf, "w");
    fprintf(f, "# comment\ninclude conf.d/*.conf\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/conf.d/extra.conf", dir);
    f = fopen(path, "w");
    fprintf(f, "/nonexistent\n%s/d\n", ELFDEPS_DIR);
    fclose(f);
    CHECK(resolve("deps_env_prog", NULL, conf, false) == -1);
    char want[9000];
    snprintf(want, sizeof want,
             "needs libdeps_env.so, which is in %s/d (listed by %s) but not in "
             "/etc/ld.so.cache: run ldconfig",
             ELFDEPS_DIR, path);
    CHECK_CONTAINS(err, want);
    unlink(path);
    snprintf(path, sizeof path, "%s/conf.d", dir);
    rmdir(path);
    unlink(conf);
    rmdir(dir);
}

int main(void)
{
    RUN(test_rpath_chain);
    RUN(test_tokens);
    RUN(test_library_path);
    RUN(test_stale_cache);
    sbx_paths_free(&files);
    return TEST_RESULT();
}
