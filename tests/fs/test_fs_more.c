// SPDX-License-Identifier: MIT
/*
 * test_fs_more.c: the fs commands beyond reading and writing whole files
 * (create, open and the FileHandle's rid commands, copy_file, rename,
 * truncate, lstat, size, read_text_file_lines, watch) against the same
 * tricks as the others: links out of the scope (to a folder, to a file, to
 * a denied entry), "..", deny entries, a link swapped while calls run; and
 * the per-renderer limit on open files. Uses test_fs_e2e.c's runner.
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_e2e.h"
#include "test.h"

static const char *policy =
    "{'identifier':'fs','windows':['main'],'permissions':['test:allow-cases','test:allow-result',"
    " 'core:resources:allow-close','fs:read-all','fs:write-all',"
    " {'identifier':'fs:scope','allow':['$TEMP/n/**'],'deny':['$TEMP/n/secret']}]}";

static bool bytes_are(const msgpack_object *v, const char *s, size_t n)
{
    return v && v->type == MSGPACK_OBJECT_BIN && v->via.bin.size == n &&
           !memcmp(v->via.bin.ptr, s, n);
}

static void test_escapes(void)
{
    fse_dir("n"), fse_dir("n/sub"), fse_dir("outside");
    fse_put("n/f.txt", "inside"), fse_put("n/secret", "SECRET"),
        fse_put("outside/passwd", "OUTSIDE");
    fse_link("../outside", "n/up");
    fse_link("../outside/passwd", "n/pw");
    fse_link("secret", "n/sec");
    fse_begin(34);
    fse_add("fs:create", "{'path':'@/n/up/new.txt'}"); /* 0 */
    fse_add("fs:create", "{'path':'@/n/pw'}");         /* 1 */
    fse_add("fs:open", "{'path':'@/n/pw'}");           /* 2 */
    fse_add("fs:open", "{'path':'@/n/pw','options':{'write':true,'create':true}}");
    fse_add("fs:open", "{'path':'@/n/sec'}");                             /* 4 */
    fse_add("fs:open", "{'path':'@/n/f.txt'}");                           /* 5: rid 1 */
    fse_add("fs:read", "{'rid':1,'len':100}");                            /* 6 */
    fse_add("fs:copy_file", "{'fromPath':'@/n/pw','toPath':'@/n/copy'}"); /* 7 */
    fse_add("fs:copy_file", "{'fromPath':'@/n/f.txt','toPath':'@/n/up/copied'}");
    fse_add("fs:copy_file", "{'fromPath':'@/n/f.txt','toPath':'@/n/pw'}");     /* 9 */
    fse_add("fs:copy_file", "{'fromPath':'@/n/secret','toPath':'@/n/leak'}");  /* 10 */
    fse_add("fs:copy_file", "{'fromPath':'@/n/f.txt','toPath':'@/n/f2.txt'}"); /* 11 */
    fse_add("fs:rename", "{'oldPath':'@/n/up/passwd','newPath':'@/n/got'}");   /* 12 */
    fse_add("fs:rename", "{'oldPath':'@/n/f2.txt','newPath':'@/n/up/planted'}");
    fse_add("fs:rename", "{'oldPath':'@/n/f2.txt','newPath':'@/n/../outside/x'}"); /* 14 */
    fse_add("fs:rename", "{'oldPath':'@/n/f2.txt','newPath':'@/n/secret'}");       /* 15 */
    fse_add("fs:rename", "{'oldPath':'@/n/f2.txt','newPath':'@/n/sub/f3.txt'}");   /* 16 */
    fse_add("fs:truncate", "{'path':'@/n/pw'}");                                   /* 17 */
    fse_add("fs:truncate", "{'path':'@/n/up/passwd','len':1}");                    /* 18 */
    fse_add("fs:lstat", "{'path':'@/n/up/passwd'}");                               /* 19 */
    fse_add("fs:lstat", "{'path':'@/n/pw'}");                                      /* 20 */
    fse_add("fs:size", "{'path':'@/n/up'}");                                       /* 21 */
    fse_add("fs:size", "{'path':'@/n'}");                                          /* 22 */
    fse_add("fs:read_text_file_lines", "{'path':'@/n/pw'}");                       /* 23 */
    fse_add("fs:read_text_file_lines", "{'path':'@/n/f.txt'}");                    /* 24: rid 2 */
    fse_add("fs:read_text_file_lines_next", "{'rid':2}");                          /* 25 */
    fse_add("fs:watch", "{'paths':['@/n/up'],'onEvent':'__CHANNEL__:1'}");         /* 26 */
    fse_add("fs:watch", "{'paths':['@/n/f.txt','/etc'],'onEvent':'__CHANNEL__:2'}");
    fse_add("fs:create", "{'path':'@/n/secret'}");           /* 28 */
    fse_add("fs:read", "{'rid':999,'len':1}");               /* 29 */
    fse_add("fs:seek", "{'rid':1,'offset':2,'whence':0}");   /* 30 */
    fse_add("fs:read", "{'rid':2,'len':1}");                 /* 31: a line reader */
    fse_add("fs:create", "{'path':'@/n'}");                  /* 32: the root */
    fse_add("fs:lstat", "{'path':'@/n/../outside/passwd'}"); /* 33 */
    fse_run(policy);
    for (int i = 0; i <= 4; i++)
        FSE_EXPECT(i, "denied", NULL);
    FSE_EXPECT(5, NULL, NULL);
    CHECK(fse_value(5) && fse_value(5)->via.u64 == 1);
    FSE_EXPECT(6, NULL, NULL);
    CHECK(bytes_are(fse_value(6), "inside\0\0\0\0\0\0\0\6", 14));
    for (int i = 7; i <= 10; i++)
        FSE_EXPECT(i, "denied", NULL);
    FSE_EXPECT(11, NULL, NULL);
    FSE_EXPECT(12, "denied", NULL);
    FSE_EXPECT(13, "denied", NULL);
    FSE_EXPECT(14, "invalid_args", NULL);
    FSE_EXPECT(15, "denied", NULL);
    FSE_EXPECT(16, NULL, NULL);
    FSE_EXPECT(17, "denied", NULL);
    FSE_EXPECT(18, "denied", NULL);
    FSE_EXPECT(19, "denied", NULL);
    FSE_EXPECT(20, NULL, NULL);
    const msgpack_object *st = fse_value(20);
    CHECK(st && st->type == MSGPACK_OBJECT_MAP && st->via.map.ptr[2].val.via.boolean);
    FSE_EXPECT(21, "denied", NULL);
    FSE_EXPECT(22, NULL, NULL);
    /* f.txt and sub/f3.txt; not the denied secret, not what the links lead to */
    CHECK(fse_value(22) && fse_value(22)->via.u64 == 12);
    FSE_EXPECT(23, "denied", NULL);
    FSE_EXPECT(24, NULL, NULL);
    CHECK(fse_value(24) && fse_value(24)->via.u64 == 2);
    CHECK(bytes_are(fse_value(25), "inside\0", 7));
    FSE_EXPECT(26, "denied", NULL);
    FSE_EXPECT(27, "denied", NULL);
    FSE_EXPECT(28, "denied", NULL);
    FSE_EXPECT(29, "not_found", NULL);
    FSE_EXPECT(30, NULL, NULL);
    CHECK(fse_value(30) && fse_value(30)->via.u64 == 2);
    FSE_EXPECT(31, "not_found", NULL);
    FSE_EXPECT(32, "denied", NULL);
    FSE_EXPECT(33, "invalid_args", NULL);
    /* Nothing outside was made, changed or moved; nothing denied was overwritten. */
    CHECK_STR(fse_slurp("outside/passwd"), "OUTSIDE");
    CHECK_STR(fse_slurp("n/secret"), "SECRET");
    CHECK(fse_slurp("outside/new.txt") == NULL && fse_slurp("outside/copied") == NULL);
    CHECK(fse_slurp("outside/planted") == NULL && fse_slurp("outside/x") == NULL);
    CHECK(fse_slurp("n/copy") == NULL && fse_slurp("n/leak") == NULL && fse_slurp("n/got") == NULL);
    CHECK_STR(fse_slurp("n/sub/f3.txt"), "inside");
    CHECK(fse_slurp("n/f2.txt") == NULL);
}

/* At most FS_HANDLES_PER_RENDERER open at once; closing one makes room. */
static void test_handle_limit(void)
{
    enum { N = 64 };
    fse_begin(N + 3);
    for (int i = 0; i < N + 1; i++)
        fse_add("fs:open", "{'path':'@/n/f.txt'}");
    fse_add("core:resources:close", "{'rid':7}");
    fse_add("fs:open", "{'path':'@/n/f.txt'}");
    fse_run(policy);
    for (int i = 0; i < N; i++)
        FSE_EXPECT(i, NULL, NULL);
    FSE_EXPECT(N, "limit_exceeded", NULL);
    FSE_EXPECT(N + 1, NULL, NULL);
    FSE_EXPECT(N + 2, NULL, NULL);
}

/* A folder link swapped between inside and outside while writes run never writes outside. */
static atomic_bool stop;

static void *swapper(void *arg)
{
    (void)arg;
    char d[128], tmp[128], outside[128];
    snprintf(d, sizeof(d), "%s/n/race/d", fse_tmp());
    snprintf(tmp, sizeof(tmp), "%s/n/race/d.new", fse_tmp());
    snprintf(outside, sizeof(outside), "%s/outside", fse_tmp());
    for (unsigned i = 0; !atomic_load(&stop); i++) {
        unlink(tmp);
        if (symlink(i % 2 ? outside : "real", tmp) == 0) rename(tmp, d);
    }
    return NULL;
}

static void test_swap_race(void)
{
    fse_dir("n/race"), fse_dir("n/race/real");
    fse_put("outside/victim", "OUTSIDE"), fse_put("n/race/real/victim", "INSIDE");
    fse_link("real", "n/race/d");
    enum { N = 240 };
    fse_begin(N);
    for (int i = 0; i < N / 4; i++) {
        fse_add("fs:truncate", "{'path':'@/n/race/d/victim'}");
        fse_add("fs:create", "{'path':'@/n/race/d/made'}");
        fse_add("fs:copy_file", "{'fromPath':'@/n/f.txt','toPath':'@/n/race/d/copied'}");
        fse_add("fs:open", "{'path':'@/n/race/d/victim','options':{'write':true,'truncate':true}}");
    }
    pthread_t t;
    atomic_store(&stop, false);
    pthread_create(&t, NULL, swapper, NULL);
    fse_run(policy);
    atomic_store(&stop, true);
    pthread_join(t, NULL);
    CHECK_STR(fse_slurp("outside/victim"), "OUTSIDE");
    CHECK(fse_slurp("outside/made") == NULL && fse_slurp("outside/copied") == NULL);
    int answered = 0;
    for (int i = 0; i < N; i++)
        answered +=
            fse_value(i) != NULL || fse_code_is(i, "denied") || fse_code_is(i, "limit_exceeded");
    CHECK(answered == N);
}

/*
 * Wildcards never match a leading '.' (requireLiteralLeadingDot, true by
 * default on Unix) unless the app's tauri.conf.json says
 * plugins.fs.requireLiteralLeadingDot: false; then deny entries match them too.
 */
static void test_leading_dot(void)
{
    fse_dir("dots"), fse_dir("dots/.git");
    fse_put("dots/.env", "ENV"), fse_put("dots/.git/config", "GIT"), fse_put("dots/a.txt", "A");
    const char *p = "{'identifier':'dots','windows':['main'],'permissions':['test:allow-cases',"
                    "'test:allow-result',{'identifier':'fs:allow-read-text-file',"
                    "'allow':['$TEMP/dots/**'],'deny':['$TEMP/dots/*.git']}]}";
    for (int pass = 0; pass < 2; pass++) {
        char conf[512];
        snprintf(conf, sizeof conf, "%s/tauri.conf.json", fse_bundle());
        if (pass) {
            FILE *f = fopen(conf, "w");
            CHECK(f != NULL);
            if (!f) return;
            fputs("{\"identifier\": \"fs-e2e\", \"plugins\": {\"fs\": "
                  "{\"requireLiteralLeadingDot\": false}}}\n",
                  f);
            fclose(f);
        }
        fse_begin(4);
        fse_add("fs:read_text_file", "{'path':'@/dots/.env'}");
        fse_add("fs:read_text_file", "{'path':'@/dots/.git/config'}");
        fse_add("fs:read_text_file", "{'path':'@/dots/a.txt'}");
        fse_add("fs:read_text_file", "{'path':'@/dots/.env/../a.txt'}");
        fse_run(p);
        unlink(conf);
        FSE_EXPECT(0, pass ? NULL : "denied", pass ? "ENV" : NULL);
        FSE_EXPECT(1, "denied", NULL); /* not granted, then denied by '*.git' */
        FSE_EXPECT(2, NULL, "A");
        FSE_EXPECT(3, "invalid_args", NULL);
    }
}

/* Descriptors the test process (the core) has open on path, and its inotify instances. */
static void count_fds(const char *path, int *on_path, int *inotify)
{
    *on_path = *inotify = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) {
        char link[300], target[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n <= 0) continue;
        target[n] = '\0';
        *on_path += path && !strcmp(target, path);
        *inotify += !strcmp(target, "anon_inode:inotify");
    }
    if (d) closedir(d);
}

/* What the core still held when it reported the renderer's end (its moat_app_on_exit hook). */
struct held {
    char file[PATH_MAX], lines[PATH_MAX];
    int n_file, n_lines, n_inotify, calls;
};

static void at_end(void *ud, moat_renderer *r, const moat_exit *info)
{
    (void)r, (void)info;
    struct held *h = ud;
    int ignored;
    count_fds(h->file, &h->n_file, &h->n_inotify);
    count_fds(h->lines, &h->n_lines, &ignored);
    h->calls++;
}

/*
 * A renderer's open files, line readers and watches are closed the moment
 * it ends (exits, or crashes mid-way), not when the app ends or the next fs
 * call looks: by the time the core reports the end, it holds none of them.
 */
static void test_end_closes(void)
{
    fse_dir("n"), fse_dir("n/sub");
    fse_put("n/lines.txt", "a\nb\n");
    for (int crash = 0; crash < 2; crash++) {
        struct held h = {0};
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/n/held.txt", fse_tmp());
        fse_put("n/held.txt", "");
        CHECK(realpath(p, h.file) != NULL);
        snprintf(p, sizeof p, "%s/n/lines.txt", fse_tmp());
        CHECK(realpath(p, h.lines) != NULL);
        int before, inotify_before;
        count_fds(h.file, &before, &inotify_before);
        fse_begin(crash ? 5 : 4);
        fse_add("fs:open", "{'path':'@/n/held.txt','options':{'write':true}}");
        fse_add("fs:read_text_file_lines", "{'path':'@/n/lines.txt'}");
        fse_add("fs:watch",
                "{'paths':['@/n'],'options':{'recursive':true},'onEvent':'__CHANNEL__:1'}");
        fse_add("fs:watch", "{'paths':['@/n/sub'],'onEvent':'__CHANNEL__:2'}");
        if (crash) fse_add("runner:crash", "{}");
        fse_run_with(policy, at_end, &h, crash);
        for (int i = 0; i < 4; i++)
            FSE_EXPECT(i, NULL, NULL);
        CHECK(h.calls == 1);
        CHECK(before == 0);
        if (h.n_file || h.n_lines || h.n_inotify != inotify_before)
            fprintf(stderr, "  %s: still held at the end: %d file, %d reader, %d inotify (of %d)\n",
                    crash ? "crash" : "exit", h.n_file, h.n_lines, h.n_inotify, inotify_before);
        CHECK(h.n_file == 0 && h.n_lines == 0);
        CHECK(h.n_inotify == inotify_before);
    }
}

/* s (a msgpack string) appended to out. */
static void cat_str(char *out, size_t len, const msgpack_object *s)
{
    size_t o = strlen(out);
    if (s->type == MSGPACK_OBJECT_STR)
        snprintf(out + o, len - o, "%.*s", (int)s->via.str.size, s->via.str.ptr);
}

/*
 * A watch event {type: {group: {kind, mode?}}, paths, attrs} as one line:
 * "group.kind[.mode] name[,name][ tracker][ info]" (paths by their last
 * component, attrs by the keys present).
 */
static void describe(const msgpack_object *v, char *out, size_t len)
{
    out[0] = '\0';
    for (uint32_t i = 0; v->type == MSGPACK_OBJECT_MAP && i < v->via.map.size; i++) {
        const msgpack_object *k = &v->via.map.ptr[i].key, *x = &v->via.map.ptr[i].val;
        if (k->via.str.size == 4 && !memcmp(k->via.str.ptr, "type", 4) &&
            x->type == MSGPACK_OBJECT_MAP && x->via.map.size == 1) {
            cat_str(out, len, &x->via.map.ptr[0].key);
            const msgpack_object *km = &x->via.map.ptr[0].val;
            for (uint32_t j = 0; km->type == MSGPACK_OBJECT_MAP && j < km->via.map.size; j++)
                strncat(out, ".", len - strlen(out) - 1),
                    cat_str(out, len, &km->via.map.ptr[j].val);
        }
    }
    for (uint32_t i = 0; v->type == MSGPACK_OBJECT_MAP && i < v->via.map.size; i++) {
        const msgpack_object *k = &v->via.map.ptr[i].key, *x = &v->via.map.ptr[i].val;
        if (k->via.str.size == 5 && !memcmp(k->via.str.ptr, "paths", 5) &&
            x->type == MSGPACK_OBJECT_ARRAY)
            for (uint32_t j = 0; j < x->via.array.size; j++) {
                const msgpack_object *p = &x->via.array.ptr[j];
                const char *slash = memrchr(p->via.str.ptr, '/', p->via.str.size);
                size_t skip = slash ? (size_t)(slash - p->via.str.ptr) + 1 : 0;
                size_t o = strlen(out);
                snprintf(out + o, len - o, "%s%.*s", j ? "," : " ", (int)(p->via.str.size - skip),
                         p->via.str.ptr + skip);
            }
        if (k->via.str.size == 5 && !memcmp(k->via.str.ptr, "attrs", 5) &&
            x->type == MSGPACK_OBJECT_MAP)
            for (uint32_t j = 0; j < x->via.map.size; j++)
                strncat(out, " ", len - strlen(out) - 1), cat_str(out, len, &x->via.map.ptr[j].key);
    }
}

/* The frames runner:collect answered for channel ch, as "event; event; ...", and the first's ms. */
static void frames_of(uint32_t i, uint64_t ch, char *out, size_t len, int64_t *first_ms,
                      int64_t *min_ms)
{
    out[0] = '\0';
    *first_ms = *min_ms = -1;
    const msgpack_object *v = fse_value(i);
    for (uint32_t k = 0; v && v->type == MSGPACK_OBJECT_ARRAY && k < v->via.array.size; k++) {
        const msgpack_object *f = v->via.array.ptr[k].via.array.ptr;
        if (f[0].via.u64 != ch) continue;
        int64_t ms = f[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER ? (int64_t)f[1].via.u64 : -1;
        if (*first_ms < 0) *first_ms = ms;
        if (*min_ms < 0 || ms < *min_ms) *min_ms = ms;
        char one[300];
        describe(&f[2], one, sizeof one);
        size_t o = strlen(out);
        snprintf(out + o, len - o, "%s%s", o ? "; " : "", one);
    }
}

/*
 * fs:watch with delayMs debounces as notify-debouncer-full does: a burst of
 * writes comes once, after the delay, as the debounced events (no modify
 * after a create, one close per file, a rename as one "both"); a later
 * burst is a batch of its own. watchImmediate (no delayMs) sends each at once.
 */
static void test_debounce(void)
{
    fse_dir("n/deb");
    fse_begin(13);
    fse_add("fs:watch",
            "{'paths':['@/n/deb'],'options':{'delayMs':400},'onEvent':'__CHANNEL__:1'}");
    fse_add("fs:watch", "{'paths':['@/n/deb'],'onEvent':'__CHANNEL__:2'}");
    fse_add("runner:mark", "{}");
    fse_add("fs:write_text_file", "{'path':'@/n/deb/a.txt','data':'1'}");
    fse_add("fs:write_text_file", "{'path':'@/n/deb/a.txt','data':'22'}");
    fse_add("fs:write_text_file", "{'path':'@/n/deb/b.txt','data':'3'}");
    fse_add("runner:collect", "{'ms':1500}"); /* 6 */
    fse_add("runner:mark", "{}");
    fse_add("fs:write_text_file", "{'path':'@/n/deb/a.txt','data':'4'}");
    fse_add("fs:rename", "{'oldPath':'@/n/deb/b.txt','newPath':'@/n/deb/c.txt'}");
    fse_add("runner:collect", "{'ms':1500}"); /* 10 */
    fse_add("fs:watch",
            "{'paths':['@/n/deb'],'options':{'delayMs':'2s'},'onEvent':'__CHANNEL__:3'}");
    fse_add("fs:watch", "{'paths':['@/n/deb'],'options':{'delayMs':-1},'onEvent':'__CHANNEL__:4'}");
    fse_run(policy);
    for (int i = 0; i <= 10; i++)
        FSE_EXPECT(i, NULL, NULL);
    FSE_EXPECT(11, "invalid_args", NULL);
    FSE_EXPECT(12, "invalid_args", NULL);
    char got[2048];
    int64_t first, min;
    frames_of(6, 1, got, sizeof got, &first, &min);
    CHECK_STR(got, "create.file a.txt; access.close.write a.txt; "
                   "create.file b.txt; access.close.write b.txt");
    CHECK(min >= 400); /* nothing before the delay */
    if (min < 400) fprintf(stderr, "  first debounced event after %lld ms\n", (long long)min);
    frames_of(10, 1, got, sizeof got, &first, &min);
    CHECK_STR(got, "modify.data.any a.txt; access.close.write a.txt; "
                   "modify.rename.both b.txt,c.txt tracker");
    CHECK(min >= 400);
    /* The immediate watch: every event, at once. */
    frames_of(6, 2, got, sizeof got, &first, &min);
    CHECK(first >= 0 && first < 400);
    CHECK(strstr(got, "create.file a.txt; modify.data.any a.txt; access.close.write a.txt") == got);
    frames_of(10, 2, got, sizeof got, &first, &min);
    CHECK(strstr(got, "modify.rename.from b.txt tracker; modify.rename.to c.txt tracker; "
                      "modify.rename.both b.txt,c.txt tracker") != NULL);
    if (test_failures) fprintf(stderr, "  immediate: %s\n", got);
}

/*
 * plugin-fs sends a URL object as its string ("file:///..."): every command
 * that takes a path takes one, decoded once and then checked as any path;
 * no encoding gets past "..", a link out, a deny entry or the scope, and a
 * URL naming another host is refused.
 */
static void test_urls(void)
{
    fse_dir("n"), fse_dir("n/u"), fse_dir("outside");
    fse_put("n/u/u.txt", "url"), fse_put("n/secret", "SECRET"),
        fse_put("outside/passwd", "OUTSIDE");
    fse_link("../../outside", "n/u/out");
    static const struct {
        const char *cmd, *args, *code, *text; /* code NULL: resolved (with text, if given) */
    } cases[] = {
        {"fs:read_text_file", "{'path':'file://@/n/u/u.txt'}", NULL, "url"},
        {"fs:read_file", "{'path':'file://@/n/u/u.txt'}", NULL, "url"},
        {"fs:write_text_file", "{'path':'file://@/n/u/w.txt','data':'w'}", NULL, NULL},
        {"fs:read_dir", "{'path':'file://@/n/u'}", NULL, NULL},
        {"fs:exists", "{'path':'file://@/n/u/u.txt'}", NULL, NULL},
        {"fs:stat", "{'path':'file://@/n/u/u.txt'}", NULL, NULL},
        {"fs:lstat", "{'path':'file://localhost@/n/u/u.txt'}", NULL, NULL},
        {"fs:size", "{'path':'file://@/n/u/u.txt'}", NULL, NULL},
        {"fs:mkdir", "{'path':'file://@/n/u/made%20dir'}", NULL, NULL},
        {"fs:remove", "{'path':'file://@/n/u/made%20dir'}", NULL, NULL},
        {"fs:create", "{'path':'file://@/n/u/c.txt'}", NULL, NULL}, /* 10 */
        {"fs:open", "{'path':'file://@/n/u/u.txt'}", NULL, NULL},
        {"fs:copy_file", "{'fromPath':'file://@/n/u/u.txt','toPath':'file://@/n/u/copy.txt'}", NULL,
         NULL},
        {"fs:rename", "{'oldPath':'file://@/n/u/copy.txt','newPath':'file://@/n/u/moved.txt'}",
         NULL, NULL},
        {"fs:truncate", "{'path':'file://@/n/u/moved.txt','len':2}", NULL, NULL},
        {"fs:read_text_file_lines", "{'path':'file://@/n/u/u.txt'}", NULL, NULL},
        {"fs:watch", "{'paths':['file://@/n/u'],'onEvent':'__CHANNEL__:1'}", NULL, NULL},
        /* escapes */
        {"fs:read_text_file", "{'path':'file://@/n/u/%2e%2e/%2e%2e/outside/passwd'}",
         "invalid_args", NULL},
        {"fs:read_text_file", "{'path':'file://@/n/u/..%2F..%2Foutside/passwd'}", "invalid_args",
         NULL},
        {"fs:read_text_file", "{'path':'file://@/n/u/u.txt%00.png'}", "invalid_args", NULL},
        {"fs:read_text_file", "{'path':'file://@/n/u/out/passwd'}", "denied", NULL}, /* 20 */
        {"fs:read_text_file", "{'path':'file://otherhost@/n/u/u.txt'}", "invalid_args", NULL},
        {"fs:read_text_file", "{'path':'file://@/n/%73ecret'}", "denied", NULL},
        {"fs:read_text_file", "{'path':'file://@/n/SECRE%54'}", "denied", NULL},
        {"fs:write_text_file", "{'path':'file://@/n/u/out/planted.txt','data':'x'}", "denied",
         NULL},
        {"fs:copy_file", "{'fromPath':'file://@/n/u/u.txt','toPath':'file://@/n/u/out/copied'}",
         "denied", NULL},
        {"fs:watch", "{'paths':['file://@/n/u/out'],'onEvent':'__CHANNEL__:2'}", "denied", NULL},
        {"fs:read_text_file", "{'path':'file:///etc/passwd'}", "denied", NULL},
        {"fs:rename",
         "{'oldPath':'file://@/n/u/u.txt','newPath':'file://@/n/u/%2e%2e/%2e%2e/outside/x'}",
         "invalid_args", NULL},
        {"fs:open", "{'path':'file://@/n/u/u.txt?x=1'}", "invalid_args", NULL},
        {"fs:stat", "{'path':'file://@/n/u/%zz'}", "invalid_args", NULL}, /* 30 */
    };
    enum { N = sizeof cases / sizeof *cases };
    fse_begin(N + 1);
    for (size_t i = 0; i < N; i++)
        fse_add(cases[i].cmd, cases[i].args);
    fse_add_bin("fs:write_file", "file://@/n/u/b%C3%A9.bin", "bytes"); /* N */
    fse_run(policy);
    for (uint32_t i = 0; i < N; i++) {
        CHECK(fse_expect(__LINE__, i, cases[i].code, cases[i].text));
        if (!fse_expect(__LINE__, i, cases[i].code, cases[i].text))
            fprintf(stderr, "  case %u: %s %s\n", i, cases[i].cmd, cases[i].args);
    }
    FSE_EXPECT(N, NULL, NULL);
    CHECK(fse_value(4) && fse_value(4)->type == MSGPACK_OBJECT_BOOLEAN &&
          fse_value(4)->via.boolean);
    CHECK(fse_value(7) && fse_value(7)->via.u64 == 3);
    CHECK_STR(fse_slurp("n/u/w.txt"), "w");
    CHECK_STR(fse_slurp("n/u/moved.txt"), "ur");
    CHECK_STR(fse_slurp("n/u/b\xc3\xa9.bin"), "bytes"); /* decoded as UTF-8 */
    CHECK(fse_slurp("n/u/copy.txt") == NULL);           /* moved */
    CHECK_STR(fse_slurp("outside/passwd"), "OUTSIDE");
    CHECK(fse_slurp("outside/planted.txt") == NULL && fse_slurp("outside/copied") == NULL &&
          fse_slurp("outside/x") == NULL);
    CHECK_STR(fse_slurp("n/u/u.txt"), "url");
}

int suite_fs_more(void)
{
    RUN(test_escapes);
    RUN(test_handle_limit);
    RUN(test_swap_race);
    RUN(test_leading_dot);
    RUN(test_end_closes);
    RUN(test_debounce);
    RUN(test_urls);
    return TEST_RESULT();
}
