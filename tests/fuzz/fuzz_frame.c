// SPDX-License-Identifier: MIT
/*
 * fuzz_frame.c: libFuzzer target for the frame decoder. Whatever the bytes,
 * ipc_decode and ipc_check_value must not crash or read out of bounds; a
 * frame they accept must unpack with msgpack-c, and its slices must lie
 * inside the input. With bulk references allowed, resolving them against a
 * small ring must fail cleanly or give a valid frame without references.
 */
#include "ipc.h"

#include <stdlib.h>
#include <string.h>

static void check_slice(struct ipc_slice s, const uint8_t *buf, size_t len)
{
    if (s.ptr && (s.ptr < buf || s.ptr + s.len > buf + len)) abort();
}

/* Resolves the references of an accepted frame against a 64 KiB ring of known bytes. */
static void check_resolve(const uint8_t *data, size_t size, const struct ipc_limits *lim,
                          const struct ipc_frame *f)
{
    static uint8_t ring_bytes[64 << 10];
    uint64_t released = 0;
    struct ipc_ring rx = {.data = ring_bytes, .size = sizeof ring_bytes, .shared = &released};
    msgpack_sbuffer sb;
    msgpack_packer pk;
    char why[200];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (ipc_bulk_resolve(&pk, &rx, data, size, lim, why, sizeof why) == 0) {
        struct ipc_limits plain = *lim;
        struct ipc_frame g;
        plain.bulk = false;
        if (sb.size > lim->max_frame || released != rx.tail) abort();
        if (ipc_decode(sb.data, sb.size, &plain, &g, why, sizeof why) != 0 || g.kind != f->kind)
            abort(); /* resolved: a valid frame of the same kind, with no reference left */
    }
    msgpack_sbuffer_destroy(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipc_limits lim;
    ipc_limits_default(&lim);
    lim.max_frame = 1 << 20;
    struct ipc_frame f;
    char why[200];
    if (ipc_decode(data, size, &lim, &f, why, sizeof why) == 0) {
        check_slice(f.name, data, size);
        check_slice(f.body, data, size);
        check_slice(f.err_code, data, size);
        check_slice(f.err_message, data, size);
        if (f.kind >= IPC_KIND_COUNT ||
            (f.name.len && !ipc_name_ok((const char *)f.name.ptr, f.name.len)))
            abort();
        msgpack_zone zone;
        msgpack_zone_init(&zone, 1024);
        msgpack_object obj;
        if (f.body.len && ipc_unpack(f.body.ptr, f.body.len, &zone, &obj) != 0)
            abort(); /* accepted, so msgpack-c must agree */
        msgpack_zone_destroy(&zone);
    }
    lim.bulk = true;
    if (ipc_decode(data, size, &lim, &f, why, sizeof why) == 0 && f.nbulk)
        check_resolve(data, size, &lim, &f);
    if (ipc_check_value(data, size, IPC_MAX_DEPTH_CEILING, why, sizeof why) == 0) {
        msgpack_zone zone;
        msgpack_zone_init(&zone, 1024);
        msgpack_object obj;
        if (ipc_unpack(data, size, &zone, &obj) != 0) abort();
        msgpack_zone_destroy(&zone);
    }
    return 0;
}
