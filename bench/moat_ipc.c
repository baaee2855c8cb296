// SPDX-License-Identifier: MIT
/*
 * moat_ipc.c: rows 1-4 through the real runtime: an embedder (this program,
 * linking libmoat) runs bundles/suite in moat-renderer, then the native C
 * renderer bench_native_invoke, and times everything on the core's side.
 *
 * The bundle's clock is Date.now() (milliseconds), so the core holds the
 * clock. In a closed loop (one invoke at a time) the gap between two arrivals
 * of bench:ping at the core is exactly one round trip as the renderer sees it.
 *
 *   invoke_js / invoke_native  gap between successive bench:ping arrivals, ns
 *   throughput_js              1,000 invokes in flight per batch, invokes/s per batch
 *   payload_js                 16 MiB Uint8Array echoed by bench:echo, MB/s per round trip
 *   event_rtt_js               core emits bench:ev (run thread), bundle answers with an event
 *   event_rate_js              another thread floods bench:tick, bundle acks every 1,000;
 *                              one rate per flood, first emit to last ack
 *
 * The suite runs twice: as renderers are spawned by default (JavaScriptCore
 * interprets: moat_sandbox_opts.jit is off), then with the JIT on ("_jit" keys).
 *
 * Usage: bench_moat SUITE_BUNDLE NATIVE_BUNDLE POLICY
 * A bundle given as "-" is skipped (e.g. to profile one renderer's loop alone).
 */
#include "common.h"
#include "moat.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_WARMUP 500

static struct state {
    moat_app *app;
    char phase[32];
    uint64_t last; /* previous arrival (or phase start) in this phase */
    struct bench_samples invoke_js, invoke_native, throughput, payload, ev_rtt, ev_rate;
    /* event round trips */
    long ev_total, ev_seen;
    uint64_t ev_sent_at;
    /* event flood */
    pthread_t flood;
    bool flooding;
    long flood_batches, flood_batch, acks;
    uint64_t flood_start;
} st;

static bool in_phase(const char *name)
{
    return strcmp(st.phase, name) == 0;
}

static int64_t int_arg(const msgpack_object *o)
{
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return (int64_t)o->via.u64;
    return o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? o->via.i64 : -1;
}

/* Records the gap since the previous arrival into s; returns now. */
static uint64_t gap(struct bench_samples *s, double scale)
{
    uint64_t now = bench_now_ns();
    if (s && st.last) bench_add(s, scale ? scale * 1e9 / (double)(now - st.last) : now - st.last);
    st.last = now;
    return now;
}

static void cmd_phase(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *a = moat_call_args(c);
    if (a->type != MSGPACK_OBJECT_STR || a->via.str.size >= sizeof st.phase) {
        moat_call_reject(c, "invalid_args", "phase: expected a short string");
        return;
    }
    memcpy(st.phase, a->via.str.ptr, a->via.str.size);
    st.phase[a->via.str.size] = '\0';
    /* Batches are timed from the phase's start; round trips from their first arrival. */
    st.last = in_phase("throughput") ? bench_now_ns() : 0;
    moat_call_resolve_null(c);
}

static void cmd_ping(moat_call *c, void *ud)
{
    (void)ud;
    struct bench_samples *s = NULL;
    if (in_phase("invoke")) s = &st.invoke_js;
    if (in_phase("native")) s = &st.invoke_native;
    gap(s, 0);
    moat_call_resolve_null(c);
}

static void cmd_mark(moat_call *c, void *ud)
{
    (void)ud;
    gap(in_phase("throughput") ? &st.throughput : NULL, 1000);
    moat_call_resolve_null(c);
}

static void cmd_echo(moat_call *c, void *ud)
{
    (void)ud;
    size_t len;
    const void *raw = moat_call_args_raw(c, &len);
    const msgpack_object *a = moat_call_args(c);
    double mb = a->type == MSGPACK_OBJECT_BIN ? a->via.bin.size / 1e6 : 0;
    gap(in_phase("payload") ? &st.payload : NULL, mb);
    moat_call_resolve(c, raw, len);
}

/* msgpack uint32: 0xce and four big-endian bytes. */
static void pack_u32(char out[5], uint32_t v)
{
    out[0] = (char)0xce;
    for (int i = 0; i < 4; i++)
        out[1 + i] = (char)(v >> (24 - 8 * i));
}

static void send_ev(void)
{
    char p[5];
    pack_u32(p, (uint32_t)st.ev_seen);
    st.ev_sent_at = bench_now_ns();
    moat_app_emit(st.app, NULL, "bench:ev", p, sizeof p);
}

static void cmd_ev_start(moat_call *c, void *ud)
{
    (void)ud;
    st.ev_total = int_arg(moat_call_args(c));
    st.ev_seen = 0;
    moat_call_resolve_null(c);
    send_ev();
}

static void on_ev_ack(void *ud, const char *label, const char *event, const msgpack_object *p)
{
    (void)ud, (void)label, (void)event, (void)p;
    uint64_t now = bench_now_ns();
    if (++st.ev_seen > EVENT_WARMUP) bench_add(&st.ev_rtt, (double)(now - st.ev_sent_at));
    if (st.ev_seen < st.ev_total)
        send_ev();
    else
        moat_app_emit(st.app, NULL, "bench:ev_done", NULL, 0);
}

/* The flooding thread: moat_app_emit from a thread that is not the run thread. */
static void *flood_main(void *arg)
{
    (void)arg;
    long total = st.flood_batches * st.flood_batch;
    char p[5];
    for (long i = 0; i < total; i++) {
        pack_u32(p, (uint32_t)i);
        if (moat_app_emit(st.app, NULL, "bench:tick", p, sizeof p) != 0) break;
    }
    return NULL;
}

static void cmd_flood_start(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *a = moat_call_args(c);
    if (st.flooding || a->type != MSGPACK_OBJECT_ARRAY || a->via.array.size != 2) {
        moat_call_reject(c, "invalid_args", "flood_start: expected [batches, batch]");
        return;
    }
    st.flood_batches = int_arg(&a->via.array.ptr[0]);
    st.flood_batch = int_arg(&a->via.array.ptr[1]);
    st.acks = 0;
    moat_call_resolve_null(c);
    st.flood_start = bench_now_ns();
    st.flooding = pthread_create(&st.flood, NULL, flood_main, NULL) == 0;
}

/*
 * One figure per flood: every event over the time from the first emit to the
 * last ack. The bundle's acks leave batched (every ack of a turn in one
 * message), so the gap between two acks says nothing about the rate.
 */
static void on_tick_ack(void *ud, const char *label, const char *event, const msgpack_object *p)
{
    (void)ud, (void)label, (void)event, (void)p;
    if (++st.acks == st.flood_batches)
        bench_add(&st.ev_rate, st.flood_batches * st.flood_batch * 1e9 /
                                   (double)(bench_now_ns() - st.flood_start));
}

/* Renderer stderr and core lines go to stderr; what bundles print to stdout is dropped. */
static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    if (stream != 1) fprintf(stderr, "bench_moat: [%s] %s\n", label, line);
}

static int setup(const char *policy)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {{"bench:phase", cmd_phase},       {"bench:ping", cmd_ping},
                {"bench:mark", cmd_mark},         {"bench:echo", cmd_echo},
                {"bench:ev_start", cmd_ev_start}, {"bench:flood_start", cmd_flood_start}};
    st.app = moat_app_new("bench");
    if (!st.app) return -1;
    moat_app_set_output(st.app, on_output, NULL);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (moat_app_command(st.app, cmds[i].name, cmds[i].fn, NULL) != 0) return -1;
    if (moat_app_listen(st.app, "bench:ev_ack", on_ev_ack, NULL) < 0 ||
        moat_app_listen(st.app, "bench:tick_ack", on_tick_ack, NULL) < 0)
        return -1;
    return moat_app_load_policy(st.app, policy);
}

/* Runs the bundle in dir to its end; returns its exit code or -1. */
static int run_bundle(const char *dir)
{
    if (strcmp(dir, "-") == 0) return 1;
    moat_renderer *r = moat_app_spawn(st.app, dir, "main");
    if (!r) {
        fprintf(stderr, "bench_moat: %s\n", moat_errmsg());
        return -1;
    }
    moat_app_run(st.app);
    moat_exit e;
    if (!moat_renderer_exited(r, &e)) return -1;
    if (e.code != 0) fprintf(stderr, "bench_moat: %s: %s\n", dir, e.reason);
    return e.code;
}

static void emit(const char *key, const char *unit, struct bench_samples *s, int rc)
{
    if (rc == 0 && s->n > 0)
        bench_emit(key, unit, s);
    else
        bench_emit_missing(key, "the bundle failed (see stderr)");
    bench_samples_free(s);
}

/* Runs the JS suite with the JIT off (the default) or on; its records get suffix. */
static void run_suite(const char *dir, bool jit, const char *suffix)
{
    moat_sandbox_opts o;
    moat_sandbox_opts_default(&o);
    o.jit = jit;
    if (moat_app_set_sandbox(st.app, &o) != 0) fprintf(stderr, "bench_moat: %s\n", moat_errmsg());
    int rc = run_bundle(dir);
    if (st.flooding) pthread_join(st.flood, NULL);
    st.flooding = false;
    static const char *const keys[] = {"invoke", "throughput", "payload", "event_rtt",
                                       "event_rate"};
    static const char *const units[] = {"ns", "invokes/s", "MB/s", "ns", "events/s"};
    struct bench_samples *s[] = {&st.invoke_js, &st.throughput, &st.payload, &st.ev_rtt,
                                 &st.ev_rate};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s%s", keys[i], suffix);
        emit(key, units[i], s[i], rc);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_moat SUITE_BUNDLE NATIVE_BUNDLE POLICY\n");
        return 2;
    }
    if (setup(argv[3]) != 0) {
        fprintf(stderr, "bench_moat: %s\n", moat_errmsg());
        return 1;
    }
    run_suite(argv[1], false, "_js");
    run_suite(argv[1], true, "_js_jit");
    int native = run_bundle(argv[2]);
    emit("invoke_native", "ns", &st.invoke_native, native);
    moat_app_free(st.app);
    return 0;
}
