// SPDX-License-Identifier: MIT
/*
 * timers.c: row 9, the JS host's timers: bundles/timers schedules 100,000
 * setTimeout timers (delays 0-9 ms) and waits for the last; this embedder
 * times each wave on the core's side, from bench:timers_start to
 * bench:timers_done (the bundle has only Date.now()). One warm-up wave, then
 * ROUNDS, with the JIT off (as renderers are spawned by default) and on.
 *
 *   timers_js / timers_js_jit  ns per wave of 100,000 timers
 *
 * Usage: bench_timers BUNDLE POLICY
 */
#include "common.h"
#include "moat.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define WARMUP 1
#define ROUNDS 8

static struct {
    struct bench_samples waves;
    long wave;
    uint64_t start;
} st;

static void cmd_rounds(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_int(c, WARMUP + ROUNDS);
}

static void cmd_start(moat_call *c, void *ud)
{
    (void)ud;
    st.start = bench_now_ns();
    moat_call_resolve_null(c);
}

static void cmd_done(moat_call *c, void *ud)
{
    (void)ud;
    uint64_t now = bench_now_ns();
    if (st.wave++ >= WARMUP) bench_add(&st.waves, (double)(now - st.start));
    moat_call_resolve_null(c);
}

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    if (stream != 1) fprintf(stderr, "bench_timers: [%s] %s\n", label, line);
}

/* Runs the bundle once with the JIT on or off and prints its record under key. */
static void run(moat_app *app, const char *dir, bool jit, const char *key)
{
    moat_sandbox_opts o;
    moat_sandbox_opts_default(&o);
    o.jit = jit;
    st.wave = 0;
    moat_exit e = {.code = -1};
    moat_renderer *r = moat_app_set_sandbox(app, &o) == 0 ? moat_app_spawn(app, dir, "main") : NULL;
    if (r) moat_app_run(app);
    if (!r || !moat_renderer_exited(r, &e) || e.code != 0 || st.waves.n == 0) {
        fprintf(stderr, "bench_timers: %s: %s\n", dir, r ? e.reason : moat_errmsg());
        bench_emit_missing(key, "the bundle failed (see stderr)");
    } else {
        bench_emit(key, "ns", &st.waves);
    }
    bench_samples_free(&st.waves);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_timers BUNDLE POLICY\n");
        return 2;
    }
    moat_app *app = moat_app_new("bench");
    if (!app || moat_app_command(app, "bench:timers_rounds", cmd_rounds, NULL) != 0 ||
        moat_app_command(app, "bench:timers_start", cmd_start, NULL) != 0 ||
        moat_app_command(app, "bench:timers_done", cmd_done, NULL) != 0 ||
        moat_app_load_policy(app, argv[2]) != 0) {
        fprintf(stderr, "bench_timers: %s\n", moat_errmsg());
        return 1;
    }
    moat_app_set_output(app, on_output, NULL);
    run(app, argv[1], false, "timers_js");
    run(app, argv[1], true, "timers_js_jit");
    moat_app_free(app);
    return 0;
}
