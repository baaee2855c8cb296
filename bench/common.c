// SPDX-License-Identifier: MIT
/*
 * common.c: clock, statistics, records and process helpers for the benchmarks.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_add(struct bench_samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v) bench_die("allocating samples");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

void bench_samples_free(struct bench_samples *s)
{
    free(s->v);
    *s = (struct bench_samples){0};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_percentile(struct bench_samples *s, double p)
{
    if (s->n == 0) return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    size_t rank = (size_t)ceil(p * (double)s->n);
    return s->v[rank ? rank - 1 : 0];
}

static int is_rate(const char *unit)
{
    size_t n = strlen(unit);
    return n >= 2 && strcmp(unit + n - 2, "/s") == 0;
}

void bench_emit(const char *key, const char *unit, struct bench_samples *s)
{
    double median = bench_percentile(s, 0.5);
    double p99 = bench_percentile(s, is_rate(unit) ? 0.01 : 0.99);
    printf("{\"key\": \"%s\", \"unit\": \"%s\", \"median\": %.6g, \"p99\": %.6g, \"n\": %zu}\n",
           key, unit, median, p99, s->n);
    fflush(stdout);
}

void bench_emit_value(const char *key, const char *unit, double value)
{
    printf("{\"key\": \"%s\", \"unit\": \"%s\", \"median\": %.6g, \"p99\": %.6g, \"n\": 1}\n", key,
           unit, value, value);
    fflush(stdout);
}

void bench_emit_missing(const char *key, const char *why)
{
    printf("{\"key\": \"%s\", \"missing\": \"", key);
    for (const char *c = why; *c; c++)
        if (*c != '"' && *c != '\\' && (unsigned char)*c >= 0x20) putchar(*c);
    printf("\"}\n");
    fflush(stdout);
}

_Noreturn void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

pid_t bench_spawn(char *const argv[], int quiet)
{
    pid_t pid = fork();
    if (pid < 0) bench_die("fork");
    if (pid == 0) {
        if (quiet) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

int bench_wait(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) bench_die("waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The number after "field:" in a /proc file, or -1. */
static long proc_field(const char *path, const char *field)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

long bench_proc_kib(pid_t pid, const char *field)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    return proc_field(path, field);
}

long bench_pss_kib(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    return proc_field(path, "Pss");
}

int bench_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int bench_read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
