// SPDX-License-Identifier: MIT
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
    IPC_EVENT = 4,    /* core -> renderer: [4, name, payload] or [4, name, payload, sender] */
    IPC_CHANNEL = 5,  /* core -> renderer: [5, channel, index, end, value] */
    IPC_CANCEL = 6,   /* renderer -> core: [6, id] */
    IPC_KIND_COUNT
};

/* msgpack-c's unpacker cannot nest deeper than MSGPACK_EMBED_STACK_SIZE (32). */
#define IPC_MAX_DEPTH_CEILING 32
#define IPC_MAX_NAME 128 /* bytes in a command, event or label name */

struct ipc_limits {
    size_t max_frame;   /* bytes in one frame (with its bulk references' bytes, once resolved) */
    unsigned max_depth; /* nesting of the whole frame; the envelope array is depth 1 */
    bool bulk;          /* bulk references (ipc_bulk below) may stand for binaries */
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
    uint64_t version;        /* HELLO, WELCOME */
    int64_t pid;             /* HELLO */
    uint64_t id;             /* REQUEST, RESPONSE, CANCEL; CHANNEL: the channel */
    uint64_t index;          /* CHANNEL: the message's place in its channel, from 0 */
    bool ok;                 /* RESPONSE */
    bool end;                /* CHANNEL: the channel's last frame (value is nil) */
    struct ipc_slice name;   /* REQUEST: command; EVENT: event name; WELCOME: label */
    struct ipc_slice sender; /* EVENT: the label of the renderer that emitted it; empty: the core */
    /*
     * The raw msgpack of one value: REQUEST args, RESPONSE value (when !ok,
     * the error map {"code": str, "message": str}), EVENT payload, CHANNEL
     * value, WELCOME config (a map). Empty for HELLO and CANCEL.
     */
    struct ipc_slice body;
    /* RESPONSE with !ok: the error's code and message, borrowed from body. */
    struct ipc_slice err_code;
    struct ipc_slice err_message;
    unsigned nbulk;      /* bulk references in body (only where lim->bulk allowed them) */
    uint64_t bulk_bytes; /* the bytes they refer to, in all (saturating) */
    uint64_t bulk_end;   /* the furthest position one of them ends at */
    /*
     * How many values the frame's bodies hold (map keys count): unpacking
     * them takes IPC_DECODED_BYTES(f) of memory, which a small frame of many
     * nils can make ~24 times its own size.
     */
    uint64_t items;
};
#define IPC_DECODED_BYTES(f) ((f)->items * 24u)

/*
 * Validates buf as one complete frame and splits it into out. Returns 0, or -1
 * with a one-line reason in err ("frame: <what> at byte N"). Never allocates.
 * Rejected: wrong envelope shape or arity, unknown kind, wrong field types,
 * names that are empty, too long or outside [A-Za-z0-9_:|/.-], invalid UTF-8
 * in any string, ext types (but bulk references where lim->bulk), map keys that are not strings,
 * nesting deeper than lim->max_depth, a length or count running past the end of the frame, trailing
 * bytes, and frames larger than lim->max_frame.
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

/*
 * A binary met by a walk: a bin value (at: its header; size: header and
 * payload; len: payload bytes) or a bulk reference (ref; at: its
 * IPC_BULK_REF_SIZE bytes; pos and len: where its bytes are in the ring).
 */
struct ipc_blob {
    const uint8_t *at;
    size_t size;
    uint64_t len;
    uint64_t pos;
    bool ref;
};
/* Returns NULL to go on, or why the walk must fail. */
typedef const char *(*ipc_blob_fn)(void *ud, const struct ipc_blob *b);

/* ipc_decode and ipc_check_value, telling fn of every binary in order. */
int ipc_walk_frame(const void *buf, size_t len, const struct ipc_limits *lim, ipc_blob_fn fn,
                   void *ud, char *err, size_t errlen);
int ipc_walk_value(const void *buf, size_t len, unsigned max_depth, bool bulk, ipc_blob_fn fn,
                   void *ud, char *err, size_t errlen);

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
/* sender: the emitting renderer's label, packed after the payload (ipc_pack_cstr); NULL: the core.
 */
void ipc_pack_event_head(msgpack_packer *pk, const char *name, size_t name_len, const char *sender);
void ipc_pack_channel_head(msgpack_packer *pk, uint64_t channel, uint64_t index, bool end);
/* Bytes the heads above add around a value at most, a name's own bytes aside. */
#define IPC_HEAD_MAX ((size_t)32)
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

/* ---- bulk transfer (bulk.c) ----------------------------------------------
 *
 * Binaries of IPC_BULK_MIN bytes or more travel through memory the core
 * shares with one renderer instead of through the socket, which would copy
 * them twice in the kernel and twice more in nng. The region (a sealed memfd,
 * so neither side can shrink it under the other) holds a header page and two
 * rings: renderer -> core ("up") and core -> renderer ("down"). A frame
 * carries a bulk reference where the bytes would be: a fixext16 of type
 * IPC_BULK_EXT holding the position and the length (big-endian u64 each).
 * Positions grow forever; a ring's byte is at pos % ring size. A consumer
 * publishes in the header page how far it has released; the producer never
 * lets a reservation run past it, and sends inline when there is no room.
 *
 * The core trusts nothing in the region: references are checked against the
 * ring, the bytes are copied out before anyone looks at them (the renderer
 * may change them at any time), and the renderer's released position is
 * only believed between what the core already knew and what it has written.
 */
#define IPC_BULK_EXT 1
#define IPC_BULK_REF_SIZE 18
#define IPC_BULK_MIN ((size_t)64 << 10)
#define IPC_BULK_HEADER ((size_t)4096) /* up ring's released position at 0, down's at 64 */

struct ipc_ring {
    uint8_t *data; /* size bytes in the shared region */
    uint64_t size;
    uint64_t head;    /* producer: where the next reservation starts */
    uint64_t tail;    /* producer: released as far as known; consumer: released so far */
    uint64_t *shared; /* the consumer's released position, in the header page */
};

struct ipc_bulk {
    void *base; /* the mapping, or NULL */
    size_t map_len;
    struct ipc_ring tx; /* the ring this side writes */
    struct ipc_ring rx; /* the ring this side reads */
};

/* Core: a region with two rings of ring bytes, as a sealed memfd. 0 with *fd, or -1 (err). */
int ipc_bulk_create(size_t ring, int *fd, char *err, size_t errlen);
/* Maps the region in fd (borrowed) for the core (core) or the renderer. 0, or -1 (err). */
int ipc_bulk_map(struct ipc_bulk *b, int fd, size_t ring, bool core, char *err, size_t errlen);
void ipc_bulk_unmap(struct ipc_bulk *b);

/* Producer: room for len bytes at *pos, or NULL when the ring has none now. */
void *ipc_ring_reserve(struct ipc_ring *t, size_t len, uint64_t *pos);
/* Consumer: the bytes of a reference, or NULL when it is outside the ring or behind the tail. */
const uint8_t *ipc_ring_view(const struct ipc_ring *rx, uint64_t pos, uint64_t len);
/* Consumer: everything before end may be reused. */
void ipc_ring_release(struct ipc_ring *rx, uint64_t end);

/*
 * Packs len bytes as one binary: through tx as a bulk reference when tx is
 * not NULL, len >= IPC_BULK_MIN and the ring has room, else inline. Returns
 * the bytes that went through the ring (0: inline).
 */
size_t ipc_pack_bin_bulk(msgpack_packer *pk, struct ipc_ring *tx, const void *p, size_t len);
/*
 * Packs value (one msgpack value, len bytes, already checked: a value under
 * IPC_BULK_MIN bytes, or any value without tx, is copied as it is) with each
 * binary of IPC_BULK_MIN bytes or more sent through tx where there is room.
 * *moved gets the bytes that went through the ring. Returns 0, or -1 if the
 * walk finds value invalid; what was packed by then must be discarded.
 */
int ipc_pack_value_bulk(msgpack_packer *pk, struct ipc_ring *tx, const void *value, size_t len,
                        size_t *moved);
/*
 * Writes the frame (len bytes, valid under lim) to pk with every bulk
 * reference replaced by a bin of its bytes, copied out of rx, then releases
 * them. Returns 0, or -1 with a reason in err: a reference outside rx, or a
 * result over lim->max_frame.
 */
int ipc_bulk_resolve(msgpack_packer *pk, struct ipc_ring *rx, const void *frame, size_t len,
                     const struct ipc_limits *lim, char *err, size_t errlen);

/* Short name of a kind for log lines ("request"), or "unknown". */
const char *ipc_kind_name(int kind);

#endif
