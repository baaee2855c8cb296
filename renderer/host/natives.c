// SPDX-License-Identifier: MIT
/*
 * natives.c: the C bindings prelude.js receives as `native`, and the hooks
 * it hands back.
 */
#include "convert.h"
#include "host.h"
#include "ipc.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char moat_prelude_js[];

/* Exported by JavaScriptCore but missing from its public headers. */
void JSGlobalContextSetUnhandledRejectionCallback(JSGlobalContextRef ctx, JSObjectRef function,
                                                  JSValueRef *exception);

/* Arguments are packed at depth 2 and beyond: the envelope array is depth 1. */
#define ARG_DEPTH (IPC_MAX_DEPTH_CEILING - 1)

/* native.invoke(cmd, args) -> request id */
struct js_args {
    JSContextRef ctx;
    JSValueRef value;
    JSValueRef *exc;
};

static int pack_js(msgpack_packer *pk, void *ud)
{
    struct js_args *a = ud;
    return cv_to_msgpack(a->ctx, a->value, pk, ARG_DEPTH, a->exc);
}

/* A guess at the packed size, so that a large binary is copied once. */
static size_t size_hint(JSContextRef ctx, JSValueRef v)
{
    JSTypedArrayType t = JSValueGetTypedArrayType(ctx, v, NULL);
    if (t == kJSTypedArrayTypeNone) return 64;
    if (t == kJSTypedArrayTypeArrayBuffer)
        return JSObjectGetArrayBufferByteLength(ctx, (JSObjectRef)v, NULL) + 8;
    return JSObjectGetTypedArrayByteLength(ctx, (JSObjectRef)v, NULL) + 8;
}

/* native.invoke(cmd, args) -> request id; args are packed straight into the frame. */
CV_NATIVE(n_invoke)
{
    CV_UNUSED_NATIVE_ARGS;
    char *cmd = cv_to_utf8(ctx, cv_arg(ctx, argc, argv, 0), NULL, exc);
    if (!cmd) return JSValueMakeUndefined(ctx);
    uint64_t id = 0;
    struct js_args a = {ctx, cv_arg(ctx, argc, argv, 1), exc};
    *exc = NULL;
    int rv = moat_client_request_pack(host.client, cmd, pack_js, &a, size_hint(ctx, a.value), &id);
    if (rv != 0 && !*exc) cv_throw(ctx, exc, moat_client_error(host.client));
    free(cmd);
    if (rv != 0) return JSValueMakeUndefined(ctx);
    host.inflight++;
    return JSValueMakeNumber(ctx, (double)id);
}

/* native.cancel(id): asks the core to cancel a request; its answer still comes. */
CV_NATIVE(n_cancel)
{
    CV_UNUSED_NATIVE_ARGS;
    double id = JSValueToNumber(ctx, cv_arg(ctx, argc, argv, 0), NULL);
    if (id >= 1 && moat_client_cancel(host.client, (uint64_t)id) != 0)
        cv_throw(ctx, exc, moat_client_error(host.client));
    return JSValueMakeUndefined(ctx);
}

/* native.print(stream, text): one line on stdout (1) or stderr (2). */
CV_NATIVE(n_print)
{
    CV_UNUSED_NATIVE_ARGS;
    int stream = (int)JSValueToNumber(ctx, cv_arg(ctx, argc, argv, 0), NULL);
    size_t n;
    char *text = cv_to_utf8(ctx, cv_arg(ctx, argc, argv, 1), &n, exc);
    if (!text) return JSValueMakeUndefined(ctx);
    FILE *f = stream == 2 ? stderr : stdout;
    fwrite(text, 1, n, f);
    fputc('\n', f);
    fflush(f);
    free(text);
    return JSValueMakeUndefined(ctx);
}

/* native.fatal(text): prints text on stderr and exits 1. */
CV_NATIVE(n_fatal)
{
    CV_UNUSED_NATIVE_ARGS;
    char *text = cv_to_utf8(ctx, cv_arg(ctx, argc, argv, 0), NULL, exc);
    fprintf(stderr, "%s\n", text ? text : "fatal error");
    free(text);
    host_exit(1);
}

CV_NATIVE(n_exit)
{
    CV_UNUSED_NATIVE_ARGS;
    (void)exc;
    host_exit((int)JSValueToNumber(ctx, cv_arg(ctx, argc, argv, 0), NULL));
}

CV_NATIVE(n_set_keepalive)
{
    CV_UNUSED_NATIVE_ARGS;
    (void)exc;
    host.keepalive = (uint64_t)JSValueToNumber(ctx, cv_arg(ctx, argc, argv, 0), NULL);
    return JSValueMakeUndefined(ctx);
}

static void set_prop(JSContextRef ctx, JSObjectRef o, const char *name, JSValueRef v)
{
    JSStringRef s = JSStringCreateWithUTF8CString(name);
    JSObjectSetProperty(ctx, o, s, v, kJSPropertyAttributeReadOnly, NULL);
    JSStringRelease(s);
}

static void set_fn(JSContextRef ctx, JSObjectRef o, const char *name,
                   JSObjectCallAsFunctionCallback cb)
{
    JSStringRef s = JSStringCreateWithUTF8CString(name);
    JSObjectSetProperty(ctx, o, s, JSObjectMakeFunctionWithCallback(ctx, s, cb),
                        kJSPropertyAttributeReadOnly, NULL);
    JSStringRelease(s);
}

static JSObjectRef make_native(JSContextRef ctx)
{
    JSObjectRef n = JSObjectMake(ctx, NULL, NULL);
    const char *label = moat_client_label(host.client);
    set_prop(ctx, n, "label", cv_string(ctx, label, strlen(label)));
    set_fn(ctx, n, "invoke", n_invoke);
    set_fn(ctx, n, "cancel", n_cancel);
    set_fn(ctx, n, "print", n_print);
    set_fn(ctx, n, "fatal", n_fatal);
    set_fn(ctx, n, "exit", n_exit);
    set_fn(ctx, n, "setKeepAlive", n_set_keepalive);
    set_fn(ctx, n, "setTimeout", host_js_set_timeout); /* timers.c */
    set_fn(ctx, n, "setInterval", host_js_set_interval);
    set_fn(ctx, n, "clearTimer", host_js_clear_timer);
    host_web_install(ctx, n); /* native.web: web_natives.c */
    return n;
}

static JSObjectRef get_hook(const char *name)
{
    JSStringRef s = JSStringCreateWithUTF8CString(name);
    JSValueRef v = JSObjectGetProperty(host.ctx, host.hooks, s, NULL);
    JSStringRelease(s);
    return JSValueIsObject(host.ctx, v) ? (JSObjectRef)v : NULL;
}

void host_call_hook(const char *name, size_t argc, const JSValueRef *argv)
{
    JSObjectRef fn = get_hook(name);
    JSValueRef exc = NULL;
    if (fn) JSObjectCallAsFunction(host.ctx, fn, NULL, argc, argv, &exc);
    if (exc) host_die_js("Uncaught", exc);
}

_Noreturn void host_die_js(const char *prefix, JSValueRef exc)
{
    JSObjectRef format = host.hooks ? get_hook("format") : NULL;
    JSValueRef text = format ? JSObjectCallAsFunction(host.ctx, format, NULL, 1, &exc, NULL) : exc;
    char *s = cv_to_utf8(host.ctx, text ? text : exc, NULL, NULL);
    fprintf(stderr, "%s %s\n", prefix, s ? s : "exception");
    free(s);
    host_exit(1);
}

int host_install(void)
{
    JSContextRef ctx = host.ctx;
    JSStringRef src = JSStringCreateWithUTF8CString(moat_prelude_js);
    JSStringRef url = JSStringCreateWithUTF8CString("moat:prelude.js");
    JSValueRef exc = NULL;
    JSValueRef fn = JSEvaluateScript(ctx, src, NULL, url, 1, &exc);
    JSStringRelease(src);
    JSStringRelease(url);
    if (exc || !JSValueIsObject(ctx, fn))
        host_die_js("moat-renderer: prelude failed:", exc ? exc : JSValueMakeNull(ctx));
    JSValueRef native = make_native(ctx);
    JSValueRef hooks = JSObjectCallAsFunction(ctx, (JSObjectRef)fn, NULL, 1, &native, &exc);
    if (exc || !JSValueIsObject(ctx, hooks))
        host_die_js("moat-renderer: prelude failed:", exc ? exc : JSValueMakeNull(ctx));
    host.hooks = (JSObjectRef)hooks;
    JSValueProtect(ctx, host.hooks);
    JSObjectRef rejection = get_hook("rejection");
    JSGlobalContextSetUnhandledRejectionCallback(host.ctx, rejection, &exc);
    return exc ? -1 : 0;
}
