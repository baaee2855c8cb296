// SPDX-License-Identifier: MIT
/*
 * argschema.h: a command's argument schema, which the core checks before the
 * handler runs (moat_command_opts.args_schema, or a manifest's "arguments").
 *
 * A small subset of JSON Schema, enough to describe invoke's arguments:
 * "type" (string, number, integer, boolean, array, object, null), for objects
 * "properties", "required" and "additionalProperties" (a boolean), for arrays
 * "items"; "description", "title", "$schema" and "$comment" are notes. Any
 * other keyword is refused when the schema is registered, so that none is
 * believed checked that is not.
 */
#ifndef MOAT_CORE_ARGSCHEMA_H
#define MOAT_CORE_ARGSCHEMA_H

#include <msgpack.h>
#include <stddef.h>

struct core_argschema;

/* Compiles schema (JSON text; its top is an object type). NULL with the error set (moat_errmsg). */
struct core_argschema *core_argschema_new(const char *json, const char *command);
void core_argschema_free(struct core_argschema *s);

/*
 * Checks args (nil counts as {}) against s. 0, or -1 with why, e.g.
 * "name: expected a string, got a number" or "missing required name".
 */
int core_argschema_check(const struct core_argschema *s, const msgpack_object *args, char *why,
                         size_t len);

#endif
