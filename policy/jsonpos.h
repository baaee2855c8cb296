// SPDX-License-Identifier: MIT
/*
 * jsonpos.h: where each value and key sits in a JSON text.
 *
 * jansson validates and builds the tree but records no positions, so this
 * small scanner walks the same text again and indexes, by JSON pointer path
 * ("" for the root, "/capabilities/0/windows/1"), the line:column of every
 * value and of the key that introduces it. Semantic checks then name a
 * path and get a position. Columns count characters, as jansson's do.
 */
#ifndef MOAT_POLICY_JSONPOS_H
#define MOAT_POLICY_JSONPOS_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "strbuf.h"
#include "strmap.h"

struct pol_jsonpos_entry {
    const char *path;
    struct pol_pos value; /* first character of the value */
    struct pol_pos key;   /* opening quote of its key; line 0 for array elements and the root */
};

struct pol_jsonpos {
    struct pol_arena arena;
    struct pol_map by_path;
};

/*
 * Indexes text, which should be JSON that jansson accepted. Returns 0, or -1
 * if the text is not JSON after all or memory ran out. Free with
 * pol_jsonpos_free either way.
 */
int pol_jsonpos_index(struct pol_jsonpos *jp, const char *text, size_t len);
void pol_jsonpos_free(struct pol_jsonpos *jp);
/* NULL when path is not in the text. */
const struct pol_jsonpos_entry *pol_jsonpos_get(const struct pol_jsonpos *jp, const char *path);

/*
 * Parses text as the policy loader does (jansson, strictly: duplicate keys
 * refused) and indexes it into jp, so that moat.json and policies report
 * errors alike. Returns the root (caller json_decref's it; free jp with
 * pol_jsonpos_free), or NULL with err filled at the offending token's
 * file:line:col (jp then needs no freeing).
 */
struct json_t;
struct json_t *pol_json_parse(const char *text, size_t len, const char *file,
                              struct pol_jsonpos *jp, struct pol_error *err);

/* Line:column of byte offset off (off <= len). */
struct pol_pos pol_json_pos_at(const char *text, size_t len, size_t off);

/*
 * jansson reports a syntax error just past the token it choked on; this finds
 * where that token starts. Returns 0 and fills *start (and the token's byte
 * range, if start_off/end_off are not NULL), or -1 if no token ends at end
 * (an error inside a string, or at the end of the file).
 */
int pol_json_token_before(const char *text, size_t len, size_t end, struct pol_pos *start,
                          size_t *start_off, size_t *end_off);

/* Decodes a JSON string token (quotes included) into out. 0, or -1 if malformed. */
int pol_json_decode_string(const char *tok, size_t len, struct pol_buf *out);

#endif
