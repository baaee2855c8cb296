// SPDX-License-Identifier: MIT
/*
 * flooder.c: a native renderer speaking raw nng that floods the core in the
 * way its bundle folder's name says, to test that the core survives and stays
 * fair (tests/hostile/test_survive.c):
 *
 *   flood-exit     16,000 requests (16 a message) without reading an answer, one more, exit 0
 *   flood-cancel   batched messages of CANCEL frames for ids never sent, forever
 *   flood-request  batched app:version requests, never reading an answer, forever
 *   flood-emit     batched core:event:emit requests of 1 KiB payloads, forever
 *   flood-unread   listens to an event the test emits at it, and never reads
 *   victim         app:version round trips, printing the worst one when told
 *   id-max         one request with id 2^64-1, the last PROTOCOL.md allows: is it answered?
 *   chaos          test:work requests, every other one cancelled, answers read, until killed
 *   mem-nils       one valid request of 40 MB: an array of 40 million nils (costly to unpack)
 *   mem-args       64 test:hold requests with 12 MiB arguments each, held by the test
 *   mem-early      48 emits of 16 MiB to itself before moat:ready (never sent): early events
 *   mem-listen     300,000 listeners on names of its own, answers read in batches
 *
 * The mem-* modes print "flooder: done" when they have sent all, then wait.
 * It exits when the core closes its connection (or the core kills it).
 */
#include "../../e2e/native/down.h"
#include <libgen.h>
#include <msgpack.h>
#include <stdbool.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static nng_socket sock;

static int send_sb(msgpack_sbuffer *sb)
{
    int rv = nng_send(sock, sb->data, sb->size, 0);
    sb->size = 0;
    return rv;
}

static void pack_request(msgpack_packer *pk, uint64_t id, const char *cmd)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_uint8(pk, 2);
    msgpack_pack_uint64(pk, id);
    msgpack_pack_str_with_body(pk, cmd, strlen(cmd));
}

static void handshake(void)
{
    unsigned char hello[] = {0x93, 0x00, 0x01, 0x01}; /* [0, 1, 1] */
    if (nng_send(sock, hello, sizeof hello, 0) != 0) exit(3);
    size_t len;
    void *welcome = down_recv(&len);
    if (!welcome) exit(3);
    free(welcome);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sends app:version and waits for its answer; returns the round trip in ms. */
static double round_trip(uint64_t id)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pack_request(&pk, id, "app:version");
    msgpack_pack_nil(&pk);
    double t0 = now_ms();
    if (send_sb(&sb) != 0) exit(0);
    msgpack_sbuffer_destroy(&sb);
    size_t len;
    void *answer = down_recv(&len);
    if (!answer) exit(0);
    free(answer);
    return now_ms() - t0;
}

/* Round trips until the core ends it; every 20 prints the worst so far. */
static void victim(void)
{
    double worst = 0;
    for (uint64_t id = 1;; id++) {
        double t = round_trip(id);
        if (t > worst) worst = t;
        if (id % 20 == 0) {
            printf("victim: %llu trips, worst %.1f ms\n", (unsigned long long)id, worst);
            fflush(stdout);
        }
        usleep(5000);
    }
}

static void flood(const char *mode)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    static char blob[1024];
    for (uint64_t id = 1;; id++) {
        if (strcmp(mode, "flood-cancel") == 0) {
            msgpack_pack_array(&pk, 2);
            msgpack_pack_uint8(&pk, 6);
            msgpack_pack_uint64(&pk, id + ((uint64_t)1 << 40));
        } else if (strcmp(mode, "flood-request") == 0) {
            pack_request(&pk, id, "app:version");
            msgpack_pack_nil(&pk);
        } else {
            pack_request(&pk, id, "core:event:emit");
            msgpack_pack_map(&pk, 2);
            msgpack_pack_str_with_body(&pk, "event", 5);
            msgpack_pack_str_with_body(&pk, "flood", 5);
            msgpack_pack_str_with_body(&pk, "payload", 7);
            msgpack_pack_bin_with_body(&pk, blob, sizeof blob);
        }
        /* Batches of about 1 MiB: many frames in one nng message. */
        if (sb.size >= (1 << 20) && send_sb(&sb) != 0) exit(0);
    }
}

static void flood_exit(void)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (uint64_t id = 1; id <= 16001; id++) {
        pack_request(&pk, id, "app:version");
        msgpack_pack_nil(&pk);
        /* 1,000 messages of 16 frames: many in flight as it exits, as one a frame would be. */
        if ((id % 16 == 0 || id == 16001) && send_sb(&sb) != 0) exit(0);
    }
    exit(0);
}

static void listen_unread(void)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pack_request(&pk, 1, "core:event:listen");
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "event", 5);
    msgpack_pack_str_with_body(&pk, "unread", 6);
    if (send_sb(&sb) != 0) exit(0);
    printf("flooder: listening\n");
    fflush(stdout);
    pause();
}

/* The answer to id 2^64-1 is [3, 0xcf ff ff ff ff ff ff ff ff, ...]. */
static void id_max(void)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pack_request(&pk, UINT64_MAX, "app:version");
    msgpack_pack_nil(&pk);
    if (send_sb(&sb) != 0) exit(3);
    size_t len;
    unsigned char *a = down_recv(&len);
    static const unsigned char want[] = {0x94, 0x03, 0xcf, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff, 0xc3};
    bool ok = a && len > sizeof want && memcmp(a, want, sizeof want) == 0;
    printf("flooder: id 2^64-1 %s\n", ok ? "answered" : "NOT answered");
    free(a);
    exit(ok ? 0 : 1);
}

static void chaos(void)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (uint64_t id = 1;; id++) {
        pack_request(&pk, id, "test:work");
        msgpack_pack_nil(&pk);
        if (id % 2 == 0) {
            msgpack_pack_array(&pk, 2);
            msgpack_pack_uint8(&pk, 6);
            msgpack_pack_uint64(&pk, id);
        }
        if (send_sb(&sb) != 0) exit(0);
        size_t len;
        if (id % 8 == 0) /* an answer now and then: most stay queued */
            free(down_recv(&len));
    }
}

/* The mem-* modes: what a renderer could make the core hold, and then waits. */
static void mem_attack(const char *mode)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    static char blob[16 << 20];
    uint64_t id = 1;
    if (!strcmp(mode, "mem-nils")) {
        pack_request(&pk, id, "test:work");
        msgpack_pack_array(&pk, 40000000);
        for (int i = 0; i < 40000000; i++)
            msgpack_pack_nil(&pk);
        if (send_sb(&sb) != 0) exit(0);
    }
    for (; !strcmp(mode, "mem-args") && id <= 64; id++) {
        pack_request(&pk, id, "test:work");
        msgpack_pack_bin_with_body(&pk, blob, 12 << 20);
        if (send_sb(&sb) != 0) exit(0);
    }
    for (; !strcmp(mode, "mem-early") && id <= 48; id++) {
        pack_request(&pk, id, "core:event:emit");
        msgpack_pack_map(&pk, 2);
        msgpack_pack_str_with_body(&pk, "event", 5);
        msgpack_pack_str_with_body(&pk, "early", 5);
        msgpack_pack_str_with_body(&pk, "payload", 7);
        msgpack_pack_bin_with_body(&pk, blob, sizeof blob);
        if (send_sb(&sb) != 0) exit(0);
    }
    for (; !strcmp(mode, "mem-listen") && id <= 300000; id++) {
        char name[32];
        int n = snprintf(name, sizeof name, "name-%llu", (unsigned long long)id);
        pack_request(&pk, id, "core:event:listen");
        msgpack_pack_map(&pk, 1);
        msgpack_pack_str_with_body(&pk, "event", 5);
        msgpack_pack_str_with_body(&pk, name, (size_t)n);
        if (id % 1000 == 0 && send_sb(&sb) != 0) exit(0);
    }
    printf("flooder: done\n");
    fflush(stdout);
    poll(NULL, 0, -1); /* pause(2) is not in the filter */
}

/* Reads and drops whatever the core sends (mem-listen reads its answers, as a renderer does). */
static void *drain(void *arg)
{
    (void)arg;
    for (;;) {
        size_t len;
        void *m = down_recv(&len);
        if (!m) exit(0);
        free(m);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *mode = basename(dirname(strdup(argv[0])));
    if (nng_pair1_open(&sock) != 0 || nng_dial(sock, getenv("MOAT_IPC"), NULL, 0) != 0) return 1;
    handshake();
    if (strcmp(mode, "victim") == 0) victim();
    if (strcmp(mode, "flood-exit") == 0) flood_exit();
    if (strcmp(mode, "flood-unread") == 0) listen_unread();
    if (strcmp(mode, "id-max") == 0) id_max();
    if (strcmp(mode, "chaos") == 0) chaos();
    pthread_t t;
    if (strcmp(mode, "mem-listen") == 0 && pthread_create(&t, NULL, drain, NULL) != 0) return 1;
    if (strncmp(mode, "mem-", 4) == 0) mem_attack(mode);
    flood(mode);
    return 0;
}
