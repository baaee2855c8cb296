// SPDX-License-Identifier: MIT
/*
 * native_invoke.c: row 1 from a native C renderer: moat_client_invoke of
 * bench:ping in a loop. Built into its own bundle folder (see CMakeLists.txt);
 * bench_moat times the arrivals on the core's side, as for the JS bundle.
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <string.h>

#define WARMUP 2000
#define COUNT 20000

static int invoke(moat_client *c, const char *cmd, const void *args, size_t len)
{
    moat_msg reply;
    int rv = moat_client_invoke(c, cmd, args, len, &reply, 10000);
    if (rv != 0) return -1;
    if (!reply.ok) fprintf(stderr, "native_invoke: %s: %s\n", cmd, reply.code);
    rv = reply.ok ? 0 : -1;
    moat_msg_free(&reply);
    return rv;
}

/* bench:phase with a msgpack str argument. */
static int phase(moat_client *c, const char *name)
{
    char buf[40];
    size_t n = strlen(name);
    buf[0] = (char)(0xa0 | n);
    memcpy(buf + 1, name, n);
    return invoke(c, "bench:phase", buf, n + 1);
}

static int loop(moat_client *c, int n)
{
    for (int i = 0; i < n; i++)
        if (invoke(c, "bench:ping", NULL, 0) != 0) return -1;
    return 0;
}

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "native_invoke: %s\n", err);
        return 1;
    }
    int rv = phase(c, "warmup") || loop(c, WARMUP) || phase(c, "native") || loop(c, COUNT) ||
             phase(c, "done");
    if (rv) fprintf(stderr, "native_invoke: %s\n", moat_client_error(c));
    moat_client_close(c);
    return rv ? 1 : 0;
}
