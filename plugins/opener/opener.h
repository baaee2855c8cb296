// SPDX-License-Identifier: MIT
/*
 * opener.h: plugin-opener's decisions, kept apart from its commands so tests
 * can call them directly (opener_scope.c), and how it starts the program
 * that opens (opener.c).
 *
 * A scope entry is {"url": "<glob>"} or {"path": "<path glob with $VARS>"},
 * either with an optional "app": absent (the URL or path may only be opened
 * with the default program), true (with any program), false (never) or a
 * program's name (only with that one), as Tauri's scope_entry.rs has it.
 * Deny entries win, whatever their "app". Each decision sets *deny_at (may be
 * NULL) to the index of the deny entry that refused, or -1, for the audit.
 */
#ifndef MOAT_OPENER_H
#define MOAT_OPENER_H

#include <stdbool.h>
#include <stddef.h>

#include "fs.h"
#include "moat.h"

#define OPENER_URL_MAX 8192

/*
 * Tauri's URL glob (the glob crate, default options): '*' any run of
 * characters including '/', '?' one character, "[...]" a class ("[!...]"
 * its complement, "a-z" ranges). fold ignores ASCII case. 1 match, 0 no
 * match, -1 a malformed pattern (an unclosed '[').
 */
int opener_glob(const char *pattern, size_t plen, const char *text, bool fold);

/* The outcome of a decision; why (static or in the caller's buffer) says why not. */
enum opener_verdict {
    OPENER_ALLOWED = 0,
    OPENER_DENIED = -1,
    OPENER_INVALID = -2,
    OPENER_FAILED = -3,
    OPENER_MISSING = -4 /* the path does not exist */
};

/*
 * Whether url (len bytes) may be opened with program with (NULL: the
 * default one) under the scope entries. An http(s) URL is matched in its
 * canonical form (http_url.h: lowercase host, dot segments resolved, ...),
 * and that form is what is opened; other URLs are matched as written. Moat
 * refuses outright what Tauri would leave to the scope: javascript:,
 * vbscript:, data:, blob: and file: URLs (a path goes through open_path),
 * user info before a host ("https://trusted@evil.example"), percent signs in
 * a host, spaces, control characters and backslashes. Deny entries ignore
 * case. On OPENER_ALLOWED, target (tlen bytes) holds what to open.
 */
enum opener_verdict opener_url_decide(const char *url, size_t len, const char *with,
                                      const msgpack_object *const *allow, size_t n_allow,
                                      const msgpack_object *const *deny, size_t n_deny,
                                      char *target, size_t tlen, char *why, size_t wlen,
                                      long *deny_at);

/*
 * Whether path (len bytes, absolute, checked as fs paths are: core_fs_normalize)
 * may be opened with with (NULL: the default program): no deny entry's path
 * glob covers it and an allow entry whose "app" admits with does, both for
 * the path as given and for where it really leads (realpath: it must exist).
 * On OPENER_ALLOWED, target holds the real path, which is what is opened.
 */
enum opener_verdict opener_path_decide(const char *path, size_t len, const char *with,
                                       const msgpack_object *const *allow, size_t n_allow,
                                       const msgpack_object *const *deny, size_t n_deny,
                                       const struct core_fs_env *env, char *target, size_t tlen,
                                       char *why, size_t wlen, long *deny_at);

/*
 * Whether path may be revealed (Tauri puts no scope on reveal_item_in_dir;
 * Moat applies the path entries it is given): it must be absolute and
 * exist, no deny entry may cover it, and when some allow entry has a path,
 * one must cover it. On OPENER_ALLOWED, dir holds its real parent folder.
 */
enum opener_verdict opener_reveal_decide(const char *path, size_t len,
                                         const msgpack_object *const *allow, size_t n_allow,
                                         const msgpack_object *const *deny, size_t n_deny,
                                         const struct core_fs_env *env, char *dir, size_t dlen,
                                         char *why, size_t wlen, long *deny_at);

/*
 * A program name given as `with` that Moat will look up on PATH: not empty,
 * at most 255 bytes, printable ASCII, no '/', not starting with '-'.
 */
bool opener_program_ok(const char *with);

#endif
