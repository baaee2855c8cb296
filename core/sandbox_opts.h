// SPDX-License-Identifier: MIT
/*
 * sandbox_opts.h: the core's side of the sandbox (prefix core_sandbox_):
 * the app's options, what one spawn gets from them, and the watchdog.
 */
#ifndef MOAT_CORE_SANDBOX_OPTS_H
#define MOAT_CORE_SANDBOX_OPTS_H

#include "internal.h"

#include <signal.h>

#define CORE_DEFAULT_MEMORY ((uint64_t)2 << 30)
#define CORE_DEFAULT_TURN_MS 10000 /* one JS turn, when no CPU limit is set */

/* The app's options (app->sandbox); NULL there means the defaults. */
struct core_sandbox {
    moat_sandbox_opts opts;
    struct sbx_filter *jit_filter; /* the launcher filter that allows a JIT, built when needed */
};

void core_sandbox_free(struct core_sandbox *s);

/* The options in effect for app (the defaults when none were set). */
moat_sandbox_opts core_sandbox_opts(const moat_app *app);

/* What one renderer's spawn needs. */
struct core_spawn_sandbox {
    struct sbx_jail *jail;
    const struct sbx_filter *filter; /* borrowed from the app */
    char *env[8];                    /* extra environment entries, NULL-terminated, owned */
};

/*
 * Prepares the jail, the filter and the environment for exe (the program to
 * exec) with bundle and socket reachable inside. label_jit: the policy grants
 * this label the JIT (core:sandbox:allow-jit), on top of the app's option. Layers that are unavailable
 * are logged as stream-0 lines for label (or, in strict mode, fail the spawn).
 * Returns 0, or -1 via core_fail. Free with core_sandbox_spawn_free.
 */
int core_sandbox_spawn_prepare(moat_app *app, const char *label, const char *exe, bool native,
                               const char *bundle, const char *socket, bool label_jit,
                               struct core_spawn_sandbox *out);
/* Logs the layers that the spawn could not have (after sbx_spawn). */
void core_sandbox_spawn_report(moat_app *app, const char *label,
                               const struct core_spawn_sandbox *s);
void core_sandbox_spawn_free(struct core_spawn_sandbox *s);

/*
 * Starts the watchdog for r (a thread holding a reference to r until the
 * process has ended): CPU seconds and resident memory are read from /proc
 * every 100 ms, and a renderer over a limit is ended with a reason such as
 * "exceeded its memory limit: 2050 MiB resident, the limit is 2048 MiB".
 */
int core_sandbox_watch(moat_renderer *r);

/*
 * For describe_exit: when the kernel ended the renderer for a limit (RLIMIT_CPU
 * sends SIGKILL to a pid-namespace init, which ignores SIGXCPU), writes why
 * into buf and returns 1; otherwise 0.
 */
int core_sandbox_explain_exit(const moat_app *app, const siginfo_t *si, char *buf, size_t len);

#endif
