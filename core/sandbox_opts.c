// SPDX-License-Identifier: MIT
/*
 * sandbox_opts.c: the sandbox options of an app and what each spawn gets
 * from them: a jail (sandbox/jail.c), the launcher filter variant, and the
 * environment that tells the renderer about its limits and the JIT.
 */
#include "sandbox_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sanitizer runtimes reserve terabytes of shadow memory: RLIMIT_DATA would stop them starting. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* JavaScriptCore without machine code: its interpreter only (useJIT=false implies the tiers). */
static const char *const no_jit_env[] = {"JSC_useJIT=false", "JSC_useRegExpJIT=false"};

void moat_sandbox_opts_default(moat_sandbox_opts *o)
{
    *o = (moat_sandbox_opts){.memory_bytes = CORE_DEFAULT_MEMORY};
}

moat_sandbox_opts core_sandbox_opts(const moat_app *app)
{
    moat_sandbox_opts o;
    if (app->sandbox) return app->sandbox->opts;
    moat_sandbox_opts_default(&o);
    return o;
}

void core_sandbox_free(struct core_sandbox *s)
{
    if (!s) return;
    sbx_filter_free(s->jit_filter);
    free(s);
}

int moat_app_set_sandbox(moat_app *app, const moat_sandbox_opts *opts)
{
    if (!opts) {
        core_sandbox_free(app->sandbox);
        app->sandbox = NULL;
        return 0;
    }
    if (!app->sandbox && !(app->sandbox = calloc(1, sizeof *app->sandbox)))
        return core_fail("out of memory");
    app->sandbox->opts = *opts;
    if (!opts->memory_bytes) app->sandbox->opts.memory_bytes = CORE_DEFAULT_MEMORY;
    return 0;
}

/* The filter variant for the JIT setting; the JIT one is built the first time it is asked for. */
static const struct sbx_filter *pick_filter(moat_app *app, bool jit)
{
    char err[256];
    if (!jit) return app->filter;
    /* A label the policy gives the JIT needs the state even when the app set no options. */
    if (!app->sandbox) {
        moat_sandbox_opts o;
        moat_sandbox_opts_default(&o);
        if (moat_app_set_sandbox(app, &o) != 0) return NULL;
    }
    if (!app->sandbox->jit_filter &&
        sbx_filter_new(SBX_FILTER_JIT, &app->sandbox->jit_filter, err, sizeof err) != 0)
        return core_fail("cannot build the seccomp filter: %s", err), NULL;
    return app->sandbox->jit_filter;
}

static uint64_t memory_limit(const moat_sandbox_opts *o)
{
    return o->memory_bytes == UINT64_MAX ? 0 : o->memory_bytes;
}

/* The renderer learns its limits from its environment (renderer/host/watchdog.c reads them). */
static int build_env(const moat_sandbox_opts *o, char **env)
{
    size_t n = 0;
    uint64_t turn_ms = o->cpu_seconds ? o->cpu_seconds * 750 : CORE_DEFAULT_TURN_MS;
    for (size_t i = 0; !o->jit && i < sizeof no_jit_env / sizeof *no_jit_env; i++)
        if (!(env[n++] = strdup(no_jit_env[i]))) return -1;
    if (asprintf(&env[n++], "MOAT_TURN_LIMIT_MS=%llu", (unsigned long long)turn_ms) < 0) return -1;
    if (asprintf(&env[n++], "MOAT_MEMORY_LIMIT=%llu", (unsigned long long)memory_limit(o)) < 0)
        return -1;
    /* The sandbox's resolver followed it to list the program's libraries (elfdeps.c), so the
     * loader inside must follow it too to find them where they were put. */
    const char *lp = getenv("LD_LIBRARY_PATH");
    if (lp && *lp && asprintf(&env[n++], "LD_LIBRARY_PATH=%s", lp) < 0) return -1;
    env[n] = NULL;
    return 0;
}

int core_sandbox_spawn_prepare(moat_app *app, const char *label, const char *exe, bool native,
                               const char *bundle, const char *socket, bool label_jit,
                               struct core_spawn_sandbox *out)
{
    moat_sandbox_opts o = core_sandbox_opts(app);
    o.jit = o.jit || label_jit;
    char err[1024];
    memset(out, 0, sizeof *out);
    (void)label;
    if (!(out->filter = pick_filter(app, o.jit))) return -1;
    if (build_env(&o, out->env) != 0) return core_fail("out of memory");
    /*
     * JavaScriptCore reserves tens of gigabytes of address space up front, so
     * only a native renderer gets RLIMIT_DATA; the watchdog bounds both by
     * their resident memory.
     */
    struct sbx_jail_opts jo = {.exe = exe,
                               .bundle = bundle,
                               .socket = socket,
                               .memory_bytes = native && !SANITIZED ? memory_limit(&o) : 0,
                               .cpu_seconds = o.cpu_seconds ? o.cpu_seconds + 2 : 0,
                               .strict = o.strict};
    if (sbx_jail_prepare(&jo, &out->jail, err, sizeof err) != 0) {
        core_sandbox_spawn_free(out);
        return core_fail("cannot start the renderer: %s", err);
    }
    return 0;
}

void core_sandbox_spawn_report(moat_app *app, const char *label, const struct core_spawn_sandbox *s)
{
    char lines[1200];
    if (!s->jail || sbx_jail_warnings(s->jail, lines, sizeof lines) == 0) return;
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n"))
        core_log(app, MOAT_LEVEL_WARN, label, "%s (renderer \"%s\")", line, label);
}

void core_sandbox_spawn_free(struct core_spawn_sandbox *s)
{
    sbx_jail_free(s->jail);
    s->jail = NULL;
    for (char **e = s->env; *e; e++)
        free(*e);
    memset(s->env, 0, sizeof s->env);
}

int core_sandbox_explain_exit(const moat_app *app, const siginfo_t *si, char *buf, size_t len)
{
    moat_sandbox_opts o = core_sandbox_opts(app);
    long ticks = sysconf(_SC_CLK_TCK);
    if (si->si_code != CLD_KILLED && si->si_code != CLD_DUMPED) return 0;
    if (!o.cpu_seconds || ticks <= 0 || (si->si_status != SIGKILL && si->si_status != SIGXCPU))
        return 0;
    uint64_t used = (uint64_t)(si->si_utime + si->si_stime) / (uint64_t)ticks;
    if (used < o.cpu_seconds) return 0;
    snprintf(buf, len, "exceeded its CPU time limit: %llu s used, the limit is %llu s",
             (unsigned long long)used, (unsigned long long)o.cpu_seconds);
    return 1;
}
