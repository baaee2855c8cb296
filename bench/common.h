// SPDX-License-Identifier: MIT
/*
 * common.h: what every benchmark program shares: a monotonic clock, sample
 * statistics, and the one output format scripts/bench collects.
 *
 * Each program prints one JSON object per line on stdout:
 *   {"key": "invoke_js", "unit": "ns", "median": 51234, "p99": 80321, "n": 20000}
 * bench_report turns those lines into the table. Diagnostics go to stderr.
 */
#ifndef MOAT_BENCH_COMMON_H
#define MOAT_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* Samples: a growable array of doubles. */
struct bench_samples {
    double *v;
    size_t n, cap;
};
void bench_add(struct bench_samples *s, double x);
void bench_samples_free(struct bench_samples *s);
/* Sorts s in place; the percentile p in [0, 1] (nearest rank). 0 when empty. */
double bench_percentile(struct bench_samples *s, double p);

/*
 * Prints one record. For times (lower is better) p99 is the 99th percentile;
 * for rates (higher is better, unit ending in "/s") it is the rate at the
 * 1st percentile, i.e. the slow tail, so both columns read "the bad 1%".
 */
void bench_emit(const char *key, const char *unit, struct bench_samples *s);
/* A single measured value (median = p99 = value, n = 1). */
void bench_emit_value(const char *key, const char *unit, double value);
/* A row the program could not measure, with a one-line reason. */
void bench_emit_missing(const char *key, const char *why);

/* Dies with "what: strerror(errno)" on stderr (benchmark programs only). */
_Noreturn void bench_die(const char *what);

/* fork + exec argv with stdout/stderr to /dev/null unless quiet is 0; returns the pid. */
pid_t bench_spawn(char *const argv[], int quiet);
/* Waits for pid; returns its exit status (or 128 + signal). */
int bench_wait(pid_t pid);

/* /proc/PID/status field (e.g. "VmRSS") in KiB, or -1. pid 0 = self. */
long bench_proc_kib(pid_t pid, const char *field);
/* Pss from /proc/PID/smaps_rollup in KiB, or -1. */
long bench_pss_kib(pid_t pid);

/* Writes/reads exactly len bytes (retrying short transfers); 0 or -1. */
int bench_write_all(int fd, const void *buf, size_t len);
int bench_read_all(int fd, void *buf, size_t len);

#endif
