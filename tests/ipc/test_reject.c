// SPDX-License-Identifier: MIT
/*
 * test_reject.c: each class of malformed frame is refused, with a reason that
 * names it. The core ends a renderer on any of these, so each must be caught.
 */
#include "ipc.h"
#include "test.h"

#include <stdlib.h>
#include <time.h>

/* B(0x93, 0, 1): a byte array literal and its length, as two arguments. */
#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static struct ipc_limits lim;
static struct ipc_frame f;
static char err[256];

/* Decodes p; returns the reason it was refused, or "accepted". */
static const char *dec(const uint8_t *p, size_t len)
{
    snprintf(err, sizeof err, "(unset)");
    if (ipc_decode(p, len, &lim, &f, err, sizeof err) == 0) return "accepted";
    return err;
}

static msgpack_sbuffer sb;
static msgpack_packer pk;

static const char *dec_sb(void)
{
    return dec((const uint8_t *)sb.data, sb.size);
}

static void clear(void)
{
    msgpack_sbuffer_clear(&sb);
}

static void test_truncated(void)
{
    clear();
    ipc_pack_request_head(&pk, 300, "fs:read", 7);
    msgpack_pack_map(&pk, 1);
    ipc_pack_cstr(&pk, "path");
    ipc_pack_cstr(&pk, "/a/b");
    CHECK_STR(dec_sb(), "accepted");
    for (size_t n = 0; n < sb.size; n++)
        CHECK_CONTAINS(dec((const uint8_t *)sb.data, n), "truncated");
    CHECK_STR(dec(NULL, 0), "frame: truncated value at byte 0");
    CHECK_STR(dec(B(0x94, 0x02, 0x01, 0xa3, 'a', 'b')),
              "frame: truncated string: 3 bytes declared, 2 remain at byte 3");
    CHECK_STR(dec(B(0x94, 0x02, 0xcf, 0x01, 0x02)), "frame: truncated value at byte 2");
    CHECK_STR(dec(B(0x94, 0x02, 0xcd, 0x01)),
              "frame: truncated array: claims 4 elements, 3 bytes remain at byte 0");
}

static void test_trailing(void)
{
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xc0)), "accepted");
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xc0, 0xc0)), "frame: 1 trailing bytes at byte 5");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xc0, 0x93, 0x04, 0xa1, 'e', 0xc0)), "trailing");
}

static void test_envelope(void)
{
    CHECK_STR(dec(B(0x81, 0xa1, 'a', 0x01)), "frame: envelope is not an array at byte 0");
    CHECK_CONTAINS(dec(B(0xc0)), "not an array");
    CHECK_STR(dec(B(0x90)), "frame: envelope is an empty array at byte 0");
    CHECK_STR(dec(B(0x93, 0x07, 0xa1, 'e', 0xc0)), "frame: unknown kind 7 at byte 1");
    CHECK_CONTAINS(dec(B(0x93, 0xcc, 0xff, 0xa1, 'e', 0xc0)), "unknown kind 255");
    /* The two kinds added for channels and cancellation check their fields too. */
    CHECK_CONTAINS(dec(B(0x95, 0x05, 0x01, 0x02, 0xc0, 0xc0)), "channel end is not a boolean");
    CHECK_CONTAINS(dec(B(0x95, 0x05, 0xa1, 'x', 0x02, 0xc2, 0xc0)), "channel id is not a");
    CHECK_CONTAINS(dec(B(0x92, 0x06, 0xff)), "cancel id is not a");
    CHECK_CONTAINS(dec(B(0x93, 0x06, 0x01, 0xc0)), "cancel has 3 elements, expected 2");
    CHECK_STR(dec(B(0x93, 0xff, 0xa1, 'e', 0xc0)),
              "frame: kind is not a non-negative integer at byte 1");
    CHECK_CONTAINS(dec(B(0x93, 0xa1, '2', 0xa1, 'e', 0xc0)), "kind is not");
    CHECK_CONTAINS(dec(B(0x93, 0xc3, 0xa1, 'e', 0xc0)), "kind is not");
}

static void test_arity(void)
{
    CHECK_STR(dec(B(0x93, 0x02, 0x01, 0xa1, 'x')),
              "frame: request has 3 elements, expected 4 at byte 0");
    CHECK_CONTAINS(dec(B(0x95, 0x02, 0x01, 0xa1, 'x', 0xc0, 0xc0)), "expected 4");
    CHECK_CONTAINS(dec(B(0x94, 0x00, 0x01, 0x05, 0xc0)), "hello has 4 elements, expected 3");
    CHECK_CONTAINS(dec(B(0x92, 0x00, 0x01)), "hello has 2 elements");
    CHECK_CONTAINS(dec(B(0x93, 0x01, 0x01, 0xa1, 'x')), "welcome has 3 elements");
    CHECK_CONTAINS(dec(B(0x95, 0x03, 0x01, 0xc3, 0xc0, 0xc0)), "response has 5 elements");
    /* Four elements are an event with its sender: a name, not nil. */
    CHECK_CONTAINS(dec(B(0x94, 0x04, 0xa1, 'e', 0xc0, 0xc0)), "event sender is not a string");
    CHECK_CONTAINS(dec(B(0x95, 0x04, 0xa1, 'e', 0xc0, 0xa1, 'a', 0xc0)), "event has 5 elements");
    CHECK_CONTAINS(dec(B(0x91, 0x04)), "event has 1 elements");
}

static void test_field_types(void)
{
    CHECK_STR(dec(B(0x94, 0x02, 0xa1, '1', 0xa1, 'x', 0xc0)),
              "frame: request id is not a non-negative integer at byte 2");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0xff, 0xa1, 'x', 0xc0)), "request id is not");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0xca, 0, 0, 0, 0, 0xa1, 'x', 0xc0)), "request id is not");
    CHECK_STR(dec(B(0x94, 0x02, 0x01, 0x07, 0xc0)),
              "frame: request command is not a string at byte 3");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0x01, 0xc4, 0x01, 'x', 0xc0)), "command is not a string");
    CHECK_STR(dec(B(0x94, 0x03, 0x01, 0x01, 0xc0)),
              "frame: response ok is not a boolean at byte 3");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc0, 0xc0)), "ok is not a boolean");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0xa1, '1', 0xc3, 0xc0)), "response id is not");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0x01, 0xc0)), "event name is not a string");
    CHECK_CONTAINS(dec(B(0x93, 0x00, 0xa1, '1', 0x05)), "hello version is not");
    CHECK_CONTAINS(dec(B(0x93, 0x00, 0xff, 0x05)), "hello version is not");
    CHECK_STR(dec(B(0x93, 0x00, 0x01, 0x00)),
              "frame: hello pid is not a positive integer at byte 3");
    CHECK_CONTAINS(dec(B(0x93, 0x00, 0x01, 0xff)), "pid is not a positive");
    CHECK_CONTAINS(dec(B(0x93, 0x00, 0x01, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0)), "pid is not");
    CHECK_CONTAINS(dec(B(0x93, 0x00, 0x01, 0xa1, '5')), "pid is not");
    CHECK_CONTAINS(dec(B(0x94, 0x01, 0x01, 0x05, 0x80)), "welcome label is not a string");
    CHECK_CONTAINS(dec(B(0x94, 0x01, 0xc0, 0xa1, 'l', 0x80)), "welcome version is not");
    CHECK_STR(dec(B(0x94, 0x01, 0x01, 0xa1, 'l', 0x90)),
              "frame: welcome config is not a map at byte 5");
    CHECK_CONTAINS(dec(B(0x94, 0x01, 0x01, 0xa1, 'l', 0xc0)), "config is not a map");
    CHECK_STR(dec(B(0x94, 0x01, 0x01, 0xa1, 'l', 0xde, 0x00, 0x00)), "accepted");
}

static void test_names(void)
{
    CHECK_STR(dec(B(0x94, 0x02, 0x01, 0xa4, 'f', 's', ' ', 'x', 0xc0)),
              "frame: request command has a character outside [A-Za-z0-9_:|/.-] at byte 6");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0x01, 0xa2, 0xc3, 0xa9, 0xc0)), "character outside");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0x01, 0xa2, 'a', 0x00, 0xc0)), "character outside");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa2, 'a', '*', 0xc0)), "event name has a character");
    CHECK_CONTAINS(dec(B(0x94, 0x01, 0x01, 0xa1, '?', 0x80)), "welcome label has a character");
    CHECK_STR(dec(B(0x94, 0x02, 0x01, 0xa0, 0xc0)), "frame: request command is empty at byte 3");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa0, 0xc0)), "event name is empty");

    for (size_t n = 127; n <= 129; n++) {
        msgpack_sbuffer_clear(&sb);
        char name[129];
        memset(name, 'n', sizeof name);
        ipc_pack_event_head(&pk, name, n, NULL);
        msgpack_pack_nil(&pk);
        if (n <= IPC_MAX_NAME)
            CHECK_STR(dec_sb(), "accepted");
        else
            CHECK_STR(dec_sb(), "frame: event name is longer than 128 bytes at byte 2");
    }
}

static void test_name_ok(void)
{
    const char all[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:|/.-";
    char big[130];

    CHECK(ipc_name_ok(all, strlen(all)));
    CHECK(ipc_name_ok("a", 1));
    CHECK(!ipc_name_ok("", 0));
    CHECK(!ipc_name_ok(NULL, 0));
    CHECK(!ipc_name_ok("a b", 3));
    CHECK(!ipc_name_ok("a\0b", 3));
    CHECK(ipc_name_ok("a\0b", 1));
    CHECK(!ipc_name_ok("caf\xc3\xa9", 5));
    memset(big, 'x', sizeof big);
    CHECK(ipc_name_ok(big, 128));
    CHECK(!ipc_name_ok(big, 129));
    for (int c = 1; c < 256; c++) {
        char s[2] = {(char)c, 0};
        CHECK(ipc_name_ok(s, 1) == (strchr(all, c) != NULL));
    }
}

/* Each sequence sits in an event payload string after 2 ASCII bytes. */
static const char *bad_utf8(const char *seq)
{
    uint8_t buf[64] = {0x93, 0x04, 0xa1, 'e'};
    size_t n = strlen(seq);

    buf[4] = (uint8_t)(0xa0 | (n + 2));
    buf[5] = 'o', buf[6] = 'k';
    memcpy(buf + 7, seq, n);
    return dec(buf, 7 + n);
}

static void test_utf8(void)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation */
        "\xbf",             /* lone continuation */
        "\xc0\x80",         /* overlong NUL */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\x80",     /* overlong 3-byte */
        "\xe0\x9f\xbf",     /* overlong 3-byte */
        "\xf0\x8f\xbf\xbf", /* overlong 4-byte */
        "\xed\xa0\x80",     /* U+D800 surrogate */
        "\xed\xbf\xbf",     /* U+DFFF surrogate */
        "\xf4\x90\x80\x80", /* U+110000 */
        "\xf5\x80\x80\x80", /* beyond any plane */
        "\xff",
        "\xfe",
        "\xc2",             /* cut off at the end */
        "\xe2\x82",         /* cut off at the end */
        "\xf0\x9f\x98",     /* cut off at the end */
        "\xc2\x41",         /* continuation missing */
        "\xe2\x28\xa1",     /* continuation missing */
        "\xf0\x9f\x28\x80", /* continuation missing */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        CHECK_STR(bad_utf8(bad[k]), "frame: string is not valid UTF-8 at byte 7");
    CHECK_STR(bad_utf8("\xc2\x80\xf4\x8f\xbf\xbf"), "accepted");

    /* The bad byte past the 8-byte fast path is found and located. */
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xb4, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j',
                    'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 0xc3, 0x28)),
              "frame: string is not valid UTF-8 at byte 23");
    /* In a map key, an error message, and a deep string. */
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0xa1, 0xff, 0xc0)), "UTF-8");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0x82, 0xa4, 'c', 'o', 'd', 'e', 0xa1, 'x', 0xa7,
                         'm', 'e', 's', 's', 'a', 'g', 'e', 0xa1, 0xed)),
                   "UTF-8");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x91, 0x91, 0xd9, 0x01, 0xe0)), "UTF-8");
}

static void test_forbidden_types(void)
{
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xd4, 0x01, 0x00)),
              "frame: ext type 0xd4 is not allowed at byte 4");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xd6, 0xff, 0, 0, 0, 0)),
                   "ext type 0xd6"); /* timestamp */
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xc7, 0x01, 0x05, 0x00)), "ext type 0xc7");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xc8, 0x00, 0x00, 0x05)), "ext type 0xc8");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x91, 0xd8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                         0, 0, 0, 0, 0)),
                   "ext type 0xd8");
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xc1)), "frame: reserved byte 0xc1 at byte 4");
    CHECK_CONTAINS(dec(B(0xc1)), "reserved");
}

static void test_map_keys(void)
{
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0x01, 0xc0)),
              "frame: map key is not a string at byte 5");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0xc4, 0x01, 'k', 0xc0)), "map key is not");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0x90, 0xc0)), "map key is not");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0xc0, 0xc0)), "map key is not");
    /* Second entry, nested, and keys in a map inside an array inside a map. */
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x82, 0xa1, 'a', 0x01, 0xc3, 0x02)),
                   "map key is not");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x81, 0xa1, 'a', 0x91, 0x81, 0x00, 0x00)),
                   "map key is not");
    /* A str value where a key is expected is fine; values may be anything. */
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x81, 0xa0, 0x90)),
              "accepted");
}

/* An event whose payload is `levels` nested arrays (or maps) around nil. */
static const char *nested(unsigned levels, bool maps)
{
    clear();
    ipc_pack_event_head(&pk, "deep", 4, NULL);
    for (unsigned k = 0; k < levels; k++) {
        if (maps) {
            msgpack_pack_map(&pk, 1);
            ipc_pack_cstr(&pk, "k");
        } else {
            msgpack_pack_array(&pk, 1);
        }
    }
    msgpack_pack_nil(&pk);
    return dec_sb();
}

static void test_depth(void)
{
    CHECK_STR(nested(31, false), "accepted"); /* 32 with the envelope */
    CHECK_STR(nested(32, false), "frame: nesting deeper than 32 at byte 38");
    CHECK_STR(nested(31, true), "accepted");
    CHECK_CONTAINS(nested(32, true), "nesting deeper than 32");
    CHECK_CONTAINS(nested(1000, false), "nesting deeper than 32");

    /* An empty container counts too: msgpack-c would refuse it. */
    lim.max_depth = 2;
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x90)), "accepted");
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x91, 0x90)), "frame: nesting deeper than 2 at byte 5");
    /* Only containers nest: scalars inside the deepest one add nothing. */
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x91, 0x05)), "accepted");
    CHECK_STR(dec(B(0x94, 0x03, 0x01, 0xc3, 0x80)), "accepted");
    lim.max_depth = 1;
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x05)), "accepted");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x80)), "nesting deeper than 1");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0x80)), "nesting deeper than 1");
    lim.max_depth = 0;
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0x05)), "frame: nesting deeper than 0 at byte 0");
    /* Above the ceiling is clamped to it: msgpack-c cannot go deeper. */
    lim.max_depth = 1000;
    CHECK_CONTAINS(nested(32, false), "nesting deeper than 32");
    ipc_limits_default(&lim);
}

static void test_huge_counts(void)
{
    clock_t start = clock();

    CHECK_STR(dec(B(0x94, 0x02, 0x01, 0xa1, 'x', 0xdd, 0xff, 0xff, 0xff, 0xff)),
              "frame: truncated array: claims 4294967295 elements, 0 bytes remain at byte 5");
    CHECK_CONTAINS(dec(B(0xdd, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0xa1, 'x', 0xc0)),
                   "claims 4294967295 elements, 5 bytes remain");
    CHECK_CONTAINS(dec(B(0x94, 0x02, 0x01, 0xa1, 'x', 0xdf, 0xff, 0xff, 0xff, 0xff)),
                   "truncated map: claims 4294967295 entries");
    /* A map needs two bytes an entry: 2 entries in 3 bytes cannot fit. */
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0x82, 0xa0, 0xc0, 0xa0)), "claims 2 entries");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xdb, 0xff, 0xff, 0xff, 0xff, 'a')),
                   "truncated string: 4294967295 bytes declared, 1 remain");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xc6, 0xff, 0xff, 0xff, 0xff, 'a')),
                   "truncated binary");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xdc, 0xff, 0xff, 0xc0)), "claims 65535 elements");
    CHECK(clock() - start < CLOCKS_PER_SEC);
}

static void test_oversize(void)
{
    size_t n = 4000000;
    uint8_t *big = calloc(1, n);

    lim.max_frame = 1048576;
    CHECK_STR(dec(big, n), "frame: 4000000 bytes exceeds the 1048576-byte limit");
    CHECK_CONTAINS(dec(big, 1048577), "exceeds");
    ipc_limits_default(&lim);
    CHECK_CONTAINS(dec(big, lim.max_frame + 1), "exceeds the 83886080-byte limit");
    free(big);

    /* A valid frame of exactly max_frame bytes passes. */
    lim.max_frame = 8;
    CHECK_STR(dec(B(0x93, 0x04, 0xa1, 'e', 0xa3, 'a', 'b', 'c')), "accepted");
    CHECK_CONTAINS(dec(B(0x93, 0x04, 0xa1, 'e', 0xa4, 'a', 'b', 'c', 'd')), "9 bytes exceeds");
    ipc_limits_default(&lim);
}

/* A RESPONSE with ok = false whose error map is built from key/value pairs. */
static const char *error_map(unsigned n, const char *const *kv)
{
    clear();
    ipc_pack_response_head(&pk, 1, false);
    msgpack_pack_map(&pk, n);
    for (unsigned k = 0; k < 2 * n; k++)
        ipc_pack_cstr(&pk, kv[k]);
    return dec_sb();
}

static void test_error_shape(void)
{
    CHECK_STR(error_map(2, (const char *[]){"code", "denied", "message", "no"}), "accepted");
    CHECK_STR(error_map(1, (const char *[]){"code", "denied"}),
              "frame: response error lacks \"message\" at byte 4");
    CHECK_STR(error_map(1, (const char *[]){"message", "no"}),
              "frame: response error lacks \"code\" at byte 4");
    CHECK_CONTAINS(error_map(0, NULL), "lacks \"code\"");
    CHECK_STR(error_map(3, (const char *[]){"code", "denied", "message", "no", "detail", "x"}),
              "frame: response error has an unexpected key at byte 28");
    CHECK_CONTAINS(error_map(2, (const char *[]){"code", "denied", "Code", "x"}), "unexpected key");
    CHECK_CONTAINS(error_map(2, (const char *[]){"code", "denied", "code", "failed"}),
                   "duplicate key \"code\"");
    CHECK_CONTAINS(error_map(2, (const char *[]){"message", "a", "message", "b"}),
                   "duplicate key \"message\"");
    CHECK_CONTAINS(error_map(2, (const char *[]){"code", "not valid!", "message", "x"}),
                   "response error code has a character outside");
    CHECK_CONTAINS(error_map(2, (const char *[]){"code", "", "message", "x"}),
                   "response error code is empty");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0x82, 0xa4, 'c', 'o', 'd', 'e', 0x01, 0xa7, 'm',
                         'e', 's', 's', 'a', 'g', 'e', 0xa1, 'x')),
                   "response error code is not a string");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0x82, 0xa4, 'c', 'o', 'd', 'e', 0xa1, 'x', 0xa7,
                         'm', 'e', 's', 's', 'a', 'g', 'e', 0x91, 0xa1, 'x')),
                   "response error message is not a string");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0x81, 0x01, 0xa1, 'x')), "map key is not");
    CHECK_STR(dec(B(0x94, 0x03, 0x01, 0xc2, 0xa6, 'd', 'e', 'n', 'i', 'e', 'd')),
              "frame: response error is not a map at byte 4");
    CHECK_CONTAINS(dec(B(0x94, 0x03, 0x01, 0xc2, 0xc0)), "response error is not a map");
}

/* err is left alone when errlen is 0, and cut short (still terminated) when small. */
static void test_err_buffer(void)
{
    char small[12];

    memset(err, 'Z', sizeof err);
    CHECK(ipc_decode(B(0x90), &lim, &f, err, 0) == -1);
    CHECK(err[0] == 'Z');
    CHECK(ipc_decode(B(0x90), &lim, &f, NULL, 0) == -1);
    CHECK(ipc_decode(B(0x90), &lim, &f, small, sizeof small) == -1);
    CHECK_STR(small, "frame: enve");
    CHECK(ipc_check_value(B(0xc1), 0, NULL, 0) == -1);
}

int main(void)
{
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    ipc_limits_default(&lim);

    RUN(test_truncated);
    RUN(test_trailing);
    RUN(test_envelope);
    RUN(test_arity);
    RUN(test_field_types);
    RUN(test_names);
    RUN(test_name_ok);
    RUN(test_utf8);
    RUN(test_forbidden_types);
    RUN(test_map_keys);
    RUN(test_depth);
    RUN(test_huge_counts);
    RUN(test_oversize);
    RUN(test_error_shape);
    RUN(test_err_buffer);

    msgpack_sbuffer_destroy(&sb);
    return TEST_RESULT();
}
