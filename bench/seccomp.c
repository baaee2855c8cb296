// SPDX-License-Identifier: MIT
/*
 * seccomp.c: row 8, the cost of an allowed system call under the renderer's
 * seccomp filters. bench_syscall_loop times getppid(2) in three processes:
 *
 *   syscall_none      plain fork + exec, no filter
 *   syscall_launcher  sbx_spawn with the launcher filter (sbx_filter_new_launcher)
 *   syscall_lockdown  the same, plus the JS host's second stage (sbx_lockdown_self)
 *
 * Usage: bench_seccomp LOOP_HELPER
 */
#include "common.h"
#include "sandbox.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads the helper's lines (ns per call per round) until it closes its stdout. */
static void collect(int fd, struct bench_samples *s)
{
    FILE *f = fdopen(fd, "r");
    if (!f) bench_die("fdopen");
    double x;
    while (fscanf(f, "%lf", &x) == 1)
        bench_add(s, x);
    fclose(f);
}

static int run_plain(char *const argv[], struct bench_samples *s)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) bench_die("pipe");
    pid_t pid = fork();
    if (pid < 0) bench_die("fork");
    if (pid == 0) {
        dup2(p[1], 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    collect(p[0], s);
    return bench_wait(pid);
}

static int run_filtered(char *const argv[], const struct sbx_filter *f, struct bench_samples *s)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) bench_die("pipe");
    char *envp[] = {NULL}, err[256];
    struct sbx_spawn_opts o = {.path = argv[0],
                               .argv = argv,
                               .envp = envp,
                               .stdout_fd = p[1],
                               .stderr_fd = 2,
                               .filter = f};
    struct sbx_child c;
    int rv = sbx_spawn(&o, &c, err, sizeof err);
    close(p[1]);
    if (rv != 0) {
        fprintf(stderr, "bench_seccomp: %s\n", err);
        close(p[0]);
        return -1;
    }
    /* Without a listener a forbidden call fails with ENOSYS instead of waiting for us. */
    if (c.notify_fd >= 0) close(c.notify_fd);
    collect(p[0], s);
    close(c.pidfd);
    return bench_wait(c.pid);
}

static void report(const char *key, int rc, struct bench_samples *s)
{
    if (rc == 0 && s->n > 0)
        bench_emit(key, "ns", s);
    else
        bench_emit_missing(key, "the syscall loop failed (see stderr)");
    bench_samples_free(s);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_seccomp LOOP_HELPER\n");
        return 2;
    }
    char err[256];
    struct sbx_filter *f;
    if (sbx_filter_new_launcher(&f, err, sizeof err) != 0) {
        fprintf(stderr, "bench_seccomp: %s\n", err);
        return 1;
    }
    struct bench_samples s = {0};
    char *plain[] = {argv[1], NULL}, *locked[] = {argv[1], "lockdown", NULL};
    report("syscall_none", run_plain(plain, &s), &s);
    report("syscall_launcher", run_filtered(plain, f, &s), &s);
    report("syscall_lockdown", run_filtered(locked, f, &s), &s);
    sbx_filter_free(f);
    return 0;
}
