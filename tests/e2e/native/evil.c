// SPDX-License-Identifier: MIT
/*
 * evil.c: a native renderer that talks to the core, then makes a system call
 * the sandbox forbids. It must not survive the call.
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <sys/socket.h>

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "evil: %s\n", err);
        return 1;
    }
    moat_msg reply;
    if (moat_client_invoke(c, "app:version", NULL, 0, &reply, 5000) == 0 && reply.ok)
        printf("evil: connected\n");
    moat_msg_free(&reply);
    fflush(stdout);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    printf("evil: survived with socket %d\n", s);
    moat_client_close(c);
    return 0;
}
