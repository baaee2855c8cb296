/*
 * fuzz_frame.c: libFuzzer target for the frame decoder. Whatever the bytes,
 * ipc_decode and ipc_check_value must not crash or read out of bounds; a
 * frame they accept must unpack with msgpack-c, and its slices must lie
 * inside the input.
 */
#include "ipc.h"

#include <stdlib.h>
#include <string.h>

static void check_slice(struct ipc_slice s, const uint8_t *buf, size_t len)
{
    if (s.ptr && (s.ptr < buf || s.ptr + s.len > buf + len)) abort();
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
    if (ipc_check_value(data, size, IPC_MAX_DEPTH_CEILING, why, sizeof why) == 0) {
        msgpack_zone zone;
        msgpack_zone_init(&zone, 1024);
        msgpack_object obj;
        if (ipc_unpack(data, size, &zone, &obj) != 0) abort();
        msgpack_zone_destroy(&zone);
    }
    return 0;
}
