// SPDX-License-Identifier: MIT
/*
 * jail.c: the layers around the launcher filter. The parent decides and
 * prepares every layer (sbx_jail_prepare: namespaces, the list of what the
 * new root holds, rlimit values, the Landlock ruleset); the forked child only
 * applies them with raw system calls (the sbx_child_* steps, run by spawn.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* JavaScriptCore reads its random numbers from here. */
#define URANDOM "/dev/urandom"

/* Where the child builds its root; its own mount namespace hides the host's /tmp. */
#define STAGING "/tmp"
#define NOFILE_MAX 256
/* Counts threads: JavaScriptCore and nng start a few dozen; forks are refused anyway. */
#define NPROC_MAX SBX_NPROC_MAX

static const char *const layer_names[SBX_LAYER_COUNT] = {
    [SBX_LAYER_NAMESPACES] = "namespaces", [SBX_LAYER_ROOT] = "root",
    [SBX_LAYER_LANDLOCK] = "landlock",     [SBX_LAYER_RLIMITS] = "rlimits",
    [SBX_LAYER_CAPS] = "capabilities",     [SBX_LAYER_SECCOMP] = "seccomp",
};

const char *sbx_layer_name(enum sbx_layer l)
{
    return l < SBX_LAYER_COUNT ? layer_names[l] : "?";
}

static void set_on(struct sbx_jail *j, enum sbx_layer l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_on(struct sbx_jail *j, enum sbx_layer l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->detail[l], sizeof j->detail[l], fmt, ap);
    va_end(ap);
    j->active |= 1u << l;
}

void sbx_jail_off(struct sbx_jail *j, enum sbx_layer l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->detail[l], sizeof j->detail[l], fmt, ap);
    va_end(ap);
    j->active &= ~(1u << l);
}

bool sbx_jail_layer(const struct sbx_jail *j, enum sbx_layer l, const char **detail)
{
    if (l >= SBX_LAYER_COUNT) return false;
    if (detail) *detail = j->detail[l];
    return j->active & (1u << l);
}

int sbx_jail_warnings(const struct sbx_jail *j, char *buf, size_t len)
{
    int n = 0;
    size_t used = 0;
    if (len) buf[0] = '\0';
    for (int l = 0; l < SBX_LAYER_COUNT; l++) {
        if (j->active & (1u << l)) continue;
        int w = snprintf(buf + used, len - used, "%ssandbox: %s unavailable: %s", n ? "\n" : "",
                         layer_names[l], j->detail[l]);
        if (w > 0 && used + (size_t)w < len) used += (size_t)w;
        n++;
    }
    return n;
}

void sbx_jail_free(struct sbx_jail *j)
{
    if (!j) return;
    for (size_t i = 0; i < j->nbinds; i++)
        free(j->binds[i].path);
    for (size_t i = 0; i < j->ndirs; i++)
        free(j->dirs[i]);
    free(j->binds);
    free(j->dirs);
    if (j->ruleset_fd >= 0) close(j->ruleset_fd);
    free(j);
}

/* ---- the parent: deciding and preparing ---------------------------------- */

static bool skipped(const struct sbx_jail_opts *o, enum sbx_layer l)
{
    return o->skip & (1u << l);
}

static void prepare_namespaces(struct sbx_jail *j, const struct sbx_jail_opts *o)
{
    if (skipped(o, SBX_LAYER_NAMESPACES)) {
        sbx_jail_off(j, SBX_LAYER_NAMESPACES, "left out by the caller");
        return;
    }
    j->clone_flags =
        CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP;
    /* Root may create the others directly; anyone else needs a user namespace first. */
    if (geteuid() != 0) {
        j->clone_flags |= CLONE_NEWUSER;
        j->userns = 1;
        snprintf(j->uid_map, sizeof j->uid_map, "%u %u 1\n", geteuid(), geteuid());
        snprintf(j->gid_map, sizeof j->gid_map, "%u %u 1\n", getegid(), getegid());
    }
    set_on(j, SBX_LAYER_NAMESPACES, "%spid, net, ipc, uts, mount, cgroup",
           j->userns ? "user, " : "");
}

static bool under(const char *path, const char *dir)
{
    size_t n = dir ? strlen(dir) : 0;
    return n && !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static int add_bind(struct sbx_jail *j, const char *path, int is_dir, int is_dev)
{
    struct sbx_bind *b = realloc(j->binds, (j->nbinds + 1) * sizeof *b);
    if (!b) return -1;
    j->binds = b;
    b += j->nbinds;
    *b = (struct sbx_bind){.path = strdup(path), .is_dir = is_dir, .is_dev = is_dev, .tree = -1};
    if (!b->path) return -1;
    j->nbinds++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every directory above each bind target (and "proc"), relative, parents first. */
static int collect_dirs(struct sbx_jail *j)
{
    struct sbx_paths d = {0};
    int rc = sbx_paths_add(&d, "proc") < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < j->nbinds; i++) {
        char rel[4096];
        snprintf(rel, sizeof rel, "%s", j->binds[i].path + 1);
        char *slash = j->binds[i].is_dir ? rel + strlen(rel) : strrchr(rel, '/');
        for (char *p = rel; rc == 0 && slash && p <= slash; p++) {
            if (*p != '/' && *p != '\0') continue;
            char c = *p;
            *p = '\0';
            if (*rel) rc = sbx_paths_add(&d, rel) < 0 ? -1 : 0;
            *p = c;
        }
    }
    qsort(d.v, d.n, sizeof *d.v, cmp_str); /* "a" sorts before "a/b" */
    j->dirs = d.v;
    j->ndirs = d.n;
    return rc;
}

static int prepare_root(struct sbx_jail *j, const struct sbx_jail_opts *o,
                        const struct sbx_paths *files, char *err, size_t errlen)
{
    int rc = o->bundle ? add_bind(j, o->bundle, 1, 0) : 0;
    for (size_t i = 0; rc == 0 && i < files->n; i++)
        if (!under(files->v[i], o->bundle))
            rc = add_bind(j, files->v[i], 0, !strcmp(files->v[i], URANDOM));
    if (rc == 0 && o->socket && !under(o->socket, o->bundle)) rc = add_bind(j, o->socket, 0, 0);
    if (rc == 0) rc = collect_dirs(j);
    if (rc < 0) snprintf(err, errlen, "out of memory");
    return rc;
}

static void add_rlimit(struct sbx_jail *j, int resource, rlim_t value)
{
    struct rlimit cur;
    if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && cur.rlim_max < value)
        value = cur.rlim_max; /* never above the hard limit the core itself has */
    j->rlim[j->nrlim].resource = resource;
    j->rlim[j->nrlim].lim = (struct rlimit){value, value};
    j->nrlim++;
}

static void prepare_rlimits(struct sbx_jail *j, const struct sbx_jail_opts *o)
{
    if (skipped(o, SBX_LAYER_RLIMITS)) {
        sbx_jail_off(j, SBX_LAYER_RLIMITS, "left out by the caller");
        return;
    }
    char mem[48] = "no memory limit", cpu[48] = "no CPU limit";
    add_rlimit(j, RLIMIT_NOFILE, NOFILE_MAX);
    add_rlimit(j, RLIMIT_FSIZE, 0);
    add_rlimit(j, RLIMIT_CORE, 0);
    add_rlimit(j, RLIMIT_MSGQUEUE, 0);
    /*
     * Root's processes are not counted, and without a user namespace the
     * count is the user's: root's renderers get a pids cgroup each instead.
     */
    if (j->userns) add_rlimit(j, RLIMIT_NPROC, NPROC_MAX);
    const char *procs =
        j->userns ? "256 threads"
        : geteuid() == 0 && sbx_pids_base(j->pids_base, sizeof j->pids_base)
            ? "256 threads (a pids cgroup each)"
            : "processes unbounded (root without a pids cgroup, or no user namespace)";
    if (o->memory_bytes) {
        add_rlimit(j, RLIMIT_DATA, o->memory_bytes);
        snprintf(mem, sizeof mem, "data %llu MiB", (unsigned long long)(o->memory_bytes >> 20));
    }
    if (o->cpu_seconds) {
        add_rlimit(j, RLIMIT_CPU, o->cpu_seconds);
        snprintf(cpu, sizeof cpu, "CPU %llu s", (unsigned long long)o->cpu_seconds);
    }
    set_on(j, SBX_LAYER_RLIMITS, "%s, %s, %d files, %s, file size 0, core 0", mem, cpu, NOFILE_MAX,
           procs);
}

static void prepare_caps(struct sbx_jail *j, const struct sbx_jail_opts *o)
{
    j->has_caps = geteuid() == 0 || j->userns;
    if (skipped(o, SBX_LAYER_CAPS))
        sbx_jail_off(j, SBX_LAYER_CAPS, "left out by the caller");
    else if (j->has_caps)
        set_on(j, SBX_LAYER_CAPS, "all dropped, bounding set cleared, securebits locked");
    else
        set_on(j, SBX_LAYER_CAPS, "none held (not root); bounding set kept: no CAP_SETPCAP");
}

static void prepare_landlock(struct sbx_jail *j, const struct sbx_jail_opts *o,
                             const struct sbx_paths *files)
{
    const char *why = NULL;
    char err[256];
    int abi = skipped(o, SBX_LAYER_LANDLOCK) ? 0 : sbx_landlock_abi(&why);
    if (skipped(o, SBX_LAYER_LANDLOCK)) {
        sbx_jail_off(j, SBX_LAYER_LANDLOCK, "left out by the caller");
    } else if (abi == 0) {
        sbx_jail_off(j, SBX_LAYER_LANDLOCK, "%s", why);
    } else if ((j->ruleset_fd = sbx_landlock_ruleset(abi, files, o->bundle, err, sizeof err)) < 0) {
        sbx_jail_off(j, SBX_LAYER_LANDLOCK, "%s", err);
    } else {
        set_on(j, SBX_LAYER_LANDLOCK, "ABI %d: files read-only to the bundle and program%s%s", abi,
               abi >= 4 ? ", no TCP" : ", TCP not covered (needs ABI 4)",
               abi >= 6 ? ", abstract sockets and signals scoped" : ", no scoping (needs ABI 6)");
    }
}

static int check_strict(const struct sbx_jail *j, char *err, size_t errlen)
{
    for (int l = 0; l < SBX_LAYER_COUNT; l++)
        if (!(j->active & (1u << l))) {
            snprintf(err, errlen, "strict sandbox: %s unavailable: %s", layer_names[l],
                     j->detail[l]);
            return -1;
        }
    return 0;
}

int sbx_jail_prepare(const struct sbx_jail_opts *o, struct sbx_jail **out, char *err, size_t errlen)
{
    struct sbx_jail *j = calloc(1, sizeof *j);
    struct sbx_paths files = {0};
    char why[1024];
    if (!j) return snprintf(err, errlen, "out of memory"), -1;
    j->ruleset_fd = -1;
    j->strict = o->strict;
    set_on(j, SBX_LAYER_SECCOMP,
           "launcher filter; violations named through user notification; "
           "i386 and x32 calls killed");
    prepare_namespaces(j, o);
    int deps = sbx_elf_deps(o->exe, &files, why, sizeof why);
    if (deps == 0 && access(URANDOM, R_OK) == 0 && sbx_paths_add(&files, URANDOM) < 0) deps = -1;
    /* Without that list the empty root and Landlock could not hold the program: refused,
     * never started with those layers quietly dropped (it would fail inside anyway). */
    if (deps < 0 && !(skipped(o, SBX_LAYER_ROOT) && skipped(o, SBX_LAYER_LANDLOCK))) {
        snprintf(err, errlen, "cannot sandbox %s: %s", o->exe, why);
        sbx_paths_free(&files);
        sbx_jail_free(j);
        return -1;
    }
    int rc = 0;
    if (skipped(o, SBX_LAYER_ROOT)) {
        sbx_jail_off(j, SBX_LAYER_ROOT, "left out by the caller");
    } else if (!(j->active & (1u << SBX_LAYER_NAMESPACES))) {
        sbx_jail_off(j, SBX_LAYER_ROOT, "needs a mount namespace");
    } else if (deps < 0) {
        sbx_jail_off(j, SBX_LAYER_ROOT, "cannot list what the program loads: %s", why);
    } else if ((rc = prepare_root(j, o, &files, err, errlen)) == 0) {
        j->root = 1;
        set_on(j, SBX_LAYER_ROOT, "read-only tmpfs with the bundle, %zu program files%s", files.n,
               o->socket ? " and the socket" : "");
    }
    prepare_rlimits(j, o);
    prepare_caps(j, o);
    if (deps < 0 && !skipped(o, SBX_LAYER_LANDLOCK))
        sbx_jail_off(j, SBX_LAYER_LANDLOCK, "cannot list what the program loads: %s", why);
    else
        prepare_landlock(j, o, &files);
    sbx_paths_free(&files);
    if (rc == 0 && o->strict) rc = check_strict(j, err, errlen);
    if (rc < 0) {
        sbx_jail_free(j);
        return -1;
    }
    *out = j;
    return 0;
}

void sbx_jail_drop_namespaces(struct sbx_jail *j, const char *why)
{
    j->clone_flags = 0;
    j->root = 0;
    sbx_jail_off(j, SBX_LAYER_NAMESPACES, "%s", why);
    sbx_jail_off(j, SBX_LAYER_ROOT, "needs a mount namespace");
    if (!j->userns) return;
    /* Without the user namespace: no capabilities to drop, and RLIMIT_NPROC would count the user.
     */
    j->userns = 0;
    j->has_caps = 0;
    size_t n = 0;
    for (size_t i = 0; i < j->nrlim; i++)
        if (j->rlim[i].resource != RLIMIT_NPROC) j->rlim[n++] = j->rlim[i];
    j->nrlim = n;
    snprintf(j->detail[SBX_LAYER_CAPS], sizeof j->detail[SBX_LAYER_CAPS], "%s",
             "none held (not root); bounding set kept: no CAP_SETPCAP");
}

/* ---- the child: raw system calls only ------------------------------------ */

static int write_file(const char *path, const char *text)
{
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = 0;
    while (text[len])
        len++;
    long n = syscall(SYS_write, fd, text, len);
    int saved = errno;
    syscall(SYS_close, fd);
    errno = saved;
    return n == (long)len ? 0 : -1;
}

/* Maps the core's uid and gid to themselves inside the new user namespace. */
int sbx_child_userns(const struct sbx_jail *j)
{
    if (!j->userns) return 0;
    /*
     * The core made itself non-dumpable and the child inherited that, which
     * makes its /proc files root's: it could not write its own maps. exec
     * resets the flag anyway (and the renderer clears it again).
     */
    if (syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) return -1;
    if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) return -1;
    if (write_file("/proc/self/uid_map", j->uid_map) < 0) return -1;
    return write_file("/proc/self/gid_map", j->gid_map);
}

/* Detached read-only copies of every source, taken before the tmpfs hides any of them. */
static int clone_sources(struct sbx_jail *j, const char **what)
{
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    for (size_t i = 0; i < j->nbinds; i++) {
        struct sbx_bind *b = &j->binds[i];
        ro.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | (b->is_dev ? 0 : MOUNT_ATTR_NODEV);
        *what = b->path;
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (b->is_dir ? AT_RECURSIVE : 0);
        b->tree = (int)syscall(SYS_open_tree, AT_FDCWD, b->path, flags);
        if (b->tree < 0) return -1;
        if (syscall(SYS_mount_setattr, b->tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) <
            0)
            return -1;
    }
    return 0;
}

/* The directories and empty files the sources are mounted on. */
static int make_targets(struct sbx_jail *j, int root, const char **what)
{
    for (size_t i = 0; i < j->ndirs; i++) {
        *what = j->dirs[i];
        if (syscall(SYS_mkdirat, root, j->dirs[i], 0755) < 0 && errno != EEXIST) return -1;
    }
    for (size_t i = 0; i < j->nbinds; i++) {
        if (j->binds[i].is_dir) continue;
        *what = j->binds[i].path;
        int fd = (int)syscall(SYS_openat, root, j->binds[i].path + 1,
                              O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (fd < 0) return -1;
        syscall(SYS_close, fd);
    }
    return 0;
}

static int attach_sources(struct sbx_jail *j, int root, const char **what)
{
    for (size_t i = 0; i < j->nbinds; i++) {
        struct sbx_bind *b = &j->binds[i];
        *what = b->path;
        if (syscall(SYS_move_mount, b->tree, "", root, b->path + 1, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            return -1;
        syscall(SYS_close, b->tree);
        b->tree = -1;
    }
    return 0;
}

/* A procfs of the new pid namespace, process directories only, read-only. */
static int mount_proc(const char **what)
{
    unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
    *what = "/proc";
    if (syscall(SYS_mount, "proc", STAGING "/proc", "proc", flags, "subset=pid") == 0) return 0;
    return (int)syscall(SYS_mount, "proc", STAGING "/proc", "proc", flags, NULL);
}

/* The new root replaces the old one, which is detached entirely. */
static int enter_root(int root, const char **what)
{
    *what = "pivot_root";
    if (syscall(SYS_fchdir, root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) return -1;
    if (syscall(SYS_umount2, ".", MNT_DETACH) < 0 || syscall(SYS_chdir, "/") < 0) return -1;
    *what = "/";
    return (int)syscall(SYS_mount, NULL, "/", NULL,
                        MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

int sbx_child_root(struct sbx_jail *j, const char **what)
{
    if (!j->root) return 0;
    *what = "/";
    /* Nothing mounted here may propagate back to the host. */
    if (syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return -1;
    if (clone_sources(j, what) < 0) return -1;
    *what = STAGING;
    if (syscall(SYS_mount, "tmpfs", STAGING, "tmpfs", MS_NOSUID | MS_NODEV,
                "mode=0755,size=64k,nr_inodes=4096") < 0)
        return -1;
    int root = (int)syscall(SYS_openat, AT_FDCWD, STAGING, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return -1;
    int rc = make_targets(j, root, what);
    if (rc == 0) rc = attach_sources(j, root, what);
    if (rc == 0) rc = mount_proc(what);
    if (rc == 0) rc = enter_root(root, what);
    int saved = errno;
    syscall(SYS_close, root);
    errno = saved;
    return rc;
}

int sbx_child_rlimits(const struct sbx_jail *j)
{
    for (size_t i = 0; i < j->nrlim; i++)
        if (syscall(SYS_prlimit64, 0, j->rlim[i].resource, &j->rlim[i].lim, NULL) < 0) return -1;
    return 0;
}

/*
 * No capability survives: securebits make uid 0 ordinary across exec and are
 * locked, the bounding set is emptied (nothing can be regained from file
 * capabilities), ambient cleared, then every set zeroed.
 */
int sbx_child_caps(const struct sbx_jail *j, const char **what)
{
    if (!j->has_caps) return 0;
    *what = "securebits";
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                         SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    if (syscall(SYS_prctl, PR_SET_SECUREBITS, bits, 0, 0, 0) < 0) return -1;
    *what = "the bounding set";
    for (unsigned long cap = 0; cap < 64; cap++)
        if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL) break; /* past the last capability this kernel knows */
            return -1;
        }
    syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    *what = "capset";
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct none[2] = {{0}};
    return (int)syscall(SYS_capset, &hdr, none);
}
