// SPDX-License-Identifier: MIT
/*
 * raw.c: the machine's own limits, the baselines of rows 1-4: two processes
 * over a plain AF_UNIX socketpair, no framing library, no event loop.
 *
 *   seqpacket_pingpong  round trip of a 16-byte datagram (the size of a small
 *                       Moat request frame) and its 6-byte answer
 *   seqpacket_flood     one-way 16-byte datagrams, per second, at the receiver
 *   stream_copy         16 MiB sent over a stream socket and echoed back, MB/s
 *
 * Usage: bench_raw [pingpong|flood|stream]... (all three by default)
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PING_WARMUP 2000
#define PING_COUNT 30000
#define FLOOD_BATCH 1000
#define FLOOD_WARMUP_BATCHES 20
#define FLOOD_BATCHES 300
#define COPY_BYTES ((size_t)16 << 20)
#define COPY_WARMUP 2
#define COPY_ROUNDS 12

/* Forks a child that runs fn on its end of a fresh socketpair. */
static pid_t fork_peer(int type, int *mine, void (*fn)(int fd))
{
    int sv[2];
    if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0) bench_die("socketpair");
    pid_t pid = fork();
    if (pid < 0) bench_die("fork");
    if (pid == 0) {
        close(sv[0]);
        fn(sv[1]);
        _exit(0);
    }
    close(sv[1]);
    *mine = sv[0];
    return pid;
}

static void echo_child(int fd)
{
    char buf[64];
    static const char answer[6] = {(char)0x94, 3, 0, (char)0xc3, (char)0xc0, 0};
    while (recv(fd, buf, sizeof buf, 0) > 0)
        if (send(fd, answer, sizeof answer, 0) < 0) break;
}

static void bench_pingpong(void)
{
    int fd;
    pid_t pid = fork_peer(SOCK_SEQPACKET, &fd, echo_child);
    char req[16] = {(char)0x94, 2, 0, (char)0xaa}, buf[64];
    struct bench_samples s = {0};
    for (int i = 0; i < PING_WARMUP + PING_COUNT; i++) {
        uint64_t t0 = bench_now_ns();
        if (send(fd, req, sizeof req, 0) < 0 || recv(fd, buf, sizeof buf, 0) <= 0)
            bench_die("seqpacket ping-pong");
        if (i >= PING_WARMUP) bench_add(&s, (double)(bench_now_ns() - t0));
    }
    close(fd);
    bench_wait(pid);
    bench_emit("seqpacket_pingpong", "ns", &s);
    bench_samples_free(&s);
}

static void flood_child(int fd)
{
    char msg[16] = {(char)0x93, 4, (char)0xa1, 't'};
    for (long i = 0; i < (long)FLOOD_BATCH * (FLOOD_WARMUP_BATCHES + FLOOD_BATCHES); i++)
        if (send(fd, msg, sizeof msg, 0) < 0) break;
}

/* The receiver measures: messages per second over each batch of FLOOD_BATCH. */
static void bench_flood(void)
{
    int fd;
    pid_t pid = fork_peer(SOCK_SEQPACKET, &fd, flood_child);
    char buf[64];
    struct bench_samples s = {0};
    uint64_t t0 = 0;
    for (int b = 0; b < FLOOD_WARMUP_BATCHES + FLOOD_BATCHES; b++) {
        for (int i = 0; i < FLOOD_BATCH; i++)
            if (recv(fd, buf, sizeof buf, 0) <= 0) bench_die("seqpacket flood");
        uint64_t t1 = bench_now_ns();
        if (b >= FLOOD_WARMUP_BATCHES) bench_add(&s, FLOOD_BATCH * 1e9 / (double)(t1 - t0));
        t0 = t1;
    }
    close(fd);
    bench_wait(pid);
    bench_emit("seqpacket_flood", "msg/s", &s);
    bench_samples_free(&s);
}

static void copy_child(int fd)
{
    char *buf = malloc(COPY_BYTES);
    if (!buf) _exit(1);
    while (bench_read_all(fd, buf, COPY_BYTES) == 0)
        if (bench_write_all(fd, buf, COPY_BYTES) != 0) break;
    free(buf);
}

/* 16 MiB out and back; MB/s counts the payload once per round trip, as row 3 does for Moat. */
static void bench_stream(void)
{
    int fd;
    pid_t pid = fork_peer(SOCK_STREAM, &fd, copy_child);
    char *out = malloc(COPY_BYTES), *in = malloc(COPY_BYTES);
    if (!out || !in) bench_die("allocating 16 MiB");
    for (size_t i = 0; i < COPY_BYTES; i++)
        out[i] = (char)(i * 7 + 3);
    struct bench_samples s = {0};
    for (int i = 0; i < COPY_WARMUP + COPY_ROUNDS; i++) {
        uint64_t t0 = bench_now_ns();
        if (bench_write_all(fd, out, COPY_BYTES) || bench_read_all(fd, in, COPY_BYTES))
            bench_die("stream copy");
        if (i >= COPY_WARMUP) bench_add(&s, COPY_BYTES / 1e6 / ((bench_now_ns() - t0) / 1e9));
    }
    if (memcmp(out, in, COPY_BYTES) != 0) fprintf(stderr, "bench_raw: stream copy corrupted\n");
    close(fd);
    bench_wait(pid);
    bench_emit("stream_copy", "MB/s", &s);
    bench_samples_free(&s);
    free(out);
    free(in);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {{"pingpong", bench_pingpong}, {"flood", bench_flood}, {"stream", bench_stream}};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        int wanted = argc < 2;
        for (int i = 1; i < argc; i++)
            wanted |= strcmp(argv[i], modes[m].name) == 0;
        if (wanted) modes[m].fn();
    }
    return 0;
}
