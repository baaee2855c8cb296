// SPDX-License-Identifier: MIT
/*
 * nng_peer.c: the floor this design can reach, baseline (b) of rows 1, 2 and
 * 4: two processes over one nng pair1 ipc:// socket exchanging msgpack
 * frames shaped like Moat's (packed and unpacked with msgpack-c each way),
 * without Moat's validation, policy, queues or event loop.
 *
 *   nng_pingpong  REQUEST [2, id, "bench:ping", nil] -> RESPONSE [3, id, true, nil]
 *   nng_flood     one-way EVENT frames [4, "bench:tick", i], per second, at the receiver
 *
 * nng is not fork-safe, so the peer is this program exec'd afresh:
 *   bench_nng [pingpong|flood]    runs both (or one), as the measuring side
 *   bench_nng --peer URL MODE     the other side (MODE: echo or flood)
 */
#include "common.h"

#include <msgpack.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PING_WARMUP 2000
#define PING_COUNT 30000
#define FLOOD_BATCH 1000
#define FLOOD_WARMUP_BATCHES 10
#define FLOOD_BATCHES 100

static void check(int rv, const char *what)
{
    if (rv != 0) {
        fprintf(stderr, "bench_nng: %s: %s\n", what, nng_strerror(rv));
        exit(1);
    }
}

/* Sends the packed bytes of sb as one message. */
static void send_sbuffer(nng_socket s, const msgpack_sbuffer *sb)
{
    nng_msg *m;
    check(nng_msg_alloc(&m, 0), "nng_msg_alloc");
    check(nng_msg_append(m, sb->data, sb->size), "nng_msg_append");
    check(nng_sendmsg(s, m, 0), "nng_sendmsg");
}

/* Receives one frame and unpacks it; returns the envelope's first two elements as integers. */
static uint64_t recv_frame(nng_socket s, msgpack_zone *z, uint64_t *second)
{
    nng_msg *m;
    check(nng_recvmsg(s, &m, 0), "nng_recvmsg");
    msgpack_object o;
    size_t off = 0;
    msgpack_zone_clear(z);
    if (msgpack_unpack(nng_msg_body(m), nng_msg_len(m), &off, z, &o) != MSGPACK_UNPACK_SUCCESS ||
        o.type != MSGPACK_OBJECT_ARRAY || o.via.array.size < 2) {
        fprintf(stderr, "bench_nng: malformed frame\n");
        exit(1);
    }
    nng_msg_free(m);
    *second = o.via.array.ptr[1].via.u64;
    return o.via.array.ptr[0].via.u64;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

static void peer_echo(nng_socket s)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (int i = 0; i < PING_WARMUP + PING_COUNT; i++) {
        uint64_t id;
        recv_frame(s, &z, &id);
        msgpack_sbuffer_clear(&sb);
        msgpack_pack_array(&pk, 4);
        msgpack_pack_uint8(&pk, 3);
        msgpack_pack_uint64(&pk, id);
        msgpack_pack_true(&pk);
        msgpack_pack_nil(&pk);
        send_sbuffer(s, &sb);
    }
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&z);
}

static void peer_flood(nng_socket s)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (long i = 0; i < (long)FLOOD_BATCH * (FLOOD_WARMUP_BATCHES + FLOOD_BATCHES); i++) {
        msgpack_sbuffer_clear(&sb);
        msgpack_pack_array(&pk, 3);
        msgpack_pack_uint8(&pk, 4);
        pack_str(&pk, "bench:tick");
        msgpack_pack_int64(&pk, i);
        send_sbuffer(s, &sb);
    }
    /* Let the last frames leave before the socket closes. */
    nng_msg *ack;
    check(nng_recvmsg(s, &ack, 0), "waiting for the flood's ack");
    nng_msg_free(ack);
    msgpack_sbuffer_destroy(&sb);
}

static int run_peer(const char *url, const char *mode)
{
    nng_socket s;
    check(nng_pair1_open(&s), "nng_pair1_open");
    check(nng_dial(s, url, NULL, 0), "nng_dial");
    if (strcmp(mode, "echo") == 0)
        peer_echo(s);
    else
        peer_flood(s);
    nng_close(s);
    return 0;
}

/* Listens on a fresh socket file and execs the peer in MODE. */
static nng_socket start_peer(const char *self, const char *dir, const char *mode, pid_t *pid)
{
    char url[300];
    snprintf(url, sizeof url, "ipc://%s/%s.sock", dir, mode);
    nng_socket s;
    check(nng_pair1_open(&s), "nng_pair1_open");
    check(nng_listen(s, url, NULL, 0), "nng_listen");
    char *argv[] = {(char *)self, "--peer", url, (char *)mode, NULL};
    *pid = bench_spawn(argv, 0);
    return s;
}

static void bench_pingpong(const char *self, const char *dir)
{
    pid_t pid;
    nng_socket s = start_peer(self, dir, "echo", &pid);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    struct bench_samples st = {0};
    for (uint64_t i = 0; i < PING_WARMUP + PING_COUNT; i++) {
        uint64_t t0 = bench_now_ns(), id;
        msgpack_sbuffer_clear(&sb);
        msgpack_pack_array(&pk, 4);
        msgpack_pack_uint8(&pk, 2);
        msgpack_pack_uint64(&pk, i);
        pack_str(&pk, "bench:ping");
        msgpack_pack_nil(&pk);
        send_sbuffer(s, &sb);
        if (recv_frame(s, &z, &id) != 3 || id != i) fprintf(stderr, "bench_nng: wrong answer\n");
        if (i >= PING_WARMUP) bench_add(&st, (double)(bench_now_ns() - t0));
    }
    bench_wait(pid);
    nng_close(s);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&z);
    bench_emit("nng_pingpong", "ns", &st);
    bench_samples_free(&st);
}

static void bench_flood(const char *self, const char *dir)
{
    pid_t pid;
    nng_socket s = start_peer(self, dir, "flood", &pid);
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    struct bench_samples st = {0};
    uint64_t t0 = 0, seq;
    for (int b = 0; b < FLOOD_WARMUP_BATCHES + FLOOD_BATCHES; b++) {
        for (int i = 0; i < FLOOD_BATCH; i++)
            recv_frame(s, &z, &seq);
        uint64_t t1 = bench_now_ns();
        if (b >= FLOOD_WARMUP_BATCHES) bench_add(&st, FLOOD_BATCH * 1e9 / (double)(t1 - t0));
        t0 = t1;
    }
    nng_msg *ack;
    check(nng_msg_alloc(&ack, 0), "nng_msg_alloc");
    check(nng_sendmsg(s, ack, 0), "sending the flood's ack");
    bench_wait(pid);
    nng_close(s);
    msgpack_zone_destroy(&z);
    bench_emit("nng_flood", "msg/s", &st);
    bench_samples_free(&st);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--peer") == 0) return run_peer(argv[2], argv[3]);
    char dir[] = "/tmp/moat-bench-nng-XXXXXX";
    if (!mkdtemp(dir)) bench_die("mkdtemp");
    if (argc < 2 || strcmp(argv[1], "pingpong") == 0) bench_pingpong("/proc/self/exe", dir);
    if (argc < 2 || strcmp(argv[1], "flood") == 0) bench_flood("/proc/self/exe", dir);
    char path[300];
    snprintf(path, sizeof path, "%s/echo.sock", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/flood.sock", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}
