// SPDX-License-Identifier: MIT
/*
 * coldstart.c: row 5, wall time from fork to reaped exit.
 *
 *   coldstart_moat  `moat run bundles/once --policy policies/once.json`: the core
 *                   starts, spawns the sandboxed JS renderer, answers one
 *                   invoke (app:version), and both exit
 *   coldstart_exec  fork + exec of /bin/true, the floor of starting any process
 *
 * Usage: bench_coldstart MOAT_BIN ONCE_BUNDLE POLICY
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#define MOAT_WARMUP 3
#define MOAT_RUNS 25
#define EXEC_WARMUP 10
#define EXEC_RUNS 200

/* Times runs of argv after warmup; -1 if one of them fails. */
static int time_runs(char *const argv[], int warmup, int runs, struct bench_samples *s)
{
    for (int i = 0; i < warmup + runs; i++) {
        uint64_t t0 = bench_now_ns();
        int rc = bench_wait(bench_spawn(argv, 1));
        uint64_t t1 = bench_now_ns();
        if (rc != 0) {
            fprintf(stderr, "bench_coldstart: %s exited with %d\n", argv[0], rc);
            return -1;
        }
        if (i >= warmup) bench_add(s, (double)(t1 - t0));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_coldstart MOAT_BIN ONCE_BUNDLE POLICY\n");
        return 2;
    }
    struct bench_samples s = {0};
    char *moat[] = {argv[1], "run", argv[2], "--policy", argv[3], NULL};
    if (time_runs(moat, MOAT_WARMUP, MOAT_RUNS, &s) == 0)
        bench_emit("coldstart_moat", "ns", &s);
    else
        bench_emit_missing("coldstart_moat", "moat run failed (see stderr)");
    bench_samples_free(&s);
    char *trivial[] = {"/bin/true", NULL};
    if (time_runs(trivial, EXEC_WARMUP, EXEC_RUNS, &s) == 0) bench_emit("coldstart_exec", "ns", &s);
    bench_samples_free(&s);
    return 0;
}
