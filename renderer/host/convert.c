// SPDX-License-Identifier: MIT
/*
 * convert.c: JavaScript values <-> msgpack (see convert.h).
 */
#include "convert.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* 2^53: beyond it a double no longer holds every integer exactly. */
#define MAX_SAFE_INT 9007199254740992.0

JSValueRef cv_type_error(JSContextRef ctx, const char *msg)
{
    JSValueRef arg = cv_string(ctx, msg, strlen(msg));
    JSStringRef name = JSStringCreateWithUTF8CString("TypeError");
    JSValueRef ctor = JSObjectGetProperty(ctx, JSContextGetGlobalObject(ctx), name, NULL);
    JSStringRelease(name);
    JSObjectRef err = NULL;
    if (JSValueIsObject(ctx, ctor))
        err = JSObjectCallAsConstructor(ctx, (JSObjectRef)ctor, 1, &arg, NULL);
    return err ? (JSValueRef)err : arg;
}

JSValueRef cv_throw(JSContextRef ctx, JSValueRef *exc, const char *msg)
{
    *exc = cv_type_error(ctx, msg);
    return JSValueMakeUndefined(ctx);
}

JSValueRef cv_arg(JSContextRef ctx, size_t argc, const JSValueRef argv[], size_t i)
{
    return i < argc ? argv[i] : JSValueMakeUndefined(ctx);
}

/*
 * UTF-8 -> UTF-16 for a string that holds NUL characters, which
 * JSStringCreateWithUTF8CString would end at. The core sends only valid
 * UTF-8 (ipc_check_value); anything else still decodes, each bad byte as
 * U+FFFD.
 */
static JSStringRef jsstring_from_utf8_nul(const char *s, size_t len)
{
    /* Never more units than bytes; zeroed, which also keeps gcc's -Wmaybe-uninitialized quiet. */
    JSChar *u = calloc(len, sizeof *u);
    if (!u) return NULL;
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    size_t n = 0;
    while (p < end) {
        uint32_t c = *p, need = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 4;
        if (need == 4 || (size_t)(end - p) <= need) {
            u[n++] = 0xfffd, p++;
            continue;
        }
        c = need == 0 ? c : c & (0x3f >> need);
        for (uint32_t i = 1; i <= need; i++)
            c = c << 6 | (p[i] & 0x3f);
        p += need + 1;
        if (c > 0x10ffff) {
            u[n++] = 0xfffd;
        } else if (c >= 0x10000) {
            c -= 0x10000;
            u[n++] = (JSChar)(0xd800 | c >> 10);
            u[n++] = (JSChar)(0xdc00 | (c & 0x3ff));
        } else {
            u[n++] = (JSChar)c;
        }
    }
    JSStringRef js = JSStringCreateWithCharacters(u, n);
    free(u);
    return js;
}

/*
 * A JSString of len UTF-8 bytes (not NUL-terminated), or NULL without
 * memory. Without NUL characters, through JavaScriptCore's own decoder, which
 * keeps an ASCII or Latin-1 string in one byte per character.
 */
static JSStringRef jsstring_from_utf8(const char *s, size_t len)
{
    if (len && memchr(s, '\0', len)) return jsstring_from_utf8_nul(s, len);
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) return NULL;
    if (len) /* msgpack-c gives empty strings a NULL pointer */
        memcpy(buf, s, len);
    buf[len] = '\0';
    JSStringRef js = JSStringCreateWithUTF8CString(buf);
    if (buf != small) free(buf);
    return js;
}

JSValueRef cv_string(JSContextRef ctx, const char *s, size_t len)
{
    JSStringRef js = jsstring_from_utf8(s, len);
    if (!js) return JSValueMakeNull(ctx);
    JSValueRef v = JSValueMakeString(ctx, js);
    JSStringRelease(js);
    return v;
}

/*
 * UTF-16 -> UTF-8, JavaScript's strings to the core's. A lone surrogate has
 * no UTF-8 (PROTOCOL.md: no surrogates), so strict conversion stops at one:
 * the UTF-8 length, or SIZE_MAX with the offending unit's index in *bad.
 * Lenient conversion (for printing) writes U+FFFD in its place.
 */
struct utf16 {
    const JSChar *u;
    size_t n;
};

static struct utf16 utf16_of(JSStringRef s)
{
    return (struct utf16){JSStringGetCharactersPtr(s), JSStringGetLength(s)};
}

/* The code point at u[*i] (advancing *i), or -1 for a lone surrogate. */
static int32_t next_code_point(struct utf16 s, size_t *i)
{
    uint32_t c = s.u[(*i)++];
    if (c < 0xd800 || c > 0xdfff) return (int32_t)c;
    if (c <= 0xdbff && *i < s.n && s.u[*i] >= 0xdc00 && s.u[*i] <= 0xdfff)
        return (int32_t)(0x10000 + ((c - 0xd800) << 10) + (s.u[(*i)++] - 0xdc00));
    return -1;
}

static size_t utf8_size(struct utf16 s, bool strict, size_t *bad)
{
    size_t bytes = 0;
    for (size_t i = 0; i < s.n;) {
        size_t at = i;
        int32_t c = next_code_point(s, &i);
        if (c < 0 && strict) return *bad = at, SIZE_MAX;
        bytes += c < 0 ? 3 : c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    return bytes;
}

/* Encodes from s.u[*i] into out[0..cap) (cap >= 4), advancing *i; returns bytes written. */
static size_t utf8_encode(struct utf16 s, size_t *i, char *out, size_t cap)
{
    uint8_t *o = (uint8_t *)out;
    size_t n = 0;
    while (*i < s.n && n + 4 <= cap) {
        int32_t c = next_code_point(s, i);
        if (c < 0) c = 0xfffd;
        if (c < 0x80) {
            o[n++] = (uint8_t)c;
        } else if (c < 0x800) {
            o[n++] = (uint8_t)(0xc0 | c >> 6), o[n++] = (uint8_t)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            o[n++] = (uint8_t)(0xe0 | c >> 12), o[n++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
            o[n++] = (uint8_t)(0x80 | (c & 0x3f));
        } else {
            o[n++] = (uint8_t)(0xf0 | c >> 18), o[n++] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
            o[n++] = (uint8_t)(0x80 | (c >> 6 & 0x3f)), o[n++] = (uint8_t)(0x80 | (c & 0x3f));
        }
    }
    return n;
}

/* Lenient: a lone surrogate becomes U+FFFD. malloc'd, NUL-terminated (caller frees). */
static char *jsstring_utf8(JSStringRef js, size_t *len)
{
    struct utf16 s = utf16_of(js);
    size_t n = utf8_size(s, false, NULL), i = 0;
    char *buf = malloc(n + 4);
    if (!buf) return NULL;
    size_t got = utf8_encode(s, &i, buf, n + 4);
    buf[got] = '\0';
    if (len) *len = got;
    return buf;
}

char *cv_to_utf8(JSContextRef ctx, JSValueRef v, size_t *len, JSValueRef *exc)
{
    JSStringRef s = JSValueToStringCopy(ctx, v, exc);
    if (!s) return NULL;
    char *out = jsstring_utf8(s, len);
    JSStringRelease(s);
    return out;
}

/* Packs js as a msgpack str, strictly: a lone surrogate is a TypeError. */
static int pack_jsstring(JSContextRef ctx, JSStringRef js, msgpack_packer *pk, JSValueRef *exc)
{
    struct utf16 s = utf16_of(js);
    size_t bad, n = utf8_size(s, true, &bad);
    if (n == SIZE_MAX) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "a string with a lone surrogate U+%04X at index %zu cannot be sent to the core "
                 "(only well-formed Unicode has UTF-8)",
                 (unsigned)s.u[bad], bad);
        *exc = cv_type_error(ctx, msg);
        return -1;
    }
    msgpack_pack_str(pk, n);
    char chunk[4096];
    for (size_t i = 0, got; (got = utf8_encode(s, &i, chunk, sizeof chunk)) > 0;)
        msgpack_pack_str_body(pk, chunk, got);
    return 0;
}

static int pack_string(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, JSValueRef *exc)
{
    JSStringRef s = JSValueToStringCopy(ctx, v, exc);
    if (!s) return -1;
    int rv = pack_jsstring(ctx, s, pk, exc);
    JSStringRelease(s);
    return rv;
}

static void pack_number(double d, msgpack_packer *pk)
{
    if (d == floor(d) && fabs(d) <= MAX_SAFE_INT && !(d == 0 && signbit(d))) {
        if (d >= 0)
            msgpack_pack_uint64(pk, (uint64_t)d);
        else
            msgpack_pack_int64(pk, (int64_t)d);
    } else {
        msgpack_pack_double(pk, d);
    }
}

static cv_bin_fn bin_packer;
static void *bin_packer_ud;

void cv_set_bin_packer(cv_bin_fn fn, void *ud)
{
    bin_packer = fn;
    bin_packer_ud = ud;
}

/* Packs the bytes of a typed array or ArrayBuffer as bin. Returns 1 if o was one. */
static int pack_binary(JSContextRef ctx, JSObjectRef o, JSTypedArrayType t, msgpack_packer *pk)
{
    const char *bytes;
    size_t len;
    if (t == kJSTypedArrayTypeArrayBuffer) {
        bytes = JSObjectGetArrayBufferBytesPtr(ctx, o, NULL);
        len = JSObjectGetArrayBufferByteLength(ctx, o, NULL);
    } else {
        /* Through the buffer so that a view's byteOffset is honoured. */
        JSObjectRef buf = JSObjectGetTypedArrayBuffer(ctx, o, NULL);
        size_t off = JSObjectGetTypedArrayByteOffset(ctx, o, NULL);
        bytes = (const char *)JSObjectGetArrayBufferBytesPtr(ctx, buf, NULL) + off;
        len = JSObjectGetTypedArrayByteLength(ctx, o, NULL);
    }
    if (bin_packer) return bin_packer(bin_packer_ud, pk, bytes, len) == 0;
    msgpack_pack_bin(pk, len);
    msgpack_pack_bin_body(pk, bytes, len);
    return 1;
}

static int pack_value(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, unsigned depth,
                      JSValueRef *exc);

static int pack_array(JSContextRef ctx, JSObjectRef o, msgpack_packer *pk, unsigned depth,
                      JSValueRef *exc)
{
    JSStringRef lname = JSStringCreateWithUTF8CString("length");
    double n = JSValueToNumber(ctx, JSObjectGetProperty(ctx, o, lname, NULL), NULL);
    JSStringRelease(lname);
    uint32_t len = (uint32_t)n;
    msgpack_pack_array(pk, len);
    for (uint32_t i = 0; i < len; i++) {
        JSValueRef e = JSObjectGetPropertyAtIndex(ctx, o, i, exc);
        if (*exc || pack_value(ctx, e, pk, depth - 1, exc) != 0) return -1;
    }
    return 0;
}

/* Members that JSON would leave out of an object. */
static int skipped_member(JSContextRef ctx, JSValueRef v)
{
    return JSValueIsUndefined(ctx, v) || JSValueIsSymbol(ctx, v) ||
           (JSValueIsObject(ctx, v) && JSObjectIsFunction(ctx, (JSObjectRef)v));
}

static int pack_object(JSContextRef ctx, JSObjectRef o, msgpack_packer *pk, unsigned depth,
                       JSValueRef *exc)
{
    JSPropertyNameArrayRef names = JSObjectCopyPropertyNames(ctx, o);
    size_t n = JSPropertyNameArrayGetCount(names), kept = 0;
    JSValueRef small[32];
    JSValueRef *vals = n <= 32 ? small : malloc(n * sizeof *vals);
    int rv = vals ? 0 : -1;
    for (size_t i = 0; rv == 0 && i < n; i++) {
        vals[i] = JSObjectGetProperty(ctx, o, JSPropertyNameArrayGetNameAtIndex(names, i), exc);
        if (*exc)
            rv = -1;
        else if (!skipped_member(ctx, vals[i]))
            kept++;
    }
    if (rv == 0) msgpack_pack_map(pk, kept);
    for (size_t i = 0; rv == 0 && i < n; i++) {
        if (skipped_member(ctx, vals[i])) continue;
        rv = pack_jsstring(ctx, JSPropertyNameArrayGetNameAtIndex(names, i), pk, exc);
        if (rv == 0) rv = pack_value(ctx, vals[i], pk, depth - 1, exc);
    }
    if (vals != small) free(vals);
    JSPropertyNameArrayRelease(names);
    if (rv != 0 && !*exc) *exc = cv_type_error(ctx, "out of memory while converting a value");
    return rv;
}

static int pack_value(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, unsigned depth,
                      JSValueRef *exc)
{
    switch (JSValueGetType(ctx, v)) {
    case kJSTypeUndefined:
    case kJSTypeNull:
        return msgpack_pack_nil(pk), 0;
    case kJSTypeBoolean:
        return JSValueToBoolean(ctx, v) ? msgpack_pack_true(pk) : msgpack_pack_false(pk), 0;
    case kJSTypeNumber:
        return pack_number(JSValueToNumber(ctx, v, NULL), pk), 0;
    case kJSTypeString:
        return pack_string(ctx, v, pk, exc);
    case kJSTypeSymbol:
    case kJSTypeBigInt:
        *exc = cv_type_error(ctx, "symbols and BigInts cannot be sent to the core");
        return -1;
    case kJSTypeObject:
        break;
    }
    if (depth == 0) {
        *exc = cv_type_error(ctx, "value nests too deeply (or is cyclic) to send to the core");
        return -1;
    }
    JSObjectRef o = (JSObjectRef)v;
    JSTypedArrayType t = JSValueGetTypedArrayType(ctx, v, NULL);
    if (t != kJSTypedArrayTypeNone) return pack_binary(ctx, o, t, pk) ? 0 : -1;
    if (JSObjectIsFunction(ctx, o)) return msgpack_pack_nil(pk), 0;
    if (JSValueIsArray(ctx, v)) return pack_array(ctx, o, pk, depth, exc);
    return pack_object(ctx, o, pk, depth, exc);
}

int cv_to_msgpack(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, unsigned max_depth,
                  JSValueRef *exc)
{
    *exc = NULL;
    return pack_value(ctx, v, pk, max_depth, exc);
}

static void free_bytes(void *bytes, void *ctx)
{
    (void)ctx;
    free(bytes);
}

/*
 * The collector frees a no-copy buffer only when it collects, and it does not
 * see that memory, so it does not hurry: each large answer was fresh memory.
 * JSReportExtraMemoryCost tells it; it is exported by every JavaScriptCore
 * since 2008 but declared in a private header, so it is looked up, and where
 * it is missing the collector is only nudged (JSGarbageCollect, a hint).
 */
static void report_memory(JSContextRef ctx, size_t bytes)
{
    static void (*report)(JSContextRef, size_t);
    static bool looked;
    if (!looked) {
        report = (void (*)(JSContextRef, size_t))dlsym(RTLD_DEFAULT, "JSReportExtraMemoryCost");
        looked = true;
    }
    if (report)
        report(ctx, bytes);
    else
        JSGarbageCollect(ctx);
}

/*
 * Binaries of several MiB: fresh memory for each cost more than the copy
 * into it (the kernel zeroing it, 4 KiB fault by fault). So these buffers are
 * aligned to huge pages (512 times fewer faults) and kept for reuse once
 * released (up to SPARE_BYTES).
 */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_MIN (2 * HUGE_PAGE)
#define SPARE_MAX 4
#define SPARE_BYTES ((size_t)64 << 20)

static struct {
    pthread_mutex_t lock; /* deallocators run wherever the collector runs them */
    size_t live;          /* buffers JavaScriptCore holds */
    size_t nspare, spare_bytes;
    struct {
        void *p;
        size_t size;
    } spare[SPARE_MAX];
} huge = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The deallocator: ctx is the mapping's size. */
static void huge_release(void *bytes, void *ctx)
{
    size_t size = (size_t)(uintptr_t)ctx;
    pthread_mutex_lock(&huge.lock);
    huge.live--;
    bool keep = huge.nspare < SPARE_MAX && huge.spare_bytes + size <= SPARE_BYTES;
    if (keep) {
        huge.spare[huge.nspare].p = bytes, huge.spare[huge.nspare].size = size;
        huge.nspare++, huge.spare_bytes += size;
    }
    pthread_mutex_unlock(&huge.lock);
    if (!keep) munmap(bytes, size);
}

/* A released buffer of exactly size bytes, or NULL; counted live, and *live gets the count. */
static void *huge_reuse(size_t size, size_t *live)
{
    void *p = NULL;
    pthread_mutex_lock(&huge.lock);
    for (size_t i = 0; i < huge.nspare && !p; i++) {
        if (huge.spare[i].size != size) continue;
        p = huge.spare[i].p;
        huge.spare[i] = huge.spare[--huge.nspare];
        huge.spare_bytes -= size;
    }
    *live = ++huge.live;
    pthread_mutex_unlock(&huge.lock);
    return p;
}

/* size bytes (a multiple of HUGE_PAGE) aligned to a huge page, or NULL. */
static void *huge_map(size_t size)
{
    uint8_t *m =
        mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
    uint8_t *a = (uint8_t *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (a > m) munmap(m, (size_t)(a - m)); /* the slack before and after goes back */
    if (a + size < m + size + HUGE_PAGE) munmap(a + size, (size_t)(m + HUGE_PAGE - a));
    madvise(a, size, MADV_HUGEPAGE);
    return a;
}

/*
 * A Uint8Array, or (buffer) an ArrayBuffer, owning bytes: either way one
 * object over exactly len bytes, which the deallocator frees with dctx.
 */
static JSValueRef wrap_bytes(JSContextRef ctx, bool buffer, void *bytes, size_t len,
                             JSTypedArrayBytesDeallocator release, void *dctx, JSValueRef *exc)
{
    if (buffer) return JSObjectMakeArrayBufferWithBytesNoCopy(ctx, bytes, len, release, dctx, exc);
    return JSObjectMakeTypedArrayWithBytesNoCopy(ctx, kJSTypedArrayTypeUint8Array, bytes, len,
                                                 release, dctx, exc);
}

static JSValueRef make_huge_bytes(JSContextRef ctx, bool buffer, const char *p, size_t len,
                                  JSValueRef *exc)
{
    size_t size = (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    size_t live;
    void *a = huge_reuse(size, &live);
    bool fresh = !a;
    if (fresh && !(a = huge_map(size))) {
        pthread_mutex_lock(&huge.lock);
        huge.live--;
        pthread_mutex_unlock(&huge.lock);
        *exc = cv_type_error(ctx, "out of memory for a binary value");
        return NULL;
    }
    /*
     * New memory while more are held than are ever kept: the collector has
     * not looked for dead ones. Only then, since a collection it would not
     * have run otherwise can take tens of milliseconds.
     */
    if (fresh && live > SPARE_MAX) report_memory(ctx, size);
    memcpy(a, p, len);
    return wrap_bytes(ctx, buffer, a, len, huge_release, (void *)(uintptr_t)size, exc);
}

/* A copy of p[0..len) as a Uint8Array, or (buffer) as an ArrayBuffer. */
static JSValueRef make_bytes(JSContextRef ctx, bool buffer, const char *p, size_t len,
                             JSValueRef *exc)
{
    if (len >= HUGE_MIN) return make_huge_bytes(ctx, buffer, p, len, exc);
    void *copy = malloc(len ? len : 1);
    if (!copy) {
        *exc = cv_type_error(ctx, "out of memory for a binary value");
        return NULL;
    }
    if (len) memcpy(copy, p, len);
    return wrap_bytes(ctx, buffer, copy, len, free_bytes, NULL, exc);
}

static JSValueRef make_array(JSContextRef ctx, const msgpack_object_array *a, JSValueRef *exc)
{
    JSValueRef small[16] = {0};
    JSValueRef *vals = a->size <= 16 ? small : malloc(a->size * sizeof *vals);
    if (!vals) {
        *exc = cv_type_error(ctx, "out of memory for an array");
        return NULL;
    }
    JSValueRef out = NULL;
    uint32_t i;
    for (i = 0; i < a->size; i++) {
        vals[i] = cv_from_msgpack(ctx, &a->ptr[i], exc);
        if (!vals[i]) break;
        JSValueProtect(ctx, vals[i]); /* not yet reachable from any JS object */
    }
    if (i == a->size) out = JSObjectMakeArray(ctx, a->size, vals, exc);
    for (uint32_t j = 0; j < i; j++)
        JSValueUnprotect(ctx, vals[j]);
    if (vals != small) free(vals);
    return out;
}

static bool is_proto_key(const msgpack_object_str *k)
{
    return k->size == 9 && memcmp(k->ptr, "__proto__", 9) == 0;
}

/*
 * Sets o[key] = v as an own data property. A plain put of "__proto__" would
 * call Object.prototype's setter and change o's prototype instead (the C API
 * has no define), so for that one key o loses its prototype while the
 * property is made, then gets it back. Returns 0, or -1 without memory.
 */
static int set_own(JSContextRef ctx, JSObjectRef o, const msgpack_object_str *key, JSValueRef v)
{
    JSStringRef js = jsstring_from_utf8(key->ptr, key->size);
    if (!js) return -1;
    JSValueRef proto = NULL;
    if (is_proto_key(key)) {
        proto = JSObjectGetPrototype(ctx, o);
        JSObjectSetPrototype(ctx, o, JSValueMakeNull(ctx));
    }
    JSObjectSetProperty(ctx, o, js, v, kJSPropertyAttributeNone, NULL);
    if (proto) JSObjectSetPrototype(ctx, o, proto);
    JSStringRelease(js);
    return 0;
}

/*
 * A plain object. Keys keep their order except that integer-like ones come
 * first, ascending (JavaScript's own order); a repeated key keeps its last value.
 */
static JSValueRef make_object(JSContextRef ctx, const msgpack_object_map *m, JSValueRef *exc)
{
    JSObjectRef o = JSObjectMake(ctx, NULL, NULL);
    JSValueProtect(ctx, o);
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key;
        JSValueRef v =
            k->type == MSGPACK_OBJECT_STR ? cv_from_msgpack(ctx, &m->ptr[i].val, exc) : NULL;
        if (v && set_own(ctx, o, &k->via.str, v) != 0)
            *exc = cv_type_error(ctx, "out of memory for an object"), v = NULL;
        if (!v) {
            if (!*exc) *exc = cv_type_error(ctx, "a map key from the core is not a string");
            JSValueUnprotect(ctx, o);
            return NULL;
        }
    }
    JSValueUnprotect(ctx, o);
    return o;
}

JSValueRef cv_from_msgpack(JSContextRef ctx, const msgpack_object *o, JSValueRef *exc)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return JSValueMakeNull(ctx);
    case MSGPACK_OBJECT_BOOLEAN:
        return JSValueMakeBoolean(ctx, o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        return JSValueMakeNumber(ctx, (double)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return JSValueMakeNumber(ctx, (double)o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        return JSValueMakeNumber(ctx, o->via.f64);
    case MSGPACK_OBJECT_STR:
        return cv_string(ctx, o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_BIN:
        return make_bytes(ctx, false, o->via.bin.ptr, o->via.bin.size, exc);
    case MSGPACK_OBJECT_ARRAY:
        return make_array(ctx, &o->via.array, exc);
    case MSGPACK_OBJECT_MAP:
        return make_object(ctx, &o->via.map, exc);
    default:
        *exc = cv_type_error(ctx, "unsupported msgpack type from the core");
        return NULL;
    }
}

JSValueRef cv_from_msgpack_raw(JSContextRef ctx, const msgpack_object *o, JSValueRef *exc)
{
    if (o->type == MSGPACK_OBJECT_BIN)
        return make_bytes(ctx, true, o->via.bin.ptr, o->via.bin.size, exc);
    return cv_from_msgpack(ctx, o, exc);
}
