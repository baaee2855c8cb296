// SPDX-License-Identifier: MIT
/*
 * syscall_loop.c: the helper of row 8. Times getppid(2), a system call every
 * filter allows and the kernel answers at once, through syscall(2) so glibc
 * cannot cache it, and prints ns per call for each round, one per line.
 *
 * Usage: bench_syscall_loop [lockdown]   (lockdown: add the renderer's own
 * second stage, sbx_lockdown_self, on top of what it was started with)
 */
#include "common.h"
#include "sandbox.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WARMUP_CALLS 100000
#define CALLS 100000
#define ROUNDS 20

static void calls(long n)
{
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
    char err[256];
    if (argc > 1 && strcmp(argv[1], "lockdown") == 0 && sbx_lockdown_self(err, sizeof err) != 0) {
        fprintf(stderr, "bench_syscall_loop: %s\n", err);
        return 1;
    }
    calls(WARMUP_CALLS);
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = bench_now_ns();
        calls(CALLS);
        printf("%.2f\n", (double)(bench_now_ns() - t0) / CALLS);
    }
    return 0;
}
