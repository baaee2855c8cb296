// SPDX-License-Identifier: MIT
/*
 * pack.c: the encoders, ipc_unpack for bytes that ipc_decode or
 * ipc_check_value already accepted, and the kind table's names. Integers go
 * out in msgpack-c's smallest encoding; the decoder accepts any width.
 */
#include "ipc.h"

#include <string.h>

#define IPC_DEFAULT_MAX_FRAME ((size_t)80 * 1024 * 1024)

static const char *const KIND_NAMES[IPC_KIND_COUNT] = {"hello", "welcome", "request", "response",
                                                       "event", "channel", "cancel"};

void ipc_limits_default(struct ipc_limits *lim)
{
    lim->max_frame = IPC_DEFAULT_MAX_FRAME;
    lim->max_depth = IPC_MAX_DEPTH_CEILING;
    lim->bulk = false;
}

static void envelope(msgpack_packer *pk, enum ipc_kind kind, size_t arity)
{
    msgpack_pack_array(pk, arity);
    msgpack_pack_uint8(pk, (uint8_t)kind);
}

void ipc_pack_strn(msgpack_packer *pk, const char *s, size_t len)
{
    msgpack_pack_str(pk, len);
    if (len > 0) msgpack_pack_str_body(pk, s, len);
}

/* NULL packs as "": a missing message should not make a frame malformed. */
void ipc_pack_cstr(msgpack_packer *pk, const char *s)
{
    if (!s) s = "";
    ipc_pack_strn(pk, s, strlen(s));
}

void ipc_pack_channel_head(msgpack_packer *pk, uint64_t channel, uint64_t index, bool end)
{
    envelope(pk, IPC_CHANNEL, 5);
    msgpack_pack_uint64(pk, channel);
    msgpack_pack_uint64(pk, index);
    end ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
}

void ipc_pack_cancel(msgpack_packer *pk, uint64_t id)
{
    envelope(pk, IPC_CANCEL, 2);
    msgpack_pack_uint64(pk, id);
}

int ipc_pack_raw(msgpack_packer *pk, const void *buf, size_t len)
{
    return pk->callback(pk->data, (const char *)buf, len);
}

void ipc_pack_hello(msgpack_packer *pk, int64_t pid)
{
    envelope(pk, IPC_HELLO, 3);
    msgpack_pack_uint64(pk, IPC_VERSION);
    msgpack_pack_int64(pk, pid);
}

void ipc_pack_welcome_head(msgpack_packer *pk, const char *label)
{
    envelope(pk, IPC_WELCOME, 4);
    msgpack_pack_uint64(pk, IPC_VERSION);
    ipc_pack_cstr(pk, label);
}

void ipc_pack_request_head(msgpack_packer *pk, uint64_t id, const char *cmd, size_t cmd_len)
{
    envelope(pk, IPC_REQUEST, 4);
    msgpack_pack_uint64(pk, id);
    ipc_pack_strn(pk, cmd, cmd_len);
}

void ipc_pack_response_head(msgpack_packer *pk, uint64_t id, bool ok)
{
    envelope(pk, IPC_RESPONSE, 4);
    msgpack_pack_uint64(pk, id);
    if (ok)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void ipc_pack_error(msgpack_packer *pk, uint64_t id, const char *code, const char *message)
{
    ipc_pack_response_head(pk, id, false);
    msgpack_pack_map(pk, 2);
    ipc_pack_strn(pk, "code", 4);
    ipc_pack_cstr(pk, code);
    ipc_pack_strn(pk, "message", 7);
    ipc_pack_cstr(pk, message);
}

void ipc_pack_event_head(msgpack_packer *pk, const char *name, size_t name_len, const char *sender)
{
    envelope(pk, IPC_EVENT, sender ? 4 : 3);
    ipc_pack_strn(pk, name, name_len);
}

/*
 * msgpack_unpack is msgpack-c's one entry point that fills a caller's zone.
 * Arrays and maps are allocated in the zone; str and bin point into buf.
 */
/*
 * msgpack-c gives an empty str or bin a NULL ptr, and memcpy, memchr and
 * friends must not be handed NULL even for 0 bytes: every empty one points
 * at a real empty string instead. Depth was bounded when the frame was checked.
 */
static void no_null_ptrs(msgpack_object *o)
{
    static const char empty[1];
    if (o->type == MSGPACK_OBJECT_STR && !o->via.str.ptr) o->via.str.ptr = empty;
    if (o->type == MSGPACK_OBJECT_BIN && !o->via.bin.ptr) o->via.bin.ptr = empty;
    for (uint32_t i = 0; o->type == MSGPACK_OBJECT_ARRAY && i < o->via.array.size; i++)
        no_null_ptrs(&o->via.array.ptr[i]);
    for (uint32_t i = 0; o->type == MSGPACK_OBJECT_MAP && i < o->via.map.size; i++) {
        no_null_ptrs(&o->via.map.ptr[i].key);
        no_null_ptrs(&o->via.map.ptr[i].val);
    }
}

int ipc_unpack(const void *buf, size_t len, msgpack_zone *zone, msgpack_object *out)
{
    size_t off = 0;

    if (!buf || len == 0) return -1;
    if (msgpack_unpack(buf, len, &off, zone, out) != MSGPACK_UNPACK_SUCCESS || off != len)
        return -1;
    no_null_ptrs(out);
    return 0;
}

const char *ipc_kind_name(int kind)
{
    if (kind < 0 || kind >= IPC_KIND_COUNT) return "unknown";
    return KIND_NAMES[kind];
}
