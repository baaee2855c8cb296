// SPDX-License-Identifier: MIT
/*
 * moat.h: embed Moat, a sandboxed app runtime.
 *
 * An app registers commands, loads a capability policy and spawns renderers:
 * sandboxed processes that run an untrusted bundle and reach the app only by
 * invoking commands and emitting events. Every invoke is checked against the
 * policy before a handler sees it, and every invoke is answered exactly once.
 *
 *     moat_app *app = moat_app_new("myapp");
 *     moat_app_command(app, "greet", greet, NULL);
 *     moat_app_load_policy(app, "caps.json");
 *     moat_app_spawn(app, "./bundle", "main");
 *     moat_app_run(app);          // until every renderer has exited
 *     moat_app_free(app);
 *
 * Errors: functions return 0 (or a non-NULL pointer) on success and -1 (or
 * NULL) on failure; moat_errmsg() then describes the failure in one line
 * (a policy that fails to load: one line per error, see moat_app_load_policy).
 *
 * Threads: moat_app_run() dispatches handlers, listeners and hooks on the
 * thread that called it. moat_call_* answers, moat_app_emit() and
 * moat_app_stop() may be called from any thread; everything else belongs to
 * the thread that created the app.
 *
 * Values cross as msgpack (msgpack-c's C API): arguments arrive as a
 * msgpack_object, results and payloads are given as encoded msgpack bytes.
 */
#ifndef MOAT_H
#define MOAT_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version this header belongs to (semantic versioning; the top-level
 * CMakeLists.txt reads it from here). While MOAT_VERSION_MAJOR is 0 a new
 * minor version may change the ABI, so the library's SONAME is
 * libmoat.so.0.MINOR; from 1.0 on it is libmoat.so.MAJOR. See CHANGELOG.md.
 */
#define MOAT_VERSION_MAJOR 0
#define MOAT_VERSION_MINOR 1
#define MOAT_VERSION_PATCH 0
#define MOAT_VERSION "0.1.0"
/* One number for #if: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define MOAT_VERSION_NUMBER                                                                        \
    (MOAT_VERSION_MAJOR * 10000 + MOAT_VERSION_MINOR * 100 + MOAT_VERSION_PATCH)

/* libmoat exports what this header declares and nothing else (-fvisibility=hidden). */
#pragma GCC visibility push(default)

/* The version of the libmoat in use ("0.1.0"): MOAT_VERSION of the build that made it. */
const char *moat_version(void);

/* Opaque: an app, a command call awaiting its answer, a renderer the app spawned. */
typedef struct moat_app moat_app;
typedef struct moat_call moat_call;
typedef struct moat_renderer moat_renderer;

/*
 * The last error of the calling thread, as one line, or, after a policy
 * failed to load (moat_app_load_policy), one line per error. Never NULL; valid until
 * the thread's next failing call.
 */
const char *moat_errmsg(void);

/* ---- the app ---------------------------------------------------------- */

/*
 * Creates an app named name (what app:name answers), with the built-in
 * commands app:version, app:name and log registered. Caller frees with
 * moat_app_free. Marks this process not dumpable (PR_SET_DUMPABLE 0), so a
 * renderer running as the same user cannot reach its memory through /proc:
 * core dumps and ptrace by unprivileged debuggers are off from then on.
 */
moat_app *moat_app_new(const char *name);

/*
 * Kills the renderers still running, waits for them, and frees the app.
 * Calls not yet answered stay valid: answering them later is a no-op that
 * frees them.
 */
void moat_app_free(moat_app *app);

/*
 * The JS host executable (moat-renderer). Default: $MOAT_RENDERER, else
 * moat-renderer beside the running executable, else the installed one.
 */
int moat_app_set_renderer_path(moat_app *app, const char *path);

/* Where denials are written as JSON lines. Default: stderr. The fd is borrowed. */
void moat_app_set_audit_fd(moat_app *app, int fd);

/*
 * Receives each line a renderer prints (stream 1 = stdout, 2 = stderr) and
 * each line the core logs about a renderer (stream 0). Default: written to
 * this process's stdout/stderr, core lines prefixed with "moat: ".
 * Called on the run thread; label and line are borrowed for the call.
 */
typedef void (*moat_output_fn)(void *ud, const char *label, int stream, const char *line);
void moat_app_set_output(moat_app *app, moat_output_fn fn, void *ud);

/* How much the core says about renderers (its stream-0 lines); a renderer's own output is never
 * cut. */
typedef enum moat_level {
    MOAT_LEVEL_ERROR, /* what failed: a call with no timer, a policy that did not reload */
    MOAT_LEVEL_WARN,  /* and what went wrong or is off: ended renderers, dropped events, sandbox
                         notes */
    MOAT_LEVEL_INFO,  /* and what happened: the default */
    MOAT_LEVEL_DEBUG, /* and each renderer's start */
} moat_level;
/*
 * Lines above level are not written. Default: $MOAT_LOG ("error", "warn",
 * "info" or "debug") when moat_app_new ran, else MOAT_LEVEL_INFO.
 */
void moat_app_set_log_level(moat_app *app, moat_level level);
/* The level a name means ("error", "warn", "info", "debug"), or -1 for any other name. */
int moat_level_parse(const char *name);

/* Limits on what renderers may send; each applies to renderers spawned afterwards. */
typedef enum moat_limit {
    /* bytes in one frame; default 80 MiB; a bigger frame ends the renderer */
    MOAT_LIMIT_FRAME_BYTES,
    /* nesting of a frame, envelope included; default and maximum 32 */
    MOAT_LIMIT_DEPTH,
    /* requests awaiting answers per renderer; default 1024; more: limit_exceeded */
    MOAT_LIMIT_INFLIGHT,
    /* bytes waiting to be sent to one renderer; default 256 MiB; beyond, it is ended */
    MOAT_LIMIT_QUEUED_BYTES,
    /* events per second a renderer may emit (a second's worth at once); default 10000 */
    MOAT_LIMIT_EVENT_RATE,
    /* events kept for a renderer until it listens for them (while it loads and 5 s after); 1024 */
    MOAT_LIMIT_EARLY_EVENTS,
    /*
     * bytes of memory shared with each renderer, each way, through which
     * binaries of 64 KiB or more travel instead of the socket; default
     * 32 MiB, rounded up to 4 KiB; 0: none (binaries go inline). The pages
     * a renderer has touched count towards its resident memory limit.
     */
    MOAT_LIMIT_BULK_BYTES,
    /*
     * bytes the core may hold for one renderer, in all: its input waiting to
     * be served, frames queued to it, the arguments of its calls in flight
     * (as unpacked), events held for it, its listeners' names; default
     * 256 MiB. A request that would pass it is answered limit_exceeded
     * (memory); anything else that would ends the renderer.
     */
    MOAT_LIMIT_MEMORY_BYTES,
} moat_limit;
int moat_app_set_limit(moat_app *app, moat_limit which, uint64_t value);

/* ---- commands ----------------------------------------------------------- */

/*
 * A command handler. It owns call and must answer it exactly once with
 * moat_call_resolve*() or moat_call_reject(), now or later, from any thread.
 */
typedef void (*moat_command_fn)(moat_call *call, void *ud);

/*
 * Registers a command. name is "group:name" or "name"; it defines the
 * permissions "group:allow-name" and "group:deny-name" that a policy uses to
 * grant or refuse it. Register before loading the policy.
 */
int moat_app_command(moat_app *app, const char *name, moat_command_fn fn, void *ud);

/*
 * Declares a permission set, e.g. "myapp:default" standing for
 * {"allow-greet", "myapp:allow-save"}. Strings are copied.
 */
int moat_app_permission_set(moat_app *app, const char *id, const char *description,
                            const char *const *members, size_t n);

/*
 * Loads a policy file, replacing any policy loaded before, atomically: every
 * request checked from now on, by every renderer, uses it; calls already in
 * flight finish under the policy they were checked under. Without a policy
 * everything but the runtime's own plumbing is denied. On error the previous
 * policy stays and moat_errmsg() lists every error the load found, one per
 * line ("file:line:column: what", or "file: what" when it is about no
 * position), in the order of the files and, within a file, of position, as
 * `moat run` prints them, separated by newlines (none after the last). It
 * holds at most 8 KiB: when the list is cut there, its last line counts the
 * rest, an ellipsis (U+2026) then " and N more errors". Nothing is written to
 * the app's output. Run thread.
 */
int moat_app_load_policy(moat_app *app, const char *path);
/*
 * The same for a policy given as several paths applied together (deny wins):
 * capability files, capabilities folders and tauri.conf.json files, whose
 * app.security.capabilities, when present, selects the capabilities that apply
 * (as in Tauri). The paths are copied (SIGHUP-style reloads read them again).
 */
int moat_app_load_policies(moat_app *app, const char *const *paths, size_t n);

/*
 * Reloads the last policy file soon, on the run thread (what `moat` does on
 * SIGHUP); a file that fails to load leaves the old policy in force and logs
 * why. Any thread; async-signal-safe.
 */
void moat_app_reload_policy(moat_app *app);

/* Audits allowed calls too, not only denials (moat run --audit-all). */
void moat_app_set_audit_all(moat_app *app, bool all);

/*
 * Learn mode (moat run --learn): every command is allowed (renderers stay
 * sandboxed), and so is every path for the fs commands; what each label
 * invokes is recorded. moat_app_write_learned writes the smallest policy that
 * allows exactly what was recorded. Call moat_app_learn after registering commands.
 */
int moat_app_learn(moat_app *app);
int moat_app_write_learned(moat_app *app, const char *path);

/* The command's name and the label of the renderer that invoked it. Borrowed from call. */
const char *moat_call_command(const moat_call *call);
const char *moat_call_label(const moat_call *call);
/*
 * What kind of renderer made the call: "js" (the headless JS host),
 * "webview" (a window: its host carries out the window commands the core
 * allowed) or "native". Static string.
 */
const char *moat_call_renderer_kind(const moat_call *call);
/* The arguments, owned by call (nil when the renderer passed none). */
const msgpack_object *moat_call_args(moat_call *call);
/* The arguments as the renderer encoded them. Borrowed from call. */
const void *moat_call_args_raw(const moat_call *call, size_t *len);

/*
 * The policy scope that applies to this call: the entries of every allow and
 * deny scope that the matching capabilities attach to the command's
 * permissions, as typed values (each entry a msgpack map built from the
 * policy's JSON, e.g. {"path": "$APPDATA/..."}). Deny entries win over allow
 * entries; a command with scopes must refuse what no allow entry covers.
 * Borrowed from call; NULL-safe: no scope means zero entries.
 */
typedef enum { MOAT_SCOPE_ALLOW, MOAT_SCOPE_DENY } moat_scope_kind;
size_t moat_call_scope_count(moat_call *call, moat_scope_kind kind);
const msgpack_object *moat_call_scope_entry(moat_call *call, moat_scope_kind kind, size_t i);

/*
 * Answers call and frees it; call must not be used afterwards. If the
 * renderer is gone the answer is dropped. Return -1, with moat_errmsg(), for
 * a value that is not one valid msgpack value (the renderer then gets
 * "failed") and for one over the renderer's frame limit (MOAT_LIMIT_FRAME_BYTES:
 * the renderer gets "limit_exceeded" and goes on).
 */
int moat_call_resolve(moat_call *call, const void *msgpack, size_t len);
int moat_call_resolve_null(moat_call *call);
int moat_call_resolve_str(moat_call *call, const char *s);
int moat_call_resolve_int(moat_call *call, int64_t v);
/* code: a short token such as "invalid_args" or "failed"; message: printf-style. */
int moat_call_reject(moat_call *call, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The options of moat_app_command_ex (zero-initialise the struct). */
typedef struct moat_command_opts {
    uint32_t timeout_ms; /* answer "timeout" after this many milliseconds; 0: never */
    uint32_t flags;      /* MOAT_COMMAND_* */
    /*
     * The arguments' JSON Schema (text, copied), checked by the core before the
     * handler runs: a call that does not match is answered "invalid_args"
     * naming the field and what was expected, and the handler never sees it.
     * A subset: "type" (string, number, integer, boolean, array, object,
     * null), "properties", "required", "additionalProperties" (true or
     * false), "items", and "description"/"title"; the top is
     * {"type": "object", ...}. Any other keyword fails the registration.
     * NULL: the schema a manifest declared for the command ("arguments",
     * see moat_app_manifest), else none. `moat types` makes TypeScript
     * declarations from a manifest's schemas.
     */
    const char *args_schema;
} moat_command_opts;
/* moat_command_opts.flags: run the handler on the worker pool (moat_app_command_ex). */
enum { MOAT_COMMAND_WORKER = 1u << 0 };
/*
 * What blocks what: a handler runs on the run thread unless registered with
 * MOAT_COMMAND_WORKER, and while it runs no renderer of the app is served
 * (no requests, events, answers or timeouts): a handler that may block or
 * take long must answer from another thread (moat_call_* answers work from
 * any thread) or run on the worker pool. A call that is never answered stays
 * pending until its renderer ends (or its timeout_ms); see
 * moat_app_set_slow_call_warning.
 *
 * Registers a command with options (zero-initialise the struct):
 * timeout_ms > 0 answers "timeout" to the renderer when the handler has not
 * answered by then (the handler is told through its cancel hook and must
 * still answer; that answer is dropped). MOAT_COMMAND_WORKER runs the
 * handler on the app's worker pool (moat_app_set_workers threads; calls wait
 * in order while all are busy), so it stalls nothing but a worker; such a
 * handler may use its call and the functions marked "any thread", and
 * moat_app_free waits for it to return.
 */
int moat_app_command_ex(moat_app *app, const char *name, moat_command_fn fn, void *ud,
                        const moat_command_opts *opts);
/* Threads of the worker pool: 1..64, 4 by default; before its first call. */
int moat_app_set_workers(moat_app *app, unsigned n);
/*
 * Logs one line through the output function, naming the command, the request
 * and the label, for every call still unanswered ms after it was dispatched;
 * 0 (the default) logs nothing. Applies to calls dispatched afterwards.
 */
void moat_app_set_slow_call_warning(moat_app *app, uint32_t ms);

/*
 * Cancellation. When a call ends before its handler answered (the renderer
 * aborted it: "cancelled"; its timeout passed: "timeout"; the renderer
 * ended: "renderer_gone"), the renderer has been answered (unless gone) and
 * fn runs, on the run thread, or at once if that already happened. The
 * handler still owns call and must still answer it, which frees it.
 * The hook and the answer never overlap in time after the answer: from any
 * thread, once moat_call_resolve* or moat_call_reject has returned, fn is
 * not running and will not run, so the handler may free what fn uses. (An
 * answer racing a cancel waits for a running fn to return; fn itself may
 * answer.)
 */
typedef void (*moat_cancel_fn)(moat_call *call, const char *code, void *ud);
void moat_call_on_cancel(moat_call *call, moat_cancel_fn fn, void *ud);
/* True once the call has been answered or ended (its answer would be dropped). */
bool moat_call_cancelled(moat_call *call);

/*
 * Channels: a stream of messages from a command to the renderer, in order
 * (Tauri's Channel: the renderer passes one as an argument, which arrives as
 * the string "__CHANNEL__:<id>"). moat_call_channel finds it in the call's
 * args map under key; the channel may outlive the call. moat_channel_send
 * waits while more than 4 MiB are queued for the renderer (backpressure),
 * and fails once the renderer is gone or stops reading for 30 s, and for a
 * message over the renderer's frame limit (nothing is sent then).
 * moat_channel_close sends the end and frees the channel. One thread at a
 * time per channel; any thread.
 */
typedef struct moat_channel moat_channel;
moat_channel *moat_call_channel(moat_call *call, const char *key);
int moat_channel_send(moat_channel *ch, const void *msgpack, size_t len);
void moat_channel_close(moat_channel *ch);

/* Calls created and not yet freed, process-wide (for leak checks in tests). */
size_t moat_live_calls(void);

/* ---- events ------------------------------------------------------------- */

/*
 * Sends an event to every renderer with that label (label glob-free), or to
 * all renderers when label is NULL; each gets it if it listens for it. A
 * renderer that does not listen for it yet gets it if it listens while it
 * loads or within 5 s after (early events, up to MOAT_LIMIT_EARLY_EVENTS).
 * payload is one msgpack value, copied; NULL means nil. Any thread.
 * -1, with moat_errmsg() and nothing sent, if label names no renderer that
 * is running (spawned and not ended), or if the event is over the frame
 * limit (MOAT_LIMIT_FRAME_BYTES).
 */
int moat_app_emit(moat_app *app, const char *label, const char *event, const void *payload,
                  size_t len);

/*
 * Receives events that renderers emit (moat.emit, Tauri's emit, or emitTo
 * with an App target). payload is borrowed for the call.
 */
typedef void (*moat_event_fn)(void *ud, const char *label, const char *event,
                              const msgpack_object *payload);
/* Returns a listener id (> 0) for moat_app_unlisten, or -1. */
int64_t moat_app_listen(moat_app *app, const char *event, moat_event_fn fn, void *ud);
int moat_app_unlisten(moat_app *app, int64_t id);

/* ---- renderers ---------------------------------------------------------- */

/*
 * Starts a renderer for the bundle in dir (a folder with moat.json) under
 * label. The handle belongs to the app and stays valid until moat_app_free.
 */
moat_renderer *moat_app_spawn(moat_app *app, const char *dir, const char *label);

/* Why a renderer ended. */
typedef struct moat_exit {
    int code;   /* exit code, or -1 if killed by a signal */
    int signal; /* the signal that killed it, or 0 */
    const char
        *reason; /* one line: "exited with code 0", "forbidden system call socket(2, 1, 0)" */
} moat_exit;

/*
 * Called on the run thread when a renderer has ended; info is borrowed for
 * the call. The other renderers get the event "moat://renderer-exited"
 * {label, pid, code, signal, reason} if they listen for it. The hook may
 * spawn a replacement.
 */
typedef void (*moat_exit_fn)(void *ud, moat_renderer *r, const moat_exit *info);
void moat_app_on_exit(moat_app *app, moat_exit_fn fn, void *ud);

/*
 * Adds a hook called on the run thread the moment any renderer has ended,
 * before the moat_app_on_exit hook: where a plugin closes what that renderer
 * held (files, watches, children). Hooks run in the order added; add them
 * before moat_app_run or from the run thread. Returns 0, or -1 (no memory).
 */
int moat_app_on_renderer_end(moat_app *app, moat_exit_fn fn, void *ud);

/*
 * A plugin's state for app, under a key of its own ("store"): set once (a
 * second set of the same key fails), found from any thread. moat_app_free
 * calls free_fn(data) (if not NULL) after the last handler has returned and
 * before the renderers are freed, newest first: the place to write what is
 * pending and close what the plugin holds. The key is copied; data is the
 * caller's until free_fn takes it.
 */
int moat_app_set_data(moat_app *app, const char *key, void *data, void (*free_fn)(void *data));
void *moat_app_data(moat_app *app, const char *key);

/* The renderer's label (moat_app_spawn's). Borrowed from r. */
const char *moat_renderer_label(const moat_renderer *r);
/* Event listeners the renderer has registered with the core (run thread). */
size_t moat_renderer_listener_count(const moat_renderer *r);
/* Bytes waiting in the core to be sent to the renderer (any thread; for diagnostics). */
size_t moat_renderer_queued_bytes(moat_renderer *r);
pid_t moat_renderer_pid(const moat_renderer *r);
/* True once the renderer has ended; then *info (if given) says why. */
bool moat_renderer_exited(const moat_renderer *r, moat_exit *info);
/* Ends the renderer (SIGKILL) with reason logged. Any thread. */
int moat_renderer_kill(moat_renderer *r, const char *reason);

/* ---- sandbox options ---------------------------------------------------- */

/*
 * How renderers spawned afterwards are confined (see sandbox/README.md). The
 * layers themselves (namespaces, an empty read-only root, Landlock, rlimits,
 * no capabilities, seccomp) are always attempted; these options tune them.
 */
typedef struct moat_sandbox_opts {
    /*
     * Let the JavaScript engine compile to machine code (writable, then
     * executable memory). Off by default, as in Edge's enhanced security
     * mode and Apple's Lockdown Mode: without it the renderer interprets,
     * and no memory it writes can ever be executed.
     */
    bool jit;
    /* Data memory per renderer in bytes; 0 means the default, 2 GiB; UINT64_MAX none. */
    uint64_t memory_bytes;
    /*
     * CPU seconds per renderer, all threads together; 0 means no limit. It
     * also bounds one JavaScript turn to three quarters of it (by default a
     * turn may run 10 s of CPU before the watchdog stops the script).
     */
    uint64_t cpu_seconds;
    /* Refuse to start a renderer when a layer is unavailable, instead of logging a warning. */
    bool strict;
} moat_sandbox_opts;

/* Fills opts with the defaults: no JIT, 2 GiB, no CPU limit, not strict. */
void moat_sandbox_opts_default(moat_sandbox_opts *opts);

/*
 * Sets the options for renderers spawned afterwards; opts is copied. NULL
 * restores the defaults and releases the copy.
 */
int moat_app_set_sandbox(moat_app *app, const moat_sandbox_opts *opts);

/* ---- end of sandbox options ------------------------------------------------ */

/* ---- running ------------------------------------------------------------ */

/*
 * Serves renderers until all have ended or moat_app_stop() is called. Returns
 * 0 then, whatever the renderers' exit codes (moat_app_on_exit and
 * moat_renderer_exited tell those), or -1 with moat_errmsg() if serving
 * failed (out of memory, poll).
 */
int moat_app_run(moat_app *app);
/* Makes moat_app_run return soon. Any thread; async-signal-safe. */
void moat_app_stop(moat_app *app);

/* ---- plugins and manifests (the plugins layer, plugins/moat_plugins.h) --- */

/*
 * Declares a plugin's permissions from its manifest: JSON text (starting
 * with '{') or the path of a JSON file, in the shape of Tauri's permission
 * files: {"plugin": "myplugin", "commands": ["save", ...], "permission":
 * [{"identifier", "description", "commands": {"allow", "deny"}, "scope":
 * {"allow", "deny"}}], "set": [{"identifier", "description", "permissions"}],
 * "default": {"description", "permissions"}, "scope_schema": {...},
 * "arguments": {"save": {JSON Schema of its arguments}}, "returns": {"save":
 * {JSON Schema of its result}}}. Each
 * command gets myplugin:allow-save and myplugin:deny-save; names in sets
 * without a ':' are the plugin's own. Commands may be registered with
 * moat_app_command before or after; a declared command the policy allows but
 * nothing registered answers unknown_command. Declare before loading a policy.
 * A command's "arguments" schema is checked as moat_command_opts.args_schema
 * is (which, when given, takes its place), whichever comes first.
 * Returns 0, or -1 with moat_errmsg() naming the manifest and what is wrong.
 */
int moat_app_manifest(moat_app *app, const char *json_or_path);

/* The app's name, as given to moat_app_new. Borrowed from app. */
const char *moat_app_name(const moat_app *app);

/* The absolute folder of the bundle the calling renderer runs. Borrowed from call. */
const char *moat_call_bundle_dir(const moat_call *call);

/* ---- end of plugins and manifests ---------------------------------------- */

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
