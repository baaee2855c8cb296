// SPDX-License-Identifier: MIT
/*
 * moat_renderer.h: the renderer side of Moat, for native renderers.
 *
 * A renderer is started by the core inside the sandbox with $MOAT_IPC set.
 * It connects, then invokes the core's commands and exchanges events with it.
 * The JS host (moat-renderer) is built on this same API.
 *
 *     moat_client *c = moat_client_connect(NULL, err, sizeof err);
 *     if (!c) ...err says why...
 *     moat_msg reply;  // moat_client_invoke fills or empties it: free it on every path
 *     if (moat_client_invoke(c, "app:version", NULL, 0, &reply, -1) == 0 && reply.ok)
 *         ...reply.value...
 *     else
 *         ...moat_client_error(c), or reply.code and reply.message...
 *     moat_msg_free(&reply);
 *     moat_client_close(c);
 *
 * One thread at a time may use a client.
 */
#ifndef MOAT_RENDERER_H
#define MOAT_RENDERER_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libmoat-client exports what this header declares and nothing else (-fvisibility=hidden). */
#pragma GCC visibility push(default)

/* A connection to the core: moat_client_connect makes one, moat_client_close ends it. */
typedef struct moat_client moat_client;

/*
 * Connects to the core at url (NULL: $MOAT_IPC) and completes the handshake.
 * Returns a client the caller frees with moat_client_close, or NULL with a
 * reason in err.
 */
moat_client *moat_client_connect(const char *url, char *err, size_t errlen);
void moat_client_close(moat_client *c);

/* This renderer's label, from the handshake. Borrowed from c. */
const char *moat_client_label(const moat_client *c);
/* The largest frame the core accepts (its limit, from the handshake), in bytes. */
size_t moat_client_max_frame(const moat_client *c);

/*
 * A file descriptor that becomes readable when moat_client_recv has a
 * message, or has to report that the connection to the core is gone.
 */
int moat_client_fd(moat_client *c);

/*
 * What a moat_msg is; NONE: none (an emptied message). Outside the struct, so
 * that C++ sees the names as C does.
 */
typedef enum moat_msg_kind {
    MOAT_MSG_NONE,
    MOAT_MSG_RESPONSE,
    MOAT_MSG_EVENT,
    MOAT_MSG_CHANNEL
} moat_msg_kind;

/* A message from the core: the answer to a request, or an event. */
typedef struct moat_msg {
    moat_msg_kind kind;   /* what it is */
    uint64_t id;          /* RESPONSE: the request's id; CHANNEL: the channel's id */
    uint64_t index;       /* CHANNEL: the message's place in its channel, from 0 */
    bool end;             /* CHANNEL: the channel's last frame (value is nil) */
    bool ok;              /* RESPONSE: value is the result; else code/message say why */
    const char *code;     /* RESPONSE && !ok: "denied", "unknown_command", ... */
    const char *message;  /* RESPONSE && !ok: what went wrong, in one line */
    const char *event;    /* EVENT: its name */
    const char *sender;   /* EVENT: the label of the renderer that emitted it; NULL: the core */
    msgpack_object value; /* RESPONSE result, EVENT payload or CHANNEL message */
    struct moat_msg_priv *priv; /* owns everything above */
} moat_msg;

/* Frees what m holds and empties it; an empty (zeroed) m is left as it is. */
void moat_msg_free(moat_msg *m);

/*
 * Sends a request; args is one msgpack value (NULL: nil). *id receives the id
 * that its response will carry. Returns 0 or -1 (moat_client_error).
 */
int moat_client_request(moat_client *c, const char *cmd, const void *args, size_t len,
                        uint64_t *id);
/*
 * Emits an event to the core and to every renderer listening (Tauri's emit:
 * a request to core:event:emit whose answer the client drops; a refusal,
 * such as denied or limit_exceeded, is printed to stderr). payload as for
 * requests.
 */
int moat_client_emit(moat_client *c, const char *event, const void *payload, size_t len);
/* Starts receiving event (waits for the core's answer); *listener gets its id. */
int moat_client_listen(moat_client *c, const char *event, uint64_t *listener);
/*
 * Tells the core this renderer has registered its first listeners: events
 * sent to it meanwhile were held and now follow. Call once, after listening.
 */
int moat_client_ready(moat_client *c);
/*
 * The same, with the args packed by pack straight into the outgoing message
 * (no intermediate buffer: what matters for large binaries). pack writes
 * exactly one value and returns 0, or -1 to abandon the request; hint is the
 * expected size. The value is checked as the core will check it.
 */
typedef int (*moat_pack_fn)(msgpack_packer *pk, void *ud);
int moat_client_request_pack(moat_client *c, const char *cmd, moat_pack_fn pack, void *ud,
                             size_t hint, uint64_t *id);

/*
 * For a pack function: packs len bytes as one binary. A binary of 64 KiB or
 * more goes through memory shared with the core when there is room (no copy
 * through the socket), else inline. Returns 0.
 */
int moat_client_pack_bin(moat_client *c, msgpack_packer *pk, const void *bytes, size_t len);

/* Asks the core to cancel request id; its answer (usually "cancelled") still comes. */
int moat_client_cancel(moat_client *c, uint64_t id);

/*
 * Receives the next message, waiting up to timeout_ms (-1: forever, 0: not at
 * all). Returns 1 with *m filled (free with moat_msg_free), 0 on timeout, -1
 * when the connection failed or the core sent a malformed frame. *m is
 * overwritten (free what it held first) and, whatever the return, safe to
 * pass to moat_msg_free: empty unless 1 was returned.
 */
int moat_client_recv(moat_client *c, moat_msg *m, int timeout_ms);

/*
 * Invokes cmd and waits for its answer. Events that arrive meanwhile go to
 * the event hook, if one is set, and are otherwise dropped.
 */
typedef void (*moat_client_event_fn)(void *ud, const moat_msg *event);
void moat_client_on_event(moat_client *c, moat_client_event_fn fn, void *ud);
/*
 * Returns 0 with the answer in *reply (reply->ok says whether it is a result
 * or an error), or -1 (moat_client_error) with *reply empty. Either way
 * *reply is overwritten and safe to pass to moat_msg_free.
 */
int moat_client_invoke(moat_client *c, const char *cmd, const void *args, size_t len,
                       moat_msg *reply, int timeout_ms);

/*
 * Batching. Between cork and uncork, small frames gather and leave as one
 * nng message when uncorked (each message costs nng a thread hand-off, so a
 * burst of invokes goes out together). Nothing waits longer than until
 * uncork, or than a moat_client_recv that may wait (it sends the batch
 * first). Corks nest.
 */
void moat_client_cork(moat_client *c);
int moat_client_uncork(moat_client *c);

/* The last error on c, one line. */
const char *moat_client_error(const moat_client *c);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
