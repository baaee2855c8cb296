// SPDX-License-Identifier: MIT
/*
 * test_ipc.c: the IPC layer's guarantees through the real binaries:
 * cancellation, timeouts, exactly one answer when renderers are killed
 * mid-traffic, channels with backpressure, big binaries, several renderers,
 * listener lifecycles, events for loading renderers, and a core that goes away.
 */
#include "e2e.h"
#include "moat.h"
#include "test.h"

#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static const char *policy_text =
    "{\"identifier\": \"ipc\", \"windows\": [\"*\"], \"permissions\": [\"core:default\",\n"
    " \"test:allow-echo\", \"test:allow-hold\", \"test:allow-slow\", \"test:allow-async\",\n"
    " \"test:allow-ready\", \"test:allow-listeners\", \"test:allow-stream\",\n"
    " \"test:allow-flood\"]}\n";

static struct capture cap;

/* ---- commands ----------------------------------------------------------------- */

/* Calls held by the test, with what their cancel hooks were told. */
static moat_call *held[8];
static const char *cancel_codes[8];
static int nheld;

static void on_cancel(moat_call *c, const char *code, void *ud)
{
    (void)c;
    cancel_codes[(intptr_t)ud] = code;
}

static void cmd_hold(moat_call *c, void *ud)
{
    (void)ud;
    if (nheld == 8) {
        moat_call_reject(c, "failed", "too many held calls");
        return;
    }
    moat_call_on_cancel(c, on_cancel, (void *)(intptr_t)nheld);
    held[nheld++] = c;
}

static void release_held(void)
{
    while (nheld > 0)
        moat_call_resolve_null(held[--nheld]);
}

static void cmd_ready(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_null(c);
}

static moat_renderer *current;

static void cmd_listeners(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_int(c, (int64_t)moat_renderer_listener_count(current));
}

/* test:stream {count, onEvent}: count messages {i} on the channel, then the end. */
static void cmd_stream(moat_call *c, void *ud)
{
    (void)ud;
    moat_channel *ch = moat_call_channel(c, "onEvent");
    if (!ch) {
        moat_call_reject(c, "invalid_args", "%s", moat_errmsg());
        return;
    }
    for (uint8_t i = 0; i < 100; i++) {
        const char msg[] = {(char)0x81, (char)0xa1, 'i', (char)i}; /* {i: n}, n < 128 */
        moat_channel_send(ch, msg, sizeof msg);
    }
    moat_channel_close(ch);
    moat_call_resolve_str(c, "streamed");
}

/* ---- answering from another thread ------------------------------------------------- */

#define ASYNC_MAX 65536
static moat_call *async_calls[ASYNC_MAX];
static atomic_int async_head, async_tail;
static atomic_bool async_stop;
static atomic_long async_answered, async_created;

static void cmd_async(moat_call *c, void *ud)
{
    (void)ud;
    int i = atomic_load(&async_head);
    if (i - atomic_load(&async_tail) >= ASYNC_MAX) {
        moat_call_reject(c, "failed", "queue full");
        return;
    }
    atomic_fetch_add(&async_created, 1);
    async_calls[i % ASYNC_MAX] = c;
    atomic_store(&async_head, i + 1);
}

/* Answers queued calls after a short, varying delay: some after their renderer died. */
static void *answerer(void *arg)
{
    (void)arg;
    unsigned seed = 7;
    for (;;) {
        int t = atomic_load(&async_tail);
        if (t == atomic_load(&async_head)) {
            if (atomic_load(&async_stop)) return NULL;
            usleep(100);
            continue;
        }
        if (rand_r(&seed) % 8 == 0) usleep(rand_r(&seed) % 500);
        moat_call_resolve_int(async_calls[t % ASYNC_MAX], t);
        atomic_fetch_add(&async_answered, 1);
        atomic_store(&async_tail, t + 1);
    }
}

/* test:flood: 100 MiB through a channel from another thread, to a renderer that reads slowly. */
static atomic_size_t flood_peak;

static void *flood(void *arg)
{
    moat_call *c = arg;
    moat_channel *ch = moat_call_channel(c, "onEvent");
    size_t chunk = 256 << 10;
    uint8_t *msg = calloc(1, chunk + 5);
    msg[0] = 0xc6, msg[1] = (uint8_t)(chunk >> 24), msg[2] = (uint8_t)(chunk >> 16);
    msg[3] = (uint8_t)(chunk >> 8), msg[4] = (uint8_t)chunk;
    for (int i = 0; ch && i < 400; i++) {
        if (moat_channel_send(ch, msg, chunk + 5) != 0) break;
        size_t q = moat_renderer_queued_bytes(current);
        if (q > atomic_load(&flood_peak)) atomic_store(&flood_peak, q);
    }
    moat_channel_close(ch);
    free(msg);
    moat_call_resolve_null(c);
    return NULL;
}

static pthread_t flood_thread;

static void cmd_flood(moat_call *c, void *ud)
{
    pthread_t *t = ud;
    pthread_create(t, NULL, flood, c);
}

/* ---- the app ------------------------------------------------------------------------ */

static moat_app *new_app(void)
{
    memset(&cap, 0, sizeof cap);
    moat_app *app = moat_app_new("ipc");
    moat_command_opts slow = {.timeout_ms = 50};
    CHECK(app != NULL);
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(moat_app_command(app, "test:echo", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_command(app, "test:hold", cmd_hold, NULL) == 0);
    CHECK(moat_app_command_ex(app, "test:slow", cmd_hold, NULL, &slow) == 0);
    CHECK(moat_app_command(app, "test:async", cmd_async, NULL) == 0);
    CHECK(moat_app_command(app, "test:ready", cmd_ready, NULL) == 0);
    CHECK(moat_app_command(app, "test:listeners", cmd_listeners, NULL) == 0);
    CHECK(moat_app_command(app, "test:stream", cmd_stream, NULL) == 0);
    CHECK(moat_app_command(app, "test:flood", cmd_flood, &flood_thread) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    CHECK(e2e_load_policy(app, policy_text));
    have_report = false;
    return app;
}

/* ---- the cases -------------------------------------------------------------------- */

static void test_cancel_and_timeout(void)
{
    moat_app *app = new_app();
    moat_exit e = e2e_run_one(app, bundle("cancel"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "aborted"), "cancelled"));
    CHECK(str_is(get(&report, "early"), "cancelled"));
    CHECK(str_is(get(&report, "slow"), "timeout"));
    CHECK(str_is(get(&report, "after"), "still fine"));
    CHECK(nheld == 2);
    CHECK_STR(cancel_codes[0], "cancelled");
    CHECK_STR(cancel_codes[1], "timeout");
    CHECK(held[0] && moat_call_cancelled(held[0]));
    release_held(); /* late answers: dropped, and the calls freed */
    moat_app_free(app);
    CHECK(moat_live_calls() == 0);
}

struct killer {
    moat_renderer *r;
    long ms;
};

static void *kill_later(void *arg)
{
    struct killer *k = arg;
    usleep((useconds_t)k->ms * 1000);
    moat_renderer_kill(k->r, "the test");
    return NULL;
}

/* A renderer that streams with test:stream must still work on this app. */
static void check_still_serving(moat_app *app)
{
    have_report = false;
    moat_exit e = e2e_run_one(app, bundle("stream"), "main");
    CHECK(e.code == 0);
    CHECK(have_report && str_is(get(&report, "result"), "streamed"));
}

/* Kills renderers at random moments of heavy traffic; nothing may leak or be answered twice. */
/* "a,b,c" from an array of strings (and booleans), for comparing a report entry. */
static const char *joined(const msgpack_object *a)
{
    static char out[512];
    out[0] = '\0';
    for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++) {
        const msgpack_object *e = &a->via.array.ptr[i];
        size_t n = strlen(out);
        if (e->type == MSGPACK_OBJECT_STR)
            snprintf(out + n, sizeof out - n, "%s%.*s", i ? "," : "", (int)e->via.str.size,
                     e->via.str.ptr);
        else
            snprintf(out + n, sizeof out - n, "%s%s", i ? "," : "",
                     e->type == MSGPACK_OBJECT_BOOLEAN && e->via.boolean ? "true" : "false");
    }
    return out;
}

/* Issue 14 item 2: what the JS side rejects with has a documented .code. */
static void test_js_rejections_have_codes(void)
{
    moat_app *app = new_app();
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 256 << 10) == 0);
    moat_exit e = e2e_run_one(app, bundle("jserrors"), "main");
    CHECK(e.code == 0);
    if (e.code != 0) fprintf(stderr, "%s", cap.text);
    CHECK(have_report);
    CHECK_STR(joined(get(&report, "big")), "MoatError,limit_exceeded,plain");
    CHECK_STR(joined(get(&report, "timeout")), "MoatError,timeout");
    CHECK_STR(joined(get(&report, "early")), "MoatError,cancelled");
    CHECK_STR(joined(get(&report, "listen")), "MoatError,invalid_args");
    CHECK_STR(joined(get(&report, "surrogate")), "MoatError,invalid_args");
    CHECK_STR(joined(get(&report, "fetch")), "MoatError,denied,says why"); /* no http scope */
    CHECK_STR(joined(get(&report, "tauri")), "string,says why");
    CHECK(str_is(get(&report, "after"), "still fine"));
    CHECK_STR(joined(get(&report, "globals")), "object,true,true,/:,linux,unix,main");
    CHECK(nheld == 1);
    CHECK_STR(cancel_codes[0], "cancelled");
    release_held();
    moat_app_free(app);
    CHECK(moat_live_calls() == 0);
}

static void test_kill_during_traffic(void)
{
    moat_app *app = new_app();
    pthread_t answer_thread;
    atomic_store(&async_stop, false);
    pthread_create(&answer_thread, NULL, answerer, NULL);
    unsigned seed = 42;
    for (int round = 0; round < 12; round++) {
        moat_renderer *r = moat_app_spawn(app, bundle("traffic"), "main");
        CHECK(r != NULL);
        if (!r) break;
        struct killer k = {r, 40 + (long)(rand_r(&seed) % 160)};
        pthread_t t;
        pthread_create(&t, NULL, kill_later, &k);
        CHECK(moat_app_run(app) == 0);
        pthread_join(t, NULL);
        moat_exit e;
        CHECK(moat_renderer_exited(r, &e) && e.signal == SIGKILL);
        CHECK_CONTAINS(e.reason, "the test");
    }
    CHECK(atomic_load(&async_created) > 100); /* there was traffic to interrupt */
    atomic_store(&async_stop, true);
    pthread_join(answer_thread, NULL);
    CHECK(atomic_load(&async_answered) == atomic_load(&async_created));
    CHECK(moat_live_calls() == 0); /* every call freed: answered once, by one side */
    check_still_serving(app);
    moat_app_free(app);
}

static void test_channel(void)
{
    moat_app *app = new_app();
    check_still_serving(app);
    CHECK(uint_of(get(&report, "count")) == 100);
    CHECK(get(&report, "ordered") && get(&report, "ordered")->via.boolean);
    CHECK(get(&report, "ended") && get(&report, "ended")->via.boolean);
    CHECK(uint_of(get(get(&report, "last"), "i")) == 99);
    moat_app_free(app);
}

static void test_channel_backpressure(void)
{
    moat_app *app = new_app();
    current = moat_app_spawn(app, native_bundle("slowreader"), "main");
    CHECK(current != NULL);
    CHECK(moat_app_run(app) == 0);
    pthread_join(flood_thread, NULL);
    CHECK_CONTAINS(cap.text, "slowreader: 400 messages, in order, 104857600 bytes, ended and "
                             "answered");
    /* 100 MiB went through, but never more than the high-water mark plus a message waited. */
    CHECK(atomic_load(&flood_peak) <= (4u << 20) + 2 * (256u << 10) + 64);
    moat_app_free(app);
}

static void test_big_binary(void)
{
    moat_app *app = new_app();
    moat_exit e = e2e_run_one(app, bundle("bigbin"), "main");
    CHECK(e.code == 0);
    CHECK(get(&report, "same") && get(&report, "same")->via.boolean);
    CHECK(uint_of(get(&report, "length")) == (64u << 20));
    moat_app_free(app);
}

/* True when this process maps something whose name contains what (/proc/self/maps). */
static bool maps_contain(const char *what)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, what) != NULL;
    if (f) fclose(f);
    return found;
}

/*
 * Binaries through the shared rings: the default ring, one too small for
 * some (those go inline, the others wrap around it), and none at all.
 */
static void test_bulk_sizes(void)
{
    static const uint64_t rings[] = {32u << 20, 1u << 20, 0};
    for (size_t i = 0; i < sizeof rings / sizeof *rings; i++) {
        moat_app *app = new_app();
        CHECK(moat_app_set_limit(app, MOAT_LIMIT_BULK_BYTES, ((uint64_t)1 << 32) + 1) == -1);
        CHECK_CONTAINS(moat_errmsg(), "bulk limit 4294967297 is over 4 GiB");
        CHECK(moat_app_set_limit(app, MOAT_LIMIT_BULK_BYTES, rings[i]) == 0);
        moat_exit e = e2e_run_one(app, bundle("bulkmix"), "main");
        CHECK(e.code == 0);
        CHECK(uint_of(get(&report, "ok")) == 13);
        const msgpack_object *bad = get(&report, "bad");
        CHECK(bad && bad->type == MSGPACK_OBJECT_STR && bad->via.str.size == 0);
        /* The renderer has exited: the core no longer maps its region. */
        CHECK(!maps_contain("moat-bulk"));
        moat_app_free(app);
    }
}

/* Reports from renderers, by label. */
static char heard[8][64];
static int nheard;

static void on_multi(void *ud, const char *label, const char *event, const msgpack_object *p)
{
    (void)ud, (void)event;
    if (nheard < 8) snprintf(heard[nheard++], 64, "%s:%d", label, (int)uint_of(get(p, "payload")));
}

static int ready_count;

static void cmd_count_ready(moat_call *c, void *ud)
{
    moat_app *app = ud;
    moat_call_resolve_null(c);
    if (++ready_count < 2) return;
    static const uint8_t one = 1, two = 2;
    CHECK(moat_app_emit(app, "c", "test:hi", &one, 1) == -1); /* no such renderer */
    CHECK_CONTAINS(moat_errmsg(), "no renderer labelled \"c\"");
    moat_app_emit(app, "a", "test:hi", &one, 1);  /* only a */
    moat_app_emit(app, NULL, "test:hi", &two, 1); /* both */
    moat_app_emit(app, NULL, "test:bye", NULL, 0);
}

static bool heard_it(const char *s)
{
    for (int i = 0; i < nheard; i++)
        if (strcmp(heard[i], s) == 0) return true;
    return false;
}

static void test_several_renderers(void)
{
    moat_app *app = moat_app_new("ipc");
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(moat_app_command(app, "test:ready", cmd_count_ready, app) == 0);
    CHECK(moat_app_listen(app, "test:report", on_multi, NULL) > 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"multi\", \"windows\": [\"a\", \"b\"],"
                               " \"permissions\": [\"core:default\", \"test:allow-ready\"]}"));
    moat_renderer *a = moat_app_spawn(app, bundle("multi"), "a");
    moat_renderer *b = moat_app_spawn(app, bundle("multi"), "b");
    CHECK(a && b);
    CHECK(moat_app_run(app) == 0);
    CHECK(nheard == 3);
    CHECK(heard_it("a:1") && heard_it("a:2") && heard_it("b:2") && !heard_it("b:1"));
    CHECK(moat_app_emit(app, "a", "test:hi", NULL, 0) == -1); /* a has ended */
    moat_app_free(app);
}

static void test_listener_cycles(void)
{
    moat_app *app = new_app();
    current = moat_app_spawn(app, bundle("cycles"), "main");
    CHECK(current != NULL);
    CHECK(moat_app_run(app) == 0);
    CHECK(have_report);
    CHECK(uint_of(get(&report, "before")) == 0);
    CHECK(uint_of(get(&report, "after")) == 0);
    CHECK(uint_of(get(&report, "once")) == 1);
    CHECK(moat_renderer_listener_count(current) == 0); /* and none kept after it ended */
    moat_app_free(app);
}

static void test_events_wait_for_loading(void)
{
    moat_app *app = new_app();
    moat_renderer *r = moat_app_spawn(app, bundle("early"), "main");
    CHECK(r != NULL);
    for (uint8_t i = 1; i <= 3; i++) /* right away: the renderer is still starting */
        CHECK(moat_app_emit(app, "main", "test:early", &i, 1) == 0);
    CHECK(moat_app_run(app) == 0);
    const msgpack_object *got = get(&report, "got");
    CHECK(have_report && got && got->type == MSGPACK_OBJECT_ARRAY && got->via.array.size == 3);
    for (uint32_t i = 0; got && i < got->via.array.size; i++)
        CHECK(got->via.array.ptr[i].via.u64 == i + 1);
    moat_app_free(app);
}

/* An array of uint8 in report[key] is exactly want[0..n). */
static bool got_exactly(const char *key, const uint8_t *want, uint32_t n)
{
    const msgpack_object *got = get(&report, key);
    bool same = got && got->type == MSGPACK_OBJECT_ARRAY && got->via.array.size == n;
    for (uint32_t i = 0; same && i < n; i++)
        same = got->via.array.ptr[i].via.u64 == want[i];
    return same;
}

/* `await listen('a'); await listen('b')`: b's early events are kept for it too. */
static void test_events_wait_for_listeners(void)
{
    moat_app *app = new_app();
    moat_renderer *r = moat_app_spawn(app, bundle("chained"), "main");
    CHECK(r != NULL);
    static const char *names[] = {"test:a", "test:b", "test:a", "test:c", "test:b", "test:d"};
    for (uint8_t i = 0; i < 6; i++) {
        uint8_t v = (uint8_t)(i + 1);
        CHECK(moat_app_emit(app, "main", names[i], &v, 1) == 0);
    }
    CHECK(moat_app_run(app) == 0);
    CHECK(have_report);
    static const uint8_t a[] = {1, 3}, b[] = {2, 5}, c[] = {4};
    CHECK(got_exactly("a", a, 2) && got_exactly("b", b, 2) && got_exactly("c", c, 1));
    moat_app_free(app);
}

static void test_exit_is_announced(void)
{
    moat_app *app = new_app();
    moat_renderer *w = moat_app_spawn(app, bundle("watcher"), "watcher");
    CHECK(w != NULL);
    /* The watcher must be listening before the other one ends: wait for its test:ready. */
    moat_exit e = e2e_run_one(app, bundle("exits"), "worker");
    CHECK(e.code == 3);
    CHECK(have_report);
    CHECK(str_is(get(&report, "label"), "worker"));
    CHECK(uint_of(get(&report, "code")) == 3);
    char *reason = str_dup(get(&report, "reason"));
    CHECK_CONTAINS(reason, "exited with code 3");
    free(reason);
    moat_app_free(app);
}

/* Releases the held calls a little later, from another thread. */
static void *release_later(void *arg)
{
    (void)arg;
    usleep(200000);
    release_held();
    return NULL;
}

static pthread_t releaser;

static void cmd_hold_four(moat_call *c, void *ud)
{
    cmd_hold(c, ud);
    if (nheld == 4) pthread_create(&releaser, NULL, release_later, NULL);
}

static void test_limits_answer_the_sender(void)
{
    moat_app *app = moat_app_new("ipc");
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(moat_app_command(app, "test:hold", cmd_hold_four, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"l\", \"windows\": [\"main\"],"
                               " \"permissions\": [\"core:default\", \"test:allow-hold\"]}"));
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_INFLIGHT, 4) == 0);
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_EVENT_RATE, 5) == 0);
    have_report = false;
    moat_exit e = e2e_run_one(app, bundle("limits"), "main");
    pthread_join(releaser, NULL);
    CHECK(e.code == 0);
    CHECK(have_report);
    const msgpack_object *holds = get(&report, "holds");
    int ok = 0, limited = 0;
    for (uint32_t i = 0; holds && i < holds->via.array.size; i++) {
        ok += str_is(&holds->via.array.ptr[i], "ok");
        limited += str_is(&holds->via.array.ptr[i], "limit_exceeded");
    }
    CHECK(ok == 4 && limited == 2); /* four in flight at most; the rest refused, not queued */
    uint64_t emitted = uint_of(get(&report, "emitted"));
    CHECK(emitted >= 5 && emitted < 12); /* a second's worth at once, then refusals */
    char *msg = str_dup(get(&report, "emitMessage"));
    CHECK_CONTAINS(msg, "event_rate");
    free(msg);
    moat_app_free(app);
}

/* test:huge: answers a binary of exactly the frame limit, and emits one too. */
static int huge_resolved = 1, huge_emitted = 1, huge_sent = 1, small_sent = 1;
static moat_app *huge_app;
static char huge_err[300];

static void cmd_huge(moat_call *c, void *ud)
{
    size_t n = (size_t)(uintptr_t)ud;
    uint8_t *v = calloc(1, n + 5);
    v[0] = 0xc6, v[1] = (uint8_t)(n >> 24), v[2] = (uint8_t)(n >> 16);
    v[3] = (uint8_t)(n >> 8), v[4] = (uint8_t)n;
    huge_emitted = moat_app_emit(huge_app, "main", "test:huge", v, n + 5);
    moat_channel *ch = moat_call_channel(c, "ch");
    huge_sent = ch ? moat_channel_send(ch, v, n + 5) : 2;
    small_sent = ch ? moat_channel_send(ch, "\xa5small", 6) : 2; /* the channel goes on */
    moat_channel_close(ch);
    huge_resolved = moat_call_resolve(c, v, n + 5);
    snprintf(huge_err, sizeof huge_err, "%s", moat_errmsg());
    free(v);
}

/* An answer or event over the frame limit fails where it is made; the renderer goes on. */
static void test_over_limit_answer(void)
{
    moat_app *app = huge_app = moat_app_new("ipc");
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 1 << 20) == 0);
    CHECK(moat_app_command(app, "test:huge", cmd_huge, (void *)(uintptr_t)(1 << 20)) == 0);
    CHECK(moat_app_command(app, "test:echo", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"o\", \"windows\": [\"main\"],"
                               " \"permissions\": [\"core:default\", \"test:allow-huge\","
                               " \"test:allow-echo\"]}"));
    have_report = false;
    moat_exit e = e2e_run_one(app, bundle("overlimit"), "main");
    CHECK(e.code == 0);
    CHECK(huge_emitted == -1 && huge_resolved == -1 && huge_sent == -1 && small_sent == 0);
    CHECK_CONTAINS(huge_err, "over the 1048576-byte frame limit");
    CHECK(have_report);
    CHECK(str_is(get(&report, "code"), "limit_exceeded"));
    CHECK(str_is(get(&report, "after"), "still here"));
    CHECK(uint_of(get(&report, "small")) == 1 && uint_of(get(&report, "big")) == 0);
    char *msg = str_dup(get(&report, "message"));
    CHECK_CONTAINS(msg, "frame limit");
    free(msg);
    CHECK(strstr(cap.text, "refused") == NULL);
    moat_app_free(app);
}

/* test:blocker (worker pool) waits for test:unblock (run thread); test:late for the warning. */
static atomic_bool unblocked, warned;

static bool wait_flag(atomic_bool *flag)
{
    for (int i = 0; i < 10000 && !atomic_load(flag); i++)
        usleep(1000);
    return atomic_load(flag);
}

static void cmd_blocker(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, wait_flag(&unblocked) ? "unblocked" : "never unblocked");
}

static void cmd_unblock(moat_call *c, void *ud)
{
    (void)ud;
    atomic_store(&unblocked, true);
    moat_call_resolve_null(c);
}

static void cmd_late(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, wait_flag(&warned) ? "warned" : "no warning");
}

static void on_output_warned(void *ud, const char *label, int stream, const char *line)
{
    if (strstr(line, "test:late (request ") && strstr(line, "from renderer \"main\") is still "
                                                            "unanswered after 100 ms"))
        atomic_store(&warned, true);
    e2e_on_output(ud, label, stream, line);
}

/* A handler on the worker pool stalls nothing; a slow call is named in the log. */
static void test_worker_pool(void)
{
    moat_app *app = moat_app_new("ipc");
    moat_app_set_output(app, on_output_warned, &cap);
    moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    CHECK(moat_app_set_workers(app, 0) == -1 && moat_app_set_workers(app, 2) == 0);
    CHECK(moat_app_command_ex(app, "test:blocker", cmd_blocker, NULL, &worker) == 0);
    CHECK(moat_app_command_ex(app, "test:late", cmd_late, NULL, &worker) == 0);
    CHECK(moat_app_command(app, "test:unblock", cmd_unblock, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"w\", \"windows\": [\"main\"],"
                               " \"permissions\": [\"core:default\", \"test:allow-blocker\","
                               " \"test:allow-unblock\", \"test:allow-late\"]}"));
    moat_app_set_slow_call_warning(app, 100);
    have_report = false;
    moat_exit e = e2e_run_one(app, bundle("workers"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "blocker"), "unblocked"));
    CHECK(str_is(get(&report, "late"), "warned"));
    CHECK(moat_app_set_workers(app, 3) == -1); /* started already */
    moat_app_free(app);
}

/* Listeners are charged to the memory budget and given back when unlistened. */
static void test_listeners_cost_memory(void)
{
    moat_app *app = new_app();
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_MEMORY_BYTES, 2 << 20) == 0);
    moat_exit e = e2e_run_one(app, bundle("listeners"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    uint64_t accepted = uint_of(get(&report, "accepted"));
    CHECK(accepted > 1000 && accepted < 20000); /* 2 MiB at a few hundred bytes each */
    CHECK(str_is(get(&report, "refused"), "limit_exceeded"));
    CHECK(uint_of(get(&report, "again")) == accepted);
    moat_app_free(app);
}

/* test:poke: the core emits test:core to the caller's label, then answers. */
static moat_app *poke_app;

static void cmd_poke(moat_call *c, void *ud)
{
    (void)ud;
    moat_app_emit(poke_app, moat_call_label(c), "test:core", NULL, 0);
    moat_call_resolve_null(c);
}

/* Events from renderers name their sender; the core's name none. */
static void test_event_senders(void)
{
    moat_app *app = poke_app = new_app();
    CHECK(moat_app_command(app, "test:poke", cmd_poke, NULL) == 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"p\", \"windows\": [\"main\"],"
                               " \"permissions\": [\"core:default\", \"test:allow-poke\"]}"));
    moat_exit e = e2e_run_one(app, bundle("senders"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "mine"), "main"));
    CHECK(str_is(get(&report, "core"), "none"));
    moat_app_free(app);
}

/* A renderer that lets too much pile up unread is ended, and says why. */
static void test_queued_bytes_limit(void)
{
    moat_app *app = new_app();
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_QUEUED_BYTES, 1 << 20) == 0);
    current = moat_app_spawn(app, native_bundle("stallreader"), "main");
    CHECK(current != NULL);
    CHECK(moat_app_run(app) == 0);
    pthread_join(flood_thread, NULL);
    moat_exit e;
    CHECK(moat_renderer_exited(current, &e) && e.signal == SIGKILL);
    CHECK_CONTAINS(e.reason, "stopped reading");
    moat_app_free(app);
}

/*
 * The core goes away with an invoke pending: the renderer's promise rejects
 * (core_gone) and the renderer exits. The test plays the core on its own socket.
 */
static void test_core_goes_away(void)
{
    char url[300], env_ipc[320];
    snprintf(url, sizeof url, "ipc://%s/fake-core.sock", e2e_tmpdir());
    snprintf(env_ipc, sizeof env_ipc, "MOAT_IPC=%s", url);
    nng_socket s;
    CHECK(nng_pair1_open(&s) == 0 && nng_listen(s, url, NULL, 0) == 0);
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 10000);
    int out[2], down[2];
    CHECK(pipe(out) == 0);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, down) == 0); /* the down link */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, out[1], 2);
    posix_spawn_file_actions_adddup2(&fa, down[1], 6);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", bundle("pending"));
    char *argv[] = {MOAT_RENDERER_BIN, dir, "main.js", NULL};
    char *envp[] = {env_ipc, "MOAT_DOWN=6", "ASAN_OPTIONS=detect_leaks=0", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, MOAT_RENDERER_BIN, &fa, NULL, argv, envp) == 0);
    close(out[1]);
    close(down[1]);
    char *buf;
    size_t len;
    CHECK(nng_recv(s, &buf, &len, NNG_FLAG_ALLOC) == 0); /* HELLO */
    nng_free(buf, len);
    /* [1, 1, "main", {}], after its length (8 bytes, big-endian) */
    static const char welcome[] = "\0\0\0\0\0\0\0\x09\x94\x01\x01\xa4"
                                  "main"
                                  "\x80";
    CHECK(write(down[0], welcome, sizeof welcome - 1) == (ssize_t)(sizeof welcome - 1));
    /* The invoke and moat:ready, never answered: one batch, or two messages. */
    CHECK(nng_recv(s, &buf, &len, NNG_FLAG_ALLOC) == 0);
    nng_free(buf, len);
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 300);
    if (nng_recv(s, &buf, &len, NNG_FLAG_ALLOC) == 0) nng_free(buf, len);
    nng_close(s);
    close(down[0]);
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char text[2048] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof text - 1 && (n = read(out[0], text + got, sizeof text - 1 - got)) > 0)
        got += (size_t)n;
    close(out[0]);
    posix_spawn_file_actions_destroy(&fa);
    CHECK_CONTAINS(text, "rejected core_gone");
    if (!strstr(text, "rejected core_gone")) fprintf(stderr, "renderer said: %s\n", text);
    CHECK_CONTAINS(text, "the connection to the core is gone");
}

/* MOAT_TEST_ONLY=name runs one case (for debugging). */
#undef RUN
#define RUN(fn)                                                                                    \
    do {                                                                                           \
        const char *only_ = getenv("MOAT_TEST_ONLY");                                              \
        if (only_ && strcmp(only_, #fn) != 0) break;                                               \
        int before_ = test_failures;                                                               \
        fn();                                                                                      \
        fprintf(stderr, "%s %s\n", test_failures == before_ ? "ok  " : "FAIL", #fn);               \
    } while (0)

int main(void)
{
    e2e_begin();
    RUN(test_cancel_and_timeout);
    RUN(test_js_rejections_have_codes);
    RUN(test_kill_during_traffic);
    RUN(test_channel);
    RUN(test_channel_backpressure);
    RUN(test_big_binary);
    RUN(test_bulk_sizes);
    RUN(test_several_renderers);
    RUN(test_listener_cycles);
    RUN(test_events_wait_for_loading);
    RUN(test_events_wait_for_listeners);
    RUN(test_exit_is_announced);
    RUN(test_core_goes_away);
    RUN(test_limits_answer_the_sender);
    RUN(test_queued_bytes_limit);
    RUN(test_over_limit_answer);
    RUN(test_worker_pool);
    RUN(test_listeners_cost_memory);
    RUN(test_event_senders);
    e2e_end();
    return TEST_RESULT();
}
