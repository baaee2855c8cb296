/*
 * internal.h: what filter.c shares with spawn.c and notify.c (not public).
 */
#ifndef MOAT_SANDBOX_INTERNAL_H
#define MOAT_SANDBOX_INTERNAL_H

#include <linux/filter.h>
#include <sys/types.h>

#include "sandbox.h"

/* Where in a program the tgkill rule compares against the process's own pid. */
#define SBX_MAX_PATCHES 8

/* One exported BPF program. fprog.filter is malloc'd; fprog.len is 0 when absent. */
struct sbx_prog {
    struct sock_fprog fprog;
    unsigned short tgid_at[SBX_MAX_PATCHES]; /* instructions whose k is the pid */
    unsigned n_tgid;
};

struct sbx_filter {
    struct sbx_prog notify; /* default action USER_NOTIF; len 0 if the kernel lacks it */
    struct sbx_prog kill;   /* default action KILL_PROCESS */
};

/*
 * In the forked child only (async-signal-safe, no allocation): writes pid into
 * the program's tgkill checks and installs it. The child writes into its own
 * copy-on-write copy of the parent's filter, so this must never run in a
 * vfork()ed child. Returns the listener fd (with_listener), 0, or -1 with errno.
 */
int sbx_prog_install(struct sbx_prog *p, pid_t pid, int with_listener);

#endif
