// SPDX-License-Identifier: MIT
/*
 * lockdown.c: the second stage, which a renderer applies to itself once it
 * is connected and has read its bundle, before it runs untrusted code.
 *
 * It stacks on the launcher filter (the kernel runs both; the stricter
 * action wins) and takes away what a renderer only needed to start: running
 * programs and opening new connections. Only one filter in a chain may own a
 * user-notification listener and the launcher's does, so a call refused here
 * kills the process outright: the core sees SIGSYS without the call's name.
 */
#include "sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

/* What a connected renderer never needs again. */
static const int after_startup[] = {
    SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
    SCMP_SYS(bind),   SCMP_SYS(listen),   SCMP_SYS(accept), SCMP_SYS(accept4),
};

int sbx_lockdown_self(char *err, size_t errlen)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rv = ctx ? 0 : -ENOMEM;
    /* Every thread at once: JavaScriptCore and nng have started theirs by now. */
    if (rv == 0) rv = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    for (size_t i = 0; rv == 0 && i < sizeof after_startup / sizeof after_startup[0]; i++)
        rv = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, after_startup[i], 0);
    if (rv == 0) rv = seccomp_load(ctx);
    if (ctx) seccomp_release(ctx);
    if (rv != 0)
        snprintf(err, errlen, "cannot install the renderer's own filter: %s", strerror(-rv));
    return rv == 0 ? 0 : -1;
}
