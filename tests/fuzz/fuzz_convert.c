// SPDX-License-Identifier: MIT
/*
 * fuzz_convert.c: libFuzzer target for the JS host's msgpack <-> JavaScript
 * conversion. A value the decoder accepts becomes a JS value and back; the
 * result must be valid, and converting it once more must give the same
 * bytes (the conversion reaches a fixed point: floats that hold integers
 * become ints, duplicate keys collapse, and then nothing changes).
 */
#include "convert.h"
#include "ipc.h"
#include "value_eq.h"

#include <stdlib.h>
#include <string.h>

static JSGlobalContextRef ctx;

/* msgpack -> JS -> msgpack into sb; 0, or -1 when JS refused (a deep value). */
static int round_trip(const void *buf, size_t len, msgpack_sbuffer *sb)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object obj;
    if (ipc_unpack(buf, len, &zone, &obj) != 0) abort();
    JSValueRef exc = NULL;
    JSValueRef v = cv_from_msgpack(ctx, &obj, &exc);
    msgpack_zone_destroy(&zone);
    if (!v) return -1;
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    return cv_to_msgpack(ctx, v, &pk, IPC_MAX_DEPTH_CEILING - 1, &exc);
}

/* True when out (packed) is what in (packed) must become. */
static bool same_value(const void *in, size_t in_len, const void *out, size_t out_len)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object a, b;
    bool same = ipc_unpack(in, in_len, &zone, &a) == 0 &&
                ipc_unpack(out, out_len, &zone, &b) == 0 && value_eq(&a, &b);
    msgpack_zone_destroy(&zone);
    return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[200];
    if (size > (1 << 16) || ipc_check_value(data, size, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why))
        return 0;
    if (!ctx) ctx = JSGlobalContextCreate(NULL);
    msgpack_sbuffer once, twice;
    msgpack_sbuffer_init(&once);
    msgpack_sbuffer_init(&twice);
    if (round_trip(data, size, &once) == 0) {
        if (ipc_check_value(once.data, once.size, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why))
            abort(); /* the host produced something the core would refuse */
        if (!same_value(data, size, once.data, once.size)) abort(); /* the value changed */
        if (round_trip(once.data, once.size, &twice) != 0 || once.size != twice.size ||
            memcmp(once.data, twice.data, once.size) != 0)
            abort();
    }
    msgpack_sbuffer_destroy(&once);
    msgpack_sbuffer_destroy(&twice);
    JSGarbageCollect(ctx);
    return 0;
}
