// SPDX-License-Identifier: MIT
/*
 * memory.c: row 6, read from /proc on the core's side while renderers live.
 *
 *   rss_hello / hwm_hello / pss_hello  examples/hello's renderer, sampled when
 *                                      it emits hello:done (its last step, 10 ms
 *                                      before it exits): VmRSS, VmHWM, Pss
 *   rss_core                           this embedding core's own VmRSS then
 *   start_50                           spawning 50 renderers of bundles/idle
 *                                      until each has invoked bench:ready
 *   rss_50 / pss_50                    then: the 50 renderers' VmRSS (or Pss)
 *                                      summed, plus the core's
 *
 * Usage: bench_memory HELLO_BUNDLE IDLE_BUNDLE POLICY
 */
#include "common.h"
#include "moat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELLO_RUNS 3
#define FLEET 50

static struct {
    moat_app *app;
    moat_renderer *hello;
    struct bench_samples rss, hwm, pss, core;
    moat_renderer *fleet[FLEET];
    int ready;
    uint64_t t0, t_ready;
    long rss_50, pss_50;
} st;

static void cmd_greet(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, "hello from bench_memory");
}

static void on_hello_done(void *ud, const char *label, const char *event, const msgpack_object *p)
{
    (void)ud, (void)label, (void)event, (void)p;
    pid_t pid = moat_renderer_pid(st.hello);
    bench_add(&st.rss, (double)bench_proc_kib(pid, "VmRSS"));
    bench_add(&st.hwm, (double)bench_proc_kib(pid, "VmHWM"));
    bench_add(&st.pss, (double)bench_pss_kib(pid));
    bench_add(&st.core, (double)bench_proc_kib(0, "VmRSS"));
}

/* Once all FLEET renderers are ready: sample them, then let them go. */
static void sample_fleet(void)
{
    st.t_ready = bench_now_ns();
    st.rss_50 = st.pss_50 = bench_proc_kib(0, "VmRSS");
    for (int i = 0; i < FLEET; i++) {
        pid_t pid = moat_renderer_pid(st.fleet[i]);
        st.rss_50 += bench_proc_kib(pid, "VmRSS");
        st.pss_50 += bench_pss_kib(pid);
    }
    moat_app_emit(st.app, NULL, "bench:go", NULL, 0);
}

static void cmd_ready(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_null(c);
    if (++st.ready == FLEET) sample_fleet();
}

static void quiet(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    if (stream == 2) fprintf(stderr, "bench_memory: [%s] %s\n", label, line);
}

static int run_hello(const char *dir)
{
    for (int i = 0; i < HELLO_RUNS; i++) {
        if (!(st.hello = moat_app_spawn(st.app, dir, "main"))) return -1;
        moat_app_run(st.app);
    }
    return st.rss.n == HELLO_RUNS ? 0 : -1;
}

static int run_fleet(const char *dir)
{
    st.t0 = bench_now_ns();
    for (int i = 0; i < FLEET; i++) {
        char label[32];
        snprintf(label, sizeof label, "idle-%d", i);
        if (!(st.fleet[i] = moat_app_spawn(st.app, dir, label))) return -1;
    }
    moat_app_run(st.app);
    return st.ready == FLEET ? 0 : -1;
}

static void kib_as_bytes(const char *key, struct bench_samples *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->v[i] *= 1024;
    bench_emit(key, "B", s);
    bench_samples_free(s);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_memory HELLO_BUNDLE IDLE_BUNDLE POLICY\n");
        return 2;
    }
    st.app = moat_app_new("bench");
    if (!st.app || moat_app_command(st.app, "greet", cmd_greet, NULL) ||
        moat_app_command(st.app, "bench:ready", cmd_ready, NULL) ||
        moat_app_listen(st.app, "hello:done", on_hello_done, NULL) < 0 ||
        moat_app_load_policy(st.app, argv[3])) {
        fprintf(stderr, "bench_memory: %s\n", moat_errmsg());
        return 1;
    }
    moat_app_set_output(st.app, quiet, NULL);
    if (run_hello(argv[1]) == 0) {
        kib_as_bytes("rss_hello", &st.rss);
        kib_as_bytes("hwm_hello", &st.hwm);
        kib_as_bytes("pss_hello", &st.pss);
        kib_as_bytes("rss_core", &st.core);
    } else {
        bench_emit_missing("rss_hello", "the hello bundle did not reach hello:done");
    }
    if (run_fleet(argv[2]) == 0) {
        bench_emit_value("start_50", "ns", (double)(st.t_ready - st.t0));
        bench_emit_value("rss_50", "B", st.rss_50 * 1024.0);
        bench_emit_value("pss_50", "B", st.pss_50 * 1024.0);
    } else {
        bench_emit_missing("start_50", "not every renderer became ready");
    }
    moat_app_free(st.app);
    return 0;
}
