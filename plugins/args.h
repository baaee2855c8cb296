// SPDX-License-Identifier: MIT
/*
 * args.h: reading a command's arguments (msgpack maps), for every plugin and
 * for the fuzz targets that compile a plugin's parsers alone (args.c has no
 * other dependency than msgpack-c).
 */
#ifndef MOAT_PLUGIN_ARGS_H
#define MOAT_PLUGIN_ARGS_H

#include <msgpack.h>
#include <stdbool.h>

/* The value under key in map (NULL when map is not a map or has no such key). Borrowed. */
const msgpack_object *plugin_arg(const msgpack_object *map, const char *key);
/* True for an argument left out: missing or nil. */
bool plugin_absent(const msgpack_object *o);

#endif
