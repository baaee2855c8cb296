// SPDX-License-Identifier: MIT
/*
 * json.c: the page's JSON frames <-> the core's msgpack values. In a parts
 * body (rawipc.c) a binary is {"__moat_bin__": [offset, length]} into the
 * bytes after the JSON; answers, events and channel messages with binaries
 * go to the page as such bodies too. Only when the page's own CSP refuses
 * ipc: does a binary cross the message handler, as {"__moat_bin__": base64}
 * (page.js's fallback, as Tauri falls back to postMessage).
 */
#include "wv.h"

#include <string.h>

#define BIN_KEY "__moat_bin__"
#define MAX_DEPTH 64

/* {"__moat_bin__": [offset, length]} inside bins, and nothing else: its bytes, or NULL. */
static const guint8 *bin_ref(const json_t *v, const struct wv_bins *bins, size_t *len)
{
    if (!bins || !json_is_object(v) || json_object_size(v) != 1) return NULL;
    const json_t *r = json_object_get(v, BIN_KEY);
    const json_t *o = json_array_get(r, 0), *n = json_array_get(r, 1);
    if (json_array_size(r) != 2 || !json_is_integer(o) || !json_is_integer(n)) return NULL;
    json_int_t off = json_integer_value(o), cnt = json_integer_value(n);
    if (off < 0 || cnt < 0 || (uint64_t)off > bins->len || (uint64_t)cnt > bins->len - (size_t)off)
        return NULL;
    *len = (size_t)cnt;
    return bins->base + off;
}

/* {"__moat_bin__": base64} and nothing else: its bytes (g_free), or NULL. */
static guint8 *bin_base64(const json_t *v, gsize *len)
{
    if (!json_is_object(v) || json_object_size(v) != 1) return NULL;
    const char *s = json_string_value(json_object_get(v, BIN_KEY));
    if (!s) return NULL;
    if (!*s) { /* g_base64_decode gives NULL for "" */
        *len = 0;
        return g_malloc(1);
    }
    return g_base64_decode(s, len);
}

static int pack(moat_client *c, msgpack_packer *pk, const json_t *v, const struct wv_bins *bins,
                unsigned depth)
{
    if (depth > MAX_DEPTH) return -1;
    size_t blen;
    const guint8 *b = bin_ref(v, bins, &blen);
    if (b) return moat_client_pack_bin(c, pk, b, blen);
    gsize dlen;
    guint8 *d = bins ? NULL : bin_base64(v, &dlen);
    if (d) {
        int rv = moat_client_pack_bin(c, pk, d, dlen);
        g_free(d);
        return rv;
    }
    switch (json_typeof(v)) {
    case JSON_NULL:
        return msgpack_pack_nil(pk);
    case JSON_TRUE:
        return msgpack_pack_true(pk);
    case JSON_FALSE:
        return msgpack_pack_false(pk);
    case JSON_INTEGER:
        return msgpack_pack_int64(pk, json_integer_value(v));
    case JSON_REAL:
        return msgpack_pack_double(pk, json_real_value(v));
    case JSON_STRING: {
        size_t n = json_string_length(v);
        return msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, json_string_value(v), n);
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        if (msgpack_pack_array(pk, json_array_size(v))) return -1;
        json_array_foreach(v, i, x) if (pack(c, pk, x, bins, depth + 1)) return -1;
        return 0;
    }
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        if (msgpack_pack_map(pk, json_object_size(v))) return -1;
        json_object_foreach((json_t *)v, k, x)
        {
            size_t n = strlen(k);
            if (msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, k, n) ||
                pack(c, pk, x, bins, depth + 1))
                return -1;
        }
        return 0;
    }
    }
    return -1;
}

int wv_json_pack(moat_client *c, msgpack_packer *pk, const json_t *v, unsigned depth)
{
    return pack(c, pk, v, NULL, depth);
}

int wv_json_pack_parts(moat_client *c, msgpack_packer *pk, const json_t *v,
                       const struct wv_bins *bins)
{
    return pack(c, pk, v, bins, 0);
}

bool wv_msgpack_has_bin(const msgpack_object *o, unsigned depth)
{
    if (depth > MAX_DEPTH) return false;
    if (o->type == MSGPACK_OBJECT_BIN || o->type == MSGPACK_OBJECT_EXT) return true;
    if (o->type == MSGPACK_OBJECT_ARRAY)
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (wv_msgpack_has_bin(&o->via.array.ptr[i], depth + 1)) return true;
    if (o->type == MSGPACK_OBJECT_MAP)
        for (uint32_t i = 0; i < o->via.map.size; i++)
            if (wv_msgpack_has_bin(&o->via.map.ptr[i].val, depth + 1)) return true;
    return false;
}

static json_t *bin_json(const char *bytes, size_t n)
{
    gchar *b64 = g_base64_encode((const guchar *)bytes, n);
    json_t *o = json_pack("{s:s}", BIN_KEY, b64);
    g_free(b64);
    return o;
}

/* A map key as a string: msgpack allows any key, JSON only strings. */
static char *key_string(const msgpack_object *k)
{
    if (k->type == MSGPACK_OBJECT_STR) return g_strndup(k->via.str.ptr, k->via.str.size);
    if (k->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return g_strdup_printf("%" G_GUINT64_FORMAT, (guint64)k->via.u64);
    if (k->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)k->via.i64);
    return g_strdup("");
}

/* A binary as a reference into parts (its bytes appended), or as base64 without parts. */
static json_t *bin_out(const char *bytes, size_t n, GByteArray *parts)
{
    if (!parts) return bin_json(bytes, n);
    json_t *o = json_pack("{s:[I,I]}", BIN_KEY, (json_int_t)parts->len, (json_int_t)n);
    g_byte_array_append(parts, (const guint8 *)bytes, (guint)n);
    return o;
}

static json_t *from_msgpack(const msgpack_object *o, GByteArray *parts, unsigned depth)
{
    if (depth > MAX_DEPTH) return json_null();
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return json_null();
    case MSGPACK_OBJECT_BOOLEAN:
        return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        return o->via.u64 > (uint64_t)INT64_MAX ? json_real((double)o->via.u64)
                                                : json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return json_integer(o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        return json_real(o->via.f64);
    case MSGPACK_OBJECT_STR: /* an empty string's ptr may be NULL, which jansson refuses */
        return o->via.str.size ? json_stringn_nocheck(o->via.str.ptr, o->via.str.size)
                               : json_string("");
    case MSGPACK_OBJECT_BIN:
        return bin_out(o->via.bin.ptr, o->via.bin.size, parts);
    case MSGPACK_OBJECT_EXT:
        return bin_out(o->via.ext.ptr, o->via.ext.size, parts);
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < o->via.array.size; i++)
            json_array_append_new(a, from_msgpack(&o->via.array.ptr[i], parts, depth + 1));
        return a;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *m = json_object();
        for (uint32_t i = 0; m && i < o->via.map.size; i++) {
            char *k = key_string(&o->via.map.ptr[i].key);
            json_object_set_new(m, k, from_msgpack(&o->via.map.ptr[i].val, parts, depth + 1));
            g_free(k);
        }
        return m;
    }
    }
    return json_null();
}

json_t *wv_json_from_msgpack(const msgpack_object *o, unsigned depth)
{
    return from_msgpack(o, NULL, depth);
}

json_t *wv_json_from_msgpack_parts(const msgpack_object *o, GByteArray *parts)
{
    return from_msgpack(o, parts, 0);
}
