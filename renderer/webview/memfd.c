// SPDX-License-Identifier: MIT
/* memfd.c: sealed memfds for the host and its web process extension (memfd.h). */
#include "memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

int wv_memfd_from(const void *p, size_t n)
{
    int fd = memfd_create("moat-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    const char *at = p;
    for (size_t left = n; left > 0;) {
        ssize_t w = write(fd, at, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) goto fail;
        at += w, left -= (size_t)w;
    }
    /* Written with write(), not a mapping: F_SEAL_WRITE needs no writable mapping to exist. */
    if (fcntl(fd, F_ADD_SEALS, SEALS) != 0) goto fail;
    return fd;
fail:;
    int e = errno ? errno : EIO;
    close(fd);
    errno = e;
    return -1;
}

const void *wv_memfd_map(int fd, size_t max, size_t *n, const char **why)
{
    struct stat st;
    int seals = fcntl(fd, F_GET_SEALS);
    *n = (size_t)-1;
    if (seals < 0 || (seals & (F_SEAL_WRITE | F_SEAL_SHRINK)) != (F_SEAL_WRITE | F_SEAL_SHRINK)) {
        *why = "the body is not a memfd sealed against writes and shrinking";
        return NULL;
    }
    if (fstat(fd, &st) != 0 || st.st_size < 0) {
        *why = "the body's size cannot be read";
        return NULL;
    }
    if ((uintmax_t)st.st_size > max) {
        *why = "the body is over the limit";
        return NULL;
    }
    *n = (size_t)st.st_size;
    if (*n == 0) return NULL;
    void *p = mmap(NULL, *n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        *n = (size_t)-1;
        *why = "the body cannot be mapped";
        return NULL;
    }
    return p;
}

void wv_memfd_unmap(const void *p, size_t n)
{
    if (p) munmap((void *)p, n);
}
