// SPDX-License-Identifier: MIT
/*
 * codec.c: the validating decoder, one pass over the raw bytes, no allocation.
 *
 * msgpack-c's unpacker allocates count * sizeof(msgpack_object) as soon as it
 * reads an array header, so a 10-byte frame claiming 2^32 elements would make
 * it ask for 64 GiB. Here every length and count is checked against the bytes
 * that remain before anything trusts it, and only bytes that passed this walk
 * are handed to msgpack-c (ipc_unpack).
 */
#include "ipc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * What a header byte starts. T_INT (int8..int64 encodings) becomes T_UINT or
 * T_NEG by value; T_C1 and every T_EXT but a permitted bulk reference (T_BULK)
 * are rejected.
 */
enum type {
    T_NIL,
    T_BOOL,
    T_UINT,
    T_NEG,
    T_INT,
    T_FLOAT,
    T_STR,
    T_BIN,
    T_ARRAY,
    T_MAP,
    T_EXT,
    T_C1,
    T_BULK /* a bulk reference: fixext16 of type IPC_BULK_EXT, where the frame allows it */
};

/* A cursor over the bytes being checked, and where an error goes. */
struct rd {
    const uint8_t *base;
    const uint8_t *p;
    const uint8_t *end;
    unsigned max_depth;
    const char *what; /* "frame" or "value": the first word of every error */
    char *err;
    size_t errlen;
    bool bulk;           /* bulk references are allowed */
    unsigned nbulk;      /* how many were seen */
    uint64_t bulk_bytes; /* and their lengths' sum, saturating */
    uint64_t bulk_end;   /* the furthest position one ends at */
    ipc_blob_fn visit;   /* told of every bin and bulk reference, or NULL */
    void *visit_ud;
    uint64_t items; /* values walked (map keys count): what unpacking them will cost */
};

/* One decoded header; a str or bin payload (n bytes) follows at rd.p. */
struct item {
    const uint8_t *at;
    enum type type;
    uint64_t n;   /* UINT value, BOOL 0/1, STR/BIN length, ARRAY/MAP count, BULK length */
    int64_t i;    /* NEG value */
    uint64_t pos; /* BULK: the position in the sender's ring */
};

static const uint8_t KIND_ARITY[IPC_KIND_COUNT] = {3, 4, 4, 4, 3, 5, 2};

/* The header bytes 0xc0..0xdf: what they start and how many bytes follow. */
static const struct {
    uint8_t type;
    uint8_t width;
} WIDE[32] = {
    {T_NIL, 0},   {T_C1, 0},    {T_BOOL, 0}, {T_BOOL, 0},  {T_BIN, 1},   {T_BIN, 2},  {T_BIN, 4},
    {T_EXT, 0},   {T_EXT, 0},   {T_EXT, 0},  {T_FLOAT, 4}, {T_FLOAT, 8}, {T_UINT, 1}, {T_UINT, 2},
    {T_UINT, 4},  {T_UINT, 8},  {T_INT, 1},  {T_INT, 2},   {T_INT, 4},   {T_INT, 8},  {T_EXT, 0},
    {T_EXT, 0},   {T_EXT, 0},   {T_EXT, 0},  {T_EXT, 0},   {T_STR, 1},   {T_STR, 2},  {T_STR, 4},
    {T_ARRAY, 2}, {T_ARRAY, 4}, {T_MAP, 2},  {T_MAP, 4},
};

/*
 * Total size of the scalars whose size the header byte alone fixes (ints,
 * floats, nil, bools); 0 for everything else. The walker's fast path.
 */
static const uint8_t FIXED_SIZE[256] = {
    [0x00 ... 0x7f] = 1, [0xc0] = 1, [0xc2 ... 0xc3] = 1, [0xca] = 5,          [0xcb] = 9,
    [0xcc] = 2,          [0xcd] = 3, [0xce] = 5,          [0xcf] = 9,          [0xd0] = 2,
    [0xd1] = 3,          [0xd2] = 5, [0xd3] = 9,          [0xe0 ... 0xff] = 1,
};

/* Bytes allowed in a command, event or label name: [A-Za-z0-9_:|/.-]. */
static const bool NAME_CHAR[256] = {
    ['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true, ['_'] = true, [':'] = true,
    ['|'] = true,         ['/'] = true,         ['.'] = true,         ['-'] = true,
};

__attribute__((format(printf, 3, 4))) static int fail(struct rd *r, const uint8_t *at,
                                                      const char *fmt, ...)
{
    char what[192];
    va_list ap;

    if (!r->err || r->errlen == 0) return -1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "%s: %s at byte %zu", r->what, what, (size_t)(at - r->base));
    return -1;
}

static size_t remain(const struct rd *r)
{
    return (size_t)(r->end - r->p);
}

/* Big-endian load of width (0, 1, 2, 4 or 8) bytes. */
static inline uint64_t load_be(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v = v << 8 | p[k];
    return v;
}

static inline int64_t sign_extend(uint64_t v, unsigned width)
{
    switch (width) {
    case 1:
        return (int8_t)v;
    case 2:
        return (int16_t)v;
    case 4:
        return (int32_t)v;
    default:
        return (int64_t)v;
    }
}

/* A str or bin whose declared length must fit in what remains. */
static int blob(struct rd *r, struct item *it)
{
    if (it->n > remain(r))
        return fail(r, it->at, "truncated %s: %" PRIu64 " bytes declared, %zu remain",
                    it->type == T_STR ? "string" : "binary", it->n, remain(r));
    return 0;
}

/* Every element needs at least one byte, every map entry two. */
static int container(struct rd *r, struct item *it)
{
    uint64_t need = it->type == T_MAP ? it->n * 2 : it->n;

    if (need > remain(r))
        return fail(r, it->at, "truncated %s: claims %" PRIu64 " %s, %zu bytes remain",
                    it->type == T_MAP ? "map" : "array", it->n,
                    it->type == T_MAP ? "entries" : "elements", remain(r));
    return 0;
}

/*
 * The only ext a frame may carry: a bulk reference (fixext16 of type
 * IPC_BULK_EXT: position and length, both big-endian u64), where allowed.
 */
static int ext(struct rd *r, struct item *it)
{
    const uint8_t *p = it->at;
    if (!r->bulk || p[0] != 0xd8) return fail(r, p, "ext type 0x%02x is not allowed", p[0]);
    if ((size_t)(r->end - p) < IPC_BULK_REF_SIZE) return fail(r, p, "truncated value");
    if (p[1] != IPC_BULK_EXT) return fail(r, p, "ext type %d is not allowed", (int8_t)p[1]);
    it->type = T_BULK;
    it->pos = load_be(p + 2, 8);
    it->n = load_be(p + 10, 8);
    r->p = p + IPC_BULK_REF_SIZE;
    r->nbulk++;
    r->bulk_bytes = it->n > UINT64_MAX - r->bulk_bytes ? UINT64_MAX : r->bulk_bytes + it->n;
    if (it->pos <= UINT64_MAX - it->n && it->pos + it->n > r->bulk_end)
        r->bulk_end = it->pos + it->n;
    return 0;
}

/*
 * Reads the header at r->p (not a str or bin payload) and checks it fits.
 * Every value of every frame passes through here, hence always_inline.
 */
__attribute__((always_inline)) static inline int head(struct rd *r, struct item *it)
{
    const uint8_t *p = r->p;
    uint8_t b;

    *it = (struct item){.at = p};
    if (p == r->end) return fail(r, p, "truncated value");
    b = *p;
    r->p = p + 1;
    if (b <= 0x7f) {
        it->type = T_UINT, it->n = b;
        return 0;
    }
    if (b >= 0xe0) {
        it->type = T_NEG, it->i = (int8_t)b;
        return 0;
    }
    if (b <= 0x9f) {
        it->type = b <= 0x8f ? T_MAP : T_ARRAY, it->n = b & 0x0f;
        return container(r, it);
    }
    if (b <= 0xbf) {
        it->type = T_STR, it->n = b & 0x1f;
        return blob(r, it);
    }

    unsigned width = WIDE[b - 0xc0].width;
    it->type = (enum type)WIDE[b - 0xc0].type;
    if (it->type == T_EXT) return ext(r, it);
    if (it->type == T_C1) return fail(r, p, "reserved byte 0xc1");
    if (remain(r) < width) return fail(r, p, "truncated value");
    it->n = load_be(p + 1, width);
    r->p = p + 1 + width;
    switch (it->type) {
    case T_BOOL:
        it->n = b & 1;
        return 0;
    case T_INT: /* a signed encoding may still hold a value >= 0 */
        it->i = sign_extend(it->n, width);
        it->type = it->i < 0 ? T_NEG : T_UINT;
        it->n = (uint64_t)it->i;
        return 0;
    case T_STR:
    case T_BIN:
        return blob(r, it);
    case T_ARRAY:
    case T_MAP:
        return container(r, it);
    default:
        return 0;
    }
}

/* Length of the valid multi-byte sequence at s (s[0] >= 0x80), or 0. */
static size_t utf8_seq(const uint8_t *s, size_t left)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c < 0xc2) /* continuation byte, or 0xc0/0xc1 (always overlong) */
        return 0;
    if (c < 0xe0) {
        n = 2;
    } else if (c < 0xf0) {
        n = 3;
        if (c == 0xe0) /* overlong */
            lo = 0xa0;
        else if (c == 0xed) /* surrogates */
            hi = 0x9f;
    } else if (c < 0xf5) {
        n = 4;
        if (c == 0xf0) /* overlong */
            lo = 0x90;
        else if (c == 0xf4) /* above U+10FFFF */
            hi = 0x8f;
    } else {
        return 0;
    }
    if (left < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if ((s[k] & 0xc0) != 0x80) return 0;
    return n;
}

/* Returns NULL when [s, end) is valid UTF-8, else its first bad byte. */
static const uint8_t *utf8_bad(const uint8_t *s, const uint8_t *end)
{
    while (s < end) {
        /* Most strings are ASCII: skip them 8 bytes at a time. */
        while (end - s >= 8) {
            uint64_t w;
            memcpy(&w, s, sizeof w);
            if (w & 0x8080808080808080ull) break;
            s += 8;
        }
        while (s < end && *s < 0x80)
            s++;
        if (s == end) break;
        size_t n = utf8_seq(s, (size_t)(end - s));
        if (n == 0) return s;
        s += n;
    }
    return NULL;
}

bool ipc_utf8_valid(const void *s, size_t len)
{
    return utf8_bad(s, (const uint8_t *)s + len) == NULL;
}

/* Checks the payload of a str item and steps over it. */
static int str_body(struct rd *r, const struct item *it)
{
    const uint8_t *bad = utf8_bad(r->p, r->p + it->n);

    if (bad) return fail(r, bad, "string is not valid UTF-8");
    r->p += it->n;
    return 0;
}

/* Steps over a bin's payload (a bulk reference has none), telling the visitor. */
static int visit(struct rd *r, const struct item *it)
{
    const uint8_t *after = it->type == T_BIN ? r->p + it->n : r->p;
    if (r->visit) {
        struct ipc_blob b = {.at = it->at,
                             .size = (size_t)(after - it->at),
                             .len = it->n,
                             .pos = it->pos,
                             .ref = it->type == T_BULK};
        const char *why = r->visit(r->visit_ud, &b);
        if (why) return fail(r, it->at, "%s", why);
    }
    r->p = after;
    return 0;
}

/*
 * Validates one value whose own depth is `depth` (the envelope is 1). Only
 * containers count against max_depth, as in msgpack-c, whose unpacker holds at
 * most IPC_MAX_DEPTH_CEILING open containers. Iterative: `left` is how many
 * items the innermost open level still holds, `stack` those of its parents.
 */
static int walk(struct rd *r, unsigned depth)
{
    uint64_t stack[IPC_MAX_DEPTH_CEILING + 1];
    uint64_t maps = 0; /* bit k: level k from the innermost is a map */
    uint64_t left = 1;
    unsigned top = 0;
    struct item it;

    for (;;) {
        while (left == 0) {
            if (top == 0) return 0;
            left = stack[--top];
            maps >>= 1;
        }
        bool key = (maps & 1) && !(left & 1); /* a map level counts 2n items down */
        left--;
        r->items++;
        if (r->p < r->end) {
            size_t size = FIXED_SIZE[*r->p];
            if (size && !key && size <= remain(r)) {
                r->p += size;
                continue;
            }
        }
        if (head(r, &it) < 0) return -1;
        if (key && it.type != T_STR) return fail(r, it.at, "map key is not a string");
        if (it.type == T_STR) {
            if (str_body(r, &it) < 0) return -1;
        } else if (it.type == T_BIN || it.type == T_BULK) {
            if (visit(r, &it) < 0) return -1;
        } else if (it.type == T_ARRAY || it.type == T_MAP) {
            if (depth + top > r->max_depth)
                return fail(r, it.at, "nesting deeper than %u", r->max_depth);
            stack[top++] = left;
            maps = maps << 1 | (it.type == T_MAP);
            left = it.type == T_MAP ? it.n * 2 : it.n;
        }
    }
}

bool ipc_name_ok(const char *s, size_t len)
{
    if (!s || len == 0 || len > IPC_MAX_NAME) return false;
    for (size_t k = 0; k < len; k++)
        if (!NAME_CHAR[(uint8_t)s[k]]) return false;
    return true;
}

/* A name-valued field: a str passing ipc_name_ok, said precisely when not. */
static int read_name(struct rd *r, struct ipc_slice *out, const char *field)
{
    struct item it;

    if (head(r, &it) < 0) return -1;
    if (it.type != T_STR) return fail(r, it.at, "%s is not a string", field);
    if (it.n == 0) return fail(r, it.at, "%s is empty", field);
    if (it.n > IPC_MAX_NAME)
        return fail(r, it.at, "%s is longer than %d bytes", field, IPC_MAX_NAME);
    for (size_t k = 0; k < it.n; k++)
        if (!NAME_CHAR[r->p[k]])
            return fail(r, r->p + k, "%s has a character outside [A-Za-z0-9_:|/.-]", field);
    out->ptr = r->p;
    out->len = (size_t)it.n;
    r->p += it.n;
    return 0;
}

static int read_uint(struct rd *r, uint64_t *out, const char *field)
{
    struct item it;

    if (head(r, &it) < 0) return -1;
    if (it.type != T_UINT) return fail(r, it.at, "%s is not a non-negative integer", field);
    *out = it.n;
    return 0;
}

static int read_pid(struct rd *r, int64_t *out)
{
    struct item it;

    if (head(r, &it) < 0) return -1;
    if (it.type != T_UINT || it.n == 0 || it.n > INT64_MAX)
        return fail(r, it.at, "hello pid is not a positive integer");
    *out = (int64_t)it.n;
    return 0;
}

static int read_bool(struct rd *r, bool *out, const char *field)
{
    struct item it;

    if (head(r, &it) < 0) return -1;
    if (it.type != T_BOOL) return fail(r, it.at, "%s is not a boolean", field);
    *out = it.n != 0;
    return 0;
}

/* The last element: any one value, kept as the exact bytes it spans. */
static int read_body(struct rd *r, struct ipc_slice *out)
{
    const uint8_t *start = r->p;

    if (walk(r, 2) < 0) return -1;
    out->ptr = start;
    out->len = (size_t)(r->p - start);
    return 0;
}

static bool is_map_byte(uint8_t b)
{
    return (b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf;
}

/* One entry of an error map: "code" (a name) or "message" (any str). */
static int error_entry(struct rd *r, struct ipc_frame *f)
{
    struct item key, val;

    if (head(r, &key) < 0) return -1;
    if (key.type != T_STR) return fail(r, key.at, "map key is not a string");
    const uint8_t *k = r->p;
    if (str_body(r, &key) < 0) return -1;
    bool code = key.n == 4 && memcmp(k, "code", 4) == 0;
    bool message = key.n == 7 && memcmp(k, "message", 7) == 0;
    if (!code && !message) return fail(r, key.at, "response error has an unexpected key");
    if ((code && f->err_code.ptr) || (message && f->err_message.ptr))
        return fail(r, key.at, "response error has a duplicate key \"%s\"",
                    code ? "code" : "message");
    if (code) return read_name(r, &f->err_code, "response error code");
    if (head(r, &val) < 0) return -1;
    if (val.type != T_STR) return fail(r, val.at, "response error message is not a string");
    f->err_message.ptr = r->p;
    f->err_message.len = (size_t)val.n;
    return str_body(r, &val);
}

/* RESPONSE with ok = false: exactly {"code": name, "message": str}. */
static int read_error(struct rd *r, struct ipc_frame *f)
{
    const uint8_t *start = r->p;
    struct item it;

    if (head(r, &it) < 0) return -1;
    if (it.type != T_MAP) return fail(r, it.at, "response error is not a map");
    if (r->max_depth < 2) return fail(r, it.at, "nesting deeper than %u", r->max_depth);
    for (uint64_t k = 0; k < it.n; k++)
        if (error_entry(r, f) < 0) return -1;
    if (!f->err_code.ptr) return fail(r, start, "response error lacks \"code\"");
    if (!f->err_message.ptr) return fail(r, start, "response error lacks \"message\"");
    f->body.ptr = start;
    f->body.len = (size_t)(r->p - start);
    return 0;
}

/* The elements after the kind, in the order the kind defines. */
static int fields(struct rd *r, struct ipc_frame *f)
{
    switch (f->kind) {
    case IPC_HELLO:
        if (read_uint(r, &f->version, "hello version") < 0) return -1;
        return read_pid(r, &f->pid);
    case IPC_WELCOME:
        if (read_uint(r, &f->version, "welcome version") < 0 ||
            read_name(r, &f->name, "welcome label") < 0)
            return -1;
        if (r->p < r->end && !is_map_byte(*r->p))
            return fail(r, r->p, "welcome config is not a map");
        return read_body(r, &f->body);
    case IPC_REQUEST:
        if (read_uint(r, &f->id, "request id") < 0 || read_name(r, &f->name, "request command") < 0)
            return -1;
        return read_body(r, &f->body);
    case IPC_RESPONSE:
        if (read_uint(r, &f->id, "response id") < 0 || read_bool(r, &f->ok, "response ok") < 0)
            return -1;
        return f->ok ? read_body(r, &f->body) : read_error(r, f);
    case IPC_CHANNEL:
        if (read_uint(r, &f->id, "channel id") < 0 ||
            read_uint(r, &f->index, "channel index") < 0 ||
            read_bool(r, &f->end, "channel end") < 0)
            return -1;
        return read_body(r, &f->body);
    case IPC_CANCEL:
        return read_uint(r, &f->id, "cancel id");
    default:
        if (read_name(r, &f->name, "event name") < 0) return -1;
        return read_body(r, &f->body);
    }
}

static int envelope(struct rd *r, struct ipc_frame *f)
{
    struct item env;
    uint64_t kind = 0;

    if (head(r, &env) < 0) return -1;
    if (env.type != T_ARRAY) return fail(r, env.at, "envelope is not an array");
    if (r->max_depth < 1) return fail(r, env.at, "nesting deeper than %u", r->max_depth);
    if (env.n == 0) return fail(r, env.at, "envelope is an empty array");
    if (read_uint(r, &kind, "kind") < 0) return -1;
    if (kind >= IPC_KIND_COUNT) return fail(r, env.at + 1, "unknown kind %" PRIu64, kind);
    f->kind = (enum ipc_kind)kind;
    /* An EVENT from a renderer names its sender: [4, name, payload, label]. */
    bool sender = kind == IPC_EVENT && env.n == 4u;
    if (env.n != KIND_ARITY[kind] && !sender)
        return fail(r, env.at, "%s has %" PRIu64 " elements, expected %u", ipc_kind_name((int)kind),
                    env.n, KIND_ARITY[kind]);
    if (fields(r, f) < 0) return -1;
    return sender ? read_name(r, &f->sender, "event sender") : 0;
}

static unsigned clamp_depth(unsigned depth)
{
    return depth > IPC_MAX_DEPTH_CEILING ? IPC_MAX_DEPTH_CEILING : depth;
}

static void rd_init(struct rd *r, const void *buf, size_t len, unsigned max_depth, const char *what,
                    char *err, size_t errlen)
{
    static const uint8_t none[1];
    const uint8_t *p = buf ? buf : none;

    *r = (struct rd){.base = p,
                     .p = p,
                     .end = p + (buf ? len : 0),
                     .max_depth = clamp_depth(max_depth),
                     .what = what,
                     .err = err,
                     .errlen = errlen};
}

static int no_trailing(struct rd *r)
{
    if (r->p != r->end) return fail(r, r->p, "%zu trailing bytes", remain(r));
    return 0;
}

/* What the walk counted of bulk references, into the decoded frame. */
static void bulk_counts(const struct rd *r, struct ipc_frame *out)
{
    out->nbulk = r->nbulk;
    out->bulk_bytes = r->bulk_bytes;
    out->bulk_end = r->bulk_end;
    out->items = r->items;
}

/* ipc_decode, telling fn (when not NULL) of every binary. */
static int decode(const void *buf, size_t len, const struct ipc_limits *lim, struct ipc_frame *out,
                  ipc_blob_fn fn, void *ud, char *err, size_t errlen)
{
    struct ipc_limits def;
    struct rd r;

    if (!lim) {
        ipc_limits_default(&def);
        lim = &def;
    }
    memset(out, 0, sizeof *out);
    if (len > lim->max_frame) {
        if (err && errlen)
            snprintf(err, errlen, "frame: %zu bytes exceeds the %zu-byte limit", len,
                     lim->max_frame);
        return -1;
    }
    rd_init(&r, buf, len, lim->max_depth, "frame", err, errlen);
    r.bulk = lim->bulk;
    r.visit = fn;
    r.visit_ud = ud;
    if (envelope(&r, out) < 0 || no_trailing(&r) < 0) return -1;
    bulk_counts(&r, out);
    return 0;
}

int ipc_decode(const void *buf, size_t len, const struct ipc_limits *lim, struct ipc_frame *out,
               char *err, size_t errlen)
{
    return decode(buf, len, lim, out, NULL, NULL, err, errlen);
}

int ipc_decode_next(const void *buf, size_t len, size_t *off, const struct ipc_limits *lim,
                    struct ipc_frame *out, char *err, size_t errlen)
{
    struct ipc_limits def;
    struct rd r;

    if (!lim) {
        ipc_limits_default(&def);
        lim = &def;
    }
    memset(out, 0, sizeof *out);
    /* A frame may not reach past max_frame bytes from where it starts. */
    size_t avail = len - *off, span = avail < lim->max_frame ? avail : lim->max_frame;
    rd_init(&r, (const uint8_t *)buf + *off, span, lim->max_depth, "frame", err, errlen);
    r.bulk = lim->bulk;
    if (envelope(&r, out) < 0) return -1;
    bulk_counts(&r, out);
    *off += (size_t)(r.p - ((const uint8_t *)buf + *off));
    return 0;
}

int ipc_check_value(const void *buf, size_t len, unsigned max_depth, char *err, size_t errlen)
{
    return ipc_walk_value(buf, len, max_depth, false, NULL, NULL, err, errlen);
}

int ipc_walk_frame(const void *buf, size_t len, const struct ipc_limits *lim, ipc_blob_fn fn,
                   void *ud, char *err, size_t errlen)
{
    struct ipc_frame f;
    struct ipc_limits whole = *lim;
    whole.max_frame = len; /* the size is the caller's to judge (ipc_bulk_resolve's is after) */
    return decode(buf, len, &whole, &f, fn, ud, err, errlen);
}

int ipc_walk_value(const void *buf, size_t len, unsigned max_depth, bool bulk, ipc_blob_fn fn,
                   void *ud, char *err, size_t errlen)
{
    struct rd r;

    rd_init(&r, buf, len, max_depth, "value", err, errlen);
    r.bulk = bulk;
    r.visit = fn;
    r.visit_ud = ud;
    if (walk(&r, 1) < 0 || no_trailing(&r) < 0) return -1;
    return 0;
}
