// SPDX-License-Identifier: MIT
/*
 * moat: run an untrusted bundle in the sandbox.
 *
 *   moat run BUNDLE_DIR [--policy FILE] [--label NAME] [--audit FILE] [--audit-all]
 *            [--learn OUT.json] [--restart N]
 *            [--jit] [--memory SIZE] [--cpu SECONDS] [--strict] [--devtools]
 *   moat policy check|explain|schema|permissions …
 *   moat doctor [--filter [--jit]]
 *   moat init [--template vanilla|tauri] DIR
 *   moat types MANIFEST... [--output FILE]
 *
 * Exits with the renderer's exit code, or 128 + the signal that ended it, or the code
 * plugin-process's exit asked for.
 */
#include "moat.h"
#include "moat_plugins.h"
#include "doctor.h"
#include "init.h"
#include "types.h"
#include "policy.h"
#include "scope.h"
#include "run_webview.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_SETUP 70 /* the core could not start the renderer */

static moat_app *running;

int moat_cli_policy(int argc, char **argv); /* policy_cmd.c */

#define RUN_SYNOPSIS                                                                               \
    "moat run BUNDLE_DIR [--policy FILE] [--label NAME] [--audit FILE] [--audit-all]\n"            \
    "                [--learn OUT.json] [--restart N]\n"                                           \
    "                [--jit] [--memory SIZE] [--cpu SECONDS] [--strict] [--devtools]\n"            \
    "                [-q | -v]\n"

/* moat run's options: in `moat --help` and `moat run --help` (doc/man/moat-run.1). */
#define RUN_OPTIONS                                                                                \
    "  --policy FILE  capability policy (JSON; see policy/README.md): a capability file,\n"        \
    "                 a capabilities folder or a tauri.conf.json; given several\n"                 \
    "                 times, they apply together (deny wins)\n"                                    \
    "  --label NAME   the renderer's label in the policy (default: main)\n"                        \
    "  --audit FILE   append denials as JSON lines to FILE (default: stderr)\n"                    \
    "  --audit-all    audit allowed calls too\n"                                                   \
    "  --learn OUT    allow everything (still sandboxed), record what the bundle uses, and\n"      \
    "                 write the smallest policy allowing exactly that to OUT\n"                    \
    "  --restart N    start the renderer again, up to N times, when it fails\n"                    \
    "                 (SIGHUP reloads the policy file)\n"                                          \
    "  --jit          let the JavaScript engine compile to machine code (off by default)\n"        \
    "  --devtools     webview windows get WebKit's inspector (off by default)\n"                   \
    "  --memory SIZE  resident memory limit: bytes, or with K, M, G (default 2G)\n"                \
    "  --cpu SECONDS  CPU time limit of the renderer (default: none)\n"                            \
    "  --strict       refuse to start if a sandbox layer is unavailable, or if the\n"              \
    "                 policy names permissions of plugins Moat does not ship\n"                    \
    "  -q, --quiet    only errors from moat itself (the bundle's output is never cut)\n"           \
    "  -v, --verbose  also debug lines, such as each renderer's start\n"                           \
    "                 (default: $MOAT_LOG, one of error, warn, info, debug; else info)\n"

#define DOCTOR_TEXT                                                                                \
    "prints which sandbox layers this machine and user get, and why not;\n"                        \
    "         --filter prints the seccomp filter instead (--jit: the JIT variant)\n"

static void usage(FILE *f)
{
    fputs("usage: " RUN_SYNOPSIS
          "       moat policy check FILE... | explain --policy FILE --label L CMD [ARGS-JSON]\n"
          "                 | schema | permissions\n"
          "       moat doctor [--filter [--jit]]\n"
          "       moat init [--template vanilla|tauri] DIR\n"
          "       moat types MANIFEST... [--output FILE]\n"
          "       moat version | -V | --version      moat help | -h | --help\n"
          "       (--help or -h after any subcommand prints its usage)\n"
          "\n"
          "run      runs the bundle (a folder with moat.json) in a sandboxed renderer.\n"
          "         Without --policy every command is denied.\n" RUN_OPTIONS
          "policy   checks, explains and describes policies (moat policy --help)\n"
          "init     writes a new bundle into DIR (moat init --help)\n"
          "types    TypeScript declarations of a manifest's typed commands (moat types -h)\n"
          "doctor   " DOCTOR_TEXT,
          f);
}

/* `moat run --help`: its options only (checked against moat-run.1 by tests/install). */
static void usage_run(FILE *f)
{
    fputs("usage: " RUN_SYNOPSIS "\n"
          "Runs the bundle (a folder with moat.json) in a sandboxed renderer.\n"
          "Without --policy every command is denied.\n" RUN_OPTIONS,
          f);
}

static void usage_doctor(FILE *f)
{
    fputs("usage: moat doctor [--filter [--jit]]\n\n"
          "doctor   " DOCTOR_TEXT,
          f);
}

#define MAX_POLICIES 16

struct run_opts {
    const char *bundle, *label, *audit, *memory, *cpu, *learn, *restart;
    const char *policies[MAX_POLICIES]; /* --policy, each time given */
    size_t n_policies;
    bool jit, strict, audit_all, devtools;
    long restarts;
    moat_level level; /* -q, -v, $MOAT_LOG */
};

/* "123", "64K", "512M", "2G" (binary units); 0 on a bad value. */
static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) return 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    if (*end == 'M' || *end == 'm') shift = 20;
    if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end += 1 + (end[1] == 'i' && end[2] == 'B') * 2;
    if (errno || *end || end == s || v == 0 || v > (UINT64_MAX >> shift)) return 0;
    return (uint64_t)v << shift;
}

/* The sandbox flags, or -1 after printing what is wrong. */
static int sandbox_opts(const struct run_opts *o, moat_sandbox_opts *so)
{
    moat_sandbox_opts_default(so);
    so->jit = o->jit;
    so->strict = o->strict;
    if (o->memory && !(so->memory_bytes = parse_size(o->memory))) {
        fprintf(stderr, "moat run: --memory %s: expected a size such as 512M or 2G\n", o->memory);
        return -1;
    }
    char *end;
    if (o->cpu && (!isdigit((unsigned char)o->cpu[0]) ||
                   (so->cpu_seconds = strtoull(o->cpu, &end, 10)) == 0 || *end)) {
        fprintf(stderr, "moat run: --cpu %s: expected a whole number of seconds\n", o->cpu);
        return -1;
    }
    return 0;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
    *o = (struct run_opts){.label = "main", .level = MOAT_LEVEL_INFO};
    const char *env = getenv("MOAT_LOG");
    if (env && *env && moat_level_parse(env) < 0) {
        fprintf(stderr, "moat run: MOAT_LOG=%s: expected error, warn, info or debug\n", env);
        return -1;
    }
    if (env && *env) o->level = (moat_level)moat_level_parse(env);
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-v") ||
            !strcmp(argv[i], "--verbose")) {
            o->level = argv[i][1] == 'q' || argv[i][2] == 'q' ? MOAT_LEVEL_ERROR : MOAT_LEVEL_DEBUG;
            continue;
        }
        if (!strcmp(argv[i], "--jit") || !strcmp(argv[i], "--strict")) {
            *(argv[i][2] == 'j' ? &o->jit : &o->strict) = true;
            continue;
        }
        if (!strcmp(argv[i], "--audit-all") || !strcmp(argv[i], "--devtools")) {
            *(argv[i][2] == 'a' ? &o->audit_all : &o->devtools) = true;
            continue;
        }
        if (!strcmp(argv[i], "--learn"))
            slot = &o->learn;
        else if (!strcmp(argv[i], "--restart"))
            slot = &o->restart;
        else if (!strcmp(argv[i], "--memory"))
            slot = &o->memory;
        else if (!strcmp(argv[i], "--cpu"))
            slot = &o->cpu;
        else if (!strcmp(argv[i], "--policy") && o->n_policies == MAX_POLICIES) {
            fprintf(stderr, "moat run: at most %d --policy\n", MAX_POLICIES);
            return -1;
        } else if (!strcmp(argv[i], "--policy"))
            slot = &o->policies[o->n_policies++];
        else if (!strcmp(argv[i], "--label"))
            slot = &o->label;
        else if (!strcmp(argv[i], "--audit"))
            slot = &o->audit;
        else if (argv[i][0] == '-' || o->bundle) {
            fprintf(stderr, "moat run: unexpected argument \"%s\"\n", argv[i]);
            return -1;
        } else {
            o->bundle = argv[i];
            continue;
        }
        if (++i == argc) {
            fprintf(stderr, "moat run: %s needs a value\n", argv[i - 1]);
            return -1;
        }
        *slot = argv[i];
    }
    if (!o->bundle) fprintf(stderr, "moat run: missing BUNDLE_DIR\n");
    if (o->learn && o->n_policies) {
        fprintf(stderr, "moat run: --learn writes a policy; it does not take --policy\n");
        return -1;
    }
    char *end = NULL;
    if (o->restart &&
        ((o->restarts = strtol(o->restart, &end, 10)) < 0 || *end || end == o->restart)) {
        fprintf(stderr, "moat run: --restart %s: expected a number of restarts\n", o->restart);
        return -1;
    }
    moat_sandbox_opts so;
    return o->bundle && sandbox_opts(o, &so) == 0 ? 0 : -1;
}

static volatile sig_atomic_t stopped_by; /* SIGINT or SIGTERM: moat exits 128 + it */

static void on_signal(int sig)
{
    if (running && sig == SIGHUP)
        moat_app_reload_policy(running);
    else if (running)
        stopped_by = sig, moat_app_stop(running);
}

/* How the renderer ended, and --restart's budget. */
struct run_state {
    moat_app *app;
    const struct run_opts *o;
    long restarts_left;
    moat_exit last;
    char reason[320];
};

static void on_renderer_exit(void *ud, moat_renderer *r, const moat_exit *e)
{
    struct run_state *st = ud;
    if (moat_plugin_process_restart_requested(st->app, r)) { /* process:restart: not a failure */
        if (!moat_app_spawn(st->app, st->o->bundle, moat_renderer_label(r)))
            fprintf(stderr, "moat: cannot restart: %s\n", moat_errmsg());
        return;
    }
    st->last = *e;
    snprintf(st->reason, sizeof st->reason, "%s", e->reason ? e->reason : "");
    st->last.reason = st->reason;
    bool failed = e->signal != 0 || e->code != 0;
    if (!failed || st->restarts_left <= 0) return;
    st->restarts_left--;
    if (st->o->level >= MOAT_LEVEL_WARN)
        fprintf(stderr, "moat: restarting renderer \"%s\" (%ld restart(s) left)\n", st->o->label,
                st->restarts_left);
    if (!moat_app_spawn(st->app, st->o->bundle, st->o->label))
        fprintf(stderr, "moat: cannot restart: %s\n", moat_errmsg());
}

/*
 * The policy, loaded here rather than by moat_app_load_policies because
 * --strict and the warning about unshipped plugins need the loader itself:
 * every error is printed, one per line, before moat refuses to start.
 * Permissions of plugins this app does not have grant nothing: one warning
 * naming them all, or with --strict an error at each. 0, or -1 after
 * printing why.
 */
static int load_policy(moat_app *app, const struct run_opts *o, bool strict)
{
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    int line = 0, col = 0;
    if (pol_load_all(o->policies, o->n_policies, core_app_catalog(app),
                     strict ? POL_LOAD_STRICT : 0, &p, &errs) != 0) {
        pol_errors_print(&errs, stderr, "moat: ", "error: ");
        fprintf(stderr, "moat: the policy has %zu error%s: not starting\n", errs.total,
                errs.total == 1 ? "" : "s");
        pol_errors_free(&errs);
        return -1;
    }
    const char *msg = pol_unshipped(p, &line, &col);
    if (msg && o->level >= MOAT_LEVEL_WARN)
        fprintf(stderr, "moat: %s:%d:%d: warning: %s\n", pol_unshipped_file(p), line, col, msg);
    if (core_app_use_policy(app, p, o->policies, o->n_policies) != 0) /* takes p */
        return fprintf(stderr, "moat: %s\n", moat_errmsg()), -1;
    return 0;
}

/* Everything up to the spawn; returns 0 or an exit code. */
static int setup(moat_app *app, const struct run_opts *o, int *audit_fd)
{
    if (o->audit) {
        *audit_fd = open(o->audit, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (*audit_fd < 0) {
            fprintf(stderr, "moat: cannot open audit log %s: %m\n", o->audit);
            return EXIT_SETUP;
        }
        moat_app_set_audit_fd(app, *audit_fd);
    }
    moat_sandbox_opts so;
    sandbox_opts(o, &so); /* checked by parse_run */
    if (moat_app_set_sandbox(app, &so) != 0) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    moat_app_set_audit_all(app, o->audit_all);
    if (o->n_policies && load_policy(app, o, o->strict) != 0) return EXIT_SETUP;
    if (o->learn && moat_app_learn(app) != 0) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    /* A webview manifest may list more windows: each is a renderer under its own label. */
    if (core_webview_set_devtools(app, o->devtools) != 0 ||
        !moat_app_spawn(app, o->bundle, o->label) ||
        core_webview_spawn_windows(app, o->bundle, o->label) != 0) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct run_opts o;
    if (parse_run(argc, argv, &o) != 0) {
        usage_run(stderr);
        return EXIT_USAGE;
    }
    moat_app *app = moat_app_new("moat");
    if (!app) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    moat_app_set_log_level(app, o.level);
    struct run_state st = {
        .app = app, .o = &o, .restarts_left = o.restarts, .last = {.code = -1, .signal = SIGTERM}};
    int audit_fd = -1, rv = setup(app, &o, &audit_fd);
    if (rv == 0) {
        moat_app_on_exit(app, on_renderer_exit, &st);
        running = app;
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        moat_app_run(app);
        running = NULL;
    }
    if (rv == 0 && o.learn) {
        if (moat_app_write_learned(app, o.learn) == 0)
            fprintf(stderr, "moat: wrote the learned policy to %s\n", o.learn);
        else
            fprintf(stderr, "moat: %s\n", moat_errmsg()), rv = EXIT_SETUP;
    }
    int exit_code; /* process:exit's code is the app's */
    bool exit_asked = moat_plugin_process_exit_requested(app, &exit_code);
    moat_app_set_sandbox(app, NULL); /* releases the options' copy */
    moat_app_free(app);              /* a store's pending autosave is written here */
    if (audit_fd >= 0) close(audit_fd);
    if (rv != 0) return rv;
    /* Ctrl-C: the renderer was ended by moat_app_free above; the exit says why, as a shell's. */
    if (stopped_by) return 128 + stopped_by;
    if (exit_asked) return exit_code & 0xff;
    return st.last.signal ? 128 + st.last.signal : st.last.code;
}

/* --help or -h among a subcommand's arguments (before "--"). */
static bool asks_help(int argc, char **argv)
{
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run") && asks_help(argc, argv)) return usage_run(stdout), 0;
    if (argc >= 2 && !strcmp(argv[1], "doctor") && asks_help(argc, argv))
        return usage_doctor(stdout), 0;
    if (argc >= 2 && !strcmp(argv[1], "run")) return cmd_run(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "doctor")) return cmd_doctor(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "policy")) return moat_cli_policy(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "init")) return cmd_init(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "types")) return cmd_types(argc - 2, argv + 2);
    if (argc >= 2 &&
        (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("moat %s\n", MOAT_VERSION);
        return 0;
    }
    if (argc >= 2 &&
        (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return EXIT_USAGE;
}
