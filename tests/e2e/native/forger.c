// SPDX-License-Identifier: MIT
/*
 * forger.c: a hostile native renderer that speaks raw nng, not the client
 * library, and breaks the protocol in the way its bundle folder's name says:
 *
 *   forge-garbage      a frame that is not msgpack
 *   forge-early        a request before the handshake
 *   forge-oversized    a frame over the core's limit (the test sets 64 KiB)
 *   forge-dup-id       a second request with an id still in flight
 *   forge-response     a response frame, which only the core may send
 *   forge-bulk-early   a bulk reference before saying moat:bulk
 *   forge-bulk-outside a bulk reference reaching past the end of the shared ring
 *   forge-bulk-shrink  shrinking the shared region under the core (sealed, and the filter
 *                      forbids ftruncate), then a reference to its last bytes
 *   forge-bulk-huge    a bulk reference to more bytes than the frame limit
 *
 * After the abuse it waits: the core must end it.
 */
#include "down.h"
#include <libgen.h>
#include <msgpack.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static nng_socket sock;

static void send_buf(const void *data, size_t len)
{
    if (nng_send(sock, (void *)data, len, 0) != 0) fprintf(stderr, "forger: send failed\n");
}

/* Packs [kind, a, b, ...] frames with msgpack-c and sends them. */
static void send_request(uint64_t id, const char *cmd)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint8(&pk, 2);
    msgpack_pack_uint64(&pk, id);
    msgpack_pack_str_with_body(&pk, cmd, strlen(cmd));
    msgpack_pack_nil(&pk);
    send_buf(sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* A request for app:version whose args are a bulk reference to [pos, pos + len). */
static void send_bulk_ref(uint64_t pos, uint64_t len)
{
    unsigned char f[] = {0x94, 0x02, 0x09, 0xab, 'a',  'p',  'p', ':', 'v', 'e', 'r',
                         's',  'i',  'o',  'n',  0xd8, 0x01, 0,   0,   0,   0,   0,
                         0,    0,    0,    0,    0,    0,    0,   0,   0,   0,   0};
    for (int i = 0; i < 8; i++) {
        f[17 + i] = (unsigned char)(pos >> (56 - 8 * i));
        f[25 + i] = (unsigned char)(len >> (56 - 8 * i));
    }
    send_buf(f, sizeof f);
}

/* Shrinking the region would make the core fault (SIGBUS) reading a reference. */
static void try_shrink(void)
{
    const char *fd = getenv("MOAT_BULK");
    if (fd && ftruncate(atoi(fd), 0) != 0)
        printf("forger: shrink refused\n");
    else
        printf("forger: shrink %s\n", fd ? "ESCAPED: allowed" : "impossible: no region");
    fflush(stdout);
}

static void handshake(void)
{
    unsigned char hello[] = {0x93, 0x00, 0x01, 0x01}; /* [0, 1, 1] */
    send_buf(hello, sizeof hello);
    size_t len;
    free(down_recv(&len)); /* WELCOME */
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *mode = basename(dirname(strdup(argv[0])));
    if (nng_pair1_open(&sock) != 0 || nng_dial(sock, getenv("MOAT_IPC"), NULL, 0) != 0) return 1;
    if (strcmp(mode, "forge-early") == 0) {
        send_request(1, "app:version");
    } else if (strcmp(mode, "forge-garbage") == 0) {
        handshake();
        send_buf("\xc1\xff\x00", 3);
    } else if (strcmp(mode, "forge-oversized") == 0) {
        handshake();
        size_t n = 70000;
        unsigned char *big = calloc(1, n); /* a bin of n - 5 bytes: valid msgpack, too big */
        big[0] = 0xc6, big[1] = 0, big[2] = (unsigned char)((n - 5) >> 16);
        big[3] = (unsigned char)((n - 5) >> 8), big[4] = (unsigned char)(n - 5);
        send_buf(big, n);
        free(big);
    } else if (strcmp(mode, "forge-dup-id") == 0) {
        handshake();
        send_request(7, "test:hold");
        send_request(7, "test:hold");
    } else if (strcmp(mode, "forge-bulk-early") == 0) {
        handshake();
        send_bulk_ref(0, 100000);
    } else if (strcmp(mode, "forge-bulk-outside") == 0) {
        handshake();
        send_request(1, "moat:bulk");
        send_bulk_ref(((uint64_t)32 << 20) - 10, 1000); /* the default ring is 32 MiB */
    } else if (strcmp(mode, "forge-bulk-shrink") == 0) {
        handshake();
        try_shrink();
        send_request(1, "moat:bulk");
        send_bulk_ref(((uint64_t)32 << 20) - 100000, 100000);
    } else if (strcmp(mode, "forge-bulk-huge") == 0) {
        handshake();
        send_request(1, "moat:bulk");
        send_bulk_ref(0, (uint64_t)1 << 20); /* the test's frame limit is 64 KiB */
    } else if (strcmp(mode, "forge-response") == 0) {
        handshake();
        unsigned char resp[] = {0x94, 0x03, 0x01, 0xc3, 0xc0}; /* [3, 1, true, nil] */
        send_buf(resp, sizeof resp);
    }
    printf("forger: %s sent\n", mode);
    fflush(stdout);
    sleep(30); /* the core ends us long before */
    printf("forger: still alive\n");
    return 0;
}
