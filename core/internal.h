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
void core_table_free(struct core_table *t, void (*free_value)(void *));

/* ---- a set of request ids ------------------------------------------------ */
struct core_idset {
    uint64_t *keys; /* 0 = empty, UINT64_MAX = removed; ids are stored + 1 */
    size_t cap, used, count;
};
/* Returns 1 if added, 0 if already present, -1 out of memory. */
int core_idset_add(struct core_idset *s, uint64_t id);
/* Returns 1 if removed, 0 if absent. */
int core_idset_remove(struct core_idset *s, uint64_t id);
void core_idset_free(struct core_idset *s);

/* ---- commands and listeners --------------------------------------------- */
struct core_command {
    char *name;
    moat_command_fn fn;
    void *ud;
};

struct core_listener {
    int64_t id;
    char *event;
    moat_event_fn fn;
    void *ud;
    struct core_listener *next;
};

/* ---- renderers ----------------------------------------------------------- */
enum core_rstate { RS_STARTING, RS_READY, RS_EXITING, RS_EXITED };

struct core_linebuf {
    char *data;
    size_t len, cap;
};

struct moat_renderer {
    atomic_int refs;
    moat_app *app; /* valid while state != RS_EXITED */
    char *label;
    char *dir; /* bundle directory */
    enum core_rstate state;
    int64_t started_ms;
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
    int recv_fd;
    bool connected, disconnected;     /* under mtx */
    unsigned refused, refused_logged; /* connections refused (other pids), under mtx */
    int refused_pid;
    nng_aio *send_aio;
    nng_msg **queue; /* outgoing frames waiting for send_aio, under mtx */
    size_t qhead, qcount, qcap, qbytes;
    bool welcomed, sending, closed; /* under mtx */
    struct core_idset inflight;     /* under mtx */

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
/* Queues a frame for r; takes msg. Any thread. */
void core_renderer_send(moat_renderer *r, nng_msg *msg);
/* Ends r with reason (first reason wins). Any thread. */
void core_renderer_abort(moat_renderer *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Run-loop hooks for renderer.c: the CORE_RENDERER_NFDS fds to poll, and what to do when they fire.
 */
#define CORE_RENDERER_NFDS 5
struct pollfd;
size_t core_renderer_pollfds(moat_renderer *r, struct pollfd *fds);
void core_renderer_poll(moat_renderer *r, const struct pollfd *fds, size_t n);
/* Milliseconds until r has a deadline (handshake, exit grace), or -1. */
int core_renderer_timeout(moat_renderer *r, int64_t now);
void core_renderer_check_deadlines(moat_renderer *r, int64_t now);

/* ---- the app ------------------------------------------------------------- */
struct moat_app {
    char *name;
    char *renderer_path;
    int audit_fd;
    moat_output_fn output;
    void *output_ud;
    moat_exit_fn on_exit;
    void *on_exit_ud;

    struct core_table commands; /* name -> struct core_command */
    struct pol_catalog *catalog;
    struct pol_policy *policy;
    struct core_listener *listeners;
    int64_t next_listener;

    struct sbx_filter *filter; /* built on first spawn */
    char *sock_dir;            /* private 0700 directory for sockets */
    unsigned next_sock;

    pthread_mutex_t lock; /* guards renderers (read by other threads in emit) */
    moat_renderer *renderers;
    int wake_fd; /* eventfd: wakes the run loop */
    atomic_bool stop;
    struct ipc_limits limits;
};

/* Wakes the run loop (any thread). */
void core_app_wake(moat_app *app);
/* One line from or about a renderer, to the output hook. Run thread. */
void core_output(moat_app *app, const char *label, int stream, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Frames from a ready renderer (renderer.c hands them over). Run thread. */
void core_handle_request(moat_renderer *r, nng_msg *msg, const struct ipc_frame *f);
void core_handle_event(moat_renderer *r, const struct ipc_frame *f);
/* Sends the complete error response for request id to r. */
void core_send_error(moat_renderer *r, uint64_t id, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sends the result value (raw msgpack) for request id to r. */
void core_send_result(moat_renderer *r, uint64_t id, const void *value, size_t len);
/* Sends event name with payload (raw msgpack, NULL = nil) to r. */
int core_send_event(moat_renderer *r, const char *name, const void *payload, size_t len);

/* Denials as JSON lines on the audit fd. */
void core_audit(moat_app *app, const char *label, const char *cmd, const struct pol_reason *why);

/* Built-in commands and event handlers. */
int core_builtins_register(moat_app *app);
/* Returns true if the request or event was plumbing and has been handled. */
bool core_builtin_request(moat_renderer *r, uint64_t id, const char *name);
bool core_builtin_event(moat_renderer *r, const struct ipc_frame *f);

/* moat.json of a bundle. */
struct core_bundle {
    char *name;
    char *entry;  /* JS entry file, relative to the bundle */
    char *native; /* absolute path of a native renderer, or NULL */
};
int core_bundle_load(const char *dir, struct core_bundle *b);
void core_bundle_free(struct core_bundle *b);

int64_t core_now_ms(void);

#endif
