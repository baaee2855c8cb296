// SPDX-License-Identifier: MIT
/*
 * test_convert.c: the JS host's value conversion (renderer/host/convert.c).
 * Values from the core must reach JavaScript exactly (NUL characters, keys
 * such as "__proto__", "constructor" and "0"), strings from JavaScript must
 * reach the core exactly or be refused (a lone surrogate has no UTF-8), and
 * random msgpack values must survive core -> JS -> core (value_eq.h says
 * what survives means). A bin at the top of an answer is an ArrayBuffer.
 */
#include "convert.h"
#include "ipc.h"
#include "test.h"
#include "value_eq.h"

#include <stdlib.h>

static JSGlobalContextRef ctx;

static JSValueRef eval(const char *src)
{
    JSStringRef s = JSStringCreateWithUTF8CString(src);
    JSValueRef exc = NULL;
    JSValueRef v = JSEvaluateScript(ctx, s, NULL, NULL, 1, &exc);
    JSStringRelease(s);
    return exc ? NULL : v;
}

/* fn_src applied to v, as a C string (static buffer). */
static const char *apply(const char *fn_src, JSValueRef v)
{
    static char out[512];
    JSValueRef fn = eval(fn_src);
    JSValueRef exc = NULL;
    JSValueRef r = fn ? JSObjectCallAsFunction(ctx, (JSObjectRef)fn, NULL, 1, &v, &exc) : NULL;
    if (!r) return "(exception)";
    JSStringRef s = JSValueToStringCopy(ctx, r, NULL);
    JSStringGetUTF8CString(s, out, sizeof out);
    JSStringRelease(s);
    return out;
}

/* The JS value of the msgpack bytes p[0..n); raw: as an answer or a channel message gets it. */
static JSValueRef convert_bytes(const void *p, size_t n, bool raw)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 256);
    msgpack_object o;
    JSValueRef exc = NULL, v = NULL;
    if (ipc_unpack(p, n, &zone, &o) == 0)
        v = raw ? cv_from_msgpack_raw(ctx, &o, &exc) : cv_from_msgpack(ctx, &o, &exc);
    msgpack_zone_destroy(&zone);
    return v;
}

static JSValueRef from_bytes(const void *p, size_t n)
{
    return convert_bytes(p, n, false);
}

static JSValueRef raw_from_bytes(const void *p, size_t n)
{
    return convert_bytes(p, n, true);
}

/* Packs v into sb (cleared first); 0, or -1 with the exception's text in why. */
static int to_bytes(JSValueRef v, msgpack_sbuffer *sb, char *why, size_t cap)
{
    msgpack_sbuffer_clear(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    JSValueRef exc = NULL;
    if (cv_to_msgpack(ctx, v, &pk, IPC_MAX_DEPTH_CEILING - 1, &exc) == 0) return 0;
    JSStringRef s = exc ? JSValueToStringCopy(ctx, exc, NULL) : NULL;
    snprintf(why, cap, "(no exception)");
    if (s) JSStringGetUTF8CString(s, why, cap), JSStringRelease(s);
    return -1;
}

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static void test_nul_from_core(void)
{
    /* "a\0b" as a value and as a key */
    JSValueRef v = from_bytes(B(0xa3, 'a', 0, 'b'));
    CHECK_STR(apply("(s) => s.length + ':' + s.charCodeAt(1) + ':' + s[2]", v), "3:0:b");
    v = from_bytes(B(0x81, 0xa3, 'k', 0, 'y', 0x01));
    CHECK_STR(apply("(o) => Object.keys(o).map((k) => k.length).join() + ':' + o['k\\0y']", v),
              "3:1");
    v = from_bytes(B(0xa1, 0));
    CHECK_STR(apply("(s) => s === '\\0'", v), "true");
}

static void test_keys_from_core(void)
{
    /* {"__proto__": {"x": 1}, "constructor": 2, "1": 3, "01": 4, "4294967295": 5, "a": 6} */
    JSValueRef v = from_bytes(B(0x86, 0xa9, '_', '_', 'p', 'r', 'o', 't', 'o', '_', '_', 0x81, 0xa1,
                                'x', 0x01, 0xab, 'c', 'o', 'n', 's', 't', 'r', 'u', 'c', 't', 'o',
                                'r', 0x02, 0xa1, '1', 0x03, 0xa2, '0', '1', 0x04, 0xaa, '4', '2',
                                '9', '4', '9', '6', '7', '2', '9', '5', 0x05, 0xa1, 'a', 0x06));
    CHECK_STR(apply("(o) => Object.keys(o).join()", v), "1,__proto__,constructor,01,4294967295,a");
    CHECK_STR(apply("(o) => Object.getPrototypeOf(o) === Object.prototype", v), "true");
    CHECK_STR(
        apply("(o) => Object.prototype.hasOwnProperty.call(o, '__proto__') && o.__proto__.x", v),
        "1");
    CHECK_STR(apply("(o) => o.x === undefined && o.constructor === 2 && o[1] === 3", v), "true");
    CHECK_STR(apply("(o) => o['01'] + o['4294967295'] + o.a", v), "15");
    /* Nothing leaked onto Object.prototype. */
    CHECK_STR(apply("(o) => ({}).x === undefined && ({}).constructor === Object", v), "true");
}

/* A bin at the top of an answer is an ArrayBuffer (Tauri's raw answer); inside, a Uint8Array. */
static void test_raw_answers(void)
{
    const char *kind = "(v) => Object.prototype.toString.call(v) + ' ' + v.byteLength + ' ' + "
                       "Array.from(new Uint8Array(v)).join()";
    CHECK_STR(apply(kind, raw_from_bytes(B(0xc4, 3, 1, 2, 250))), "[object ArrayBuffer] 3 1,2,250");
    CHECK_STR(apply(kind, raw_from_bytes(B(0xc4, 0))), "[object ArrayBuffer] 0 ");
    CHECK_STR(apply(kind, from_bytes(B(0xc4, 3, 1, 2, 250))), "[object Uint8Array] 3 1,2,250");
    /* {"b": bin 1..2} and [bin 7]: nested, as the webview page gives them */
    CHECK_STR(apply("(o) => Object.prototype.toString.call(o.b) + ' ' + o.b.join()",
                    raw_from_bytes(B(0x81, 0xa1, 'b', 0xc4, 2, 1, 2))),
              "[object Uint8Array] 1,2");
    CHECK_STR(apply("(a) => Object.prototype.toString.call(a[0]) + ' ' + a[0][0]",
                    raw_from_bytes(B(0x91, 0xc4, 1, 7))),
              "[object Uint8Array] 7");
    CHECK_STR(apply("(v) => v", raw_from_bytes(B(0xa1, 'x'))), "x"); /* not a bin: as ever */
    /* A huge one (its own huge-page buffer): exactly its bytes, still an ArrayBuffer. */
    size_t n = (5u << 20) + 3;
    uint8_t *big = malloc(n + 5);
    CHECK(big != NULL);
    if (!big) return;
    big[0] = 0xc6, big[1] = (uint8_t)(n >> 24), big[2] = (uint8_t)(n >> 16);
    big[3] = (uint8_t)(n >> 8), big[4] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        big[5 + i] = (uint8_t)(i % 251);
    CHECK_STR(apply("(v) => Object.prototype.toString.call(v) + ' ' + v.byteLength + ' ' + "
                    "new Uint8Array(v)[v.byteLength - 1]",
                    raw_from_bytes(big, n + 5)),
              "[object ArrayBuffer] 5242883 245"); /* (n - 1) % 251 */
    free(big);
}

static void test_strings_to_core(void)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    char why[256];
    CHECK(to_bytes(eval("'a\\0b'"), &sb, why, sizeof why) == 0);
    CHECK(sb.size == 4 && memcmp(sb.data,
                                 "\xa3"
                                 "a\0b",
                                 4) == 0);
    CHECK(to_bytes(eval("'\\u{1F600}\\uFFFF'"), &sb, why, sizeof why) == 0);
    CHECK(sb.size == 8 && memcmp(sb.data, "\xa7\xf0\x9f\x98\x80\xef\xbf\xbf", 8) == 0);
    /* A lone surrogate has no UTF-8: refused, never cut or altered silently. */
    CHECK(to_bytes(eval("'ab\\uD800'"), &sb, why, sizeof why) == -1);
    CHECK_CONTAINS(why, "TypeError");
    CHECK_CONTAINS(why, "lone surrogate U+D800 at index 2");
    CHECK(to_bytes(eval("({['k\\uDC00']: 1})"), &sb, why, sizeof why) == -1);
    CHECK_CONTAINS(why, "lone surrogate U+DC00 at index 1");
    CHECK(to_bytes(eval("['\\uDBFF\\uDFFF', '\\uDFFF\\uDBFF']"), &sb, why, sizeof why) == -1);
    CHECK_CONTAINS(why, "U+DFFF at index 0");
    /* Own keys a literal cannot make plainly, from JSON.parse. */
    CHECK(to_bytes(eval("JSON.parse('{\"__proto__\": 1, \"constructor\": 2}')"), &sb, why,
                   sizeof why) == 0);
    CHECK(sb.size == 25 && memcmp(sb.data, "\x82\xa9__proto__\x01", 12) == 0 &&
          memcmp(sb.data + 12,
                 "\xab"
                 "constructor\x02",
                 13) == 0);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- random values: a small PRNG so that a failure names its seed */

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

/* Strings that have a meaning to a JS engine, as keys or values. */
static const char *const special[] = {
    "",           "__proto__",  "constructor",
    "prototype",  "toString",   "hasOwnProperty",
    "valueOf",    "length",     "0",
    "1",          "01",         "-0",
    "-1",         "1.5",        "1e3",
    "4294967294", "4294967295", "9007199254740993",
    "NaN",        "undefined",  "__defineGetter__",
    "then",
};

/* One code point of a random class, as UTF-8, appended at s. Returns its length. */
static size_t put_code_point(char *s)
{
    uint32_t c;
    switch (below(5)) {
    case 0:
        c = below(0x80);
        break; /* ASCII, NUL included */
    case 1:
        c = 0x80 + below(0x780);
        break; /* two bytes */
    case 2:
        c = 0x800 + below(0xd800 - 0x800);
        break; /* three, below the surrogates */
    case 3:
        c = 0xe000 + below(0x10000 - 0xe000);
        break;
    default:
        c = 0x10000 + below(0x100000);
        break; /* astral: a surrogate pair in JS */
    }
    if (c < 0x80) return s[0] = (char)c, 1;
    if (c < 0x800) return s[0] = (char)(0xc0 | c >> 6), s[1] = (char)(0x80 | (c & 0x3f)), 2;
    if (c < 0x10000)
        return s[0] = (char)(0xe0 | c >> 12), s[1] = (char)(0x80 | (c >> 6 & 0x3f)),
               s[2] = (char)(0x80 | (c & 0x3f)), 3;
    s[0] = (char)(0xf0 | c >> 18), s[1] = (char)(0x80 | (c >> 12 & 0x3f));
    s[2] = (char)(0x80 | (c >> 6 & 0x3f)), s[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

static void gen_string(msgpack_packer *pk)
{
    if (below(3) == 0) {
        const char *s = special[below(sizeof special / sizeof *special)];
        msgpack_pack_str_with_body(pk, s, strlen(s));
        return;
    }
    char buf[4 * 40];
    size_t n = 0, count = below(4) == 0 ? below(40) : below(6);
    for (size_t i = 0; i < count; i++)
        n += put_code_point(buf + n);
    msgpack_pack_str_with_body(pk, buf, n);
}

static void gen_number(msgpack_packer *pk)
{
    static const double doubles[] = {
        0.5,  -0.0, 1e308, 5e-324, -2.5e-310, 1.0 / 3, 3.0, 9007199254740992.0, 9007199254740994.0,
        -1e21};
    switch (below(9)) {
    case 0:
        msgpack_pack_uint64(pk, next());
        break;
    case 1:
        msgpack_pack_int64(pk, (int64_t)next());
        break;
    case 2:
        msgpack_pack_int64(pk, (int64_t)(next() % 2000) - 1000);
        break;
    case 3: { /* near 2^53, where doubles stop holding every integer */
        int64_t n = ((int64_t)1 << 53) + (int64_t)below(5) - 2;
        msgpack_pack_int64(pk, below(2) ? n : -n);
        break;
    }
    case 4:
        msgpack_pack_uint64(pk, below(2) ? UINT64_MAX : (uint64_t)INT64_MAX + below(3));
        break;
    case 5:
        msgpack_pack_int64(pk, INT64_MIN + below(3));
        break;
    case 6:
        msgpack_pack_float(pk, (float)((double)(int64_t)next() / (double)(next() | 1)));
        break;
    case 7: {
        uint64_t bits = next(); /* any double, NaNs and infinities included */
        double d;
        memcpy(&d, &bits, sizeof d);
        msgpack_pack_double(pk, d);
        break;
    }
    default:
        msgpack_pack_double(pk, doubles[below(sizeof doubles / sizeof *doubles)]);
        break;
    }
}

static void gen_value(msgpack_packer *pk, unsigned depth);

/* A map with distinct keys: a JS object can hold a key once. */
static void gen_map(msgpack_packer *pk, unsigned depth)
{
    msgpack_sbuffer keys[8];
    unsigned n = below(8), kept = 0;
    for (unsigned i = 0; i < n; i++) {
        msgpack_sbuffer_init(&keys[kept]);
        msgpack_packer kp;
        msgpack_packer_init(&kp, &keys[kept], msgpack_sbuffer_write);
        gen_string(&kp);
        bool dup = false;
        for (unsigned j = 0; j < kept && !dup; j++)
            dup = keys[j].size == keys[kept].size &&
                  memcmp(keys[j].data, keys[kept].data, keys[j].size) == 0;
        if (dup)
            msgpack_sbuffer_destroy(&keys[kept]);
        else
            kept++;
    }
    msgpack_pack_map(pk, kept);
    for (unsigned i = 0; i < kept; i++) {
        msgpack_pack_str_body(pk, keys[i].data, keys[i].size); /* already a whole str */
        msgpack_sbuffer_destroy(&keys[i]);
        gen_value(pk, depth + 1);
    }
}

static void gen_value(msgpack_packer *pk, unsigned depth)
{
    unsigned kind = below(depth < 6 ? 9 : 6);
    switch (kind) {
    case 0:
        msgpack_pack_nil(pk);
        break;
    case 1:
        below(2) ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
        break;
    case 2:
    case 3:
        gen_number(pk);
        break;
    case 4:
        gen_string(pk);
        break;
    case 5: {
        uint8_t bytes[64];
        unsigned n = below(sizeof bytes);
        for (unsigned i = 0; i < n; i++)
            bytes[i] = (uint8_t)next();
        msgpack_pack_bin_with_body(pk, bytes, n);
        break;
    }
    case 6:
    case 7: {
        unsigned n = below(6);
        msgpack_pack_array(pk, n);
        for (unsigned i = 0; i < n; i++)
            gen_value(pk, depth + 1);
        break;
    }
    default:
        gen_map(pk, depth);
        break;
    }
}

static void dump(const char *what, const void *p, size_t n)
{
    fprintf(stderr, "  %s:", what);
    for (size_t i = 0; i < n && i < 256; i++)
        fprintf(stderr, " %02x", ((const uint8_t *)p)[i]);
    fprintf(stderr, "%s\n", n > 256 ? " …" : "");
}

/* One random value through JavaScript and back; false (with a dump) when it changed. */
static bool round_trip_one(uint64_t seed)
{
    rng = seed;
    msgpack_sbuffer in, out;
    msgpack_sbuffer_init(&in);
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &in, msgpack_sbuffer_write);
    gen_value(&pk, 2);
    char why[256] = "";
    bool ok = ipc_check_value(in.data, in.size, IPC_MAX_DEPTH_CEILING - 1, why, sizeof why) == 0;
    JSValueRef v = ok ? from_bytes(in.data, in.size) : NULL;
    ok = v && to_bytes(v, &out, why, sizeof why) == 0;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object a, b;
    ok = ok && ipc_unpack(in.data, in.size, &zone, &a) == 0 &&
         ipc_unpack(out.data, out.size, &zone, &b) == 0 && value_eq(&a, &b);
    if (!ok) {
        fprintf(stderr, "seed %llu: the value changed (%s)\n", (unsigned long long)seed, why);
        dump("core", in.data, in.size);
        dump("back", out.data, out.size);
    }
    msgpack_zone_destroy(&zone);
    msgpack_sbuffer_destroy(&in);
    msgpack_sbuffer_destroy(&out);
    return ok;
}

static void test_round_trip_property(void)
{
    unsigned failed = 0;
    for (uint64_t seed = 1; seed <= 20000 && failed < 5; seed++)
        if (!round_trip_one(seed * 0x9e3779b97f4a7c15ull)) failed++;
    CHECK(failed == 0);
}

int main(void)
{
    ctx = JSGlobalContextCreate(NULL);
    RUN(test_nul_from_core);
    RUN(test_keys_from_core);
    RUN(test_raw_answers);
    RUN(test_strings_to_core);
    RUN(test_round_trip_property);
    JSGlobalContextRelease(ctx);
    return TEST_RESULT();
}
