/*
 * native_ok.c: a well-behaved native renderer: invokes, prints, emits, exits 5.
 */
#include "moat_renderer.h"

#include <stdio.h>
#include <string.h>

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
    fprintf(stderr, "native_ok: to stderr\n");
    static const char payload[] = {(char)0x93, 1, 2, 3}; /* [1, 2, 3] */
    moat_client_emit(c, "test:native", payload, sizeof payload);
    moat_client_close(c);
    return 5;
}
