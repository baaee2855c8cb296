// SPDX-License-Identifier: MIT
/*
 * shell.c: plugin-shell's commands, as @tauri-apps/plugin-shell invokes them:
 *
 *   plugin:shell|execute      {program, args, options} -> {code, signal, stdout, stderr}
 *   plugin:shell|spawn        {program, args, options, onEvent} -> pid; onEvent gets
 *                             {event: "Stdout" | "Stderr" | "Error" | "Terminated", payload}
 *   plugin:shell|stdin_write  {pid, buffer}
 *   plugin:shell|kill         {cmd: "killChild", pid}
 *   plugin:shell|open         {path, with}
 *
 * program names a scope entry (shell_scope.c); options are {cwd, env,
 * encoding, sidecar}. The program runs outside every sandbox, so its
 * environment is built here, not inherited: a few harmless variables of the
 * core's (ENV_KEPT), then options.env, refusing the names that make a
 * program load or run code it was not asked to (ENV_REFUSED; a list, so
 * never complete: the scope's arguments are the policy, the environment is
 * only kept from being a way around it). options.env null: an empty
 * environment, as Tauri clears it. cwd must be an absolute directory.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scope.h"
#include "shell.h"

static const char *const ENV_KEPT[] = {"PATH", "HOME",   "USER", "LOGNAME",
                                       "LANG", "LC_ALL", "TZ",   "TMPDIR"};
/* Exact names, and prefixes (ending in '_' or '*'). */
static const char *const ENV_REFUSED[] = {
    "LD_",           "GCONV_PATH",   "GETCONF_DIR",    "HOSTALIASES",
    "LOCALDOMAIN",   "LOCPATH",      "MALLOC_",        "NLSPATH",
    "RES_OPTIONS",   "TZDIR",        "GLIBC_TUNABLES", "BASH_ENV",
    "ENV",           "BASH_FUNC_*",  "SHELLOPTS",      "BASHOPTS",
    "PS4",           "IFS",          "CDPATH",         "PATH",
    "PYTHON*",       "PERL5*",       "PERLLIB",        "RUBYOPT",
    "RUBYLIB",       "NODE_OPTIONS", "NODE_PATH",      "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS", "GIT_*",        "EDITOR",         "VISUAL",
    "PAGER",         "SSH_ASKPASS",  "LESSOPEN",       "LESSCLOSE",
    "PROMPT_COMMAND"};

static bool env_refused(const char *name)
{
    for (size_t i = 0; i < sizeof ENV_REFUSED / sizeof *ENV_REFUSED; i++) {
        const char *r = ENV_REFUSED[i];
        size_t n = strlen(r);
        if (r[n - 1] == '*'   ? !strncmp(name, r, n - 1)
            : r[n - 1] == '_' ? !strncmp(name, r, n)
                              : !strcmp(name, r))
            return true;
    }
    return false;
}

/* Rejects call with "cmd: message"; a scope's denial is audited like the policy's. */
static void refuse(moat_call *call, const struct shell_err *e)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s: %s", moat_call_command(call), e->msg);
    if (!strcmp(e->code, "denied"))
        core_audit_scope(call, moat_call_command(call), NULL, NULL, msg);
    moat_call_reject(call, e->code, "%s", msg);
}

static char *str_dup(const msgpack_object *o)
{
    return strndup(o->via.str.ptr, o->via.str.size);
}

static bool is_str(const msgpack_object *o)
{
    return o && o->type == MSGPACK_OBJECT_STR;
}

/* Adds name=value to c->envp (replacing one of that name). 0, or -1 with e. */
static int env_put(struct shell_cmd *c, const char *name, size_t nl, const char *value, size_t vl,
                   struct shell_err *e)
{
    char *entry = malloc(nl + vl + 2);
    if (!entry) return shell_fail(e, "failed", "out of memory");
    memcpy(entry, name, nl), entry[nl] = '=';
    memcpy(entry + nl + 1, value, vl), entry[nl + vl + 1] = '\0';
    for (size_t i = 0; i < c->envc; i++)
        if (!strncmp(c->envp[i], entry, nl + 1)) {
            free(c->envp[i]);
            c->envp[i] = entry;
            return 0;
        }
    c->envp[c->envc++] = entry;
    c->envp[c->envc] = NULL;
    return 0;
}

static int build_env(const msgpack_object *env, struct shell_cmd *c, struct shell_err *e)
{
    size_t n = env && env->type == MSGPACK_OBJECT_MAP ? env->via.map.size : 0;
    size_t kept = sizeof ENV_KEPT / sizeof *ENV_KEPT;
    if (env && env->type != MSGPACK_OBJECT_MAP && env->type != MSGPACK_OBJECT_NIL)
        return shell_fail(e, "invalid_args", "options.env must be a map of strings");
    if (n > SHELL_MAX_ENV)
        return shell_fail(e, "limit_exceeded", "options.env has more than %d entries",
                          SHELL_MAX_ENV);
    if (!(c->envp = calloc(n + kept + 1, sizeof *c->envp)))
        return shell_fail(e, "failed", "out of memory");
    bool cleared = env && env->type == MSGPACK_OBJECT_NIL;
    for (size_t i = 0; i < kept && !cleared; i++) {
        const char *v = getenv(ENV_KEPT[i]);
        if (v && env_put(c, ENV_KEPT[i], strlen(ENV_KEPT[i]), v, strlen(v), e) < 0) return -1;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *k = &env->via.map.ptr[i].key, *v = &env->via.map.ptr[i].val;
        if (!is_str(k) || !is_str(v))
            return shell_fail(e, "invalid_args", "options.env must be a map of strings");
        const char *name = k->via.str.ptr;
        size_t nl = k->via.str.size, vl = v->via.str.size;
        if (nl == 0 || nl > 255 || memchr(name, '=', nl) || memchr(name, 0, nl) ||
            memchr(v->via.str.ptr, 0, vl))
            return shell_fail(e, "invalid_args",
                              "options.env: a name is 1-255 bytes without '=' or NUL, a value "
                              "has no NUL");
        if ((total += nl + vl + 2) > SHELL_MAX_ARGV_BYTES / 2)
            return shell_fail(e, "limit_exceeded", "options.env passes %u bytes",
                              SHELL_MAX_ARGV_BYTES / 2);
        char nm[256];
        memcpy(nm, name, nl), nm[nl] = '\0';
        if (env_refused(nm))
            return shell_fail(e, "denied", "options.env: %s may not be set for a program", nm);
        if (env_put(c, name, nl, v->via.str.ptr, vl, e) < 0) return -1;
    }
    return 0;
}

/* options {cwd, env, encoding, sidecar} into c; *sidecar. 0, or -1 with e. */
static int read_options(const msgpack_object *o, struct shell_cmd *c, bool *sidecar,
                        struct shell_err *e)
{
    if (!plugin_absent(o) && o->type != MSGPACK_OBJECT_MAP)
        return shell_fail(e, "invalid_args", "options must be a map");
    const msgpack_object *cwd = plugin_arg(o, "cwd"), *enc = plugin_arg(o, "encoding"),
                         *sc = plugin_arg(o, "sidecar"), *env = plugin_arg(o, "env");
    if (!plugin_absent(sc) && sc->type != MSGPACK_OBJECT_BOOLEAN)
        return shell_fail(e, "invalid_args", "options.sidecar must be a bool");
    *sidecar = !plugin_absent(sc) && sc->via.boolean;
    c->encoding = SHELL_UTF8;
    if (!plugin_absent(enc)) {
        if (!is_str(enc)) return shell_fail(e, "invalid_args", "options.encoding must be a string");
        char name[32] = "";
        if (enc->via.str.size < sizeof name) memcpy(name, enc->via.str.ptr, enc->via.str.size);
        if (!strcmp(name, "raw"))
            c->encoding = SHELL_RAW;
        else if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8") ||
                 !strcasecmp(name, "unicode-1-1-utf-8"))
            c->encoding = SHELL_UTF8_LOSSY; /* encoding_rs decodes with replacement */
        else {
            /* Another label: decoded with replacement as encoding_rs does, through iconv. */
            iconv_t cd = name[0] && !strchr(name, '/') ? iconv_open("UTF-8", name) : (iconv_t)-1;
            if (cd == (iconv_t)-1)
                return shell_fail(e, "invalid_args", "unknown encoding %.*s",
                                  (int)(enc->via.str.size > 40 ? 40 : enc->via.str.size),
                                  enc->via.str.ptr);
            iconv_close(cd);
            c->encoding = SHELL_CHARSET;
            snprintf(c->charset, sizeof c->charset, "%s", name);
        }
    }
    if (!plugin_absent(cwd)) {
        struct stat st;
        if (!is_str(cwd) || cwd->via.str.size == 0 || cwd->via.str.size >= 4096 ||
            memchr(cwd->via.str.ptr, 0, cwd->via.str.size) || cwd->via.str.ptr[0] != '/')
            return shell_fail(e, "invalid_args", "options.cwd must be an absolute path");
        if (!(c->cwd = str_dup(cwd))) return shell_fail(e, "failed", "out of memory");
        if (stat(c->cwd, &st) != 0 || !S_ISDIR(st.st_mode))
            return shell_fail(e, "not_found", "options.cwd %s is no directory", c->cwd);
    }
    /* env absent: Tauri's default, an empty map (nothing added); null: cleared. */
    if (o && o->type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < o->via.map.size; i++)
            if (o->via.map.ptr[i].key.type == MSGPACK_OBJECT_STR &&
                o->via.map.ptr[i].key.via.str.size == 3 &&
                !memcmp(o->via.map.ptr[i].key.via.str.ptr, "env", 3))
                return build_env(env, c, e);
    }
    return build_env(NULL, c, e);
}

/* The command to run for an execute or spawn call. 0, or -1 with e. */
static int prepare(moat_call *call, struct shell_cmd *c, struct shell_err *e)
{
    const msgpack_object *a = moat_call_args(call), *program = plugin_arg(a, "program");
    bool sidecar = false;
    memset(c, 0, sizeof *c);
    if (!is_str(program) || program->via.str.size == 0 || program->via.str.size > 255 ||
        memchr(program->via.str.ptr, 0, program->via.str.size))
        return shell_fail(e, "invalid_args", "program must be the name of a scope entry");
    char name[256];
    memcpy(name, program->via.str.ptr, program->via.str.size), name[program->via.str.size] = '\0';
    if (read_options(plugin_arg(a, "options"), c, &sidecar, e) < 0) return -1;
    return shell_scope_prepare(call, name, plugin_arg(a, "args"), sidecar, c, e);
}

static void cmd_execute(moat_call *call, void *ud)
{
    (void)ud;
    struct shell_cmd c;
    struct shell_err e;
    if (prepare(call, &c, &e) < 0) {
        shell_cmd_free(&c);
        refuse(call, &e);
        return;
    }
    shell_run_execute(call, &c);
}

static void cmd_spawn(moat_call *call, void *ud)
{
    (void)ud;
    struct shell_cmd c;
    struct shell_err e;
    moat_channel *ch = NULL;
    int rc = prepare(call, &c, &e);
    if (rc == 0 && !(ch = moat_call_channel(call, "onEvent")))
        rc = shell_fail(&e, "invalid_args", "onEvent must be a Channel");
    if (rc < 0) {
        shell_cmd_free(&c);
        refuse(call, &e);
        return;
    }
    shell_run_spawn(call, &c, ch);
}

static bool read_pid(moat_call *call, int64_t *pid)
{
    const msgpack_object *p = plugin_arg(moat_call_args(call), "pid");
    if (!p || p->type != MSGPACK_OBJECT_POSITIVE_INTEGER || p->via.u64 > UINT32_MAX) return false;
    return *pid = (int64_t)p->via.u64, true;
}

/* stdin_write {pid, buffer: a string or bytes (binary, or an array of numbers 0-255)}. */
static void cmd_stdin_write(moat_call *call, void *ud)
{
    (void)ud;
    int64_t pid;
    struct shell_err e;
    const msgpack_object *b = plugin_arg(moat_call_args(call), "buffer");
    const void *data = NULL;
    size_t len = 0;
    unsigned char *bytes = NULL;
    bool ok = read_pid(call, &pid) && b;
    if (ok && b->type == MSGPACK_OBJECT_STR)
        data = b->via.str.ptr, len = b->via.str.size;
    else if (ok && b->type == MSGPACK_OBJECT_BIN)
        data = b->via.bin.ptr, len = b->via.bin.size;
    else if (ok && b->type == MSGPACK_OBJECT_ARRAY) {
        len = b->via.array.size;
        data = bytes = malloc(len ? len : 1);
        for (size_t i = 0; ok && bytes && i < len; i++) {
            const msgpack_object *x = &b->via.array.ptr[i];
            ok = x->type == MSGPACK_OBJECT_POSITIVE_INTEGER && x->via.u64 <= 255;
            if (ok) bytes[i] = (unsigned char)x->via.u64;
        }
        if (!bytes) {
            moat_call_reject(call, "failed", "shell:stdin_write: out of memory");
            return;
        }
    } else
        ok = false;
    if (!ok)
        moat_call_reject(call, "invalid_args",
                         "shell:stdin_write: expected {pid, buffer: a string or bytes}");
    else if (shell_child_write(call, pid, data, len, &e) < 0)
        moat_call_reject(call, e.code, "shell:stdin_write: %s", e.msg);
    else
        moat_call_resolve_null(call);
    free(bytes);
}

static void cmd_kill(moat_call *call, void *ud)
{
    (void)ud;
    int64_t pid;
    struct shell_err e;
    const msgpack_object *cmd = plugin_arg(moat_call_args(call), "cmd");
    bool kill_child =
        is_str(cmd) && cmd->via.str.size == 9 && !memcmp(cmd->via.str.ptr, "killChild", 9);
    if (!read_pid(call, &pid) || (!plugin_absent(cmd) && !kill_child))
        moat_call_reject(call, "invalid_args", "shell:kill: expected {cmd: \"killChild\", pid}");
    else if (shell_child_kill(call, pid, &e) < 0)
        moat_call_reject(call, e.code, "shell:kill: %s", e.msg);
    else
        moat_call_resolve_null(call);
}

/* open {path, with}: with one of Tauri's program names (open::Program). */
static void cmd_open(moat_call *call, void *ud)
{
    (void)ud;
    static const char *const programs[][3] = {
        {"xdg-open", "xdg-open", NULL},     {"gio", "gio", "open"},
        {"gnome-open", "gnome-open", NULL}, {"kde-open", "kde-open", NULL},
        {"wslview", "wslview", NULL},       {"firefox", "firefox", NULL},
        {"chrome", "google-chrome", NULL},  {"google chrome", "google-chrome", NULL},
        {"chromium", "chromium", NULL},     {"open", "open", NULL},
        {"start", "start", NULL},           {"safari", "safari", NULL}};
    const msgpack_object *a = moat_call_args(call), *path = plugin_arg(a, "path"),
                         *with = plugin_arg(a, "with");
    struct shell_err e;
    if (!is_str(path) || path->via.str.size == 0 || path->via.str.size > 65536 ||
        memchr(path->via.str.ptr, 0, path->via.str.size) ||
        (!plugin_absent(with) && !is_str(with))) {
        moat_call_reject(call, "invalid_args", "shell:open: expected {path: a string, with}");
        return;
    }
    const char *const *prog = programs[0];
    if (!plugin_absent(with)) {
        char name[32] = "";
        size_t n = with->via.str.size < sizeof name ? with->via.str.size : 0;
        for (size_t i = 0; i < n; i++)
            name[i] = (char)(with->via.str.ptr[i] >= 'A' && with->via.str.ptr[i] <= 'Z'
                                 ? with->via.str.ptr[i] + 32
                                 : with->via.str.ptr[i]);
        prog = NULL;
        for (size_t i = 0; i < sizeof programs / sizeof *programs && !prog; i++)
            if (n && !strcmp(name, programs[i][0])) prog = programs[i];
        if (!prog) {
            moat_call_reject(call, "invalid_args", "shell:open: unknown program name %.*s",
                             (int)(with->via.str.size > 40 ? 40 : with->via.str.size),
                             with->via.str.ptr);
            return;
        }
    }
    char *p = str_dup(path);
    if (!p)
        moat_call_reject(call, "failed", "shell:open: out of memory");
    else if (shell_open_check(p, &e) < 0 || shell_run_open(prog[1], prog[2], p, &e) < 0)
        refuse(call, &e);
    else
        moat_call_resolve_null(call);
    free(p);
}

/* moat_app_free: the app's children are killed and reaped before its renderers are freed. */
static void finish(void *app)
{
    plugin_shell_forget(app);
}

int moat_plugin_shell_register(moat_app *app)
{
    static const char *const manifest[] = {"shell/permissions.json"};
    static const moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    if (moat_app_set_data(app, "moat:shell", app, finish) < 0 ||
        moat_app_command(app, "shell:execute", cmd_execute, NULL) < 0 ||
        moat_app_command(app, "shell:spawn", cmd_spawn, NULL) < 0 ||
        /* stdin_write may wait for the child to read: on a worker, not the run thread */
        moat_app_command_ex(app, "shell:stdin_write", cmd_stdin_write, NULL, &worker) < 0 ||
        moat_app_command(app, "shell:kill", cmd_kill, NULL) < 0 ||
        moat_app_command(app, "shell:open", cmd_open, NULL) < 0)
        return -1;
    return plugin_load_manifests(app, manifest, 1);
}
