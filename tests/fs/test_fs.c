// SPDX-License-Identifier: MIT
/*
 * test_fs.c: the scoped fs commands' suite: path checks directly, then
 * every command end to end. Each suite keeps its own counters.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fs_test.h"

static void pack_json(msgpack_packer *pk, json_t *v)
{
    size_t i;
    const char *k;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        msgpack_pack_map(pk, json_object_size(v));
        json_object_foreach(v, k, x)
        {
            msgpack_pack_str_with_body(pk, k, strlen(k));
            pack_json(pk, x);
        }
        break;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(v));
        json_array_foreach(v, i, x) pack_json(pk, x);
        break;
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        msgpack_pack_int64(pk, json_integer_value(v));
        break;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        break;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        break;
    default:
        msgpack_pack_nil(pk);
    }
}

msgpack_object test_obj(msgpack_zone *zone, const char *sq_json)
{
    char text[8192];
    size_t n = strlen(sq_json);
    for (size_t i = 0; i <= n && i < sizeof(text); i++)
        text[i] = sq_json[i] == '\'' ? '"' : sq_json[i];
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pack_json(&pk, j);
    json_decref(j);
    msgpack_object o;
    size_t off = 0;
    char *copy = msgpack_zone_malloc(zone, sb.size);
    memcpy(copy, sb.data, sb.size);
    msgpack_unpack(copy, sb.size, &off, zone, &o);
    msgpack_sbuffer_destroy(&sb);
    return o;
}

int main(void)
{
    int failed = suite_fs_path();
    failed |= suite_fs_e2e();
    fprintf(stderr, "%s\n", failed ? "test_fs: FAILED" : "test_fs: all passed");
    return failed;
}
