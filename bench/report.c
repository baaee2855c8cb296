// SPDX-License-Identifier: MIT
/*
 * report.c: bench_report turns the JSON lines of the benchmark programs into
 * the one table of scripts/bench and into results.json.
 *
 * Usage: bench_report OUT_JSON RECORDS_FILE...
 *
 * Each row lists Moat's measurements, then the baselines measured in the same
 * run with the ratio Moat / baseline for every Moat figure of the same kind
 * (times: above 1 means Moat is slower; rates: below 1 means Moat does less
 * per second), then the targets with PASS or MISS.
 */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 8
#define MAX_RATIO 4
#define MAX_TARGETS 3

struct line_spec {
    const char *key, *label;
};

enum target_kind {
    RATIO_LE, /* key / ref <= value */
    RATIO_GE, /* key / ref >= value */
    ABS_LT,   /* key < value (in the record's unit) */
    ABS_GE,   /* key >= value (in the record's unit) */
    DELTA_LT, /* key - ref < value */
};

struct target_spec {
    const char *text, *key, *ref;
    enum target_kind kind;
    double value;
};

struct row_spec {
    const char *id, *title;
    struct line_spec moat[MAX_LINES];
    struct line_spec base[MAX_LINES];
    struct line_spec ratio_of[MAX_RATIO]; /* the Moat keys baselines are compared with */
    struct target_spec targets[MAX_TARGETS];
};

static const struct row_spec rows[] = {
    {"1",
     "Small invoke round trip",
     {{"invoke_js", "Moat: JS bundle, await invoke() in a loop"},
      {"invoke_js_jit", "Moat: the same, JIT on"},
      {"invoke_native", "Moat: native C renderer, moat_client_invoke"}},
     {{"seqpacket_pingpong", "(a) raw AF_UNIX seqpacket ping-pong"},
      {"nng_pingpong", "(b) bare nng pair1 ipc:// msgpack ping-pong"},
      {"node_pingpong", "(c) Node.js fork() IPC, process.send"}},
     {{"invoke_js", "JS"}, {"invoke_js_jit", "JIT"}, {"invoke_native", "native"}},
     {{"JS invoke <= 1.3x bare nng (b)", "invoke_js", "nng_pingpong", RATIO_LE, 1.3},
      {"JS invoke <= Node IPC (c)", "invoke_js", "node_pingpong", RATIO_LE, 1.0}}},
    {"2",
     "Throughput, 1,000 invokes in flight",
     {{"throughput_js", "Moat: JS Promise.all of 1,000 invokes"},
      {"throughput_js_jit", "Moat: the same, JIT on"}},
     {{"seqpacket_flood", "(a) raw seqpacket one-way flood"},
      {"nng_flood", "(b) bare nng pair1 one-way flood"}},
     {{"throughput_js", "JS"}, {"throughput_js_jit", "JIT"}},
     {{"invokes/s >= 2x bare nng flood (b)", "throughput_js", "nng_flood", RATIO_GE, 2.0}}},
    {"3",
     "Large payload: 16 MiB round trip",
     {{"payload_js", "Moat: JS Uint8Array echoed by a command"},
      {"payload_js_jit", "Moat: the same, JIT on"}},
     {{"stream_copy", "(a) raw AF_UNIX stream socket echo"}},
     {{"payload_js", "JS"}, {"payload_js_jit", "JIT"}},
     {{"MB/s >= 85% of the raw socket (a)", "payload_js", "stream_copy", RATIO_GE, 0.85}}},
    {"4",
     "Events core -> renderer",
     {{"event_rtt_js", "Moat: emit, bundle answers with an event"},
      {"event_rtt_js_jit", "Moat: the same, JIT on"},
      {"event_rate_js", "Moat: flood from another thread, events/s"},
      {"event_rate_js_jit", "Moat: the same, JIT on"}},
     {{"seqpacket_pingpong", "(a) raw seqpacket ping-pong"},
      {"nng_pingpong", "(b) bare nng ping-pong"},
      {"seqpacket_flood", "(a) raw seqpacket one-way flood"},
      {"nng_flood", "(b) bare nng one-way flood"}},
     {{"event_rtt_js", "JS"},
      {"event_rtt_js_jit", "JIT"},
      {"event_rate_js", "JS"},
      {"event_rate_js_jit", "JIT"}},
     {{NULL}}},
    {"5",
     "Cold start, wall time",
     {{"coldstart_moat", "Moat: moat run, one invoke, exit"}},
     {{"coldstart_exec", "(a) fork+exec /bin/true"},
      {"node_coldstart", "(c) Node fork() of a child answering once"}},
     {{"coldstart_moat", ""}},
     {{"cold start < 25 ms", "coldstart_moat", NULL, ABS_LT, 25e6}}},
    {"6",
     "Memory",
     {{"rss_hello", "Moat: hello renderer VmRSS"},
      {"hwm_hello", "Moat: hello renderer VmHWM (peak)"},
      {"pss_hello", "Moat: hello renderer Pss"},
      {"rss_core", "Moat: core (embedder) VmRSS"},
      {"rss_50", "Moat: 50 renderers + core, VmRSS summed"},
      {"pss_50", "Moat: 50 renderers + core, Pss summed"},
      {"start_50", "Moat: time to start 50 renderers"}},
     {{"rss_node", "(c) Node fork() child VmRSS"}},
     {{"rss_hello", ""}},
     {{"hello renderer RSS < 30 MB", "rss_hello", NULL, ABS_LT, 30e6}}},
    {"7",
     "Policy check, 1,000 rules",
     {{"policy_cmd", "Moat: pol_check, command only"},
      {"policy_scope", "Moat: pol_check + path scope match"}},
     {{NULL}},
     {{NULL}},
     {{"command check < 200 ns", "policy_cmd", NULL, ABS_LT, 200},
      {"command + path check < 200 ns", "policy_scope", NULL, ABS_LT, 200}}},
    {"8",
     "seccomp, ns per allowed syscall (getppid)",
     {{"syscall_launcher", "Moat: launcher filter"},
      {"syscall_lockdown", "Moat: launcher + JS host lockdown"}},
     {{"syscall_none", "(a) no filter"}},
     {{"syscall_launcher", "launcher"}, {"syscall_lockdown", "lockdown"}},
     {{"launcher filter adds < 100 ns", "syscall_launcher", "syscall_none", DELTA_LT, 100},
      {"launcher + lockdown adds < 100 ns", "syscall_lockdown", "syscall_none", DELTA_LT, 100}}},
    {"9",
     "Timers: 100,000 setTimeout (0-9 ms) until the last ran",
     {{"timers_js", "Moat: JS bundle, one wave of timers"},
      {"timers_js_jit", "Moat: the same, JIT on"}},
     {{"node_timers", "(c) Node.js, the same wave in one process"}},
     {{"timers_js", "JS"}, {"timers_js_jit", "JIT"}},
     {{NULL}}},
    {"10",
     "Webview: invoke round trip",
     {{"wv_invoke_moat", "Moat: page -> host -> core -> page, invoke()"}},
     {{"wv_invoke_bare", "(d) bare WebKitGTK page <-> UI process"}},
     {{"wv_invoke_moat", ""}},
     {{"invoke <= 1.3x bare (d)", "wv_invoke_moat", "wv_invoke_bare", RATIO_LE, 1.3}}},
    {"11",
     "Webview: start to first paint",
     {{"wv_paint_moat", "Moat: moat_app_spawn to the first frame"}},
     {{"wv_paint_bare", "(d) bare WebKitGTK: fork+exec to first frame"},
      {"wv_paint_bare_sbx", "(e) the same, WebKit's sandbox on as in Moat"}},
     {{"wv_paint_moat", ""}},
     {{"first paint <= 1.1x bare (e)", "wv_paint_moat", "wv_paint_bare_sbx", RATIO_LE, 1.1},
      {"first paint <= 1.1x bare (d)", "wv_paint_moat", "wv_paint_bare", RATIO_LE, 1.1}}},
    {"12",
     "Webview: Pss of a window's processes",
     {{"wv_pss_moat", "Moat: the host and every process under it"}},
     {{"wv_pss_bare", "(d) bare WebKitGTK and every process under it"},
      {"wv_pss_bare_sbx", "(e) the same, WebKit's sandbox on as in Moat"}},
     {{"wv_pss_moat", ""}},
     {{"Pss <= 1.1x bare (d)", "wv_pss_moat", "wv_pss_bare", RATIO_LE, 1.1},
      {"Pss <= 1.1x bare (e)", "wv_pss_moat", "wv_pss_bare_sbx", RATIO_LE, 1.1}}},
    {"13",
     "Webview: 16 MiB Uint8Array to a command and back",
     {{"wv_payload_moat", "Moat: invoke(cmd, u8), the command echoes it"}},
     {{"wv_payload_bare", "(d) bare: a fetch body, echoed as the response"}},
     {{"wv_payload_moat", ""}},
     {{"MB/s >= 200", "wv_payload_moat", NULL, ABS_GE, 200},
      {"MB/s >= bare (d)", "wv_payload_moat", "wv_payload_bare", RATIO_GE, 1.0}}},
};

static json_t *records; /* key -> record object */

static json_t *rec(const char *key)
{
    return key ? json_object_get(records, key) : NULL;
}

static bool have(const char *key, double *median)
{
    json_t *r = rec(key);
    if (!r || !json_is_number(json_object_get(r, "median"))) return false;
    if (median) *median = json_number_value(json_object_get(r, "median"));
    return true;
}

static const char *unit_of(const char *key)
{
    const char *u = json_string_value(json_object_get(rec(key), "unit"));
    return u ? u : "";
}

static bool is_rate(const char *unit)
{
    size_t n = strlen(unit);
    return n >= 2 && strcmp(unit + n - 2, "/s") == 0;
}

/* Time, rate or size: ratios only compare figures of the same kind. */
static int kind_of(const char *unit)
{
    return is_rate(unit) ? 1 : strcmp(unit, "B") == 0 ? 2 : 0;
}

static void fmt_value(double v, const char *unit, char *out, size_t len)
{
    if (strcmp(unit, "ns") == 0) {
        if (v >= 1e9)
            snprintf(out, len, "%.2f s", v / 1e9);
        else if (v >= 1e6)
            snprintf(out, len, "%.2f ms", v / 1e6);
        else if (v >= 1e3)
            snprintf(out, len, "%.1f us", v / 1e3);
        else
            snprintf(out, len, "%.1f ns", v);
    } else if (strcmp(unit, "B") == 0) {
        snprintf(out, len, "%.1f MB", v / 1e6);
    } else if (strcmp(unit, "MB/s") == 0) {
        snprintf(out, len, "%.0f MB/s", v);
    } else if (v >= 1e6) {
        snprintf(out, len, "%.2f M/s", v / 1e6);
    } else {
        snprintf(out, len, "%.1f k/s", v / 1e3);
    }
}

/* One measurement; baselines (row != NULL) also get their ratios to the row's Moat figures. */
static void print_line(const struct line_spec *l, const struct row_spec *row, json_t *jlines)
{
    json_t *r = rec(l->key), *jl = json_pack("{s:s, s:s}", "key", l->key, "label", l->label);
    const char *missing = json_string_value(json_object_get(r, "missing"));
    double median;
    if (!have(l->key, &median)) {
        printf("    %-46s %s\n", l->label, missing ? missing : "not measured");
        json_object_set_new(jl, "missing", json_string(missing ? missing : "not measured"));
        json_array_append_new(jlines, jl);
        return;
    }
    const char *unit = unit_of(l->key);
    char m[32], p[32], ratios[96] = "";
    fmt_value(median, unit, m, sizeof m);
    fmt_value(json_number_value(json_object_get(r, "p99")), unit, p, sizeof p);
    json_object_update(jl, r);
    json_t *jr = json_object();
    for (int i = 0; row && i < MAX_RATIO && row->ratio_of[i].key; i++) {
        double moat;
        const char *k = row->ratio_of[i].key, *name = row->ratio_of[i].label;
        if (!have(k, &moat) || kind_of(unit_of(k)) != kind_of(unit)) continue;
        size_t n = strlen(ratios);
        snprintf(ratios + n, sizeof ratios - n, "%s%s%s%.2fx", n ? "  " : "", name,
                 *name ? " " : "", moat / median);
        json_object_set_new(jr, k, json_real(moat / median));
    }
    printf("    %-46s %11s %11s   %s\n", l->label, m, p, ratios);
    if (json_object_size(jr)) json_object_set(jl, "ratio", jr);
    json_decref(jr);
    json_array_append_new(jlines, jl);
}

/* Evaluates one target; prints and records it. */
static void print_target(const struct target_spec *t, json_t *jtargets)
{
    double a, b = 0, v = 0;
    bool ok = have(t->key, &a) && (!t->ref || have(t->ref, &b));
    bool pass = false;
    char shown[48] = "n/a";
    if (ok) {
        switch (t->kind) {
        case RATIO_LE:
            v = a / b, pass = v <= t->value;
            break;
        case RATIO_GE:
            v = a / b, pass = v >= t->value;
            break;
        case ABS_LT:
            v = a, pass = v < t->value;
            break;
        case ABS_GE:
            v = a, pass = v >= t->value;
            break;
        case DELTA_LT:
            v = a - b, pass = v < t->value;
            break;
        }
        if (t->kind == RATIO_LE || t->kind == RATIO_GE)
            snprintf(shown, sizeof shown, "%.2fx", v);
        else
            fmt_value(v, unit_of(t->key), shown, sizeof shown);
    }
    printf("    target: %-39s %11s   %s\n", t->text, shown, !ok ? "n/a" : pass ? "PASS" : "MISS");
    json_t *jt = json_pack("{s:s, s:b}", "target", t->text, "measured", ok);
    if (ok) json_object_set_new(jt, "value", json_real(v));
    if (ok) json_object_set_new(jt, "pass", json_boolean(pass));
    json_array_append_new(jtargets, jt);
}

static json_t *print_row(const struct row_spec *row)
{
    json_t *jm = json_array(), *jb = json_array(), *jt = json_array();
    printf("%-2s  %s\n", row->id, row->title);
    for (int i = 0; i < MAX_LINES && row->moat[i].key; i++)
        print_line(&row->moat[i], NULL, jm);
    for (int i = 0; i < MAX_LINES && row->base[i].key; i++)
        print_line(&row->base[i], row, jb);
    for (int i = 0; i < MAX_TARGETS && row->targets[i].text; i++)
        print_target(&row->targets[i], jt);
    return json_pack("{s:s, s:s, s:o, s:o, s:o}", "row", row->id, "title", row->title, "moat", jm,
                     "baselines", jb, "targets", jt);
}

/* Reads every line that is a JSON object with a "key" into records. */
static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return perror(path), -1;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '{') continue;
        json_t *j = json_loads(line, 0, NULL);
        const char *key = json_string_value(json_object_get(j, "key"));
        if (key) json_object_set(records, key, j);
        json_decref(j);
    }
    fclose(f);
    return 0;
}

static json_t *machine(void)
{
    struct utsname u;
    uname(&u);
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    return json_pack("{s:s, s:s, s:i}", "date", when, "kernel", u.release, "cpus",
                     (int)sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_report OUT_JSON RECORDS_FILE...\n");
        return 2;
    }
    records = json_object();
    for (int i = 2; i < argc; i++)
        if (load(argv[i]) != 0) return 1;
    json_t *m = machine(), *jrows = json_array();
    printf(
        "Moat benchmarks, %s, %d CPUs, kernel %s. Medians and p99 (for rates: the slowest 1%%);\n"
        "ratio = Moat / baseline, per Moat figure of the same kind, in the order listed.\n\n",
        json_string_value(json_object_get(m, "date")),
        (int)json_integer_value(json_object_get(m, "cpus")),
        json_string_value(json_object_get(m, "kernel")));
    const char *note = json_string_value(json_object_get(rec("meta"), "note"));
    if (note) printf("%s\n\n", note);
    printf("#   %-46s %11s %11s   %s\n", "measurement", "median", "p99", "ratio");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        json_array_append_new(jrows, print_row(&rows[i]));
    json_t *out = json_pack("{s:o, s:o, s:O}", "machine", m, "rows", jrows, "records", records);
    int rv = json_dump_file(out, argv[1], JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(out);
    json_decref(records);
    return rv == 0 ? 0 : 1;
}
