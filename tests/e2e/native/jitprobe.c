// SPDX-License-Identifier: MIT
/*
 * jitprobe.c: a native renderer that reports what the sandbox gave it for a
 * JIT: the engine's switch in its environment, and whether it may map
 * executable memory (without the JIT the filter ends it right there).
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "jitprobe: %s\n", err);
        return 1;
    }
    const char *jit = getenv("JSC_useJIT");
    printf("jitprobe: JSC_useJIT=%s\n", jit ? jit : "(unset)");
    fflush(stdout);
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rv = mprotect(page, 4096, PROT_READ | PROT_EXEC);
    printf("jitprobe: executable memory %s\n", rv == 0 ? "allowed" : "refused");
    moat_client_close(c);
    return 0;
}
