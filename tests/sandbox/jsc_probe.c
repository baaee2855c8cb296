// SPDX-License-Identifier: MIT
/*
 * jsc_probe.c: what a renderer does, spawned by test_sandbox under the
 * launcher filter: JavaScriptCore through both its C and GObject APIs with a
 * script heavy enough for the GC and the JIT tiers, then an nng pair1 dial to
 * argv[1], one message each way. Exits 0 only if all of it worked.
 */
#include <JavaScriptCore/JavaScript.h>
#include <jsc/jsc.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <stdio.h>
#include <string.h>

static const char script[] =
    "class Point { constructor(x) { this.x = x; this.s = 'p' + x; } get twice() { return "
    "this.x * 2; } }\n"
    "let acc = 0, keep = [];\n"
    "for (let i = 0; i < 1000000; i++) {\n"
    "  const p = new Point(i); acc += p.twice + p.s.length;\n"
    "  if (i % 1000 == 0) keep.push({a: [i, String(i).repeat(10)], m: new Map([[i, p]])});\n"
    "}\n"
    "let done = 0; for (let i = 0; i < 1000; i++) Promise.resolve(i).then(v => { done += v; });\n"
    "async function sum(n) { let t = 0; for (let i = 0; i < n; i++) t += await i; return t; }\n"
    "sum(10000).then(v => { globalThis.summed = v; });\n"
    "const re = /([a-z]+)(\\d+)/; let m = 0; for (let i = 0; i < 100000; i++) if (re.test('ab' + "
    "i)) m++;\n"
    "JSON.stringify(keep).length + acc + m;\n";

static int run_c_api(void)
{
    JSGlobalContextRef ctx = JSGlobalContextCreate(NULL);
    JSStringRef src = JSStringCreateWithUTF8CString(script);
    JSValueRef exc = NULL;
    JSValueRef v = JSEvaluateScript(ctx, src, NULL, NULL, 1, &exc);
    JSStringRelease(src);
    int ok = v && !exc && JSValueToNumber(ctx, v, NULL) > 1e12;
    JSGarbageCollect(ctx);
    JSGlobalContextRelease(ctx);
    return ok ? 0 : -1;
}

static int run_gobject_api(void)
{
    JSCContext *ctx = jsc_context_new();
    JSCValue *v = jsc_context_evaluate(ctx, "[1, 2, 3].map(x => x * 2).join(',')", -1);
    char *s = jsc_value_to_string(v);
    int ok = s && strcmp(s, "2,4,6") == 0;
    g_free(s);
    g_object_unref(v);
    g_object_unref(ctx);
    return ok ? 0 : -1;
}

static int talk(const char *url)
{
    nng_socket sock;
    char *buf = NULL;
    size_t len = 0;
    int rv = nng_pair1_open(&sock);
    if (rv == 0 && (rv = nng_dial(sock, url, NULL, 0)) == 0 &&
        (rv = nng_send(sock, "hello", 6, 0)) == 0)
        rv = nng_recv(sock, &buf, &len, NNG_FLAG_ALLOC);
    if (rv != 0) {
        fprintf(stderr, "jsc_probe: nng: %s\n", nng_strerror(rv));
        return -1;
    }
    printf("got %.*s\n", (int)len, buf);
    nng_free(buf, len);
    nng_close(sock);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    if (run_c_api() < 0 || run_gobject_api() < 0) {
        fprintf(stderr, "jsc_probe: script failed\n");
        return 1;
    }
    printf("js ok\n");
    return talk(argv[1]) < 0 ? 1 : 0;
}
