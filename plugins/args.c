// SPDX-License-Identifier: MIT
/*
 * args.c: reading a command's arguments; see args.h.
 */
#include "args.h"

#include <string.h>

const msgpack_object *plugin_arg(const msgpack_object *m, const char *key)
{
    for (uint32_t i = 0; m && m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

bool plugin_absent(const msgpack_object *o)
{
    return !o || o->type == MSGPACK_OBJECT_NIL;
}
