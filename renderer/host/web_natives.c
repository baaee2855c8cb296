// SPDX-License-Identifier: MIT
/*
 * web_natives.c: the C half of the Web globals (web.js): UTF-8 both ways as
 * the Encoding Standard says, base64 (GLib), random bytes (getrandom(2)), a
 * monotonic clock, URL parsing (GLib's GUri) and what plugin-os reports.
 * web.js is evaluated here as one function expression and called with these.
 */
#include "convert.h"
#include "host.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>

extern const char moat_web_js[];

/* The bytes a typed array or ArrayBuffer views (not owned), or NULL if v is neither. */
static uint8_t *view_bytes(JSContextRef ctx, JSValueRef v, size_t *len)
{
    JSTypedArrayType t = JSValueGetTypedArrayType(ctx, v, NULL);
    if (t == kJSTypedArrayTypeNone) return NULL;
    JSObjectRef o = (JSObjectRef)v;
    if (t == kJSTypedArrayTypeArrayBuffer) {
        *len = JSObjectGetArrayBufferByteLength(ctx, o, NULL);
        return JSObjectGetArrayBufferBytesPtr(ctx, o, NULL);
    }
    *len = JSObjectGetTypedArrayByteLength(ctx, o, NULL);
    uint8_t *base = JSObjectGetTypedArrayBytesPtr(ctx, o, NULL);
    return base ? base + JSObjectGetTypedArrayByteOffset(ctx, o, NULL) : NULL;
}

static void free_bytes(void *bytes, void *ud)
{
    (void)ud;
    g_free(bytes);
}

/* A Uint8Array taking ownership of g_malloc'd bytes. */
static JSValueRef make_u8(JSContextRef ctx, void *bytes, size_t len, JSValueRef *exc)
{
    if (!bytes) bytes = g_malloc(1);
    return JSObjectMakeTypedArrayWithBytesNoCopy(ctx, kJSTypedArrayTypeUint8Array, bytes, len,
                                                 free_bytes, NULL, exc);
}

/* The UTF-16 code units of a JS string, copied (caller g_frees), with their count. */
static gunichar2 *utf16_of(JSContextRef ctx, JSValueRef v, size_t *n, JSValueRef *exc)
{
    JSStringRef s = JSValueToStringCopy(ctx, v, exc);
    if (!s) return NULL;
    *n = JSStringGetLength(s);
    gunichar2 *u = g_new(gunichar2, *n + 1);
    memcpy(u, JSStringGetCharactersPtr(s), *n * sizeof *u);
    JSStringRelease(s);
    return u;
}

/*
 * native.utf8Encode(string) -> Uint8Array; a lone surrogate becomes U+FFFD, as
 * TextEncoder does. (GLib's g_utf16_to_utf8 stops at a NUL and refuses lone
 * surrogates, so the few lines are here.)
 */
CV_NATIVE(n_utf8_encode)
{
    CV_UNUSED_NATIVE_ARGS;
    size_t n;
    gunichar2 *u = utf16_of(ctx, cv_arg(ctx, argc, argv, 0), &n, exc);
    if (!u) return JSValueMakeUndefined(ctx);
    uint8_t *out = g_malloc(n * 3 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = u[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff)
            c = 0x10000 + ((c - 0xd800) << 10) + (u[++i] - 0xdc00);
        else if (c >= 0xd800 && c <= 0xdfff)
            c = 0xfffd;
        o += g_unichar_to_utf8(c, (gchar *)o);
    }
    g_free(u);
    return make_u8(ctx, out, (size_t)(o - out), exc);
}

/*
 * The Encoding Standard's UTF-8 decoder: each maximal invalid subpart is one
 * U+FFFD (or, fatal, an error). GLib's validator counts an invalid byte at a
 * time and refuses NUL, so the decoding is done here; GLib checks the fast path.
 * Returns the number of UTF-16 units written to out (room for len + 1), or -1.
 */
static long decode_utf8(const uint8_t *p, size_t len, bool fatal, gunichar2 *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        uint8_t b = p[i];
        uint32_t cp, need = 0, lower = 0x80, upper = 0xbf;
        if (b < 0x80) {
            out[o++] = b;
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf)
            need = 1, cp = b & 0x1f;
        else if (b >= 0xe0 && b <= 0xef) {
            need = 2, cp = b & 0xf;
            if (b == 0xe0) lower = 0xa0;
            if (b == 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3, cp = b & 0x7;
            if (b == 0xf0) lower = 0x90;
            if (b == 0xf4) upper = 0x8f;
        } else {
            if (fatal) return -1;
            out[o++] = 0xfffd;
            i++;
            continue;
        }
        size_t j = i + 1;
        uint32_t k = 0;
        for (; k < need && j < len; k++, j++) {
            uint8_t c = p[j];
            if (c < lower || c > upper) break;
            lower = 0x80, upper = 0xbf;
            cp = (cp << 6) | (c & 0x3f);
        }
        if (k < need) { /* the subpart i..j is invalid: one replacement */
            if (fatal) return -1;
            out[o++] = 0xfffd;
            i = j;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[o++] = (gunichar2)(0xd800 + (cp >> 10));
            out[o++] = (gunichar2)(0xdc00 + (cp & 0x3ff));
        } else {
            out[o++] = (gunichar2)cp;
        }
        i = j;
    }
    return (long)o;
}

/* native.utf8Decode(bytes, fatal, ignoreBOM) -> string; a TypeError when fatal and invalid. */
CV_NATIVE(n_utf8_decode)
{
    CV_UNUSED_NATIVE_ARGS;
    size_t len = 0;
    const uint8_t *p = view_bytes(ctx, cv_arg(ctx, argc, argv, 0), &len);
    if (!p) len = 0;
    bool fatal = JSValueToBoolean(ctx, cv_arg(ctx, argc, argv, 1));
    bool ignore_bom = JSValueToBoolean(ctx, cv_arg(ctx, argc, argv, 2));
    if (!ignore_bom && len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) p += 3, len -= 3;
    gunichar2 *out = g_new(gunichar2, len + 1);
    long n = decode_utf8(p, len, fatal, out);
    JSValueRef r;
    if (n < 0) {
        r = cv_throw(ctx, exc, "The encoded data was not valid for encoding utf-8");
    } else {
        JSStringRef s = JSStringCreateWithCharacters(out, (size_t)n);
        r = JSValueMakeString(ctx, s);
        JSStringRelease(s);
    }
    g_free(out);
    return r;
}

/* native.btoa(string) -> base64, or null when a character is above U+00FF. */
CV_NATIVE(n_btoa)
{
    CV_UNUSED_NATIVE_ARGS;
    size_t n;
    gunichar2 *u = utf16_of(ctx, cv_arg(ctx, argc, argv, 0), &n, exc);
    if (!u) return JSValueMakeUndefined(ctx);
    guchar *bytes = g_malloc(n + 1);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok = ok && u[i] <= 0xff;
        bytes[i] = (guchar)u[i];
    }
    g_free(u);
    gchar *b64 = ok ? g_base64_encode(bytes, n) : NULL;
    g_free(bytes);
    JSValueRef r = b64 ? cv_string(ctx, b64, strlen(b64)) : JSValueMakeNull(ctx);
    g_free(b64);
    return r;
}

static bool is_b64(gunichar2 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/*
 * native.atob(string) -> the decoded bytes as a string of U+0000..U+00FF, or
 * null when the input is not forgiving-base64 (GLib's decoder skips what it
 * does not know, so the input is checked here first).
 */
CV_NATIVE(n_atob)
{
    CV_UNUSED_NATIVE_ARGS;
    size_t n;
    gunichar2 *u = utf16_of(ctx, cv_arg(ctx, argc, argv, 0), &n, exc);
    if (!u) return JSValueMakeUndefined(ctx);
    char *s = g_malloc(n + 3);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        gunichar2 c = u[i];
        if (c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != ' ')
            s[m++] = c < 0x80 ? (char)c : '\x01'; /* \x01: not base64 */
    }
    g_free(u);
    if (m % 4 == 0 && m > 0 && s[m - 1] == '=') m -= (m > 1 && s[m - 2] == '=') ? 2 : 1;
    bool ok = m % 4 != 1;
    for (size_t i = 0; ok && i < m; i++)
        ok = is_b64((unsigned char)s[i]);
    JSValueRef r = JSValueMakeNull(ctx);
    if (ok) {
        while (m % 4)
            s[m++] = '='; /* GLib wants the padding */
        s[m] = '\0';
        gsize len = 0;
        guchar *bytes = m ? g_base64_decode(s, &len) : NULL;
        gunichar2 *w = g_new(gunichar2, len + 1);
        for (gsize i = 0; i < len; i++)
            w[i] = bytes[i];
        JSStringRef js = JSStringCreateWithCharacters(w, len);
        r = JSValueMakeString(ctx, js);
        JSStringRelease(js);
        g_free(w);
        g_free(bytes);
    }
    g_free(s);
    return r;
}

/* native.randomFill(typedArray): fills it from getrandom(2), as crypto.getRandomValues does. */
CV_NATIVE(n_random_fill)
{
    CV_UNUSED_NATIVE_ARGS;
    size_t len = 0;
    uint8_t *p = view_bytes(ctx, cv_arg(ctx, argc, argv, 0), &len);
    if (!p && len) return cv_throw(ctx, exc, "getRandomValues: expected an integer typed array");
    for (size_t got = 0; got < len;) {
        ssize_t r = getrandom(p + got, len - got, 0);
        if (r < 0) return cv_throw(ctx, exc, "getRandomValues: getrandom(2) failed");
        got += (size_t)r;
    }
    return JSValueMakeUndefined(ctx);
}

/* native.now() -> milliseconds (fractional) on the monotonic clock since the host started. */
static gint64 started_us;
CV_NATIVE(n_now)
{
    CV_UNUSED_NATIVE_ARGS;
    (void)argc, (void)argv, (void)exc;
    return JSValueMakeNumber(ctx, (double)(g_get_monotonic_time() - started_us) / 1000.0);
}

static void set_value(JSContextRef ctx, JSObjectRef o, const char *name, JSValueRef v)
{
    JSStringRef s = JSStringCreateWithUTF8CString(name);
    JSObjectSetProperty(ctx, o, s, v, kJSPropertyAttributeNone, NULL);
    JSStringRelease(s);
}

static void set_str(JSContextRef ctx, JSObjectRef o, const char *name, const char *v)
{
    set_value(ctx, o, name, v ? cv_string(ctx, v, strlen(v)) : JSValueMakeNull(ctx));
}

/*
 * native.uriParse(input, base?) -> {scheme, user, password, host, port, path,
 * query, fragment} as GUri splits them (still percent-encoded), or a string
 * saying why not. web.js prepares the input and serializes as WHATWG does.
 */
CV_NATIVE(n_uri_parse)
{
    CV_UNUSED_NATIVE_ARGS;
    char *input = cv_to_utf8(ctx, cv_arg(ctx, argc, argv, 0), NULL, exc);
    if (!input) return JSValueMakeUndefined(ctx);
    JSValueRef b = cv_arg(ctx, argc, argv, 1);
    char *base_s = JSValueIsString(ctx, b) ? cv_to_utf8(ctx, b, NULL, exc) : NULL;
    GUriFlags flags = G_URI_FLAGS_ENCODED | G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_NON_DNS;
    GError *err = NULL;
    GUri *base = base_s ? g_uri_parse(base_s, flags, &err) : NULL;
    GUri *u = (!base_s || base) ? g_uri_parse_relative(base, input, flags, &err) : NULL;
    JSValueRef r;
    if (!u) {
        r = cv_string(ctx, err ? err->message : "invalid URL",
                      strlen(err ? err->message : "invalid URL"));
    } else {
        JSObjectRef o = JSObjectMake(ctx, NULL, NULL);
        set_str(ctx, o, "scheme", g_uri_get_scheme(u));
        set_str(ctx, o, "user", g_uri_get_user(u));
        set_str(ctx, o, "password", g_uri_get_password(u));
        set_str(ctx, o, "host", g_uri_get_host(u));
        int port = g_uri_get_port(u);
        set_value(ctx, o, "port", port < 0 ? JSValueMakeNull(ctx) : JSValueMakeNumber(ctx, port));
        set_str(ctx, o, "path", g_uri_get_path(u));
        set_str(ctx, o, "query", g_uri_get_query(u));
        set_str(ctx, o, "fragment", g_uri_get_fragment(u));
        r = o;
        g_uri_unref(u);
    }
    if (base) g_uri_unref(base);
    g_clear_error(&err);
    free(input);
    free(base_s);
    return r;
}

/* std::env::consts::ARCH's name for the machine uname(2) reports, as plugin-os gives it. */
static const char *rust_arch(const char *machine)
{
    static const char *const map[][2] = {{"i386", "x86"},          {"i686", "x86"},
                                         {"armv7l", "arm"},        {"armv6l", "arm"},
                                         {"ppc64le", "powerpc64"}, {"ppc64", "powerpc64"}};
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (!strcmp(machine, map[i][0])) return map[i][1];
    return machine;
}

/* native.osInfo() -> {arch, version}: the machine and the distribution's version. */
CV_NATIVE(n_os_info)
{
    CV_UNUSED_NATIVE_ARGS;
    (void)argc, (void)argv, (void)exc;
    struct utsname un;
    JSObjectRef o = JSObjectMake(ctx, NULL, NULL);
    set_str(ctx, o, "arch", uname(&un) == 0 ? rust_arch(un.machine) : "unknown");
    /* The core read it (plugin-os's version): the sandbox has no /etc/os-release. */
    const char *core_v = getenv("MOAT_OS_VERSION");
    gchar *v = core_v && *core_v ? g_strdup(core_v) : g_get_os_info(G_OS_INFO_KEY_VERSION_ID);
    set_str(ctx, o, "version", v ? v : "Unknown");
    g_free(v);
    return o;
}

static void set_fn(JSContextRef ctx, JSObjectRef o, const char *name,
                   JSObjectCallAsFunctionCallback cb)
{
    JSStringRef s = JSStringCreateWithUTF8CString(name);
    JSObjectSetProperty(ctx, o, s, JSObjectMakeFunctionWithCallback(ctx, s, cb),
                        kJSPropertyAttributeReadOnly, NULL);
    JSStringRelease(s);
}

/*
 * native.web(internals): evaluates web.js and calls it with its natives and
 * the prelude's internals (MoatError, invoke, the Tauri object…).
 */
CV_NATIVE(n_web)
{
    CV_UNUSED_NATIVE_ARGS;
    JSStringRef src = JSStringCreateWithUTF8CString(moat_web_js);
    JSStringRef url = JSStringCreateWithUTF8CString("moat:web.js");
    JSValueRef f = JSEvaluateScript(ctx, src, NULL, url, 1, exc);
    JSStringRelease(src);
    JSStringRelease(url);
    if (!f || !JSValueIsObject(ctx, f)) return JSValueMakeUndefined(ctx);
    JSObjectRef n = JSObjectMake(ctx, NULL, NULL);
    set_fn(ctx, n, "utf8Encode", n_utf8_encode);
    set_fn(ctx, n, "utf8Decode", n_utf8_decode);
    set_fn(ctx, n, "btoa", n_btoa);
    set_fn(ctx, n, "atob", n_atob);
    set_fn(ctx, n, "randomFill", n_random_fill);
    set_fn(ctx, n, "now", n_now);
    set_fn(ctx, n, "uriParse", n_uri_parse);
    set_fn(ctx, n, "osInfo", n_os_info);
    JSValueRef args[2] = {n, cv_arg(ctx, argc, argv, 0)};
    return JSObjectCallAsFunction(ctx, (JSObjectRef)f, NULL, 2, args, exc);
}

void host_web_install(JSContextRef ctx, JSObjectRef native)
{
    started_us = g_get_monotonic_time();
    set_fn(ctx, native, "web", n_web);
}
