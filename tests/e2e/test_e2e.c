// SPDX-License-Identifier: MIT
/*
 * test_e2e.c: the whole runtime through the real binaries: libmoat spawns
 * moat-renderer (or a native renderer) in the sandbox and the bundles in
 * tests/e2e/bundles talk to the commands and listeners registered here.
 */
#include "e2e.h"
#include "moat.h"
#include "test.h"

#include <fcntl.h>
#include <glob.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- commands the bundles call ------------------------------------------ */

static void cmd_secret(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, "the policy should have stopped this");
}

/* Checks the 1 MiB pattern byte by byte on the core's side, then echoes it. */
static void cmd_bytes(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *a = moat_call_args(c);
    bool ok = a->type == MSGPACK_OBJECT_BIN && a->via.bin.size == (1u << 20);
    for (uint32_t i = 0; ok && i < a->via.bin.size; i++)
        ok = (unsigned char)a->via.bin.ptr[i] == ((i * 7 + 3) & 255);
    if (!ok) {
        moat_call_reject(c, "invalid_args", "the bytes did not arrive intact");
        return;
    }
    e2e_cmd_echo(c, NULL);
}

static void cmd_ready(moat_call *c, void *ud)
{
    moat_app *app = ud;
    static const char payload[] = {(char)0x82, (char)0xa1, 'n', 42,  (char)0xa1,
                                   's',        (char)0xa3, 'a', 'b', 'c'}; /* {n: 42, s: "abc"} */
    moat_app_emit(app, moat_call_label(c), "test:ping", payload, sizeof payload);
    moat_call_resolve_null(c);
}

/* Holds calls unanswered until the test answers them, after their renderer is gone. */
static moat_call *held[4];
static int nheld;

static void cmd_hold(moat_call *c, void *ud)
{
    (void)ud;
    if (nheld < 4)
        held[nheld++] = c;
    else
        moat_call_reject(c, "failed", "too many held calls");
}

static const char *policy_text =
    "{\n"
    "  \"identifier\": \"e2e\",\n"
    "  \"windows\": [\"main\"],\n"
    "  \"permissions\": [\"core:default\", \"test:allow-echo\", \"test:allow-bytes\",\n"
    "                    \"test:allow-ready\", \"test:allow-hold\"]\n"
    "}\n";

static moat_app *new_app(struct capture *cap, int audit_fd)
{
    moat_app *app = moat_app_new("e2e");
    CHECK(app != NULL);
    moat_app_set_output(app, e2e_on_output, cap);
    if (audit_fd >= 0) moat_app_set_audit_fd(app, audit_fd);
    CHECK(moat_app_command(app, "test:echo", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_command(app, "test:secret", cmd_secret, NULL) == 0);
    CHECK(moat_app_command(app, "test:bytes", cmd_bytes, NULL) == 0);
    CHECK(moat_app_command(app, "test:ready", cmd_ready, app) == 0);
    CHECK(moat_app_command(app, "test:hold", cmd_hold, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    CHECK(e2e_load_policy(app, policy_text));
    have_report = false;
    return app;
}

static moat_exit run_one(moat_app *app, const char *dir)
{
    return e2e_run_one(app, dir, "main");
}

/* ---- the cases ----------------------------------------------------------- */

static void test_calls(void)
{
    struct capture cap = {0};
    int audit[2];
    CHECK(pipe2(audit, O_NONBLOCK) == 0);
    moat_app *app = new_app(&cap, audit[1]);
    moat_exit e = run_one(app, bundle("calls"));
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "version"), MOAT_VERSION));
    const msgpack_object *echo = get(&report, "echo");
    CHECK(get(echo, "int") && get(echo, "int")->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
          get(echo, "int")->via.u64 == 7);
    CHECK(get(echo, "neg") && get(echo, "neg")->via.i64 == -3);
    CHECK(get(echo, "big") && get(echo, "big")->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
          get(echo, "big")->via.u64 == (1ull << 40));
    CHECK(get(echo, "float") && get(echo, "float")->type == MSGPACK_OBJECT_FLOAT64 &&
          get(echo, "float")->via.f64 == 2.5);
    CHECK(str_is(get(echo, "text"), "h\xc3\xa9llo"));
    const msgpack_object *list = get(echo, "list");
    CHECK(list && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size == 4 &&
          list->via.array.ptr[2].type == MSGPACK_OBJECT_NIL);
    const msgpack_object *denied = get(&report, "test:secret");
    CHECK(str_is(get(denied, "code"), "denied"));
    char *msg = str_dup(get(denied, "message"));
    CHECK_CONTAINS(msg, "test:secret");
    free(msg);
    CHECK(get(denied, "isError") && get(denied, "isError")->via.boolean);
    /* Not registered and not granted: denied, as a registered one would be. */
    CHECK(str_is(get(get(&report, "no:such_command"), "code"), "denied"));
    char line[1024] = {0};
    ssize_t n = read(audit[0], line, sizeof line - 1);
    CHECK(n > 0);
    CHECK_CONTAINS(line, "\"command\":\"test:secret\"");
    CHECK_CONTAINS(line, "\"decision\":\"deny\"");
    CHECK_CONTAINS(line, "\"label\":\"main\"");
    /* Two lines: the unregistered command's denial is audited like any other. */
    char *nl = n > 0 ? strchr(line, '\n') : NULL;
    CHECK(nl && line[n - 1] == '\n' && strchr(nl + 1, '\n') == line + n - 1);
    CHECK(nl && strstr(nl, "\"command\":\"no:such_command\",\"decision\":\"deny\""));
    moat_app_free(app);
    close(audit[0]);
    close(audit[1]);
}

static void test_events(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    CHECK(moat_app_listen(app, "test:pong", e2e_on_report, NULL) > 0);
    moat_exit e = run_one(app, bundle("events"));
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "event"), "test:ping"));
    const msgpack_object *got = get(&report, "got");
    CHECK(get(got, "n") && get(got, "n")->via.u64 == 42);
    CHECK(str_is(get(got, "s"), "abc"));
    moat_app_free(app);
}

static void test_binary(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_exit e = run_one(app, bundle("binary"));
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(get(&report, "same") && get(&report, "same")->via.boolean);
    CHECK(get(&report, "length") && get(&report, "length")->via.u64 == (1u << 20));
    /* An answer that is bytes is an ArrayBuffer, as in Tauri; bytes inside a map a Uint8Array. */
    CHECK(str_is(get(&report, "type"), "[object ArrayBuffer]"));
    CHECK(str_is(get(&report, "viewType"), "[object ArrayBuffer]"));
    CHECK(str_is(get(&report, "nestedType"), "[object Uint8Array]"));
    const char *keys[] = {"view", "nested"};
    for (size_t k = 0; k < 2; k++) {
        const msgpack_object *view = get(&report, keys[k]);
        CHECK(view && view->type == MSGPACK_OBJECT_ARRAY && view->via.array.size == 4);
        for (uint32_t i = 0; view && i < view->via.array.size && i < 4; i++)
            CHECK(view->via.array.ptr[i].via.u64 == (((16 + i) * 7 + 3) & 255));
    }
    moat_app_free(app);
}

/* Joins the strings of an array with ",". */
static void join(const msgpack_object *a, char *out, size_t len)
{
    out[0] = '\0';
    for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++) {
        const msgpack_object *s = &a->via.array.ptr[i];
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%.*s", i ? "," : "", (int)s->via.str.size, s->via.str.ptr);
    }
}

static void test_runtime(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_exit e = run_one(app, bundle("runtime"));
    CHECK(e.code == 0);
    CHECK(have_report);
    char order[512];
    join(get(&report, "order"), order, sizeof order);
    CHECK_STR(order, "sync,microtask,promise,timeout 0,tick 1,tick 2,tick 3,timeout 200");
    CHECK(get(&report, "window") && get(&report, "window")->via.boolean);
    CHECK(str_is(get(&report, "label"), "main"));
    join(get(&report, "types"), order, sizeof order);
    CHECK_STR(order, "function,function,function");
    CHECK_CONTAINS(cap.text, "1|to stdout 42 {a: [1, \"x\"]}\n");
    CHECK_CONTAINS(cap.text, "2|to stderr\n");
    moat_app_free(app);
}

/* Many timers at once: each runs once, cleared ones never, equal delays in order (timers.c). */
static void test_timers(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_exit e = run_one(app, bundle("timers"));
    CHECK(e.code == 0);
    CHECK(have_report);
    const msgpack_object *fired = get(&report, "fired");
    CHECK(fired && fired->via.u64 >= 1700 &&
          fired->via.u64 <= 2000); /* 2,000 minus those cleared by others */
    CHECK(uint_of(get(&report, "clearedRan")) == 0);
    CHECK(uint_of(get(&report, "missing")) == 0);
    CHECK(uint_of(get(&report, "twice")) == 0);
    CHECK(get(&report, "order") && get(&report, "order")->via.boolean);
    CHECK(uint_of(get(&report, "ticks")) == 5);
    const msgpack_object *wrong = get(&report, "wrong");
    CHECK(wrong && wrong->type == MSGPACK_OBJECT_ARRAY && wrong->via.array.size == 0);
    const msgpack_object *r = get(&report, "refusals");
    CHECK(r && r->type == MSGPACK_OBJECT_ARRAY && r->via.array.size == 3);
    for (uint32_t i = 0; r && r->type == MSGPACK_OBJECT_ARRAY && i < r->via.array.size; i++)
        CHECK(r->via.array.ptr[i].type == MSGPACK_OBJECT_BOOLEAN &&
              r->via.array.ptr[i].via.boolean);
    moat_app_free(app);
}

static void test_uncaught(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_exit e = run_one(app, bundle("throws"));
    CHECK(e.code == 1);
    CHECK_CONTAINS(cap.text, "2|Uncaught Error: boom from the bundle\n");
    CHECK_CONTAINS(cap.text, "deep@main.js:4"); /* the stack names the bundle's function and line */
    e = run_one(app, bundle("rejects"));
    CHECK(e.code == 1);
    CHECK_CONTAINS(cap.text, "2|Unhandled promise rejection: TypeError: nobody catches this\n");
    CHECK(strstr(cap.text, "should not run") == NULL);
    e = run_one(app, bundle("exits"));
    CHECK(e.code == 3);
    CHECK_CONTAINS(cap.text, "1|before exit\n");
    CHECK(strstr(cap.text, "after exit") == NULL && strstr(cap.text, "should not run") == NULL);
    moat_app_free(app);
}

static void test_native_ok(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    CHECK(moat_app_listen(app, "test:native", e2e_on_report, NULL) > 0);
    moat_exit e = run_one(app, native_bundle("native_ok"));
    CHECK(e.code == 5);
    /* Emitted just before exiting, and still delivered. */
    CHECK(have_report && report.type == MSGPACK_OBJECT_ARRAY && report.via.array.size == 3 &&
          report.via.array.ptr[2].via.u64 == 3);
    CHECK_CONTAINS(cap.text, "1|native_ok: version " MOAT_VERSION "\n");
    CHECK_CONTAINS(cap.text, "2|native_ok: to stderr\n");
    CHECK_CONTAINS(cap.text, "1|native_ok: failed invoke -1, reply empty\n");
    CHECK_CONTAINS(cap.text, "1|native_ok: failed listen -1\n");
    moat_app_free(app);
}

static void test_forbidden_syscall(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_exit e = run_one(app, native_bundle("evil"));
    CHECK(e.signal == SIGKILL || e.signal == SIGSYS);
    CHECK_CONTAINS(e.reason, "socket");
    CHECK_CONTAINS(cap.text, "1|evil: connected\n");
    CHECK(strstr(cap.text, "survived") == NULL);
    CHECK_CONTAINS(cap.text, "0|renderer \"main\"");
    /* The core keeps serving: a new renderer on the same app works. */
    e = run_one(app, bundle("calls"));
    CHECK(e.code == 0);
    CHECK(have_report && str_is(get(&report, "version"), MOAT_VERSION));
    moat_app_free(app);
}

/* Each kind of protocol abuse ends the renderer with a reason; the core goes on. */
static void test_protocol_abuse(void)
{
    static const struct {
        const char *mode, *reason;
    } cases[] = {
        {"forge-garbage", "sent a malformed frame: frame:"},
        {"forge-early", "sent a request frame before the handshake"},
        {"forge-oversized", "lost its connection without exiting"},
        {"forge-dup-id", "reused request id 7 while it was in flight"},
        {"forge-response", "sent a response frame, which only the core may send"},
        {"forge-bulk-early", "sent a malformed frame: frame: ext type 0xd8 is not allowed"},
        {"forge-bulk-outside", "sent a bad bulk reference: frame: bulk reference outside"},
        {"forge-bulk-huge", "over the 65536-byte limit once its bulk bytes are in"},
        {"forge-bulk-shrink", "forbidden system call ftruncate(5, 0"},
    };
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 65536) == 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        moat_exit e = run_one(app, native_bundle(cases[i].mode));
        CHECK(e.signal == SIGKILL);
        CHECK_CONTAINS(e.reason, cases[i].reason);
    }
    CHECK(strstr(cap.text, "still alive") == NULL);
    /* The held call outlived its renderer: answering it now is safe and a no-op. */
    CHECK(nheld == 1);
    while (nheld > 0)
        CHECK(moat_call_resolve_null(held[--nheld]) == 0);
    moat_exit e = run_one(app, bundle("calls"));
    CHECK(e.code == 0);
    moat_app_free(app);
}

/* Another process (here: this one, which is not the renderer) dials the socket. */
static void *intruder(void *arg)
{
    moat_app *app = arg;
    char pattern[300];
    snprintf(pattern, sizeof pattern, "%s/moat-*/r*.sock", e2e_tmpdir());
    glob_t g = {0};
    for (int i = 0; i < 500 && glob(pattern, 0, NULL, &g) != 0; i++)
        usleep(10000);
    CHECK(g.gl_pathc == 1);
    if (g.gl_pathc == 1) {
        char url[400];
        snprintf(url, sizeof url, "ipc://%s", g.gl_pathv[0]);
        nng_socket s;
        nng_pair1_open(&s);
        nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK);
        usleep(300000);
        nng_close(s);
    }
    globfree(&g);
    moat_app_emit(app, "main", "test:go", NULL, 0);
    return NULL;
}

static void test_second_connection_refused(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap, -1);
    moat_renderer *r = moat_app_spawn(app, bundle("waiter"), "main");
    CHECK(r != NULL);
    pthread_t t;
    pthread_create(&t, NULL, intruder, app);
    CHECK(moat_app_run(app) == 0);
    pthread_join(t, NULL);
    moat_exit e = {0};
    CHECK(moat_renderer_exited(r, &e) && e.code == 0);
    /* The intruder's dialer may try again within its 300 ms: one refusal or more, all its own. */
    char own[64];
    snprintf(own, sizeof own, "(last from pid %d)", (int)getpid());
    CHECK_CONTAINS(cap.text, "connection(s) to renderer \"main\"'s socket");
    CHECK_CONTAINS(cap.text, own);
    CHECK(have_report && str_is(get(&report, "version"), MOAT_VERSION));
    moat_app_free(app);
}

/* The policy gives one label the JIT (core:sandbox:allow-jit); the others stay without. */
static void test_jit_per_label(void)
{
    struct capture cap = {0};
    moat_app *app = moat_app_new("jit");
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"fast\", \"windows\": [\"fast\"],"
                               " \"permissions\": [\"core:sandbox:allow-jit\"]}"));
    moat_exit e = e2e_run_one(app, native_bundle("jitprobe"), "fast");
    CHECK(e.code == 0);
    CHECK_CONTAINS(cap.text, "1|jitprobe: JSC_useJIT=(unset)\n");
    CHECK_CONTAINS(cap.text, "1|jitprobe: executable memory allowed\n");
    cap.len = 0;
    cap.text[0] = '\0';
    e = e2e_run_one(app, native_bundle("jitprobe"), "main");
    CHECK(e.signal == SIGKILL);
    CHECK_CONTAINS(e.reason, "forbidden system call mprotect(");
    CHECK_CONTAINS(cap.text, "1|jitprobe: JSC_useJIT=false\n");
    moat_app_free(app);
}

static double seconds(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/*
 * A renderer that idles for 500 ms, with stdin at /dev/null (always
 * readable), as under a launcher: the run loop once polled fd 0 beside every
 * renderer and spun at a whole CPU. This process's CPU time (the core's
 * threads; the renderer is a child) must stay far below the wall time.
 */
static void test_idle_core_sleeps(void)
{
    struct capture cap = {0};
    int saved = dup(0), null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(saved >= 0 && null >= 0 && dup2(null, 0) == 0);
    if (null >= 0) close(null);
    moat_app *app = new_app(&cap, -1);
    struct rusage before, after;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    moat_exit e = run_one(app, bundle("idle"));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &after);
    CHECK(e.code == 0);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) -
                 seconds(before.ru_stime);
    CHECK(wall >= 0.5);
    if (cpu > wall / 4) fprintf(stderr, "the core used %.3f s of CPU in %.3f s\n", cpu, wall);
    CHECK(cpu <= wall / 4);
    if (saved >= 0) dup2(saved, 0), close(saved);
    moat_app_free(app);
}

int main(void)
{
    e2e_begin();
    RUN(test_calls);
    RUN(test_events);
    RUN(test_binary);
    RUN(test_runtime);
    RUN(test_timers);
    RUN(test_idle_core_sleeps);
    RUN(test_uncaught);
    RUN(test_native_ok);
    RUN(test_forbidden_syscall);
    RUN(test_second_connection_refused);
    RUN(test_protocol_abuse);
    RUN(test_jit_per_label);
    e2e_end();
    return TEST_RESULT();
}
