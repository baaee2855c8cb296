// SPDX-License-Identifier: MIT
/*
 * main.c: moat-renderer, the JS host. Started by the core inside the
 * sandbox as `moat-renderer BUNDLE_DIR ENTRY` with $MOAT_IPC set: it
 * connects, reads the bundle, then evaluates it and runs the event loop
 * (IPC, timers; promise jobs run whenever control returns from JS).
 */
#include "convert.h"
#include "host.h"
#include "sandbox.h"
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BUNDLE_BYTES (64u << 20)

struct host host;

_Noreturn void host_exit(int code)
{
    fflush(stdout);
    fflush(stderr);
    moat_client_close(host.client);
    _exit(code);
}

/* Reads dir/entry into a NUL-terminated buffer the caller frees. */
static char *read_entry(const char *dir, const char *entry)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = dfd < 0 ? -1 : openat(dfd, entry, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (size_t)st.st_size <= MAX_BUNDLE_BYTES && (buf = malloc((size_t)st.st_size + 1))) {
        size_t got = 0;
        ssize_t n;
        while (got < (size_t)st.st_size && (n = read(fd, buf + got, st.st_size - got)) > 0)
            got += (size_t)n;
        buf[got] = '\0';
    } else {
        fprintf(stderr, "moat-renderer: cannot read %s/%s: %s\n", dir, entry,
                fd >= 0 && errno == 0 ? "not a regular file under 64 MiB" : strerror(errno));
    }
    if (fd >= 0) close(fd);
    if (dfd >= 0) close(dfd);
    return buf;
}

/* exc[key] as a number, or 0. */
static int exc_number(JSValueRef exc, const char *key)
{
    if (!JSValueIsObject(host.ctx, exc)) return 0;
    JSStringRef k = JSStringCreateWithUTF8CString(key);
    JSValueRef v = JSObjectGetProperty(host.ctx, (JSObjectRef)exc, k, NULL);
    JSStringRelease(k);
    double d = JSValueIsNumber(host.ctx, v) ? JSValueToNumber(host.ctx, v, NULL) : 0;
    return d > 0 && d < 1e9 ? (int)d : 0;
}

/*
 * JavaScriptCore gives a SyntaxError its line but no column: the column of
 * the token the message quotes ("Unexpected token ';'") on that line, or 0.
 */
static int syntax_column(const char *source, int line, const char *message)
{
    const char *q = message ? strchr(message, '\'') : NULL, *end = q ? strchr(q + 1, '\'') : NULL;
    const char *p = source;
    for (int l = 1; p && l < line; l++)
        if ((p = strchr(p, '\n'))) p++;
    if (!q || !end || end == q + 1 || !p) return 0;
    size_t n = strcspn(p, "\n"), len = (size_t)(end - q - 1);
    for (size_t i = 0; i + len <= n; i++)
        if (!memcmp(p + i, q + 1, len)) return (int)i + 1;
    return 0;
}

/* True when the source looks like an ES module: a line starting with import or export. */
static bool looks_like_module(const char *source)
{
    for (const char *p = source; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        p += strspn(p, " \t");
        if ((!strncmp(p, "import", 6) && strchr(" {*\"'", p[6])) ||
            (!strncmp(p, "export", 6) && strchr(" {*", p[6])))
            return true;
    }
    return false;
}

/*
 * A bundle that does not parse: "entry:line:col: SyntaxError: message", and
 * for an ES module what to do instead; exits 1.
 */
static _Noreturn void die_syntax(JSValueRef exc, const char *source, const char *name)
{
    char *text = cv_to_utf8(host.ctx, exc, NULL, NULL);
    int line = exc_number(exc, "line"), col = exc_number(exc, "column");
    if (!col) col = syntax_column(source, line, text);
    if (col)
        fprintf(stderr, "%s:%d:%d: %s\n", name, line, col, text ? text : "SyntaxError");
    else
        fprintf(stderr, "%s:%d: %s\n", name, line, text ? text : "SyntaxError");
    free(text);
    if (looks_like_module(source))
        fprintf(stderr,
                "%s: this looks like an ES module (import/export); Moat runs one classic "
                "script: bundle it as an IIFE (esbuild --bundle --format=iife, or "
                "vite/rollup with format: \"iife\")\n",
                name);
    host_exit(1);
}

static void evaluate(const char *source, const char *name)
{
    JSStringRef src = JSStringCreateWithUTF8CString(source);
    JSStringRef url = JSStringCreateWithUTF8CString(name);
    JSValueRef exc = NULL;
    bool parses = JSCheckScriptSyntax(host.ctx, src, url, 1, &exc);
    if (parses) JSEvaluateScript(host.ctx, src, NULL, url, 1, &exc);
    JSStringRelease(src);
    JSStringRelease(url);
    if (!parses && exc) die_syntax(exc, source, name);
    if (exc) host_die_js("Uncaught", exc);
}

static JSValueRef str_or_null(const char *s)
{
    return s ? cv_string(host.ctx, s, strlen(s)) : JSValueMakeNull(host.ctx);
}

static void dispatch(moat_msg *m)
{
    JSContextRef ctx = host.ctx;
    JSValueRef exc = NULL;
    /* An answer's or a channel message's bytes are an ArrayBuffer, as in Tauri; an event's not. */
    bool raw = m->kind == MOAT_MSG_RESPONSE || m->kind == MOAT_MSG_CHANNEL;
    JSValueRef value =
        raw ? cv_from_msgpack_raw(ctx, &m->value, &exc) : cv_from_msgpack(ctx, &m->value, &exc);
    if (!value) host_die_js("moat-renderer: cannot convert a message:", exc);
    if (m->kind == MOAT_MSG_RESPONSE) {
        if (host.inflight > 0) host.inflight--;
        JSValueRef args[5] = {JSValueMakeNumber(ctx, (double)m->id), JSValueMakeBoolean(ctx, m->ok),
                              value, str_or_null(m->code), str_or_null(m->message)};
        host_call_hook("response", 5, args);
    } else if (m->kind == MOAT_MSG_CHANNEL) {
        JSValueRef args[4] = {JSValueMakeNumber(ctx, (double)m->id),
                              JSValueMakeNumber(ctx, (double)m->index),
                              JSValueMakeBoolean(ctx, m->end), value};
        host_call_hook("channel", 4, args);
    } else {
        JSValueRef args[3] = {str_or_null(m->event), value, str_or_null(m->sender)};
        host_call_hook("event", 3, args);
    }
}

/* Delivers every message already received, without waiting. */
static void drain_messages(void)
{
    moat_msg m;
    int rv;
    while ((rv = moat_client_recv(host.client, &m, 0)) == 1) {
        dispatch(&m);
        moat_msg_free(&m);
    }
    if (rv < 0) {
        /* Every pending invoke rejects (its handlers run as the hook returns), then exit. */
        const char *why = moat_client_error(host.client);
        JSValueRef arg = cv_string(host.ctx, why, strlen(why));
        host_call_hook("lost", 1, &arg);
        fprintf(stderr, "moat-renderer: %s\n", why);
        host_exit(1);
    }
}

static bool alive(void)
{
    return host.inflight > 0 || host.ntimers > 0 || host.keepalive > 0;
}

static void run_loop(void)
{
    struct pollfd p = {.fd = moat_client_fd(host.client), .events = POLLIN};
    while (alive()) {
        /* What the bundle sent during the last turn leaves now, batched. */
        if (moat_client_uncork(host.client) != 0) {
            fprintf(stderr, "moat-renderer: %s\n", moat_client_error(host.client));
            host_exit(1);
        }
        int wait = host_timer_wait_ms();
        host_watchdog_turn(false);
        if (poll(&p, 1, wait) < 0 && errno != EINTR) {
            fprintf(stderr, "moat-renderer: poll: %s\n", strerror(errno));
            host_exit(1);
        }
        host_watchdog_turn(true);
        moat_client_cork(host.client);
        if (p.revents) drain_messages();
        host_timer_fire_due();
    }
}

/* Binaries from JS: large ones through the memory shared with the core. */
static int pack_bin(void *client, msgpack_packer *pk, const void *bytes, size_t len)
{
    return moat_client_pack_bin(client, pk, bytes, len);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: moat-renderer BUNDLE_DIR ENTRY (started by the moat core)\n");
        return 2;
    }
    char err[256];
    host.client = moat_client_connect(NULL, err, sizeof err);
    if (!host.client) {
        fprintf(stderr, "moat-renderer: %s\n", err);
        return 1;
    }
    char *source = read_entry(argv[1], argv[2]);
    if (!source) host_exit(1);
    host.ctx = JSGlobalContextCreate(NULL);
    if (host_watchdog_arm(host.ctx) != 0) /* a JS turn that never ends is stopped */
        host_exit(1);
    if (host_install() != 0) host_exit(1);
    cv_set_bin_packer(pack_bin, host.client);
    moat_client_cork(host.client); /* the top level's invokes leave together */
    host_watchdog_turn(true);
    evaluate(source, argv[2]);
    free(source);
    /* The top level has run and sent its first listen requests: events held for us may come. */
    if (moat_client_ready(host.client) != 0) {
        fprintf(stderr, "moat-renderer: %s\n", moat_client_error(host.client));
        host_exit(1);
    }
    run_loop();
    host_exit(0);
}
