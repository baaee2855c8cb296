// SPDX-License-Identifier: MIT
/*
 * test_value.c: ipc_check_value and ipc_unpack, and a differential check
 * that whatever the validator accepts, msgpack-c unpacks (random values and
 * mutated frames).
 */
#include "ipc.h"
#include "test.h"

#include <stdlib.h>

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static char err[256];
static msgpack_sbuffer sb;
static msgpack_packer pk;
static msgpack_zone zone;

static const char *check(const uint8_t *p, size_t len, unsigned depth)
{
    snprintf(err, sizeof err, "(unset)");
    if (ipc_check_value(p, len, depth, err, sizeof err) == 0) return "accepted";
    return err;
}

static void test_check_value(void)
{
    CHECK_STR(check(B(0x05), 1), "accepted");
    CHECK_STR(check(B(0xc0), 0), "accepted");
    CHECK_STR(check(B(0xa3, 'a', 'b', 'c'), 1), "accepted");
    CHECK_STR(check(NULL, 0, 32), "value: truncated value at byte 0");
    CHECK_STR(check(B(0x05, 0x06), 32), "value: 1 trailing bytes at byte 1");
    CHECK_STR(check(B(0x91, 0x91, 0x90), 3), "accepted");
    CHECK_STR(check(B(0x91, 0x91, 0x91, 0x90), 3), "value: nesting deeper than 3 at byte 3");
    CHECK_STR(check(B(0x81, 0xa1, 'k', 0x81, 0xa0, 0x91, 0x05), 3), "accepted");
    CHECK_CONTAINS(check(B(0x81, 0xa1, 'k', 0x81, 0xa0, 0x91, 0x91, 0x05), 3), "nesting deeper");
    CHECK_CONTAINS(check(B(0x90), 0), "nesting deeper than 0");
    CHECK_STR(check(B(0x81, 0x01, 0x02), 32), "value: map key is not a string at byte 1");
    CHECK_STR(check(B(0xa2, 0xc3, 0x28), 32), "value: string is not valid UTF-8 at byte 1");
    CHECK_STR(check(B(0xd5, 0x01, 0x00, 0x00), 32),
              "value: ext type 0xd5 is not allowed at byte 0");
    CHECK_STR(check(B(0xdd, 0xff, 0xff, 0xff, 0xff, 0x00), 32),
              "value: truncated array: claims 4294967295 elements, 1 bytes remain at byte 0");
    CHECK_CONTAINS(check(B(0x92, 0x01), 32), "truncated");
    /* A whole frame is a value too. */
    CHECK_STR(check(B(0x93, 0x04, 0xa1, 'e', 0xc0), 32), "accepted");
}

static void test_unpack(void)
{
    msgpack_object obj;

    msgpack_sbuffer_clear(&sb);
    msgpack_pack_map(&pk, 2);
    ipc_pack_cstr(&pk, "name");
    ipc_pack_cstr(&pk, "moat");
    ipc_pack_cstr(&pk, "sizes");
    msgpack_pack_array(&pk, 3);
    msgpack_pack_int(&pk, -1);
    msgpack_pack_uint64(&pk, UINT64_MAX);
    msgpack_pack_bin_with_body(&pk, "\xff\x00", 2);
    CHECK(ipc_check_value(sb.data, sb.size, 32, err, sizeof err) == 0);
    CHECK(ipc_unpack(sb.data, sb.size, &zone, &obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_MAP && obj.via.map.size == 2);
    msgpack_object name = obj.via.map.ptr[0].val;
    CHECK(name.type == MSGPACK_OBJECT_STR && name.via.str.size == 4);
    CHECK(memcmp(name.via.str.ptr, "moat", 4) == 0);
    /* Strings borrow from the buffer, as ipc.h says. */
    CHECK(name.via.str.ptr > sb.data && name.via.str.ptr < sb.data + sb.size);
    msgpack_object sizes = obj.via.map.ptr[1].val;
    CHECK(sizes.via.array.size == 3 && sizes.via.array.ptr[0].via.i64 == -1);
    CHECK(sizes.via.array.ptr[1].via.u64 == UINT64_MAX);
    CHECK(sizes.via.array.ptr[2].via.bin.size == 2);

    CHECK(ipc_unpack(sb.data, sb.size - 1, &zone, &obj) == -1);
    CHECK(ipc_unpack(B(0x05, 0x06), &zone, &obj) == -1);
    CHECK(ipc_unpack(B(0x92, 0x01), &zone, &obj) == -1);
    CHECK(ipc_unpack(NULL, 0, &zone, &obj) == -1);
    CHECK(ipc_unpack(B(0xc0), &zone, &obj) == 0 && obj.type == MSGPACK_OBJECT_NIL);
    /* Empty strings and bins, keys too, point somewhere (msgpack-c leaves them NULL). */
    CHECK(ipc_unpack(B(0x92, 0xa0, 0x81, 0xa0, 0xc4, 0x00), &zone, &obj) == 0);
    CHECK(obj.via.array.ptr[0].via.str.ptr != NULL);
    CHECK(obj.via.array.ptr[1].via.map.ptr[0].key.via.str.ptr != NULL);
    CHECK(obj.via.array.ptr[1].via.map.ptr[0].val.via.bin.ptr != NULL);
    msgpack_zone_clear(&zone);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_str(void)
{
    static const char *const parts[] = {
        "a", "Zz", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "0123456789", ""};
    char s[256];
    size_t n = 0, count = rng() % 12;

    for (size_t k = 0; k < count; k++) {
        const char *p = parts[rng() % (sizeof parts / sizeof parts[0])];
        memcpy(s + n, p, strlen(p));
        n += strlen(p);
    }
    ipc_pack_strn(&pk, s, n);
}

static void random_scalar(void)
{
    static const uint8_t blob[300];

    switch (rng() % 8) {
    case 0:
        msgpack_pack_nil(&pk);
        break;
    case 1:
        (rng() & 1) ? msgpack_pack_true(&pk) : msgpack_pack_false(&pk);
        break;
    case 2:
        msgpack_pack_uint64(&pk, rng() >> (rng() % 64));
        break;
    case 3:
        msgpack_pack_int64(&pk, (int64_t)(rng() | (1ull << 63)) >> (rng() % 64));
        break;
    case 4:
        msgpack_pack_float(&pk, (float)(rng() % 1000) / 7.0f);
        break;
    case 5:
        msgpack_pack_double(&pk, (double)rng());
        break;
    case 6:
        msgpack_pack_bin_with_body(&pk, blob, rng() % sizeof blob);
        break;
    default:
        random_str();
    }
}

/* A random valid value whose containers nest at most `depth` deep. */
static void random_value(unsigned depth)
{
    unsigned pick = rng() % 10;

    if (depth == 0 || pick < 6) {
        random_scalar();
    } else if (pick < 8) {
        unsigned n = rng() % 5;
        msgpack_pack_array(&pk, n);
        for (unsigned k = 0; k < n; k++)
            random_value(depth - 1);
    } else {
        unsigned n = rng() % 4;
        msgpack_pack_map(&pk, n);
        for (unsigned k = 0; k < n; k++) {
            random_str();
            random_value(depth - 1);
        }
    }
}

/* Everything msgpack-c packs within the rules is accepted, byte for byte. */
static void test_random_values(void)
{
    int bad = 0;

    for (int round = 0; round < 3000; round++) {
        msgpack_sbuffer_clear(&sb);
        random_value(1 + round % 8);
        if (ipc_check_value(sb.data, sb.size, 32, err, sizeof err) != 0) {
            if (bad++ == 0) fprintf(stderr, "  round %d: %s\n", round, err);
        }
    }
    CHECK(bad == 0);
}

/*
 * Mutated frames: no crash, no sanitizer report, and every frame the decoder
 * accepts is one complete value that msgpack-c unpacks.
 */
static void test_mutations(void)
{
    struct ipc_limits lim;
    struct ipc_frame f;
    uint8_t buf[512];
    int accepted = 0, unpack_failed = 0;

    ipc_limits_default(&lim);
    for (int round = 0; round < 20000; round++) {
        msgpack_sbuffer_clear(&sb);
        switch (round % 4) {
        case 0:
            ipc_pack_request_head(&pk, rng() % 1000, "fs:read", 7);
            break;
        case 1:
            ipc_pack_response_head(&pk, rng() % 1000, true);
            break;
        case 2:
            ipc_pack_event_head(&pk, "ev", 2, NULL);
            break;
        default:
            ipc_pack_welcome_head(&pk, "label");
            msgpack_pack_map(&pk, 1);
            random_str();
        }
        random_value(4);
        if (sb.size > sizeof buf) continue;
        size_t len = sb.size;
        memcpy(buf, sb.data, len);
        for (unsigned m = rng() % 4; m > 0; m--)
            buf[rng() % len] = (uint8_t)rng();
        if (rng() % 4 == 0) len = rng() % (len + 1);
        if (ipc_decode(buf, len, &lim, &f, err, sizeof err) != 0) continue;
        accepted++;
        if (ipc_unpack(buf, len, &zone, &(msgpack_object){0}) != 0) unpack_failed++;
        msgpack_zone_clear(&zone);
    }
    CHECK(accepted > 1000);
    CHECK(unpack_failed == 0);
}

int main(void)
{
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_zone_init(&zone, 4096);

    RUN(test_check_value);
    RUN(test_unpack);
    RUN(test_random_values);
    RUN(test_mutations);

    msgpack_zone_destroy(&zone);
    msgpack_sbuffer_destroy(&sb);
    return TEST_RESULT();
}
