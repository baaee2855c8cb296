// SPDX-License-Identifier: MIT
/*
 * memfd.h: bytes between the webview host and its web process extension
 * (webext.c) in one piece, as a sealed memfd in a WebKitUserMessage. Shared
 * by both sides, which include nothing else of each other.
 */
#ifndef MOAT_WV_MEMFD_H
#define MOAT_WV_MEMFD_H

#include <stddef.h>

/* A sealed memfd (no write, no resize) holding n bytes of p: the fd, or -1 (errno). */
int wv_memfd_from(const void *p, size_t n);
/*
 * Maps fd (borrowed) read-only when it is sealed against writes and
 * resizes, so that the bytes cannot change or vanish under the reader, and
 * holds at most max bytes: the mapping (munmap it, *n bytes; NULL with *n 0
 * for an empty one), or NULL with *n set to (size_t)-1 and a reason in why.
 */
const void *wv_memfd_map(int fd, size_t max, size_t *n, const char **why);
void wv_memfd_unmap(const void *p, size_t n);

#endif
