// SPDX-License-Identifier: MIT
/*
 * store.h: plugin-store's pieces shared by store.c (the commands, autosave)
 * and store_file.c (values between msgpack and JSON, the file on disk).
 */
#ifndef MOAT_PLUGIN_STORE_H
#define MOAT_PLUGIN_STORE_H

#include <jansson.h>
#include <stddef.h>

#include "moat.h"

/* Deepest value a store keeps: a frame carries 32 levels, the answer's envelope some. */
#define STORE_MAX_DEPTH 24
/* The largest store file read. */
#define STORE_MAX_FILE (64u << 20)

/* A msgpack value as JSON (new reference), or NULL with *why: not UTF-8, too deep, a map key no
 * string. */
json_t *store_json_from(const msgpack_object *o, unsigned depth, const char **why);
/* Packs v; 0, or -1 when too deep. */
int store_json_pack(msgpack_packer *pk, const json_t *v, unsigned depth);

/*
 * Reads the store file abs into *out (a new object): 0; 1 when there is no
 * such file; -1 with why (len bytes) saying what is wrong with it, in words
 * that name only rel (the path the renderer gave).
 */
int store_file_read(const char *abs, const char *rel, json_t **out, char *why, size_t len);
/*
 * Writes obj to abs atomically: a temporary file beside it, fsync, rename
 * over abs, fsync of the folder (made first, 0700, when missing). 0, or -1
 * with why naming rel.
 */
int store_file_write(const char *abs, const char *rel, const json_t *obj, char *why, size_t len);

#endif
