/*
 * moat: run an untrusted bundle in the sandbox.
 *
 *   moat run BUNDLE_DIR [--policy FILE] [--label NAME] [--audit FILE]
 *            [--jit] [--memory SIZE] [--cpu SECONDS] [--strict]
 *   moat doctor [--filter [--jit]]
 *
 * Exits with the renderer's exit code, or 128 + the signal that ended it.
 */
#include "moat.h"
#include "doctor.h"

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

static void usage(FILE *f)
{
    fputs("usage: moat run BUNDLE_DIR [--policy FILE] [--label NAME] [--audit FILE]\n"
          "                [--jit] [--memory SIZE] [--cpu SECONDS] [--strict]\n"
          "       moat doctor [--filter [--jit]]\n"
          "       moat version\n"
          "\n"
          "run      runs the bundle (a folder with moat.json) in a sandboxed renderer.\n"
          "         Without --policy every command is denied.\n"
          "  --policy FILE  capability policy (JSON; see policy/README.md)\n"
          "  --label NAME   the renderer's label in the policy (default: main)\n"
          "  --audit FILE   append denials as JSON lines to FILE (default: stderr)\n"
          "  --jit          let the JavaScript engine compile to machine code (off by default)\n"
          "  --memory SIZE  resident memory limit: bytes, or with K, M, G (default 2G)\n"
          "  --cpu SECONDS  CPU time limit of the renderer (default: none)\n"
          "  --strict       refuse to start if a sandbox layer is unavailable\n"
          "doctor   prints which sandbox layers this machine and user get, and why not;\n"
          "         --filter prints the seccomp filter instead (--jit: the JIT variant)\n",
          f);
}

struct run_opts {
    const char *bundle, *policy, *label, *audit, *memory, *cpu;
    bool jit, strict;
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
    *o = (struct run_opts){.label = "main"};
    for (int i = 0; i < argc; i++) {
        const char **slot = NULL;
        if (!strcmp(argv[i], "--jit") || !strcmp(argv[i], "--strict")) {
            *(argv[i][2] == 'j' ? &o->jit : &o->strict) = true;
            continue;
        }
        if (!strcmp(argv[i], "--memory"))
            slot = &o->memory;
        else if (!strcmp(argv[i], "--cpu"))
            slot = &o->cpu;
        else if (!strcmp(argv[i], "--policy"))
            slot = &o->policy;
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
    moat_sandbox_opts so;
    return o->bundle && sandbox_opts(o, &so) == 0 ? 0 : -1;
}

static void on_signal(int sig)
{
    (void)sig;
    if (running) moat_app_stop(running);
}

static void on_exit_info(void *ud, moat_renderer *r, const moat_exit *e)
{
    (void)r;
    *(moat_exit *)ud = *e;
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
    if (o->policy && moat_app_load_policy(app, o->policy) != 0) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    if (!moat_app_spawn(app, o->bundle, o->label)) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct run_opts o;
    if (parse_run(argc, argv, &o) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    moat_app *app = moat_app_new("moat");
    if (!app) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return EXIT_SETUP;
    }
    moat_exit ex = {.code = -1, .signal = SIGTERM};
    int audit_fd = -1, rv = setup(app, &o, &audit_fd);
    if (rv == 0) {
        moat_app_on_exit(app, on_exit_info, &ex);
        running = app;
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        moat_app_run(app);
        running = NULL;
    }
    moat_app_set_sandbox(app, NULL); /* releases the options' copy */
    moat_app_free(app);
    if (audit_fd >= 0) close(audit_fd);
    if (rv != 0) return rv;
    return ex.signal ? 128 + ex.signal : ex.code;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run")) return cmd_run(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "doctor")) return cmd_doctor(argc - 2, argv + 2);
    if (argc >= 2 && (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version"))) {
        printf("moat %s\n", MOAT_VERSION);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return EXIT_USAGE;
}
