// SPDX-License-Identifier: MIT
/*
 * webview.c: rows 10-13, a webview window under Moat beside the bare
 * WebKitGTK program (bench_wv_bare) in the same run, alternating, on the
 * same page (bundles/webview):
 *
 *   wv_invoke_moat / _bare    closed loop of invokes (page -> host -> core ->
 *                             page) / of message-handler round trips (page <->
 *                             UI process): the gap between arrivals, ns
 *   wv_paint_moat / _bare     moat_app_spawn (or fork+exec of the bare program)
 *                             until the page's first frame is painted (two
 *                             requestAnimationFrames, then a message), ns
 *   wv_paint_bare_sbx         the same for the bare program with WebKit's sandbox on,
 *   wv_pss_bare_sbx           as Moat runs it (bubblewrap around the web process)
 *   wv_pss_moat / _bare       Pss of the window's processes (the host, or the
 *                             bare program, and every process under it: WebKit's
 *                             network and web processes, bubblewrap), 500 ms
 *                             after the first paint, bytes
 *   wv_payload_moat / _bare   a 16 MiB Uint8Array to a command and back (the bare
 *                             page sends its base64, as Moat's shim does), MB/s
 *
 * Needs a display (scripts/bench starts Xvfb when there is none).
 *
 * Usage: bench_webview BUNDLE POLICY BARE_PROGRAM [paint]
 * paint: rows 11 and 12 alone (no invoke or payload loops in the first window of each), for
 * quicker runs of the start figures.
 */
#include "common.h"
#include "moat.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STARTS 5

static struct {
    moat_app *app;
    moat_renderer *r;
    char phase[32];
    uint64_t t0, last;
    bool loops;
    struct bench_samples invoke, payload, paint, pss;
    struct bench_samples paint_bare[2], pss_bare[2]; /* [1]: WebKit's sandbox on */
} st;

/* The parent pid of pid (/proc/PID/stat's fourth field), or -1. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *close = strrchr(buf, ')');
    int ppid = -1;
    return close && sscanf(close + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

/* Pss of root and every process below it, in bytes. */
static double tree_pss(pid_t root)
{
    pid_t in[512];
    size_t n = 0;
    in[n++] = root;
    for (bool grew = true; grew;) { /* until no process is added: a tree of any depth */
        grew = false;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d)) && n < 512) {
            pid_t p = (pid_t)atoi(e->d_name), pp = p > 0 ? parent_of(p) : -1;
            bool known = false, under = false;
            for (size_t i = 0; i < n; i++)
                known |= in[i] == p, under |= in[i] == pp;
            if (p > 0 && under && !known) in[n++] = p, grew = true;
        }
        if (d) closedir(d);
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        long kib = bench_pss_kib(in[i]);
        if (kib > 0)
            sum += kib * 1024.0;
        else if (kill(in[i], 0) == 0) /* the host is not dumpable: only root reads its smaps */
            fprintf(stderr, "bench_webview: cannot read the Pss of process %d (not root?)\n",
                    (int)in[i]);
    }
    return sum;
}

static bool in_phase(const char *name)
{
    return !strcmp(st.phase, name);
}

static void gap(struct bench_samples *s, double mb)
{
    uint64_t now = bench_now_ns();
    if (s && st.last)
        bench_add(s, mb ? mb * 1e9 / (double)(now - st.last) : (double)(now - st.last));
    st.last = now;
}

static void cmd_phase(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *a = moat_call_args(c);
    if (a->type == MSGPACK_OBJECT_STR && a->via.str.size < sizeof st.phase) {
        memcpy(st.phase, a->via.str.ptr, a->via.str.size);
        st.phase[a->via.str.size] = '\0';
    }
    st.last = 0;
    moat_call_resolve_null(c);
}

static void cmd_ping(moat_call *c, void *ud)
{
    (void)ud;
    gap(in_phase("invoke") ? &st.invoke : NULL, 0);
    moat_call_resolve_null(c);
}

static void cmd_echo(moat_call *c, void *ud)
{
    (void)ud;
    size_t len;
    const void *raw = moat_call_args_raw(c, &len);
    const msgpack_object *a = moat_call_args(c);
    gap(in_phase("payload") ? &st.payload : NULL,
        a->type == MSGPACK_OBJECT_BIN ? a->via.bin.size / 1e6 : 0);
    moat_call_resolve(c, raw, len);
}

static void cmd_painted(moat_call *c, void *ud)
{
    (void)ud;
    bench_add(&st.paint, (double)(bench_now_ns() - st.t0));
    static const char yes = (char)0xc3, no = (char)0xc2;
    moat_call_resolve(c, st.loops ? &yes : &no, 1);
}

static void cmd_idle(moat_call *c, void *ud)
{
    (void)ud;
    bench_add(&st.pss, tree_pss(moat_renderer_pid(st.r)));
    moat_call_resolve_null(c);
}

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    if (stream == 2 && !strstr(line, "WARNING") && *line)
        fprintf(stderr, "bench_webview: [%s] %s\n", label, line);
}

static int run_moat(const char *bundle, bool loops)
{
    st.loops = loops;
    st.t0 = bench_now_ns();
    if (!(st.r = moat_app_spawn(st.app, bundle, "main"))) return -1;
    return moat_app_run(st.app);
}

/* The bare program once (sandbox: with WebKit's sandbox on): first paint and memory timed here,
 * its own records passed on. */
static int run_bare(const char *exe, const char *bundle, bool loops, bool sandbox)
{
    int p[2];
    if (pipe(p) != 0) bench_die("pipe");
    uint64_t t0 = bench_now_ns();
    pid_t pid = fork();
    if (pid < 0) bench_die("fork");
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]), close(p[1]);
        execl(exe, exe, bundle, loops ? "1" : "0", sandbox ? "sandbox" : (char *)NULL,
              (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    FILE *in = fdopen(p[0], "r");
    char line[4096];
    int rv = -1;
    while (in && fgets(line, sizeof line, in)) {
        if (!strcmp(line, "painted\n")) {
            bench_add(&st.paint_bare[sandbox], (double)(bench_now_ns() - t0));
        } else if (!strcmp(line, "idle\n")) {
            bench_add(&st.pss_bare[sandbox], tree_pss(pid));
            rv = 0;
            break;
        } else if (line[0] == '{') {
            fputs(line, stdout);
        }
    }
    kill(pid, SIGTERM);
    bench_wait(pid);
    if (in) fclose(in);
    return rv;
}

int main(int argc, char **argv)
{
    if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "paint"))) {
        fprintf(stderr, "usage: bench_webview BUNDLE POLICY BARE_PROGRAM [paint]\n");
        return 2;
    }
    bool loops = argc == 4;
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        const char *keys[] = {"wv_invoke_moat",  "wv_paint_moat",   "wv_pss_moat",
                              "wv_payload_moat", "wv_invoke_bare",  "wv_paint_bare",
                              "wv_pss_bare",     "wv_payload_bare", "wv_paint_bare_sbx",
                              "wv_pss_bare_sbx"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            bench_emit_missing(keys[i],
                               "no display (scripts/bench starts Xvfb when it is installed)");
        return 0;
    }
    st.app = moat_app_new("bench");
    if (!st.app || moat_app_command(st.app, "bench:ping", cmd_ping, NULL) ||
        moat_app_command(st.app, "bench:echo", cmd_echo, NULL) ||
        moat_app_command(st.app, "bench:phase", cmd_phase, NULL) ||
        moat_app_command(st.app, "bench:painted", cmd_painted, NULL) ||
        moat_app_command(st.app, "bench:idle", cmd_idle, NULL) ||
        moat_app_load_policy(st.app, argv[2])) {
        fprintf(stderr, "bench_webview: %s\n", moat_errmsg());
        return 1;
    }
    moat_app_set_output(st.app, on_output, NULL);
    /* The loops once each, then starts alone; Moat and bare in turn, so both see the same machine.
     */
    for (int i = 0; i < STARTS; i++) {
        if (run_moat(argv[1], loops && i == 0) != 0 || st.paint.n != (size_t)i + 1)
            fprintf(stderr, "bench_webview: Moat's window %d did not paint: %s\n", i,
                    moat_errmsg());
        for (int sandbox = 0; sandbox < 2; sandbox++)
            if (run_bare(argv[3], argv[1], loops && i == 0 && !sandbox, sandbox) != 0)
                fprintf(stderr, "bench_webview: the bare program's window %d did not finish\n", i);
    }
    bench_emit("wv_invoke_moat", "ns", &st.invoke);
    bench_emit("wv_payload_moat", "MB/s", &st.payload);
    bench_emit("wv_paint_moat", "ns", &st.paint);
    bench_emit("wv_paint_bare", "ns", &st.paint_bare[0]);
    bench_emit("wv_paint_bare_sbx", "ns", &st.paint_bare[1]);
    bench_emit("wv_pss_moat", "B", &st.pss);
    bench_emit("wv_pss_bare", "B", &st.pss_bare[0]);
    bench_emit("wv_pss_bare_sbx", "B", &st.pss_bare[1]);
    moat_app_free(st.app);
    return 0;
}
