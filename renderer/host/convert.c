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

JSValueRef cv_string(JSContextRef ctx, const char *s, size_t len)
{
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) return JSValueMakeNull(ctx);
    if (len) /* msgpack-c gives empty strings a NULL pointer */
        memcpy(buf, s, len);
    buf[len] = '\0';
    JSStringRef js = JSStringCreateWithUTF8CString(buf);
    if (buf != small) free(buf);
    JSValueRef v = JSValueMakeString(ctx, js);
    JSStringRelease(js);
    return v;
}

static char *jsstring_utf8(JSStringRef s, size_t *len)
{
    size_t max = JSStringGetMaximumUTF8CStringSize(s);
    char *buf = malloc(max);
    if (!buf) return NULL;
    size_t n = JSStringGetUTF8CString(s, buf, max); /* includes the NUL */
    if (len) *len = n ? n - 1 : 0;
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

static int pack_string(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, JSValueRef *exc)
{
    size_t n;
    char *s = cv_to_utf8(ctx, v, &n, exc);
    if (!s) return -1;
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
    free(s);
    return 0;
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
        size_t klen;
        char *key = jsstring_utf8(JSPropertyNameArrayGetNameAtIndex(names, i), &klen);
        if (!key) {
            rv = -1;
            break;
        }
        msgpack_pack_str(pk, klen);
        msgpack_pack_str_body(pk, key, klen);
        free(key);
        rv = pack_value(ctx, vals[i], pk, depth - 1, exc);
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

static JSValueRef make_huge_uint8array(JSContextRef ctx, const char *p, size_t len, JSValueRef *exc)
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
    return JSObjectMakeTypedArrayWithBytesNoCopy(ctx, kJSTypedArrayTypeUint8Array, a, len,
                                                 huge_release, (void *)(uintptr_t)size, exc);
}

static JSValueRef make_uint8array(JSContextRef ctx, const char *p, size_t len, JSValueRef *exc)
{
    if (len >= HUGE_MIN) return make_huge_uint8array(ctx, p, len, exc);
    void *copy = malloc(len ? len : 1);
    if (!copy) {
        *exc = cv_type_error(ctx, "out of memory for a binary value");
        return NULL;
    }
    if (len) memcpy(copy, p, len);
    return JSObjectMakeTypedArrayWithBytesNoCopy(ctx, kJSTypedArrayTypeUint8Array, copy, len,
                                                 free_bytes, NULL, exc);
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

static JSValueRef make_object(JSContextRef ctx, const msgpack_object_map *m, JSValueRef *exc)
{
    JSObjectRef o = JSObjectMake(ctx, NULL, NULL);
    JSValueProtect(ctx, o);
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key;
        JSValueRef v = cv_from_msgpack(ctx, &m->ptr[i].val, exc);
        if (!v || k->type != MSGPACK_OBJECT_STR) {
            JSValueUnprotect(ctx, o);
            return NULL;
        }
        char small[128];
        size_t n = k->via.str.size;
        char *name = n < sizeof small ? small : malloc(n + 1);
        if (!name) continue;
        if (n) memcpy(name, k->via.str.ptr, n);
        name[n] = '\0';
        JSStringRef js = JSStringCreateWithUTF8CString(name);
        JSObjectSetProperty(ctx, o, js, v, kJSPropertyAttributeNone, NULL);
        JSStringRelease(js);
        if (name != small) free(name);
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
        return make_uint8array(ctx, o->via.bin.ptr, o->via.bin.size, exc);
    case MSGPACK_OBJECT_ARRAY:
        return make_array(ctx, &o->via.array, exc);
    case MSGPACK_OBJECT_MAP:
        return make_object(ctx, &o->via.map, exc);
    default:
        *exc = cv_type_error(ctx, "unsupported msgpack type from the core");
        return NULL;
    }
}
