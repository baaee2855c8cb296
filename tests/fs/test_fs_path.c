// SPDX-License-Identifier: MIT
/*
 * test_fs_path.c: the path checks of core/fs_path.c called directly:
 * normalizing, scope decisions (deny wins, case-insensitively; variables;
 * roots), and openat2 beneath a root with real symbolic links.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "fs_test.h"
#include "test.h"

static void norm_ok(const char *in, const char *base, const char *want)
{
    char out[4096];
    const char *why = NULL;
    CHECK(core_fs_normalize(in, strlen(in), base, out, sizeof(out), &why) == 0);
    CHECK_STR(out, want);
    if (why) fprintf(stderr, "  (\"%s\": %s)\n", in, why);
}

static void norm_bad(const char *in, size_t len, const char *base, const char *want_why)
{
    char out[4096];
    const char *why = NULL;
    CHECK(core_fs_normalize(in, len, base, out, sizeof(out), &why) == -1);
    CHECK_STR(why, want_why);
}

static void test_normalize(void)
{
    norm_ok("/a/b/c.txt", NULL, "/a/b/c.txt");
    norm_ok("/a//b/./c/", NULL, "/a/b/c");
    norm_ok("notes/x", "/data/app", "/data/app/notes/x");
    norm_ok(".", "/data/app", "/data/app");
    norm_ok("/", NULL, "/");
    norm_ok("/a/..b/c..", NULL, "/a/..b/c.."); /* only a whole ".." component is refused */
    norm_ok("/caf\xc3\xa9", NULL, "/caf\xc3\xa9");
    norm_bad("/a/../etc/passwd", 16, NULL, "the path must not contain \"..\"");
    norm_bad("../x", 4, "/data", "the path must not contain \"..\"");
    norm_bad("/a/..", 5, NULL, "the path must not contain \"..\"");
    norm_bad("", 0, NULL, "the path is empty");
    norm_bad("rel", 3, NULL, "a relative path needs options.baseDir");
    norm_bad("/a\0/etc", 7, NULL, "the path contains a NUL byte");
    norm_bad("/a/%2e%2e/etc", 13, NULL,
             "the path contains a percent-encoded byte (paths are never decoded)");
    norm_bad("/a/%252e%252e", 13, NULL,
             "the path contains a percent-encoded byte (paths are never decoded)");
    norm_bad("/a\\..\\etc", 9, NULL, "the path contains a backslash");
    norm_bad("/a\nb", 4, NULL, "the path contains a control character");
    norm_bad("/\xc0\xae\xc0\xae/etc", 9, NULL, "the path is not valid UTF-8"); /* overlong "." */
    norm_bad("file:///etc/passwd", 18, NULL, "file URLs are not accepted: pass a path");
    char long_path[5000];
    memset(long_path, 'a', sizeof(long_path));
    long_path[0] = '/';
    norm_bad(long_path, 4096, NULL, "the path is longer than 4095 bytes");
    long_path[300] = '\0';
    norm_bad(long_path, 300, NULL, "a path component is longer than 255 bytes");
    /* Short pieces that only grow too long once joined to the base. */
    char base[4000];
    memset(base, 'b', sizeof(base));
    base[0] = '/';
    for (int i = 200; i < 3999; i += 200)
        base[i] = '/';
    base[3999] = '\0';
    norm_bad("cccccccccccccccccccccccccccccccccccccccccccccccccc/dddddddddddddddddddddddddddddddd"
             "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
             131, base, "the path is longer than 4095 bytes");
}

static const struct core_fs_env env = {
    .bundle = "/b", .appdata = "/data/app", .home = "/home/u", .temp = "/tmp/t"};

static int authorize(const char *abs, const char *allow_json, const char *deny_json,
                     struct core_fs_grant *g, char *why)
{
    msgpack_zone *z = msgpack_zone_new(1024);
    msgpack_object allow = test_obj(z, allow_json), deny = test_obj(z, deny_json);
    const msgpack_object *a[16], *d[16];
    for (uint32_t i = 0; i < allow.via.array.size; i++)
        a[i] = &allow.via.array.ptr[i];
    for (uint32_t i = 0; i < deny.via.array.size; i++)
        d[i] = &deny.via.array.ptr[i];
    int rc =
        core_fs_authorize(abs, a, allow.via.array.size, d, deny.via.array.size, &env, g, why, 200);
    msgpack_zone_free(z);
    return rc;
}

/* File URLs: decoded once, then normalized as any path (so "%2e%2e" is a ".." and refused). */
static void test_from_url(void)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        int rc;
        const char *want; /* the decoded path, or the reason */
    } cases[] = {
        {"/tmp/a.txt", 0, 0, NULL},
        {"rel/file:x", 0, 0, NULL},
        {"file:///tmp/a%20b.txt", 0, 1, "/tmp/a b.txt"},
        {"FILE:///tmp/x", 0, 1, "/tmp/x"},
        {"file://localhost/tmp/x", 0, 1, "/tmp/x"},
        {"file://LocalHost/tmp/x", 0, 1, "/tmp/x"},
        {"file:/tmp/x", 0, 1, "/tmp/x"},
        {"file:///tmp/caf%C3%A9", 0, 1, "/tmp/caf\xc3\xa9"},
        {"file:///tmp/%2e%2e/etc/passwd", 0, -1, "the path must not contain \"..\""},
        {"file:///tmp/.%2E/etc/passwd", 0, -1, "the path must not contain \"..\""},
        {"file:///tmp/../etc/passwd", 0, -1, "the path must not contain \"..\""},
        {"file:///tmp/x/..", 0, -1, "the path must not contain \"..\""},
        {"file:///tmp/..x/x..", 0, 1, "/tmp/..x/x.."},
        {"file:///tmp/%2e/x", 0, 1, "/tmp/x"},
        {"file:///tmp/%252e%252e", 0, 1, "/tmp/%2e%2e"}, /* decoded once: normalize refuses it */
        {"file://otherhost/etc/passwd", 0, -1,
         "a file URL must not name a host (only localhost, or none)"},
        {"file://127.0.0.1/etc/passwd", 0, -1,
         "a file URL must not name a host (only localhost, or none)"},
        {"file://user@localhost/x", 0, -1, "a file URL must not carry a user or a port"},
        {"file://localhost:22/x", 0, -1, "a file URL must not carry a user or a port"},
        {"file:///tmp/x?y", 0, -1, "a file URL must not carry a query or a fragment"},
        {"file:///tmp/x#y", 0, -1, "a file URL must not carry a query or a fragment"},
        {"file:tmp/x", 0, -1, "a file URL's path must be absolute"},
        {"file:///tmp%2fx", 0, -1, "a file URL's path has an encoded '/' (%2F)"},
        {"file:///tmp/..%2F..%2Fetc", 0, -1, "a file URL's path has an encoded '/' (%2F)"},
        {"file:///tmp/%zz", 0, -1, "not a valid file URL"},
        {"file:///etc/passwd%00.txt", 0, -1, "a file URL's path decodes to a NUL byte (%00)"},
        {"file:///a\0b", 11, -1, "the path contains a NUL byte"},
        {"file://[::1/x", 0, -1, "not a valid file URL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[4096] = "";
        const char *why = NULL;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        int rc = core_fs_from_url(cases[i].in, len, out, sizeof out, &why);
        CHECK(rc == cases[i].rc);
        if (rc == 1) CHECK_STR(out, cases[i].want);
        if (rc < 0) CHECK_STR(why, cases[i].want);
        if (rc != cases[i].rc)
            fprintf(stderr, "  (\"%s\": %d %s)\n", cases[i].in, rc, why ? why : out);
    }
}

static void test_authorize(void)
{
    struct core_fs_grant g;
    char why[200];
    const char *allow = "[{'path':'$APPDATA/**'},{'path':'/srv/*.txt','noSymlinks':true}]";
    const char *deny = "[{'path':'$APPDATA/secret'},{'path':'$HOME/**'}]";
    CHECK(authorize("/data/app/notes/a", allow, deny, &g, why) == 0);
    CHECK_STR(g.root, "/data/app");
    CHECK_STR(g.rel, "notes/a");
    CHECK(!g.no_symlinks);
    CHECK(authorize("/data/app", allow, deny, &g, why) == 0);
    CHECK_STR(g.rel, ".");
    CHECK(authorize("/srv/x.txt", allow, deny, &g, why) == 0);
    CHECK_STR(g.root, "/srv");
    CHECK_STR(g.rel, "x.txt");
    CHECK(g.no_symlinks);
    CHECK(authorize("/srv/a/x.txt", allow, deny, &g, why) == -1);
    CHECK_STR(why, "/srv/a/x.txt is outside the scope (2 allow entries)");
    /* Deny wins; a denied folder covers what is inside; case does not help. */
    CHECK(authorize("/data/app/secret", allow, deny, &g, why) == -1);
    CHECK_STR(why, "/data/app/secret is denied by the scope");
    CHECK(authorize("/data/app/secret/k", allow, deny, &g, why) == -1);
    CHECK(authorize("/data/app/SeCrEt/k", allow, deny, &g, why) == -1);
    CHECK(authorize("/data/app/secrets", allow, deny, &g, why) == 0);
    /* Dotfiles need a literal dot; unknown variables match nothing. */
    CHECK(authorize("/data/app/.hidden", allow, deny, &g, why) == -1);
    CHECK(authorize("/data/app/x", "[{'path':'$APPCACHE/**'},{'path':'$NOPE/**'}]", "[]", &g,
                    why) == -1);
    CHECK(authorize("/anything", "[{'path':'**'}]", "[]", &g, why) == 0);
    CHECK_STR(g.root, "/");
    CHECK_STR(g.rel, "anything");
    CHECK(authorize("/x", "[]", "[]", &g, why) == -1);
    CHECK_STR(why, "/x is outside the scope (0 allow entries)");
}

/* openat2 beneath a real root: links inside are followed, links out are refused. */
static void test_open_beneath(void)
{
    char root[] = "/tmp/moat-fs-path-XXXXXX", path[512];
    CHECK(mkdtemp(root) != NULL);
    snprintf(path, sizeof(path), "%s/in", root);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/in/f", root);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    snprintf(path, sizeof(path), "%s/in/up", root);
    CHECK(symlink("..", path) == 0);
    snprintf(path, sizeof(path), "%s/in/abs", root);
    CHECK(symlink("/etc", path) == 0);
    snprintf(path, sizeof(path), "%s/in/same", root);
    CHECK(symlink("f", path) == 0);
    struct core_fs_grant g = {.no_symlinks = false};
    snprintf(g.root, sizeof(g.root), "%s/in", root);
    int fd = core_fs_open(&g, "f", O_RDONLY, 0);
    CHECK(fd >= 0);
    close(fd);
    CHECK((fd = core_fs_open(&g, "same", O_RDONLY, 0)) >= 0);
    close(fd);
    CHECK(core_fs_open(&g, "up/in/f", O_RDONLY, 0) == -1 && errno == EXDEV);
    CHECK(core_fs_open(&g, "abs/passwd", O_RDONLY, 0) == -1 && errno == EXDEV);
    CHECK(core_fs_open(&g, "/etc/passwd", O_RDONLY, 0) == -1 && errno == EXDEV);
    CHECK(core_fs_open(&g, "../in/f", O_RDONLY, 0) == -1 && errno == EXDEV);
    CHECK(core_fs_open(&g, "/proc/self/root/etc/passwd", O_RDONLY, 0) == -1);
    g.no_symlinks = true;
    CHECK(core_fs_open(&g, "same", O_RDONLY, 0) == -1 && errno == ELOOP);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    CHECK(system(cmd) == 0);
}

static volatile int renaming;

/* Renames a file to and fro until told to stop: each rename bumps the
 * kernel's rename sequence, which openat2 checks after a "..". */
static void *renamer(void *dir)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a", (char *)dir);
    snprintf(b, sizeof b, "%s/b", (char *)dir);
    while (renaming)
        if (rename(a, b) == 0) rename(b, a);
    return NULL;
}

/* A ".." that stays beneath the root opens even while renames race with it
 * anywhere on the system: openat2 answers EAGAIN then (measured: 5% of
 * opens), and core_fs_open must try again rather than fail the command. */
static void test_open_races_renames(void)
{
    char root[] = "/tmp/moat-fs-race-XXXXXX", path[512];
    CHECK(mkdtemp(root) != NULL);
    snprintf(path, sizeof path, "%s/in", root);
    CHECK(mkdir(path, 0700) == 0);
    snprintf(path, sizeof path, "%s/in/d", root);
    CHECK(mkdir(path, 0700) == 0);
    snprintf(path, sizeof path, "%s/in/d/up", root);
    CHECK(symlink("..", path) == 0);
    snprintf(path, sizeof path, "%s/in/f", root);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    snprintf(path, sizeof path, "%s/a", root);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    struct core_fs_grant g = {.no_symlinks = false};
    snprintf(g.root, sizeof g.root, "%s/in", root);
    pthread_t t;
    renaming = 1;
    CHECK(pthread_create(&t, NULL, renamer, root) == 0);
    int failed = 0, first_errno = 0;
    for (int i = 0; i < 20000; i++) {
        int fd = core_fs_open(&g, "d/up/f", O_RDONLY, 0);
        if (fd >= 0) {
            close(fd);
        } else if (!failed++) {
            first_errno = errno;
        }
    }
    renaming = 0;
    pthread_join(t, NULL);
    CHECK(failed == 0);
    if (failed)
        fprintf(stderr, "  %d of 20000 opens failed, first: %s\n", failed, strerror(first_errno));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    CHECK(system(cmd) == 0);
}

static void test_env(void)
{
    char buf[3 * 4096];
    struct core_fs_env e;
    setenv("HOME", "/home/tester", 1);
    setenv("XDG_DATA_HOME", "/xdg/data", 1);
    unsetenv("XDG_CACHE_HOME");
    setenv("TMPDIR", "/var/tmp/t", 1);
    core_fs_env_init(&e, "myapp", "/bundles/b", buf, sizeof(buf));
    CHECK_STR(e.home, "/home/tester");
    CHECK_STR(e.appdata, "/xdg/data/myapp");
    CHECK_STR(e.appcache, "/home/tester/.cache/myapp");
    CHECK_STR(e.temp, "/var/tmp/t");
    CHECK_STR(e.bundle, "/bundles/b");
    setenv("TMPDIR", "relative", 1);
    core_fs_env_init(&e, "myapp", NULL, buf, sizeof(buf));
    CHECK_STR(e.temp, "/tmp");
    CHECK(e.bundle == NULL);
}

int suite_fs_path(void)
{
    RUN(test_normalize);
    RUN(test_from_url);
    RUN(test_authorize);
    RUN(test_open_beneath);
    RUN(test_open_races_renames);
    RUN(test_env);
    return TEST_RESULT();
}
