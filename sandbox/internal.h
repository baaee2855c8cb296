// SPDX-License-Identifier: MIT
/*
 * internal.h: what filter.c shares with spawn.c and notify.c (not public).
 */
#ifndef MOAT_SANDBOX_INTERNAL_H
#define MOAT_SANDBOX_INTERNAL_H

#include <limits.h>
#include <linux/filter.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "sandbox.h"

/* Where in a program the tgkill rule compares against the process's own pid. */
#define SBX_MAX_PATCHES 16

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

/* ---- paths (elfdeps.c) ---------------------------------------------------- */

/* A list of unique strings. */
struct sbx_paths {
    char **v;
    size_t n, cap;
};
/* 1 if added, 0 if already there, -1 out of memory. */
int sbx_paths_add(struct sbx_paths *p, const char *path);
void sbx_paths_free(struct sbx_paths *p);

/*
 * Adds exe and every file the dynamic loader opens to start it (interpreter,
 * libraries, /etc/ld.so.cache) to out, resolving names as ld.so would in
 * this process's environment ($LD_LIBRARY_PATH). Returns 0, or -1 with one
 * line in err naming what cannot be found and, when ld.so.conf lists where
 * it is, that the cache is stale.
 */
int sbx_elf_deps(const char *exe, struct sbx_paths *out, char *err, size_t errlen);

/* What the loader's search depends on besides the files (tests give their own). */
struct sbx_ld_env {
    const char *library_path; /* $LD_LIBRARY_PATH, or NULL */
    const char *cache;        /* /etc/ld.so.cache */
    const char *conf;         /* /etc/ld.so.conf: read only to explain a failure */
    const char *platform;     /* $PLATFORM: AT_PLATFORM */
};
int sbx_elf_deps_env(const struct sbx_ld_env *env, const char *exe, struct sbx_paths *out,
                     char *err, size_t errlen);

/* ---- Landlock (landlock.c) ------------------------------------------------ */

/* The kernel's Landlock ABI version, 0 when absent; *why says why when 0. */
int sbx_landlock_abi(const char **why);

/*
 * A ruleset for the ABI: read (and execute) access to the files in exec_files,
 * read access to read_dir, nothing else; no TCP (ABI 4); abstract sockets and
 * signals scoped (ABI 6). Returns its fd (close-on-exec), or -1 with err.
 */
int sbx_landlock_ruleset(int abi, const struct sbx_paths *exec_files, const char *read_dir,
                         char *err, size_t errlen);

/* ---- the jail (jail.c) ---------------------------------------------------- */

struct sbx_bind {
    char *path; /* absolute; the same inside and outside */
    int is_dir;
    int is_dev; /* a device node: its mount keeps device access */
    int tree;   /* the child's detached copy (open_tree), only in the child */
};

#define SBX_MAX_RLIMITS 8

struct sbx_jail {
    unsigned long clone_flags; /* CLONE_NEW* for the child; 0: none */
    int userns;                /* clone_flags has CLONE_NEWUSER: maps to write */
    char uid_map[48], gid_map[48];
    int root; /* build the empty root (needs CLONE_NEWNS) */
    struct sbx_bind *binds;
    size_t nbinds;
    char **dirs; /* relative to the new root, parents first */
    size_t ndirs;
    struct {
        int resource;
        struct rlimit lim;
    } rlim[SBX_MAX_RLIMITS];
    size_t nrlim;
    int has_caps;             /* the child holds capabilities to drop (root, or a user namespace) */
    char pids_base[PATH_MAX]; /* where each child's pids cgroup is made (root); "" for none */
    int ruleset_fd;           /* Landlock, or -1 */
    int strict;
    unsigned active;                   /* 1 << sbx_layer */
    char detail[SBX_LAYER_COUNT][200]; /* what a layer covers, or why it is off */
};

/*
 * In the forked child only (raw system calls; each returns 0 or -1 with
 * errno, *what naming the object that failed where useful).
 */
int sbx_child_userns(const struct sbx_jail *j);
int sbx_child_root(struct sbx_jail *j, const char **what);
int sbx_child_rlimits(const struct sbx_jail *j);
int sbx_child_caps(const struct sbx_jail *j, const char **what);
int sbx_child_landlock(const struct sbx_jail *j, int ruleset_fd);

/* pids.c: per-child pids cgroups, where RLIMIT_NPROC does not bind (root). */
#define SBX_NPROC_MAX 256
bool sbx_pids_base(char *base, size_t n);
/* Makes a cgroup under base (its path into dir) and opens its cgroup.procs; fd or -1. */
int sbx_pids_open(const char *base, unsigned max, char *dir, size_t n);

/* The namespaces (and so the root) could not be created: the jail goes on without them. */
void sbx_jail_drop_namespaces(struct sbx_jail *j, const char *why);

/* Leaves layer l out with a reason (printf-style), in the parent. */
void sbx_jail_off(struct sbx_jail *j, enum sbx_layer l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * In the forked child only (async-signal-safe, no allocation): writes pid into
 * the program's tgkill checks and installs it. The child writes into its own
 * copy-on-write copy of the parent's filter, so this must never run in a
 * vfork()ed child. Returns the listener fd (with_listener), 0, or -1 with errno.
 */
int sbx_prog_install(struct sbx_prog *p, pid_t pid, int with_listener);

#endif
