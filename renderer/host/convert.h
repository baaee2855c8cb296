// SPDX-License-Identifier: MIT
/*
 * convert.h: JavaScript values <-> msgpack, for the JS host.
 *
 * null/undefined <-> nil, booleans, numbers (integral values within 2^53 as
 * msgpack ints, others as float64), strings, arrays, plain objects (own and
 * inherited enumerable string keys; undefined and function members skipped
 * as JSON does), Uint8Array/ArrayBuffer (and other typed arrays' bytes) as
 * bin, which comes back as Uint8Array (as an ArrayBuffer at the top of an
 * answer or a channel message: cv_from_msgpack_raw).
 *
 * Exact both ways: strings to the character (NUL included); every map key
 * becomes an own property, "__proto__" too (never the prototype). A JS
 * string holding a lone surrogate has no UTF-8 and is refused (TypeError),
 * never cut or altered. What JavaScript itself cannot keep: integers beyond
 * 2^53 become the nearest double, integer-like keys come first.
 */
#ifndef MOAT_HOST_CONVERT_H
#define MOAT_HOST_CONVERT_H

#include <JavaScriptCore/JavaScript.h>
#include <msgpack.h>

/*
 * Binaries are packed by fn from now on (the host's sends large ones through
 * shared memory: moat_client_pack_bin); before, or with NULL, they go inline.
 */
typedef int (*cv_bin_fn)(void *ud, msgpack_packer *pk, const void *bytes, size_t len);
void cv_set_bin_packer(cv_bin_fn fn, void *ud);

/*
 * Packs v as one msgpack value. max_depth bounds nesting (which also stops
 * cycles). Returns 0, or -1 with a TypeError in *exc.
 */
int cv_to_msgpack(JSContextRef ctx, JSValueRef v, msgpack_packer *pk, unsigned max_depth,
                  JSValueRef *exc);

/* Builds the JS value for o; NULL with *exc set on failure. */
JSValueRef cv_from_msgpack(JSContextRef ctx, const msgpack_object *o, JSValueRef *exc);
/*
 * The same, except that a bin at the top is an ArrayBuffer: what Tauri gives
 * for a command's raw answer (ipc::Response, read with response.arrayBuffer())
 * and a raw Channel message, and what the webview page gives. Bins inside
 * arrays and maps stay Uint8Array, as in the page.
 */
JSValueRef cv_from_msgpack_raw(JSContextRef ctx, const msgpack_object *o, JSValueRef *exc);

/* A JS string from UTF-8 bytes that need not be NUL-terminated. */
JSValueRef cv_string(JSContextRef ctx, const char *s, size_t len);

/* A new TypeError with message msg. */
JSValueRef cv_type_error(JSContextRef ctx, const char *msg);

/* Sets *exc to a new TypeError with message msg; returns undefined (`return cv_throw(…)`). */
JSValueRef cv_throw(JSContextRef ctx, JSValueRef *exc, const char *msg);

/* argv[i], or undefined past argc. */
JSValueRef cv_arg(JSContextRef ctx, size_t argc, const JSValueRef argv[], size_t i);

/* Defines a native function the prelude calls; CV_UNUSED_NATIVE_ARGS for what it ignores. */
#define CV_NATIVE(name)                                                                            \
    static JSValueRef name(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,        \
                           const JSValueRef argv[], JSValueRef *exc)
#define CV_UNUSED_NATIVE_ARGS (void)fn, (void)self

/*
 * The UTF-8 of a JS value converted to string, malloc'd (caller frees), with
 * its length (without the NUL) in *len if len is given. NULL on exception.
 */
char *cv_to_utf8(JSContextRef ctx, JSValueRef v, size_t *len, JSValueRef *exc);

#endif
