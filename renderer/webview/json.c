/*
 * json.c: the page's JSON frames <-> the core's msgpack values. Binaries
 * cross as {"__moat_bin__": base64} (page.js encodes and decodes them).
 */
#include "wv.h"

#include <string.h>

#define BIN_KEY "__moat_bin__"
#define MAX_DEPTH 64

/* {"__moat_bin__": "..."} and nothing else. */
static const char *bin_b64(const json_t *v)
{
    if (!json_is_object(v) || json_object_size(v) != 1) return NULL;
    return json_string_value(json_object_get(v, BIN_KEY));
}

int wv_json_pack(moat_client *c, msgpack_packer *pk, const json_t *v, unsigned depth)
{
    if (depth > MAX_DEPTH) return -1;
    const char *b64 = bin_b64(v);
    if (b64) {
        gsize n = 0;
        guchar *bytes = g_base64_decode(b64, &n);
        int rv = moat_client_pack_bin(c, pk, bytes, n);
        g_free(bytes);
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
        json_array_foreach(v, i, x) if (wv_json_pack(c, pk, x, depth + 1)) return -1;
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
                wv_json_pack(c, pk, x, depth + 1))
                return -1;
        }
        return 0;
    }
    }
    return -1;
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

json_t *wv_json_from_msgpack(const msgpack_object *o, unsigned depth)
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
        return bin_json(o->via.bin.ptr, o->via.bin.size);
    case MSGPACK_OBJECT_EXT:
        return bin_json(o->via.ext.ptr, o->via.ext.size);
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < o->via.array.size; i++)
            json_array_append_new(a, wv_json_from_msgpack(&o->via.array.ptr[i], depth + 1));
        return a;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *m = json_object();
        for (uint32_t i = 0; m && i < o->via.map.size; i++) {
            char *k = key_string(&o->via.map.ptr[i].key);
            json_object_set_new(m, k, wv_json_from_msgpack(&o->via.map.ptr[i].val, depth + 1));
            g_free(k);
        }
        return m;
    }
    }
    return json_null();
}
