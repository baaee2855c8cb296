// SPDX-License-Identifier: MIT
/*
 * pids.c: a process count for renderers that RLIMIT_NPROC cannot bound. Root
 * is not counted by RLIMIT_NPROC, and root's renderers have no user namespace
 * (root creates the others directly), so there each renderer goes into a pids
 * cgroup of its own, made beside the core's: the cgroup v1 pids hierarchy or
 * cgroup v2 where its pids controller can be enabled. A machine with neither
 * is reported (the rlimits layer's detail, moat doctor).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The core's own cgroup path in the hierarchy whose line in /proc/self/cgroup starts so. */
static bool own_path(const char *prefix, char *out, size_t n)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[PATH_MAX + 64];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f)) {
        const char *rest = strchr(line, ':');
        if (!rest || strncmp(rest + 1, prefix, strlen(prefix))) continue;
        snprintf(out, n, "%s", rest + 1 + strlen(prefix));
        out[strcspn(out, "\n")] = '\0';
        found = true;
    }
    if (f) fclose(f);
    return found;
}

static int write_text(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    int len = snprintf(path, sizeof path, "%s/%s", dir, file);
    if (len < 0 || (size_t)len >= sizeof path) return errno = ENAMETOOLONG, -1;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A child cgroup of base with pids.max set; 0, or -1 (nothing left behind). */
static int make(const char *base, const char *name, unsigned max, char *dir, size_t n)
{
    char text[16];
    snprintf(dir, n, "%s/%s", base, name);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) return -1;
    snprintf(text, sizeof text, "%u", max);
    if (write_text(dir, "pids.max", text) == 0) return 0;
    rmdir(dir);
    return -1;
}

/* Where renderers' cgroups can be made, tried once with a probe; false if nowhere. */
bool sbx_pids_base(char *base, size_t n)
{
    char own[PATH_MAX - 64], probe[PATH_MAX];
    char name[64];
    snprintf(name, sizeof name, "moat-%d-probe", (int)getpid());
    if (own_path("pids:", own, sizeof own)) {
        snprintf(base, n, "/sys/fs/cgroup/pids%s", strcmp(own, "/") ? own : "");
        if (make(base, name, 1, probe, sizeof probe) == 0) return rmdir(probe), true;
    }
    if (own_path(":", own, sizeof own)) { /* cgroup v2: "0::/path" */
        snprintf(base, n, "/sys/fs/cgroup%s", strcmp(own, "/") ? own : "");
        write_text(base, "cgroup.subtree_control", "+pids"); /* may be on already */
        if (make(base, name, 1, probe, sizeof probe) == 0) return rmdir(probe), true;
    }
    base[0] = '\0';
    return false;
}

int sbx_pids_open(const char *base, unsigned max, char *dir, size_t n)
{
    static atomic_uint seq;
    char name[64];
    snprintf(name, sizeof name, "moat-%d-%u", (int)getpid(), atomic_fetch_add(&seq, 1));
    if (make(base, name, max, dir, n) != 0) return dir[0] = '\0', -1;
    char procs[PATH_MAX + 16];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0) rmdir(dir), dir[0] = '\0';
    return fd;
}

void sbx_child_cleanup(struct sbx_child *c)
{
    if (c->cgroup[0] && rmdir(c->cgroup) == 0) c->cgroup[0] = '\0';
}
