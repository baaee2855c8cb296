// SPDX-License-Identifier: MIT
/*
 * watchdog.h: the renderer's in-process part of the core's CPU watchdog.
 */
#ifndef MOAT_HOST_WATCHDOG_H
#define MOAT_HOST_WATCHDOG_H

#include <JavaScriptCore/JavaScript.h>

/* The exit code of a renderer whose script the watchdog stopped (as timeout(1) uses). */
#define HOST_WATCHDOG_EXIT 124

/*
 * Limits every turn of JavaScript on ctx's context group (one evaluation or
 * one callback from the event loop) to $MOAT_TURN_LIMIT_MS milliseconds of
 * the JS thread's CPU time, which the core sets (10 s by default, three
 * quarters of the CPU limit when there is one). A turn that runs longer is
 * stopped: the renderer prints why on stderr and exits with
 * HOST_WATCHDOG_EXIT. Without the variable (or 0) nothing is armed.
 * Call once, right after creating the global context and before any bundle
 * code runs. Returns 0, or -1 with a message printed.
 */
int host_watchdog_arm(JSGlobalContextRef ctx);

/*
 * A turn of the event loop begins (true) or ends (false) on the JS thread:
 * between the two, promise jobs included, the same limit holds.
 */
void host_watchdog_turn(bool begins);

#endif
