// SPDX-License-Identifier: MIT
/*
 * value_eq.h: what "the same value" means after msgpack -> JavaScript ->
 * msgpack, shared by test_convert and fuzz_convert.
 *
 * JavaScript has one number type, so a number comes back as the double
 * JavaScriptCore holds (an integer beyond 2^53 as the nearest double),
 * packed as convert.c packs a double: an integer when it holds one within
 * 2^53 (and is not -0), else float64 with the same bits (any NaN for NaN).
 * A map comes back with its keys in JavaScript's order (integer-like keys
 * first) and a repeated key once, holding its last value. Everything else
 * (strings to the byte, binaries, arrays) comes back unchanged.
 */
#ifndef MOAT_TEST_VALUE_EQ_H
#define MOAT_TEST_VALUE_EQ_H

#include <math.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool veq_is_number(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
           o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER || o->type == MSGPACK_OBJECT_FLOAT32 ||
           o->type == MSGPACK_OBJECT_FLOAT64;
}

/* The double a JS engine holds for a msgpack number. */
static double veq_as_double(const msgpack_object *o)
{
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return (double)o->via.u64;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) return (double)o->via.i64;
    return o->via.f64;
}

static bool veq_number(const msgpack_object *in, const msgpack_object *out)
{
    double d = veq_as_double(in);
    bool integral = d == floor(d) && fabs(d) <= 9007199254740992.0 && !(d == 0 && signbit(d));
    if (integral) {
        if (out->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            return d >= 0 && (double)out->via.u64 == d;
        if (out->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) return d < 0 && (double)out->via.i64 == d;
        return false;
    }
    if (out->type != MSGPACK_OBJECT_FLOAT64) return false;
    if (isnan(d)) return isnan(out->via.f64);
    return memcmp(&d, &out->via.f64, sizeof d) == 0;
}

static bool veq_str(const msgpack_object_str *a, const msgpack_object_str *b)
{
    return a->size == b->size && (a->size == 0 || memcmp(a->ptr, b->ptr, a->size) == 0);
}

static bool value_eq(const msgpack_object *in, const msgpack_object *out);

/* Last occurrence of key in m, or NULL. */
static const msgpack_object *veq_lookup(const msgpack_object_map *m, const msgpack_object_str *key)
{
    for (uint32_t i = m->size; i-- > 0;)
        if (m->ptr[i].key.type == MSGPACK_OBJECT_STR && veq_str(&m->ptr[i].key.via.str, key))
            return &m->ptr[i].val;
    return NULL;
}

static bool veq_map(const msgpack_object_map *in, const msgpack_object_map *out)
{
    uint32_t distinct = 0;
    for (uint32_t i = 0; i < in->size; i++) {
        const msgpack_object *last = veq_lookup(in, &in->ptr[i].key.via.str);
        if (last == &in->ptr[i].val) distinct++;
    }
    if (distinct != out->size) return false;
    for (uint32_t i = 0; i < out->size; i++) {
        if (out->ptr[i].key.type != MSGPACK_OBJECT_STR) return false;
        const msgpack_object *want = veq_lookup(in, &out->ptr[i].key.via.str);
        if (!want || veq_lookup(out, &out->ptr[i].key.via.str) != &out->ptr[i].val ||
            !value_eq(want, &out->ptr[i].val))
            return false;
    }
    return true;
}

/* True when out is what in must become after one trip through JavaScript. */
static bool value_eq(const msgpack_object *in, const msgpack_object *out)
{
    if (veq_is_number(in)) return veq_number(in, out);
    if (in->type != out->type) return false;
    switch (in->type) {
    case MSGPACK_OBJECT_NIL:
        return true;
    case MSGPACK_OBJECT_BOOLEAN:
        return in->via.boolean == out->via.boolean;
    case MSGPACK_OBJECT_STR:
        return veq_str(&in->via.str, &out->via.str);
    case MSGPACK_OBJECT_BIN:
        return in->via.bin.size == out->via.bin.size &&
               (in->via.bin.size == 0 ||
                memcmp(in->via.bin.ptr, out->via.bin.ptr, in->via.bin.size) == 0);
    case MSGPACK_OBJECT_ARRAY:
        if (in->via.array.size != out->via.array.size) return false;
        for (uint32_t i = 0; i < in->via.array.size; i++)
            if (!value_eq(&in->via.array.ptr[i], &out->via.array.ptr[i])) return false;
        return true;
    case MSGPACK_OBJECT_MAP:
        return veq_map(&in->via.map, &out->via.map);
    default:
        return false;
    }
}

#endif
