// SPDX-License-Identifier: MIT
/*
 * native_ok.c: a well-behaved native renderer: invokes, prints, emits, exits 5.
 */
#include "moat_renderer.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Leaves garbage where the next call's locals will be, so an unset one shows. */
static void __attribute__((noinline)) dirty_stack(void)
{
    volatile unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0xa5;
}

/* A failed invoke and a failed listen leave nothing to free wrongly (moat_renderer.h). */
static void failures_leave_reply_empty(moat_client *c)
{
    moat_msg reply;
    memset(&reply, 0xa5, sizeof reply);
    int rv = moat_client_invoke(c, "not a name!", NULL, 0, &reply, 5000);
    bool empty = reply.priv == NULL && reply.kind == MOAT_MSG_NONE;
    moat_msg_free(&reply);
    printf("native_ok: failed invoke %d, reply %s\n", rv, empty ? "empty" : "NOT EMPTY");
    uint64_t id = 0;
    dirty_stack();
    rv = moat_client_listen(c, "\xff", &id); /* not UTF-8: refused before it is sent */
    printf("native_ok: failed listen %d\n", rv);
}

int main(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "native_ok: %s\n", err);
        return 1;
    }
    moat_msg reply;
    int rv = moat_client_invoke(c, "app:version", NULL, 0, &reply, 5000);
    if (rv == 0 && reply.ok && reply.value.type == MSGPACK_OBJECT_STR)
        printf("native_ok: version %.*s\n", (int)reply.value.via.str.size, reply.value.via.str.ptr);
    moat_msg_free(&reply);
    failures_leave_reply_empty(c);
    fprintf(stderr, "native_ok: to stderr\n");
    static const char payload[] = {(char)0x93, 1, 2, 3}; /* [1, 2, 3] */
    moat_client_emit(c, "test:native", payload, sizeof payload);
    moat_client_close(c);
    return 5;
}
