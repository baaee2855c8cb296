/*
 * ipc.h: Moat's wire protocol, shared by the core and the renderer.
 *
 * Each nng message carries exactly one frame: one msgpack array whose first
 * element is the frame kind (see PROTOCOL.md for the full description). This
 * header is internal to Moat (prefix ipc_); embedders use core/moat.h or
 * renderer/moat_renderer.h instead.
 *
 * Decoding is strict because the core treats every renderer as compromised:
 * any frame that ipc_decode() rejects ends that renderer.
 */
#ifndef MOAT_IPC_H
#define MOAT_IPC_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPC_VERSION 1

/* Frame kinds: one line each, the same table at both ends. */
enum ipc_kind {
    IPC_HELLO = 0,    /* renderer -> core: [0, version, pid] */
    IPC_WELCOME = 1,  /* core -> renderer: [1, version, label, config] */
    IPC_REQUEST = 2,  /* renderer -> core: [2, id, command, args] */
    IPC_RESPONSE = 3, /* core -> renderer: [3, id, ok, value-or-error] */
    IPC_EVENT = 4,    /* core -> renderer: [4, name, payload] */
    IPC_CHANNEL = 5,  /* core -> renderer: [5, channel, index, end, value] */
    IPC_CANCEL = 6,   /* renderer -> core: [6, id] */
    IPC_KIND_COUNT
};

/* msgpack-c's unpacker cannot nest deeper than MSGPACK_EMBED_STACK_SIZE (32). */
#define IPC_MAX_DEPTH_CEILING 32
#define IPC_MAX_NAME 128 /* bytes in a command, event or label name */

struct ipc_limits {
    size_t max_frame;   /* bytes in one frame */
    unsigned max_depth; /* nesting of the whole frame; the envelope array is depth 1 */
};

/* Safe defaults: 80 MiB frames (a 64 MiB binary payload fits), depth 32. */
void ipc_limits_default(struct ipc_limits *lim);

/* A byte range borrowed from the buffer that was decoded. */
struct ipc_slice {
    const uint8_t *ptr;
    size_t len;
};

/*
 * A decoded frame. Every slice borrows from the buffer given to ipc_decode()
 * and is valid while that buffer is. Fields not used by a kind are zero.
 */
struct ipc_frame {
    enum ipc_kind kind;
    uint64_t version;      /* HELLO, WELCOME */
    int64_t pid;           /* HELLO */
    uint64_t id;           /* REQUEST, RESPONSE, CANCEL; CHANNEL: the channel */
    uint64_t index;        /* CHANNEL: the message's place in its channel, from 0 */
    bool ok;               /* RESPONSE */
    bool end;              /* CHANNEL: the channel's last frame (value is nil) */
    struct ipc_slice name; /* REQUEST: command; EVENT: event name; WELCOME: label */
    /*
     * The raw msgpack of one value: REQUEST args, RESPONSE value (when !ok,
     * the error map {"code": str, "message": str}), EVENT payload, CHANNEL
     * value, WELCOME config (a map). Empty for HELLO and CANCEL.
     */
    struct ipc_slice body;
    /* RESPONSE with !ok: the error's code and message, borrowed from body. */
    struct ipc_slice err_code;
    struct ipc_slice err_message;
};

/*
 * Validates buf as one complete frame and splits it into out. Returns 0, or -1
 * with a one-line reason in err ("frame: <what> at byte N"). Never allocates.
 * Rejected: wrong envelope shape or arity, unknown kind, wrong field types,
 * names that are empty, too long or outside [A-Za-z0-9_:|/.-], invalid UTF-8
 * in any string, ext types, map keys that are not strings, nesting deeper
 * than lim->max_depth, a length or count running past the end of the frame,
 * trailing bytes, and frames larger than lim->max_frame.
 */
int ipc_decode(const void *buf, size_t len, const struct ipc_limits *lim, struct ipc_frame *out,
               char *err, size_t errlen);

/*
 * The same, for a message carrying frames back to back (a batch): validates
 * the frame that starts at *off and moves *off past it. A frame may not run
 * more than lim->max_frame bytes. Call while *off < len.
 */
int ipc_decode_next(const void *buf, size_t len, size_t *off, const struct ipc_limits *lim,
                    struct ipc_frame *out, char *err, size_t errlen);

/*
 * Validates buf as exactly one msgpack value under the same rules (used for
 * values an embedder hands the core, e.g. a command's result). depth counts
 * from 1 for the value itself. Returns 0, or -1 with a reason in err.
 */
int ipc_check_value(const void *buf, size_t len, unsigned max_depth, char *err, size_t errlen);

/* True when s (len bytes) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
 */
bool ipc_utf8_valid(const void *s, size_t len);

/* True when s (len bytes) is a valid command, event or label name. */
bool ipc_name_ok(const char *s, size_t len);

/*
 * Encoders. Each *_head function packs the envelope of a frame up to, but not
 * including, its last element; the caller then packs exactly one value (with
 * msgpack_pack_* or ipc_pack_raw). The other functions pack whole frames.
 */
void ipc_pack_hello(msgpack_packer *pk, int64_t pid);
void ipc_pack_welcome_head(msgpack_packer *pk, const char *label);
void ipc_pack_request_head(msgpack_packer *pk, uint64_t id, const char *cmd, size_t cmd_len);
void ipc_pack_response_head(msgpack_packer *pk, uint64_t id, bool ok);
void ipc_pack_error(msgpack_packer *pk, uint64_t id, const char *code, const char *message);
void ipc_pack_event_head(msgpack_packer *pk, const char *name, size_t name_len);
void ipc_pack_channel_head(msgpack_packer *pk, uint64_t channel, uint64_t index, bool end);
void ipc_pack_cancel(msgpack_packer *pk, uint64_t id);
/* Appends bytes that already are one encoded msgpack value. */
int ipc_pack_raw(msgpack_packer *pk, const void *buf, size_t len);
void ipc_pack_strn(msgpack_packer *pk, const char *s, size_t len);
void ipc_pack_cstr(msgpack_packer *pk, const char *s);

/*
 * Unpacks one validated value into a msgpack_object allocated in zone (owned
 * by the caller's zone). Strings and binaries in it point into buf, so buf must
 * outlive the object. Returns 0 or -1 when buf is not one complete value.
 */
int ipc_unpack(const void *buf, size_t len, msgpack_zone *zone, msgpack_object *out);

/* Short name of a kind for log lines ("request"), or "unknown". */
const char *ipc_kind_name(int kind);

#endif
