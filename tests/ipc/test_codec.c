// SPDX-License-Identifier: MIT
/*
 * test_codec.c: every frame kind and every value type survives
 * ipc_pack_* -> ipc_decode -> ipc_unpack unchanged.
 */
#include "ipc.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

static msgpack_sbuffer frame_buf, value_buf;
static msgpack_packer pk, vpk; /* pk writes frames, vpk values */
static msgpack_zone zone;
static struct ipc_limits lim;
static struct ipc_frame f;
static char err[256];

static bool slice_is(struct ipc_slice s, const char *str)
{
    return s.len == strlen(str) && memcmp(s.ptr, str, s.len) == 0;
}

static bool slice_is_bytes(struct ipc_slice s, const void *p, size_t len)
{
    return s.len == len && (len == 0 || memcmp(s.ptr, p, len) == 0);
}

static int decode_frame(void)
{
    err[0] = '\0';
    int rc = ipc_decode(frame_buf.data, frame_buf.size, &lim, &f, err, sizeof err);
    if (rc < 0) fprintf(stderr, "  decode: %s\n", err);
    return rc;
}

static void clear(void)
{
    msgpack_sbuffer_clear(&frame_buf);
    msgpack_sbuffer_clear(&value_buf);
    msgpack_zone_clear(&zone);
}

/*
 * Wraps the value in value_buf in a request, decodes the frame, checks the
 * body is that value byte for byte, and unpacks it into obj.
 */
static int roundtrip(msgpack_object *obj)
{
    msgpack_sbuffer_clear(&frame_buf);
    ipc_pack_request_head(&pk, 77, "test.value", 10);
    if (ipc_pack_raw(&pk, value_buf.data, value_buf.size) != 0 || decode_frame() < 0) return -1;
    if (f.kind != IPC_REQUEST || f.id != 77 || !slice_is(f.name, "test.value") ||
        !slice_is_bytes(f.body, value_buf.data, value_buf.size))
        return -1;
    if (ipc_check_value(f.body.ptr, f.body.len, IPC_MAX_DEPTH_CEILING - 1, err, sizeof err) < 0)
        return -1;
    return ipc_unpack(f.body.ptr, f.body.len, &zone, obj);
}

static void test_hello(void)
{
    clear();
    ipc_pack_hello(&pk, 4242);
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_HELLO);
    CHECK(f.version == IPC_VERSION);
    CHECK(f.pid == 4242);
    CHECK(f.id == 0 && !f.ok && f.name.len == 0 && f.body.len == 0 && f.body.ptr == NULL);

    clear();
    ipc_pack_hello(&pk, INT64_MAX);
    CHECK(decode_frame() == 0);
    CHECK(f.pid == INT64_MAX);
}

static void test_welcome(void)
{
    msgpack_object obj;

    clear();
    ipc_pack_welcome_head(&pk, "com.example.notes");
    msgpack_pack_map(&pk, 2);
    ipc_pack_cstr(&pk, "width");
    msgpack_pack_uint32(&pk, 800);
    ipc_pack_cstr(&pk, "title");
    ipc_pack_cstr(&pk, "Notes");
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_WELCOME);
    CHECK(f.version == IPC_VERSION);
    CHECK(slice_is(f.name, "com.example.notes"));
    CHECK(f.body.ptr + f.body.len == (const uint8_t *)frame_buf.data + frame_buf.size);
    CHECK(ipc_unpack(f.body.ptr, f.body.len, &zone, &obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_MAP && obj.via.map.size == 2);
    CHECK(obj.via.map.ptr[0].val.via.u64 == 800);
    CHECK(obj.via.map.ptr[1].val.via.str.size == 5);

    clear();
    ipc_pack_welcome_head(&pk, "x");
    msgpack_pack_map(&pk, 0);
    CHECK(decode_frame() == 0);
    CHECK(f.body.len == 1 && f.body.ptr[0] == 0x80);
}

static void test_request(void)
{
    msgpack_object obj;

    clear();
    ipc_pack_request_head(&pk, UINT64_MAX, "fs:read_file", 12);
    msgpack_pack_array(&pk, 2);
    ipc_pack_cstr(&pk, "/notes/a.txt");
    msgpack_pack_true(&pk);
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_REQUEST);
    CHECK(f.id == UINT64_MAX);
    CHECK(slice_is(f.name, "fs:read_file"));
    CHECK(f.version == 0 && f.pid == 0);
    CHECK(ipc_unpack(f.body.ptr, f.body.len, &zone, &obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_ARRAY && obj.via.array.size == 2);
    CHECK(obj.via.array.ptr[1].type == MSGPACK_OBJECT_BOOLEAN && obj.via.array.ptr[1].via.boolean);

    /* cmd_len is honoured: the name is not read up to a NUL. */
    clear();
    ipc_pack_request_head(&pk, 0, "a/b|c-d.e_f:ghij", 5);
    msgpack_pack_nil(&pk);
    CHECK(decode_frame() == 0);
    CHECK(f.id == 0);
    CHECK(slice_is(f.name, "a/b|c"));
    CHECK(f.body.len == 1 && f.body.ptr[0] == 0xc0);
}

static void test_response(void)
{
    clear();
    ipc_pack_response_head(&pk, 12345678901ull, true);
    ipc_pack_cstr(&pk, "done");
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_RESPONSE);
    CHECK(f.id == 12345678901ull);
    CHECK(f.ok);
    CHECK(f.body.len == 5 && f.body.ptr[0] == 0xa4);
    CHECK(f.err_code.len == 0 && f.err_message.len == 0 && f.name.len == 0);

    /* ok = true carries any value, including one shaped like an error. */
    clear();
    ipc_pack_response_head(&pk, 1, true);
    msgpack_pack_map(&pk, 1);
    ipc_pack_cstr(&pk, "code");
    msgpack_pack_int(&pk, 5);
    CHECK(decode_frame() == 0);
    CHECK(f.ok);
}

static void test_error(void)
{
    clear();
    ipc_pack_error(&pk, 9, "denied", "fs:write is not allowed by policy");
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_RESPONSE);
    CHECK(f.id == 9);
    CHECK(!f.ok);
    CHECK(slice_is(f.err_code, "denied"));
    CHECK(slice_is(f.err_message, "fs:write is not allowed by policy"));
    CHECK(f.body.ptr[0] == 0x82);
    CHECK(f.body.ptr + f.body.len == (const uint8_t *)frame_buf.data + frame_buf.size);
    CHECK(f.err_code.ptr > f.body.ptr && f.err_message.ptr < f.body.ptr + f.body.len);

    static const char *const codes[] = {"denied",        "unknown_command", "invalid_args",
                                        "failed",        "timeout",         "cancelled",
                                        "renderer_gone", "limit_exceeded",  "internal"};
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        clear();
        ipc_pack_error(&pk, k, codes[k], "");
        CHECK(decode_frame() == 0);
        CHECK(slice_is(f.err_code, codes[k]));
        CHECK(f.err_message.len == 0 && f.err_message.ptr != NULL);
    }

    /* Keys in either order; a NULL message packs as "". */
    clear();
    ipc_pack_response_head(&pk, 3, false);
    msgpack_pack_map(&pk, 2);
    ipc_pack_cstr(&pk, "message");
    ipc_pack_cstr(&pk, "héllo ✓");
    ipc_pack_cstr(&pk, "code");
    ipc_pack_cstr(&pk, "app:quota");
    CHECK(decode_frame() == 0);
    CHECK(slice_is(f.err_code, "app:quota"));
    CHECK(slice_is(f.err_message, "héllo ✓"));
    clear();
    ipc_pack_error(&pk, 4, "failed", NULL);
    CHECK(decode_frame() == 0);
    CHECK(f.err_message.len == 0);
}

static void test_event(void)
{
    clear();
    ipc_pack_event_head(&pk, "window/resize", 13, NULL);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_uint16(&pk, 1024);
    msgpack_pack_uint16(&pk, 768);
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_EVENT);
    CHECK(slice_is(f.name, "window/resize"));
    CHECK(f.body.len == 7 && f.body.ptr[0] == 0x92);
    CHECK(f.id == 0 && f.version == 0);
    CHECK(f.sender.len == 0); /* the core's */
    /* From a renderer: its label follows the payload. */
    clear();
    ipc_pack_event_head(&pk, "hi", 2, "other");
    msgpack_pack_nil(&pk);
    ipc_pack_cstr(&pk, "other");
    CHECK(decode_frame() == 0);
    CHECK(slice_is(f.name, "hi") && slice_is(f.sender, "other"));
    CHECK(f.body.len == 1 && f.body.ptr[0] == 0xc0);
    clear(); /* a sender that is not a name */
    ipc_pack_event_head(&pk, "hi", 2, "x");
    msgpack_pack_nil(&pk);
    msgpack_pack_uint8(&pk, 7);
    CHECK(decode_frame() != 0);
}

static void test_channel(void)
{
    clear();
    ipc_pack_channel_head(&pk, 4000000000u, 7, false);
    ipc_pack_cstr(&pk, "chunk");
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_CHANNEL && f.id == 4000000000u && f.index == 7 && !f.end);
    CHECK(f.body.len == 6 && f.body.ptr[0] == 0xa5);
    clear();
    ipc_pack_channel_head(&pk, 3, 8, true);
    msgpack_pack_nil(&pk);
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_CHANNEL && f.id == 3 && f.index == 8 && f.end);
    CHECK(f.body.len == 1 && f.body.ptr[0] == 0xc0);
}

static void test_cancel(void)
{
    clear();
    ipc_pack_cancel(&pk, 123456789012ull);
    CHECK(decode_frame() == 0);
    CHECK(f.kind == IPC_CANCEL && f.id == 123456789012ull && f.body.len == 0);
}

/* Frames back to back in one message decode one after another. */
static void test_batch(void)
{
    clear();
    ipc_pack_request_head(&pk, 1, "a:b", 3);
    msgpack_pack_nil(&pk);
    ipc_pack_event_head(&pk, "e", 1, NULL);
    msgpack_pack_uint8(&pk, 7);
    ipc_pack_cancel(&pk, 1);
    const uint8_t *buf = (const uint8_t *)frame_buf.data;
    size_t len = frame_buf.size, off = 0;
    char err[128];
    CHECK(ipc_decode_next(buf, len, &off, NULL, &f, err, sizeof err) == 0 && f.kind == IPC_REQUEST);
    CHECK(ipc_decode_next(buf, len, &off, NULL, &f, err, sizeof err) == 0 && f.kind == IPC_EVENT &&
          f.body.len == 1 && f.body.ptr[0] == 7);
    CHECK(ipc_decode_next(buf, len, &off, NULL, &f, err, sizeof err) == 0 && f.kind == IPC_CANCEL);
    CHECK(off == len);
    /* A truncated last frame is an error, and no frame may exceed the limit. */
    off = 0;
    CHECK(ipc_decode_next(buf, len - 1, &off, NULL, &f, err, sizeof err) == 0);
    CHECK(ipc_decode_next(buf, len - 1, &off, NULL, &f, err, sizeof err) == 0);
    CHECK(ipc_decode_next(buf, len - 1, &off, NULL, &f, err, sizeof err) == -1);
    struct ipc_limits small = {.max_frame = 4, .max_depth = 32};
    off = 0;
    CHECK(ipc_decode_next(buf, len, &off, &small, &f, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "truncated");
}

static void test_nil_bool(void)
{
    msgpack_object obj;

    clear();
    msgpack_pack_nil(&vpk);
    CHECK(roundtrip(&obj) == 0 && obj.type == MSGPACK_OBJECT_NIL);
    clear();
    msgpack_pack_true(&vpk);
    CHECK(roundtrip(&obj) == 0 && obj.type == MSGPACK_OBJECT_BOOLEAN && obj.via.boolean);
    clear();
    msgpack_pack_false(&vpk);
    CHECK(roundtrip(&obj) == 0 && obj.type == MSGPACK_OBJECT_BOOLEAN && !obj.via.boolean);
}

static void test_ints(void)
{
    static const uint64_t pos[] = {0,          1,           127,       128,
                                   255,        256,         65535,     65536,
                                   UINT32_MAX, 0x100000000, INT64_MAX, (uint64_t)INT64_MAX + 1,
                                   UINT64_MAX};
    static const int64_t neg[] = {-1,
                                  -31,
                                  -32,
                                  -33,
                                  -128,
                                  -129,
                                  -32768,
                                  -32769,
                                  INT32_MIN,
                                  (int64_t)INT32_MIN - 1,
                                  INT64_MIN + 1,
                                  INT64_MIN};
    msgpack_object obj;

    for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++) {
        clear();
        msgpack_pack_uint64(&vpk, pos[k]);
        CHECK(roundtrip(&obj) == 0);
        CHECK(obj.type == MSGPACK_OBJECT_POSITIVE_INTEGER && obj.via.u64 == pos[k]);
    }
    for (size_t k = 0; k < sizeof neg / sizeof neg[0]; k++) {
        clear();
        msgpack_pack_int64(&vpk, neg[k]);
        CHECK(roundtrip(&obj) == 0);
        CHECK(obj.type == MSGPACK_OBJECT_NEGATIVE_INTEGER && obj.via.i64 == neg[k]);
    }
    /* Every fixed width, including signed encodings of non-negative values. */
    clear();
    msgpack_pack_array(&vpk, 8);
    msgpack_pack_fix_uint8(&vpk, 200);
    msgpack_pack_fix_uint16(&vpk, 1);
    msgpack_pack_fix_uint32(&vpk, 2);
    msgpack_pack_fix_uint64(&vpk, 3);
    msgpack_pack_fix_int8(&vpk, -100);
    msgpack_pack_fix_int16(&vpk, 4);
    msgpack_pack_fix_int32(&vpk, -70000);
    msgpack_pack_fix_int64(&vpk, INT64_MIN);
    CHECK(value_buf.size == 1 + 2 + 3 + 5 + 9 + 2 + 3 + 5 + 9);
    CHECK(roundtrip(&obj) == 0);
    CHECK(obj.via.array.ptr[0].via.u64 == 200 && obj.via.array.ptr[3].via.u64 == 3);
    CHECK(obj.via.array.ptr[4].via.i64 == -100 && obj.via.array.ptr[5].via.u64 == 4);
    CHECK(obj.via.array.ptr[6].via.i64 == -70000 && obj.via.array.ptr[7].via.i64 == INT64_MIN);
}

static void test_floats(void)
{
    msgpack_object obj;

    clear();
    msgpack_pack_float(&vpk, 1.5f);
    CHECK(value_buf.size == 5 && (uint8_t)value_buf.data[0] == 0xca);
    CHECK(roundtrip(&obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_FLOAT32 && obj.via.f64 == 1.5);
    clear();
    msgpack_pack_double(&vpk, 3.141592653589793);
    CHECK(value_buf.size == 9 && (uint8_t)value_buf.data[0] == 0xcb);
    CHECK(roundtrip(&obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_FLOAT64 && obj.via.f64 == 3.141592653589793);
    clear();
    msgpack_pack_array(&vpk, 3);
    msgpack_pack_double(&vpk, NAN);
    msgpack_pack_double(&vpk, -INFINITY);
    msgpack_pack_float(&vpk, -0.0f);
    CHECK(roundtrip(&obj) == 0);
    CHECK(isnan(obj.via.array.ptr[0].via.f64));
    CHECK(isinf(obj.via.array.ptr[1].via.f64) && obj.via.array.ptr[1].via.f64 < 0);
    CHECK(signbit(obj.via.array.ptr[2].via.f64));
}

static void test_strings(void)
{
    static const struct {
        size_t len;
        uint8_t head;
    } cases[] = {{0, 0xa0},   {1, 0xa1},     {31, 0xbf},    {32, 0xd9},    {255, 0xd9},
                 {256, 0xda}, {65535, 0xda}, {65536, 0xdb}, {100000, 0xdb}};
    char *s = malloc(100000);
    msgpack_object obj;

    for (size_t k = 0; k < 100000; k++)
        s[k] = (char)('a' + k % 26);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        clear();
        ipc_pack_strn(&vpk, s, cases[k].len);
        CHECK((uint8_t)value_buf.data[0] == cases[k].head);
        CHECK(roundtrip(&obj) == 0);
        CHECK(obj.type == MSGPACK_OBJECT_STR && obj.via.str.size == cases[k].len);
        CHECK(cases[k].len == 0 || memcmp(obj.via.str.ptr, s, cases[k].len) == 0);
    }
    free(s);
}

static void test_unicode(void)
{
    static const char *const texts[] = {
        "h\xc3\xa9llo",                         /* é */
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", /* 日本語 */
        "\xf0\x9f\x98\x80",                     /* U+1F600 */
        "\x7f\xc2\x80\xdf\xbf",                 /* U+007F, U+0080, U+07FF */
        "\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80", /* U+0800, U+D7FF, U+E000 */
        "\xef\xbf\xbf\xf0\x90\x80\x80",         /* U+FFFF, U+10000 */
        "\xf4\x8f\xbf\xbf",                     /* U+10FFFF */
        ("0123456789abcdef\xe2\x82\xac"
         "0123456789abcdef"), /* € past the fast path */
    };
    msgpack_object obj;

    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        clear();
        ipc_pack_cstr(&vpk, texts[k]);
        CHECK(roundtrip(&obj) == 0);
        CHECK(obj.via.str.size == strlen(texts[k]));
        CHECK(memcmp(obj.via.str.ptr, texts[k], strlen(texts[k])) == 0);
    }
    /* Non-ASCII in names is refused, but fine as a map key. */
    clear();
    msgpack_pack_map(&vpk, 1);
    ipc_pack_cstr(&vpk, "cl\xc3\xa9");
    ipc_pack_cstr(&vpk, "\xe2\x9c\x93");
    CHECK(roundtrip(&obj) == 0);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_bins(void)
{
    static const size_t sizes[] = {0, 1, 2, 255, 256, 65535, 65536, 1024 * 1024};
    size_t max = 1024 * 1024;
    uint8_t *b = malloc(max);
    msgpack_object obj;

    for (size_t k = 0; k < max; k++)
        b[k] = (uint8_t)rng();
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        clear();
        msgpack_pack_bin_with_body(&vpk, b, sizes[k]);
        CHECK(roundtrip(&obj) == 0);
        CHECK(obj.type == MSGPACK_OBJECT_BIN && obj.via.bin.size == sizes[k]);
        CHECK(sizes[k] == 0 || memcmp(obj.via.bin.ptr, b, sizes[k]) == 0);
    }
    free(b);
}

static void test_nested(void)
{
    msgpack_object obj;

    /* {"list": [1, {"b": [nil, true]}, []], "": {}, "bin": b"\0\1"} */
    clear();
    msgpack_pack_map(&vpk, 3);
    ipc_pack_cstr(&vpk, "list");
    msgpack_pack_array(&vpk, 3);
    msgpack_pack_int(&vpk, 1);
    msgpack_pack_map(&vpk, 1);
    ipc_pack_cstr(&vpk, "b");
    msgpack_pack_array(&vpk, 2);
    msgpack_pack_nil(&vpk);
    msgpack_pack_true(&vpk);
    msgpack_pack_array(&vpk, 0);
    ipc_pack_cstr(&vpk, "");
    msgpack_pack_map(&vpk, 0);
    ipc_pack_cstr(&vpk, "bin");
    msgpack_pack_bin_with_body(&vpk, "\0\1", 2);
    CHECK(roundtrip(&obj) == 0);
    CHECK(obj.type == MSGPACK_OBJECT_MAP && obj.via.map.size == 3);
    msgpack_object list = obj.via.map.ptr[0].val;
    CHECK(list.type == MSGPACK_OBJECT_ARRAY && list.via.array.size == 3);
    msgpack_object inner = list.via.array.ptr[1].via.map.ptr[0].val;
    CHECK(inner.via.array.size == 2 && inner.via.array.ptr[1].via.boolean);
    CHECK(obj.via.map.ptr[1].key.via.str.size == 0);
    CHECK(obj.via.map.ptr[2].val.via.bin.size == 2);
}

/* Nests `levels` single-element arrays around nil in value_buf. */
static void pack_nested(unsigned levels)
{
    for (unsigned k = 0; k < levels; k++)
        msgpack_pack_array(&vpk, 1);
    msgpack_pack_nil(&vpk);
}

/* The deepest frame allowed by default still unpacks in msgpack-c. */
static void test_depth_at_ceiling(void)
{
    msgpack_object obj;

    clear();
    pack_nested(IPC_MAX_DEPTH_CEILING - 1); /* + the envelope = 32 */
    CHECK(roundtrip(&obj) == 0);
    CHECK(ipc_unpack(frame_buf.data, frame_buf.size, &zone, &obj) == 0);
    CHECK(obj.via.array.size == 4);
}

/* Non-minimal encodings (uint64 kind, int8 id, str8 name) are accepted. */
static void test_wide_encodings(void)
{
    static const uint8_t raw[] = {0x94, 0xcf, 0,    0,    0,   0,    0,    0,    0,   2,
                                  0xd0, 0x05, 0xd9, 0x01, 'x', 0xdc, 0x00, 0x01, 0xc0};
    CHECK(ipc_decode(raw, sizeof raw, &lim, &f, err, sizeof err) == 0);
    CHECK(f.kind == IPC_REQUEST && f.id == 5 && slice_is(f.name, "x"));
    CHECK(f.body.len == 4 && f.body.ptr == raw + 15);

    static const uint8_t hello[] = {0x93, 0x00, 0xd1, 0x00, 0x01, 0xd2, 0, 0, 0x10, 0};
    CHECK(ipc_decode(hello, sizeof hello, &lim, &f, err, sizeof err) == 0);
    CHECK(f.kind == IPC_HELLO && f.version == 1 && f.pid == 4096);
}

/* A NULL lim means the defaults; err may be NULL or 0 bytes long. */
static void test_optional_args(void)
{
    clear();
    ipc_pack_event_head(&pk, "tick", 4, NULL);
    msgpack_pack_nil(&pk);
    CHECK(ipc_decode(frame_buf.data, frame_buf.size, NULL, &f, NULL, 0) == 0);
    CHECK(f.kind == IPC_EVENT);
}

static void test_kind_names(void)
{
    CHECK_STR(ipc_kind_name(IPC_HELLO), "hello");
    CHECK_STR(ipc_kind_name(IPC_WELCOME), "welcome");
    CHECK_STR(ipc_kind_name(IPC_REQUEST), "request");
    CHECK_STR(ipc_kind_name(IPC_RESPONSE), "response");
    CHECK_STR(ipc_kind_name(IPC_EVENT), "event");
    CHECK_STR(ipc_kind_name(IPC_KIND_COUNT), "unknown");
    CHECK_STR(ipc_kind_name(-1), "unknown");
}

static void test_limits_default(void)
{
    struct ipc_limits l;

    ipc_limits_default(&l);
    CHECK(l.max_frame == 80u * 1024 * 1024);
    CHECK(l.max_depth == 32);
}

int main(void)
{
    msgpack_sbuffer_init(&frame_buf);
    msgpack_sbuffer_init(&value_buf);
    msgpack_packer_init(&pk, &frame_buf, msgpack_sbuffer_write);
    msgpack_packer_init(&vpk, &value_buf, msgpack_sbuffer_write);
    msgpack_zone_init(&zone, 4096);
    ipc_limits_default(&lim);

    RUN(test_hello);
    RUN(test_welcome);
    RUN(test_request);
    RUN(test_response);
    RUN(test_error);
    RUN(test_event);
    RUN(test_channel);
    RUN(test_cancel);
    RUN(test_batch);
    RUN(test_nil_bool);
    RUN(test_ints);
    RUN(test_floats);
    RUN(test_strings);
    RUN(test_unicode);
    RUN(test_bins);
    RUN(test_nested);
    RUN(test_depth_at_ceiling);
    RUN(test_wide_encodings);
    RUN(test_optional_args);
    RUN(test_kind_names);
    RUN(test_limits_default);

    msgpack_zone_destroy(&zone);
    msgpack_sbuffer_destroy(&frame_buf);
    msgpack_sbuffer_destroy(&value_buf);
    return TEST_RESULT();
}
