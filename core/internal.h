// SPDX-License-Identifier: MIT
/*
 * internal.h: the core's internals (prefix core_), shared by the core sources.
 *
 * Objects: the app (one per embedder), renderers (handles: spawned,
 * supervised, ended; refcounted because answers may come from any thread
 * after a renderer is gone) and calls (requests: each answered exactly once).
 */
#ifndef MOAT_CORE_INTERNAL_H
#define MOAT_CORE_INTERNAL_H

#include "moat.h"

#include "ipc.h"
#include "policy.h"
#include "sandbox.h"

#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdatomic.h>

/* ---- errors (thread-local, see moat_errmsg) ----------------------------- */
int core_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Every error of errs, one per line, as moat_app_load_policies documents. Returns -1. */
int core_fail_policy(const struct pol_errors *errs);

/* ---- a string-keyed hash table ------------------------------------------ */
struct core_table {
    struct core_slot *slots;
    size_t cap, count;
};
struct core_slot {
    char *key; /* owned; NULL = empty */
    void *value;
};
void *core_table_get(const struct core_table *t, const char *key);
/* Inserts or replaces; copies key. Returns 0 or -1 (out of memory). */
int core_table_put(struct core_table *t, const char *key, void *value);
/* Removes key and frees its copy (not the value). */
void core_table_remove(struct core_table *t, const char *key);
void core_table_free(struct core_table *t, void (*free_value)(void *));
/* A keyed hash (SipHash-2-4, key random per process) of len bytes. */
uint64_t core_hash(const void *data, size_t len);
/* SipHash-2-4 under key (little-endian words), for tests against the paper's vectors. */
uint64_t core_hash_keyed(const uint64_t key[2], const void *data, size_t len);

/* ---- a map from request ids (or other renderer-chosen ids) to pointers --- */
enum { CORE_ID_EMPTY, CORE_ID_USED, CORE_ID_REMOVED };
struct core_idslot {
    uint64_t id; /* any value, 2^64-1 too (PROTOCOL.md) */
    void *value;
    unsigned char state;
};
struct core_idmap {
    struct core_idslot *slots;
    size_t cap, used, count;
};
/* Returns 1 if added, 0 if the id is present already, -1 out of memory. */
int core_idmap_add(struct core_idmap *m, uint64_t id, void *value);
bool core_idmap_get(const struct core_idmap *m, uint64_t id, void **value);
bool core_idmap_set(struct core_idmap *m, uint64_t id, void *value);
bool core_idmap_remove(struct core_idmap *m, uint64_t id, void **value);
void core_idmap_each(struct core_idmap *m, void (*fn)(uint64_t id, void *value, void *ud),
                     void *ud);
void core_idmap_free(struct core_idmap *m);

/* ---- commands and listeners --------------------------------------------- */
struct core_command {
    char *name;
    moat_command_fn fn;
    void *ud;
    uint32_t timeout_ms; /* 0: none */
    uint32_t flags;      /* MOAT_COMMAND_* */
    /* Checked before fn runs (argschema.h), or NULL. */
    struct core_argschema *args;
};

/* The worker pool (pool.c): handlers registered with MOAT_COMMAND_WORKER. */
#define CORE_POOL_DEFAULT 4
#define CORE_POOL_MAX 64
struct core_pool {
    pthread_mutex_t mtx;
    pthread_cond_t cv;
    struct core_job *head, **tail;
    pthread_t *threads;
    unsigned size, started;
    bool stop;
};
void core_pool_init(struct core_pool *p);
/* Runs cmd's handler with c on a worker (on this thread if none can start). */
void core_pool_run(moat_app *app, moat_call *c, const struct core_command *cmd);
/* Runs what is queued, then ends the threads. */
void core_pool_free(struct core_pool *p);

struct core_listener {
    int64_t id;
    char *event;
    moat_event_fn fn;
    void *ud;
    struct core_listener *next;
};

/* ---- renderers ----------------------------------------------------------- */
enum core_rstate { RS_STARTING, RS_READY, RS_EXITING, RS_EXITED };

/* A FIFO of nng messages, with their bytes and what they cost the budget. */
struct core_msgq {
    nng_msg **v;
    size_t head, count, cap, bytes, cost;
};

struct core_linebuf {
    char *data;
    size_t len, cap;
};

struct moat_renderer {
    atomic_int refs;
    moat_app *app; /* valid while state != RS_EXITED */
    char *label;
    char *dir;        /* bundle directory */
    const char *kind; /* "js", "native" or "webview" (moat_call_renderer_kind) */
    enum core_rstate state;
    int64_t started_ms; /* moat_app_spawn began */
    int64_t exec_ms;    /* its process exists (the handshake's deadline counts from here) */
    int64_t exiting_ms;
    int64_t disconnected_ms; /* when the run loop saw the connection gone, or 0 */

    /* The process. pid is published to nng's pipe callback under mtx. */
    nng_mtx *mtx;
    nng_cv *cv;
    pid_t pid;
    bool spawned; /* spawn finished (pid valid or spawn failed) */
    struct sbx_child child;
    int out_fd, err_fd; /* read ends of the child's stdout/stderr */
    struct core_linebuf out_line, err_line;

    /* The connection. */
    nng_socket sock;
    bool connected, disconnected;       /* under mtx */
    unsigned refused, refused_logged;   /* connections refused (other pids), under mtx */
    unsigned redialed, redialed_logged; /* the renderer's own, once connected; under mtx */
    int refused_pid;
    int pipe_id; /* the admitted connection's nng pipe, under mtx */
    /*
     * One receive is always posted (recv_cb posts the next), and what it
     * brings waits in the inbox for the run thread: see recv_cb for why the
     * core never receives any other way.
     */
    nng_aio *recv_aio;
    struct core_msgq inbox; /* under mtx */
    nng_msg *cur;           /* run thread: the message being served, frame by frame */
    size_t cur_off;         /* where its next frame starts */
    size_t cur_cost;        /* what it holds of the budget */
    atomic_size_t held;     /* bytes of the memory budget in use: core_hold */
    size_t memory_limit;    /* the budget: the app's MOAT_LIMIT_MEMORY_BYTES at spawn */
    /* Frames to it: written to the down link (renderer.c, "sending"). Under mtx. */
    int down_fd;          /* the core's end, non-blocking; -1 once gone */
    struct core_msgq out; /* messages waiting to be written */
    size_t out_off;       /* bytes of the first one written already (its length prefix counts) */
    bool out_blocked;     /* the link is full: the run loop waits for POLLOUT */
    bool welcomed, closed;
    nng_cv *drained; /* signalled as the queue shrinks (channel backpressure) */

    /* Calls in flight: request id -> moat_call (NULL while answered inline). Under mtx. */
    struct core_idmap inflight;

    /* Event listeners the renderer registered: id -> event name; name -> count. Run thread. */
    struct core_idmap listener_ids;
    struct core_table listener_names;
    uint64_t next_listener;
    bool loaded;              /* the bundle's top level has run (moat:ready) */
    struct core_early *early; /* events it does not listen for yet, oldest first */
    struct core_early **early_tail;
    size_t nearly, early_dropped;
    int64_t early_until; /* once loaded: early events are kept until then */
    double event_tokens; /* the event-rate bucket */
    int64_t event_refill_ms;

    /*
     * Large binaries (ipc.h, "bulk transfer"): the region shared with the
     * process. Frames to it carry references once it has said it mapped the
     * region (moat:bulk); bulk_lock keeps frames naming the down ring queued
     * in the order their bytes were reserved.
     */
    struct ipc_bulk bulk;
    int bulk_fd;         /* until the process has it */
    atomic_bool bulk_on; /* moat:bulk seen */
    pthread_mutex_t bulk_lock;
    struct ipc_limits
        lim; /* its frames' limits, both ways: the app's at spawn; lim.bulk once bulk_on */

    struct pol_view *view;
    char *kill_reason; /* first reason the core gave for ending it, under mtx */
    moat_exit exit;
    char exit_reason[320];
    struct moat_renderer *next; /* the app's list */
};

void core_renderer_ref(moat_renderer *r);
void core_renderer_unref(moat_renderer *r);
/* Opens r's socket and listens on url (before the process starts). */
int core_renderer_listen(moat_renderer *r, const char *url);
/*
 * The memory budget (MOAT_LIMIT_MEMORY_BYTES): every byte the core holds for
 * a renderer is charged to it. core_hold charges n and returns true, or
 * charges nothing and returns false when n would pass the budget;
 * core_hold_anyway charges n whatever (memory that exists already) and
 * returns false when the renderer is now over. core_release gives n back.
 * Any thread.
 */
bool core_hold(moat_renderer *r, size_t n);
/*
 * core_hold for what stays until the renderer lets it go (listeners, early
 * events): up to 3/4 of the budget, so that answers to a renderer that kept
 * all it may still fit, and it hears limit_exceeded instead of being ended.
 */
bool core_hold_kept(moat_renderer *r, size_t n);
bool core_hold_anyway(moat_renderer *r, size_t n);
void core_release(moat_renderer *r, size_t n);
/* What an nng message costs the core: its bytes and nng's bookkeeping. */
size_t core_msg_cost(nng_msg *m);
/* Queues a frame for r; takes msg. Any thread. */
void core_renderer_send(moat_renderer *r, nng_msg *msg);
/*
 * Sending a value of len bytes: the ring to pack it with (ipc_pack_value_bulk),
 * with r->bulk_lock held until core_bulk_end, or NULL (pack inline, nothing
 * held). Pack and queue the frame in between. Any thread.
 */
struct ipc_ring *core_bulk_begin(moat_renderer *r, size_t len);
void core_bulk_end(moat_renderer *r, struct ipc_ring *tx);
/* Creates r's shared region (when the app allows bulk transfer); fills r->bulk_fd. */
int core_bulk_setup(moat_renderer *r);
/* The renderer mapped its region (moat:bulk). Run thread. */
void core_bulk_enable(moat_renderer *r);
/* The renderer has exited: its region goes, though answers for it may still come. Run thread. */
void core_bulk_close(moat_renderer *r);
/*
 * A received frame's bytes: the nng message, or, once its bulk references
 * are resolved, a malloc'd block (nng would zero a message before the copy).
 */
struct core_frame {
    nng_msg *msg;
    uint8_t *heap;
    size_t len;
    size_t cost; /* charged to the renderer's budget: whoever frees the frame releases it */
};
const uint8_t *core_frame_bytes(const struct core_frame *fr);
void core_frame_free(struct core_frame *fr);
/* Frees fr and gives its cost back to r's budget. */
void core_frame_drop(moat_renderer *r, struct core_frame *fr);
/* Replaces fr (decoded as f) by the same frame with its references resolved. -1: r was ended. */
int core_bulk_resolve(moat_renderer *r, struct core_frame *fr, const struct ipc_frame *f);
/* Ends r with reason (first reason wins). Any thread. */
void core_renderer_abort(moat_renderer *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Run-loop hooks: the CORE_RENDERER_NFDS fds to poll, and what to do when they fire. */
#define CORE_RENDERER_NFDS 5
struct pollfd;
size_t core_renderer_pollfds(moat_renderer *r, struct pollfd *fds);
void core_renderer_poll(moat_renderer *r, const struct pollfd *fds, size_t n);
/* Milliseconds until r has a deadline (handshake, exit grace), or -1. */
int core_renderer_timeout(moat_renderer *r, int64_t now);
void core_renderer_check_deadlines(moat_renderer *r, int64_t now);
/*
 * Handles r's input waiting in its inbox, at most one turn's worth (a bounded
 * number of frames and bytes, however they were batched). Returns true when
 * more waits. Run thread.
 */
bool core_renderer_serve(moat_renderer *r);

/* Events that wait for a loading renderer (moat:ready). */
struct core_early {
    char *name;
    uint8_t *payload;
    size_t len, cost; /* cost: charged to the renderer's memory budget */
    char *sender;     /* the emitting renderer's label, or NULL (the core) */
    struct core_early *next;
};

/* ---- calls --------------------------------------------------------------- */
/* Answers still owed by the core when r ends: handlers are told, nothing is sent. */
void core_calls_abandon(moat_renderer *r);
/* The CANCEL frame for id, or a timer for id with serial: answers and tells the handler. */
void core_call_cancel(moat_renderer *r, uint64_t id, uint64_t serial, const char *code);
/* Logs that call id (serial) of r is still unanswered, if it is. Run thread. */
void core_call_warn(moat_renderer *r, uint64_t id, uint64_t serial);

/* ---- timers (run thread) -------------------------------------------------- */
struct core_timer {
    int64_t due_ms;
    moat_renderer *r; /* a reference */
    uint64_t id, serial;
    bool warn; /* a slow-call warning, not a timeout */
};
struct core_timers {
    struct core_timer *heap;
    size_t count, cap;
};
int core_timers_add(struct core_timers *t, int64_t due_ms, moat_renderer *r, uint64_t id,
                    uint64_t serial, bool warn);
/* Milliseconds until the next timer (0 if due), or -1. */
int core_timers_wait(const struct core_timers *t, int64_t now);
void core_timers_fire(struct core_timers *t, int64_t now);
void core_timers_free(struct core_timers *t);

/* Whether a send on ch would go out without waiting: 1, 0 (the renderer's queue is full), -1
 * (gone). */
int core_channel_room(moat_channel *ch);

/* ---- events and listeners -------------------------------------------------- */
/* Delivers event (raw msgpack payload) to r if it listens, or keeps it a while (early events). */
/* sender: the label of the renderer that emitted it (the listener reads it), NULL: the core. */
void core_event_deliver(moat_renderer *r, const char *name, const void *payload, size_t len,
                        const char *sender);
/* r finished loading: sends what waited and has a listener now. */
void core_event_loaded(moat_renderer *r);
/* Early events are kept this long after loading, for listeners registered late. */
#define CORE_EARLY_KEEP_MS 5000
/* Drops the early events nobody listened for in time. Run thread. */
void core_event_expire(moat_renderer *r, int64_t now);
/* Drops r's listeners and queued events (it ended). */
void core_event_forget(moat_renderer *r);
int core_event_register(moat_app *app);
/* Delivers the emits other threads posted. Run thread. */
void core_outbox_flush(moat_app *app);

/* ---- the app ------------------------------------------------------------- */
struct core_sandbox; /* sandbox_opts.c */
/* A plugin's state, moat_app_set_data. */
struct core_data {
    char *key;
    void *data;
    void (*free_fn)(void *data);
    struct core_data *next;
};

/* A plugin's hook for a renderer's end, moat_app_on_renderer_end. */
struct core_end_hook {
    moat_exit_fn fn;
    void *ud;
    struct core_end_hook *next;
};

struct moat_app {
    char *name;
    char *renderer_path;
    int audit_fd;
    moat_output_fn output;
    void *output_ud;
    moat_level log_level; /* core_log writes nothing above it */
    moat_exit_fn on_exit;
    void *on_exit_ud;
    struct core_end_hook *end_hooks; /* oldest first */
    struct core_data *data;          /* newest first; under data_lock */
    pthread_mutex_t data_lock;

    struct core_table commands; /* name -> struct core_command */
    struct core_pool pool;
    uint32_t slow_call_ms; /* moat_app_set_slow_call_warning; 0: off */
    struct pol_catalog *catalog;
    struct pol_policy *policy;
    struct core_listener *listeners;
    int64_t next_listener;

    struct sbx_filter *filter;    /* built on first spawn */
    struct core_sandbox *sandbox; /* sandbox options (sandbox_opts.c); NULL: defaults */
    char *sock_dir;               /* private 0700 directory for sockets */
    unsigned next_sock;

    pthread_mutex_t lock; /* guards renderers (read by other threads in emit) */
    moat_renderer *renderers;
    int wake_fd; /* eventfd: wakes the run loop */
    atomic_bool stop;
    struct ipc_limits limits;
    struct core_limits {
        size_t inflight;     /* requests in flight per renderer */
        size_t queued_bytes; /* bytes waiting to be sent to one renderer */
        size_t memory;       /* bytes the core holds for one renderer, in all */
        double event_rate;   /* events per second a renderer may emit (burst: one second's worth) */
        size_t early_events; /* events held for a loading renderer */
        size_t bulk_ring;    /* bytes of each bulk ring; 0: no bulk transfer */
    } lim;
    struct core_timers timers;
    atomic_uint_fast64_t next_serial;
    atomic_bool running; /* moat_app_run is on run_thread */
    pthread_t run_thread;
    struct core_outbox *outbox; /* emits posted by other threads, under lock */
    struct core_outbox **outbox_tail;
    char **policy_paths; /* what moat_app_reload_policy reloads, owned */
    size_t n_policy_paths;
    atomic_bool reload_wanted; /* set by moat_app_reload_policy (any thread, signal handlers) */
    bool audit_all;            /* audit allowed calls too */
    bool learning;             /* learn mode: allow all, record */
    struct core_learned *learned;
    size_t nlearned;
};

/* Wakes the run loop (any thread). */
void core_app_wake(moat_app *app);
/* One line from a renderer (stream 1 or 2; 0: what it logged through the core), to the output hook.
 * Run thread. */
void core_output(moat_app *app, const char *label, int stream, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* One line of the core's about a renderer (label, may be ""): stream 0, unless above the level. */
void core_log(moat_app *app, moat_level level, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A request from a ready renderer (renderer.c hands it over, with its bytes). Run thread. */
void core_handle_request(moat_renderer *r, struct core_frame *fr, const struct ipc_frame *f);
/* The renderer a call came from, and a zone that lives as long as the call. */
moat_renderer *core_call_renderer(const moat_call *c);
msgpack_zone *core_call_zone(moat_call *c);
/* Sends the complete error response for request id to r. */
void core_send_error(moat_renderer *r, uint64_t id, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sends the result value (raw msgpack) for request id to r. */
void core_send_result(moat_renderer *r, uint64_t id, const void *value, size_t len);
/* Sends event name with payload (raw msgpack, NULL = nil) to r. */
int core_send_event(moat_renderer *r, const char *name, const void *payload, size_t len,
                    const char *sender);

/* Denials as JSON lines on the audit fd. */
/* One audit line (denials always; allowed calls when audit_all). args: the request's msgpack. */
void core_audit(moat_app *app, const char *label, const char *cmd, enum pol_decision d,
                const struct pol_reason *why, struct ipc_slice args);

/* Learn mode (learn.c): records a call, with the absolute path it touched (fs) or NULL. */
void core_learn(moat_app *app, const char *label, const char *command, const char *abs_path);
void core_learn_free(moat_app *app);
/* Applies a reload asked for by moat_app_reload_policy (run thread). */
void core_policy_reload_now(moat_app *app);

/* Built-in commands and event handlers. */
int core_builtins_register(moat_app *app);
/* Returns true if the request was plumbing (moat:flush, moat:ready) and has been answered. */
bool core_builtin_request(moat_renderer *r, uint64_t id, const char *name);

/* moat.json of a bundle. */
struct core_bundle {
    char *name;
    char *entry;              /* JS entry file, relative to the bundle */
    char *native;             /* absolute path of a native renderer, or NULL */
    bool webview;             /* "kind": "webview", or a folder with index.html (spawn_webview.c) */
    char *windows_json, *csp; /* webview: the "windows" array (JSON text), security.csp */
};
int core_spawn_webview(moat_renderer *r, const struct core_bundle *b, const char *url);
/* The down link's two ends (spawn.c): fds[0] the core's, fds[1] for the renderer's fd 6. */
int core_down_link(int fds[2]);
void core_webview_cleanup(moat_app *app); /* the webview renderers' private files */
int core_bundle_load(const char *dir, struct core_bundle *b);
void core_bundle_free(struct core_bundle *b);

int64_t core_now_ms(void);

#endif
