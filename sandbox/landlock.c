// SPDX-License-Identifier: MIT
/*
 * landlock.c: the Landlock ruleset, built in the parent.
 *
 * Landlock rules attach to inodes, not to paths or mounts, so a ruleset made
 * here from the host's files also governs the same files bind-mounted into
 * the child's new root. The child only adds its own /proc/self (which exists
 * only once it runs) and calls landlock_restrict_self.
 *
 * The system headers may predate the ABI the kernel speaks (network rules
 * came in ABI 4, scoping in ABI 6), so the constants are spelled out here.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define LL_FS_V1 ((1ull << 13) - 1)  /* EXECUTE … MAKE_SYM */
#define LL_FS_REFER (1ull << 13)     /* ABI 2 */
#define LL_FS_TRUNCATE (1ull << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ull << 15) /* ABI 5 */
#define LL_NET_BIND_TCP (1ull << 0)  /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ull << 1)

#define LL_EXECUTE (1ull << 0)
#define LL_READ_FILE (1ull << 2)
#define LL_READ_DIR (1ull << 3)

/* The kernel's struct landlock_ruleset_attr as of ABI 6; older ABIs read a prefix. */
struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

int sbx_landlock_abi(const char **why)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi > 0) return (int)abi;
    if (why)
        *why = errno == ENOSYS       ? "the kernel was built without Landlock"
               : errno == EOPNOTSUPP ? "Landlock is not enabled (lsm= boot parameter)"
                                     : "landlock_create_ruleset failed";
    return 0;
}

static uint64_t handled_fs(int abi)
{
    uint64_t fs = LL_FS_V1;
    if (abi >= 2) fs |= LL_FS_REFER;
    if (abi >= 3) fs |= LL_FS_TRUNCATE;
    if (abi >= 5) fs |= LL_FS_IOCTL_DEV;
    return fs;
}

static int add_path(int ruleset, const char *path, uint64_t access, char *err, size_t errlen)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "landlock rule for %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    /* Only file rights apply to a file; directory rights would be EINVAL. */
    if (!S_ISDIR(st.st_mode)) access &= ~LL_READ_DIR;
    struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = fd};
    int rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    if (rc < 0) snprintf(err, errlen, "landlock rule for %s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int sbx_landlock_ruleset(int abi, const struct sbx_paths *exec_files, const char *read_dir,
                         char *err, size_t errlen)
{
    struct ll_ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
    size_t size = sizeof attr.handled_access_fs;
    if (abi >= 4) {
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP; /* and no rule allows any */
        size = offsetof(struct ll_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
        size = sizeof attr;
    }
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        snprintf(err, errlen, "landlock_create_ruleset: %s", strerror(errno));
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < exec_files->n; i++)
        rc = add_path(fd, exec_files->v[i], LL_READ_FILE | LL_EXECUTE, err, errlen);
    if (rc == 0 && read_dir) rc = add_path(fd, read_dir, LL_READ_FILE | LL_READ_DIR, err, errlen);
    if (rc < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * In the child: its own /proc/<pid> becomes readable (the loader and the
 * sanitizer runtime read /proc/self/maps), then the ruleset is enforced.
 * Raw system calls only.
 */
int sbx_child_landlock(const struct sbx_jail *j, int ruleset_fd)
{
    (void)j;
    int self = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (self >= 0) {
        struct landlock_path_beneath_attr rule = {.allowed_access = LL_READ_FILE | LL_READ_DIR,
                                                  .parent_fd = self};
        long rc = syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        syscall(SYS_close, self);
        if (rc < 0) return -1;
    }
    if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0) return -1;
    return (int)syscall(SYS_close, ruleset_fd);
}
