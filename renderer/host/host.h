// SPDX-License-Identifier: MIT
/*
 * host.h: the JS host's state (one per process) shared by its files.
 */
#ifndef MOAT_HOST_H
#define MOAT_HOST_H

#include "moat_renderer.h"

#include <JavaScriptCore/JavaScript.h>
#include <stdbool.h>
#include <stdint.h>

struct host {
    JSGlobalContextRef ctx;
    JSObjectRef hooks; /* protected: the object prelude.js returns */
    moat_client *client;
    uint64_t inflight;  /* invokes sent and not yet answered */
    uint64_t keepalive; /* the bundle's event listeners and open channels: while any, it runs */
    size_t ntimers;     /* live timers (timers.c) */
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
/* setTimeout, setInterval, clearTimeout/clearInterval, as natives (timers.c). */
JSValueRef host_js_set_timeout(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                               const JSValueRef argv[], JSValueRef *exc);
JSValueRef host_js_set_interval(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                                const JSValueRef argv[], JSValueRef *exc);
JSValueRef host_js_clear_timer(JSContextRef ctx, JSObjectRef fn, JSObjectRef self, size_t argc,
                               const JSValueRef argv[], JSValueRef *exc);
/* Adds native.web, which installs the Web globals (web_natives.c, web.js). */
void host_web_install(JSContextRef ctx, JSObjectRef native);
/* Milliseconds until the next timer is due (0 if one is due), or -1 if none. */
int host_timer_wait_ms(void);
/* Fires the timers due now that were scheduled before this call, each once. */
void host_timer_fire_due(void);

#endif
