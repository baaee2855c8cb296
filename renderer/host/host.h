/*
 * host.h: the JS host's state (one per process) shared by its files.
 */
#ifndef MOAT_HOST_H
#define MOAT_HOST_H

#include "moat_renderer.h"

#include <JavaScriptCore/JavaScript.h>
#include <stdbool.h>
#include <stdint.h>

struct host_timer {
    double id;
    int64_t due_ms;      /* CLOCK_MONOTONIC milliseconds */
    int64_t interval_ms; /* > 0 repeats */
};

struct host {
    JSGlobalContextRef ctx;
    JSObjectRef hooks; /* protected: the object prelude.js returns */
    moat_client *client;
    uint64_t inflight;  /* invokes sent and not yet answered */
    uint64_t keepalive; /* the bundle's event listeners and open channels: while any, it runs */
    struct host_timer *timers;
    size_t ntimers, captimers;
};

extern struct host host;

/* Installs `native` and runs the prelude; 0 or -1 with a message printed. */
int host_install(void);

/* Prints "prefix" + exception (with stack) to stderr and exits 1. */
_Noreturn void host_die_js(const char *prefix, JSValueRef exc);
/* Flushes output, closes the connection and exits with code. */
_Noreturn void host_exit(int code);

/* Calls hooks[name](args…); a thrown exception is fatal. */
void host_call_hook(const char *name, size_t argc, const JSValueRef *argv);

int64_t host_now_ms(void);
int host_timer_start(double id, int64_t delay_ms, bool repeat);
void host_timer_stop(double id);
/* Milliseconds until the next timer is due (0 if one is due), or -1 if none. */
int host_timer_wait_ms(void);
/* Fires every due timer once. */
void host_timer_fire_due(void);

#endif
