// SPDX-License-Identifier: MIT
/*
 * test_fs_e2e.c: every fs command through a real renderer (tests/fs/native/
 * fs_runner.c) under a policy with scopes, against real files in a temp
 * folder: reads, writes, listing, escapes by "..", encodings, NUL bytes,
 * case, symbolic links (present, and swapped in while calls run), limits.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_e2e.h"
#include "fs_test.h"
#include "moat.h"
#include "test.h"

#define MAX_CASES 512

static char T[64] = "/tmp/moat-fs-XXXXXX"; /* $TEMP for the app */
static char bundle[128]; /* a copy of the runner's bundle in T: tests write its tauri.conf.json */
static msgpack_sbuffer cases; /* what test:cases answers */
static msgpack_zone *zone;    /* the results' copies */
static msgpack_object results[MAX_CASES];
static bool got[MAX_CASES];

static void cmd_cases(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve(c, cases.data, cases.size);
}

/* Keeps [i, ok, code, message, value] (deep copy: the call's memory goes away). */
static void cmd_result(moat_call *c, void *ud)
{
    (void)ud;
    size_t len, off = 0;
    const void *raw = moat_call_args_raw(c, &len);
    char *copy = msgpack_zone_malloc(zone, len);
    memcpy(copy, raw, len);
    msgpack_object o;
    if (msgpack_unpack(copy, len, &off, zone, &o) == MSGPACK_UNPACK_SUCCESS &&
        o.type == MSGPACK_OBJECT_ARRAY && o.via.array.size == 5 &&
        o.via.array.ptr[0].via.u64 < MAX_CASES) {
        results[o.via.array.ptr[0].via.u64] = o;
        got[o.via.array.ptr[0].via.u64] = true;
    }
    moat_call_resolve_null(c);
}

static void quiet(void *ud, const char *label, int stream, const char *line)
{
    (void)ud, (void)label;
    if (stream) fprintf(stderr, "renderer: %s\n", line);
}

/*
 * Writes the policy (with T substituted for @) and runs the runner once over
 * `cases`; on_exit (if set) is the app's moat_app_on_exit hook; crashes: the
 * runner is to end by a signal.
 */
static void run_with(const char *policy_sq, moat_exit_fn on_exit, void *ud, bool crashes)
{
    char path[128], text[8192];
    size_t o = 0;
    for (const char *p = policy_sq; *p && o < sizeof(text) - 64; p++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "%s",
                              *p == '\''  ? "\""
                              : *p == '@' ? T
                                          : (char[]){*p, 0});
    snprintf(path, sizeof(path), "%s/policy.json", T);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    memset(got, 0, sizeof(got));
    moat_app *app = moat_app_new("fs-e2e");
    moat_app_set_output(app, quiet, NULL);
    moat_app_set_audit_fd(app, -1);
    if (on_exit) moat_app_on_exit(app, on_exit, ud);
    CHECK(moat_app_command(app, "test:cases", cmd_cases, NULL) == 0);
    CHECK(moat_app_command(app, "test:result", cmd_result, NULL) == 0);
    if (moat_app_load_policy(app, path) != 0) fprintf(stderr, "policy: %s\n", moat_errmsg());
    moat_renderer *r = moat_app_spawn(app, bundle, "main");
    CHECK(r != NULL);
    if (r) CHECK(moat_app_run(app) == 0);
    moat_exit e = {0};
    CHECK(r && moat_renderer_exited(r, &e) && (crashes ? e.signal != 0 : e.code == 0));
    moat_app_free(app);
}

static void run(const char *policy_sq)
{
    run_with(policy_sq, NULL, NULL, false);
}

/* ---- building cases ------------------------------------------------------ */

static msgpack_packer pk;
static uint32_t n_cases;

static void begin(uint32_t n)
{
    msgpack_sbuffer_clear(&cases);
    msgpack_pack_array(&pk, n);
    n_cases = 0;
}

/* A case: command and args as JSON with ' for " and @ for T. */
static void add(const char *cmd, const char *args_sq)
{
    char text[6000];
    size_t o = 0;
    for (const char *p = args_sq; *p && o < sizeof(text) - 64; p++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "%s", *p == '@' ? T : (char[]){*p, 0});
    msgpack_pack_array(&pk, 2);
    msgpack_pack_str_with_body(&pk, cmd, strlen(cmd));
    msgpack_object args = test_obj(zone, text);
    msgpack_pack_object(&pk, args);
    n_cases++;
}

/* A case with raw msgpack args: {path: bytes} (for NUL bytes inside the path). */
static void add_raw_path(const char *cmd, const char *path, size_t len)
{
    msgpack_pack_array(&pk, 2);
    msgpack_pack_str_with_body(&pk, cmd, strlen(cmd));
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "path", 4);
    msgpack_pack_str_with_body(&pk, path, len);
    n_cases++;
}

/* A case {path (with @ for T), data: bytes}: what plugin-fs's writeFile arrives as. */
static void add_bin(const char *cmd, const char *path_at, const char *data)
{
    char path[512];
    size_t o = 0;
    for (const char *p = path_at; *p && o < sizeof(path) - 64; p++)
        o += (size_t)snprintf(path + o, sizeof(path) - o, "%s", *p == '@' ? T : (char[]){*p, 0});
    msgpack_pack_array(&pk, 2);
    msgpack_pack_str_with_body(&pk, cmd, strlen(cmd));
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "path", 4);
    msgpack_pack_str_with_body(&pk, path, strlen(path));
    msgpack_pack_str_with_body(&pk, "data", 4);
    msgpack_pack_bin_with_body(&pk, data, strlen(data));
    n_cases++;
}

/* ---- checking results ---------------------------------------------------- */

static void expect_at(int line, uint32_t i, const char *code, const char *text)
{
    int before = test_failures;
    CHECK(got[i]);
    if (!got[i]) return;
    const msgpack_object *r = results[i].via.array.ptr;
    if (code) {
        CHECK(!r[1].via.boolean);
        CHECK(r[2].type == MSGPACK_OBJECT_STR && r[2].via.str.size == strlen(code) &&
              !memcmp(r[2].via.str.ptr, code, r[2].via.str.size));
    } else {
        CHECK(r[1].via.boolean);
        if (text)
            CHECK((r[4].type == MSGPACK_OBJECT_STR || r[4].type == MSGPACK_OBJECT_BIN) &&
                  r[4].via.str.size == strlen(text) &&
                  !memcmp(r[4].via.str.ptr, text, r[4].via.str.size));
    }
    if (test_failures != before)
        fprintf(stderr, "  case %u (line %d): ok=%d code=%.*s message=%.*s\n", i, line,
                r[1].via.boolean, r[2].type == MSGPACK_OBJECT_STR ? (int)r[2].via.str.size : 0,
                r[2].via.str.ptr, r[3].type == MSGPACK_OBJECT_STR ? (int)r[3].via.str.size : 0,
                r[3].via.str.ptr);
}

#define EXPECT(i, code, text) expect_at(__LINE__, i, code, text)

static const msgpack_object *value(uint32_t i)
{
    return got[i] ? &results[i].via.array.ptr[4] : NULL;
}

static void put(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", T, rel);
    FILE *f = fopen(path, "w");
    fputs(content, f);
    fclose(f);
}

static void dir(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", T, rel);
    mkdir(path, 0700);
}

static void link_to(const char *target, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", T, rel);
    unlink(path);
    CHECK(symlink(target, path) == 0);
}

static char *slurp(const char *rel)
{
    static char buf[256];
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", T, rel);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    return f ? buf : NULL;
}

static const char *policy =
    "{'identifier':'fs','windows':['main'],'permissions':['test:allow-cases','test:allow-result',"
    " {'identifier':'fs:allow-read-text-file','allow':['$TEMP/ok/**',"
    "   {'path':'$TEMP/nolink/**','noSymlinks':true}],'deny':['$TEMP/ok/secret']},"
    " {'identifier':'fs:allow-read-file','allow':['$TEMP/ok/**']},"
    " 'fs:allow-appdata-read-recursive','fs:allow-appdata-write-recursive']}";

/* Reading: what the scope grants, and every trick to get past it. */
static void test_reads(void)
{
    dir("ok"), dir("ok/secret"), dir("outside"), dir("nolink");
    put("ok/hello.txt", "hello"), put("ok/secret/key", "SECRET"), put("outside/passwd", "OUTSIDE");
    put("nolink/real.txt", "real"), put("ok/latin1.txt", "caf\xe9");
    link_to("hello.txt", "ok/link-hello");
    link_to("secret", "ok/link-secret");
    link_to("../outside", "ok/link-up");
    char abs[128];
    snprintf(abs, sizeof(abs), "%s/outside", T);
    link_to(abs, "ok/link-abs");
    link_to("real.txt", "nolink/l.txt");
    char big[128];
    snprintf(big, sizeof(big), "%s/ok/big.bin", T);
    int fd = open(big, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && ftruncate(fd, (17 << 20)) == 0);
    close(fd);
    begin(22);
    add("fs:read_text_file", "{'path':'@/ok/hello.txt'}");                        /* 0 */
    add("fs:read_text_file", "{'path':'ok/hello.txt','options':{'baseDir':12}}"); /* 1 */
    add("fs:read_text_file", "{'path':'ok/hello.txt','options':{'baseDir':'Temp'}}");
    add("fs:read_text_file", "{'path':'@/ok/../outside/passwd'}");     /* 3: .. */
    add("fs:read_text_file", "{'path':'@/ok/secret/key'}");            /* 4: denied entry */
    add("fs:read_text_file", "{'path':'@/ok/SECRET/key'}");            /* 5: case */
    add("fs:read_text_file", "{'path':'@/ok/link-up/passwd'}");        /* 6: link up and out */
    add("fs:read_text_file", "{'path':'@/ok/link-abs/passwd'}");       /* 7: absolute link */
    add("fs:read_text_file", "{'path':'@/ok/link-secret/key'}");       /* 8: link to a denied dir */
    add("fs:read_text_file", "{'path':'@/ok/link-hello'}");            /* 9: a link inside: fine */
    add("fs:read_text_file", "{'path':'@/nolink/l.txt'}");             /* 10: noSymlinks */
    add("fs:read_text_file", "{'path':'@/nolink/real.txt'}");          /* 11 */
    add("fs:read_text_file", "{'path':'@/ok/%2e%2e/outside/passwd'}"); /* 12: encoded */
    add_raw_path("fs:read_text_file", "/etc/passwd\0/ok", 15);         /* 13: NUL */
    add("fs:read_file", "{'path':'@/ok/big.bin'}");                    /* 14: too big */
    add("fs:read_text_file", "{'path':'/etc/passwd'}");                /* 15: out of scope */
    add("fs:read_text_file", "{'path':'ok/hello.txt'}");               /* 16: relative, no base */
    add("fs:read_file", "{'path':'@/ok/hello.txt'}");                  /* 17: bytes */
    add("fs:read_text_file", "{'path':'@/ok/latin1.txt'}");            /* 18: bytes, any encoding */
    add("fs:read_text_file", "[1]");                                   /* 19: bad args */
    add("fs:read_text_file",
        "{'path':'x','options':{'baseDir':99}}"); /* 20: no such BaseDirectory */
    add("fs:read_dir", "{'path':'@/ok'}");        /* 21: no scope for it */
    run(policy);
    EXPECT(0, NULL, "hello");
    EXPECT(1, NULL, "hello");
    EXPECT(2, NULL, "hello");
    EXPECT(3, "invalid_args", NULL);
    EXPECT(4, "denied", NULL);
    EXPECT(5, "denied", NULL);
    EXPECT(6, "denied", NULL);
    EXPECT(7, "denied", NULL);
    EXPECT(8, "denied", NULL);
    EXPECT(9, NULL, "hello");
    EXPECT(10, "denied", NULL);
    EXPECT(11, NULL, "real");
    EXPECT(12, "invalid_args", NULL);
    EXPECT(13, "invalid_args", NULL);
    EXPECT(14, "limit_exceeded", NULL);
    EXPECT(15, "denied", NULL);
    EXPECT(16, "invalid_args", NULL);
    EXPECT(17, NULL, "hello");
    CHECK(value(17) && value(17)->type == MSGPACK_OBJECT_BIN);
    EXPECT(18, NULL, "caf\xe9"); /* plugin-fs decodes them with options.encoding */
    CHECK(value(0) && value(0)->type == MSGPACK_OBJECT_BIN);
    EXPECT(19, "invalid_args", NULL);
    EXPECT(20, "invalid_args", NULL);
    EXPECT(21, "denied", NULL);
}

/* Writing, listing, stat, mkdir, remove in $APPDATA; and links planted there. */
static void test_writes(void)
{
    char data[128];
    snprintf(data, sizeof(data), "%s/xdg", T);
    setenv("XDG_DATA_HOME", data, 1);
    dir("xdg"), dir("xdg/fs-e2e");
    link_to("../../outside", "xdg/fs-e2e/evil-dir");
    char abs[128];
    snprintf(abs, sizeof(abs), "%s/outside/passwd", T);
    link_to(abs, "xdg/fs-e2e/evil-file");
    begin(21);
    add("fs:mkdir", "{'path':'notes/deep','options':{'baseDir':14,'recursive':true}}"); /* 0 */
    add("fs:write_text_file", "{'path':'notes/a.txt','data':'hi','options':{'baseDir':14}}");
    add("fs:write_text_file",
        "{'path':'notes/a.txt','data':' there','options':{'baseDir':'AppData','append':true}}");
    add("fs:read_text_file", "{'path':'notes/a.txt','options':{'baseDir':14}}"); /* 3 */
    add("fs:write_text_file",
        "{'path':'notes/a.txt','data':'x','options':{'baseDir':14,'createNew':true}}");
    add("fs:read_dir", "{'path':'notes','options':{'baseDir':14}}");     /* 5 */
    add("fs:exists", "{'path':'notes/a.txt','options':{'baseDir':14}}"); /* 6 */
    add("fs:exists", "{'path':'notes/zzz','options':{'baseDir':14}}");   /* 7 */
    add("fs:stat", "{'path':'notes/a.txt','options':{'baseDir':14}}");   /* 8 */
    add("fs:remove", "{'path':'notes','options':{'baseDir':14}}");       /* 9: not empty */
    add("fs:remove", "{'path':'notes','options':{'baseDir':14,'recursive':true}}");
    add("fs:exists", "{'path':'notes','options':{'baseDir':14}}"); /* 11 */
    add("fs:write_text_file", "{'path':'evil-dir/p.txt','data':'x','options':{'baseDir':14}}");
    add("fs:write_text_file", "{'path':'evil-file','data':'x','options':{'baseDir':14}}");
    add("fs:mkdir", "{'path':'evil-dir/made','options':{'baseDir':14,'recursive':true}}");
    add("fs:write_text_file", "{'path':'@/ok/new.txt','data':'x'}"); /* 15: not in scope */
    add("fs:write_text_file", "{'path':'.','data':'x','options':{'baseDir':14}}"); /* 16: root */
    add("fs:write_file", "{'path':'b.bin','data':'not bytes','options':{'baseDir':14}}");
    add("fs:remove", "{'path':'evil-dir','options':{'baseDir':14,'recursive':true}}"); /* 18 */
    add("fs:mkdir", "{'path':'one','options':{'baseDir':14}}");                        /* 19 */
    add("fs:read_text_file", "{'path':'evil-dir/passwd','options':{'baseDir':14}}");
    run(policy);
    EXPECT(0, NULL, NULL);
    EXPECT(1, NULL, NULL);
    EXPECT(2, NULL, NULL);
    EXPECT(3, NULL, "hi there");
    EXPECT(4, "failed", NULL);
    EXPECT(5, NULL, NULL);
    const msgpack_object *list = value(5);
    CHECK(list && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size == 2);
    EXPECT(6, NULL, NULL);
    CHECK(value(6) && value(6)->type == MSGPACK_OBJECT_BOOLEAN && value(6)->via.boolean);
    CHECK(value(7) && value(7)->type == MSGPACK_OBJECT_BOOLEAN && !value(7)->via.boolean);
    const msgpack_object *st = value(8);
    CHECK(st && st->type == MSGPACK_OBJECT_MAP && st->via.map.size == 18);
    CHECK(st && st->via.map.ptr[0].val.via.boolean && st->via.map.ptr[3].val.via.u64 == 8);
    EXPECT(9, "failed", NULL);
    EXPECT(10, NULL, NULL);
    CHECK(value(11) && !value(11)->via.boolean);
    EXPECT(12, "denied", NULL);
    EXPECT(13, "denied", NULL);
    EXPECT(14, "denied", NULL); /* mkdir -p through a link out */
    EXPECT(15, "denied", NULL);
    EXPECT(16, "failed", NULL); /* the root is granted (Tauri: "$APPDATA" too), but a folder */
    EXPECT(17, "invalid_args", NULL);
    EXPECT(18, NULL, NULL); /* removes the link, not what it points to */
    EXPECT(19, NULL, NULL);
    EXPECT(20, "not_found", NULL);
    CHECK_STR(slurp("outside/passwd"), "OUTSIDE");
    CHECK(slurp("outside/p.txt") == NULL);
    struct stat sb;
    char made[128];
    snprintf(made, sizeof(made), "%s/outside/made", T);
    CHECK(stat(made, &sb) == -1);
}

/* A link swapped between "inside" and "outside" while reads run never leaks outside. */
static atomic_bool stop_swapping;

static void *swapper(void *arg)
{
    (void)arg;
    char d[128], tmp[128], outside[128];
    snprintf(d, sizeof(d), "%s/race/d", T);
    snprintf(tmp, sizeof(tmp), "%s/race/d.new", T);
    snprintf(outside, sizeof(outside), "%s/outside", T);
    for (unsigned i = 0; !atomic_load(&stop_swapping); i++) {
        unlink(tmp);
        if (symlink(i % 2 ? outside : "real", tmp) == 0) rename(tmp, d);
    }
    return NULL;
}

static void test_symlink_race(void)
{
    dir("race"), dir("race/real");
    put("race/real/passwd", "INSIDE");
    link_to("real", "race/d");
    enum { N = 300 };
    begin(N);
    for (int i = 0; i < N; i++)
        add("fs:read_text_file", "{'path':'@/race/d/passwd'}");
    pthread_t t;
    atomic_store(&stop_swapping, false);
    pthread_create(&t, NULL, swapper, NULL);
    run("{'identifier':'race','windows':['main'],'permissions':['test:allow-cases',"
        "'test:allow-result',{'identifier':'fs:allow-read-text-file','allow':['$TEMP/race/**']}]}");
    atomic_store(&stop_swapping, true);
    pthread_join(t, NULL);
    int inside = 0, refused = 0, other = 0;
    for (int i = 0; i < N; i++) {
        const msgpack_object *r = got[i] ? results[i].via.array.ptr : NULL;
        if (r && r[1].via.boolean && r[4].via.str.size == 6 &&
            !memcmp(r[4].via.str.ptr, "INSIDE", 6))
            inside++;
        else if (r && !r[1].via.boolean && r[2].via.str.size == 6 &&
                 !memcmp(r[2].via.str.ptr, "denied", 6))
            refused++;
        else
            other++;
    }
    CHECK(other == 0); /* never OUTSIDE, never anything else */
    CHECK(inside + refused == N);
}

int suite_fs_e2e(void)
{
    if (!mkdtemp(T)) return 1;
    setenv("TMPDIR", T, 1);
    char cmd[256];
    snprintf(bundle, sizeof bundle, "%s/bundle", T);
    snprintf(cmd, sizeof cmd, "cp -r '%s/fs_runner' '%s'", MOAT_FS_NATIVE_DIR, bundle);
    if (system(cmd) != 0) return 1;
    zone = msgpack_zone_new(1 << 16);
    msgpack_sbuffer_init(&cases);
    msgpack_packer_init(&pk, &cases, msgpack_sbuffer_write);
    RUN(test_reads);
    RUN(test_writes);
    RUN(test_symlink_race);
    int more = suite_fs_more(); /* test_fs_more.c, in the same folder and runner */
    msgpack_sbuffer_destroy(&cases);
    msgpack_zone_free(zone);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", T);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", T);
    return TEST_RESULT() | more;
}

/* ---- for the suite's other files (fs_e2e.h) --------------------------------- */

const char *fse_tmp(void)
{
    return T;
}

const char *fse_bundle(void)
{
    return bundle;
}

void fse_begin(uint32_t n)
{
    begin(n);
}

void fse_add(const char *cmd, const char *args_sq)
{
    add(cmd, args_sq);
}

void fse_add_bin(const char *cmd, const char *path_at, const char *data)
{
    add_bin(cmd, path_at, data);
}

void fse_run(const char *policy_sq)
{
    int before = test_failures;
    run(policy_sq);
    if (test_failures != before) fprintf(stderr, "fse_run: the run itself failed\n");
}

void fse_run_with(const char *policy_sq, moat_exit_fn on_exit, void *ud, bool crashes)
{
    int before = test_failures;
    run_with(policy_sq, on_exit, ud, crashes);
    if (test_failures != before) fprintf(stderr, "fse_run_with: the run itself failed\n");
}

bool fse_expect(int line, uint32_t i, const char *code, const char *text)
{
    int before = test_failures, checks = test_checks;
    expect_at(line, i, code, text);
    bool ok = test_failures == before;
    test_failures = before, test_checks = checks; /* counted by the caller's CHECK */
    return ok;
}

const msgpack_object *fse_value(uint32_t i)
{
    return got[i] && results[i].via.array.ptr[1].via.boolean ? value(i) : NULL;
}

bool fse_code_is(uint32_t i, const char *code)
{
    const msgpack_object *r = got[i] ? results[i].via.array.ptr : NULL;
    return r && r[2].type == MSGPACK_OBJECT_STR && r[2].via.str.size == strlen(code) &&
           !memcmp(r[2].via.str.ptr, code, r[2].via.str.size);
}

void fse_put(const char *rel, const char *content)
{
    put(rel, content);
}

void fse_dir(const char *rel)
{
    dir(rel);
}

void fse_link(const char *target, const char *rel)
{
    link_to(target, rel);
}

char *fse_slurp(const char *rel)
{
    return slurp(rel);
}
