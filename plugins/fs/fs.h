// SPDX-License-Identifier: MIT
/*
 * fs.h: the scoped filesystem commands of plugin-fs v2 (read_text_file,
 * read_file, write_text_file, write_file, read_dir, exists, stat, lstat,
 * size, mkdir, remove, create, open, copy_file, rename, truncate,
 * read_text_file_lines, watch, and the rid commands read, write, seek, fstat,
 * ftruncate, read_text_file_lines_next, unwatch), with Tauri's argument
 * shapes: {path, options: {baseDir, ...}}. Every path is checked against
 * the call's scope (path globs; deny wins) and then opened beneath the
 * allowed entry's root with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so no string trick and
 * no symbolic link, present or swapped in during the call, reaches outside.
 *
 * fs.c takes a request in (arguments, scope, opening), fs_path.c holds the
 * path checks (here so tests can call them directly), fs_cmds.c, fs_tree.c,
 * fs_more.c, fs_stream.c the operations, fs_handle.c the open files and line
 * readers, fs_watch.c watching.
 */
#ifndef MOAT_CORE_FS_H
#define MOAT_CORE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "moat.h"

/* The most a read returns in one answer (files stream through Channels once they exist). */
#define CORE_FS_MAX_READ (16u << 20)

/*
 * The directories scope variables stand for, all absolute (NULL: the
 * variable matches nothing): $BUNDLE (the calling renderer's bundle),
 * $APPDATA, $APPCACHE, $HOME, $TEMP.
 */
struct core_fs_env {
    const char *bundle, *appdata, *appcache, *home, *temp;
    const char *identifier; /* the app's: the other App* folders end in it */
    bool match_dots;        /* wildcards match a leading '.' (requireLiteralLeadingDot: false) */
};

/*
 * The environment for app_name (the app's identifier) and bundle: $HOME (or the passwd entry),
 * $TMPDIR or /tmp, $XDG_DATA_HOME/app_name (default ~/.local/share/...),
 * $XDG_CACHE_HOME/app_name (default ~/.cache/...). Strings live in buf.
 */
void core_fs_env_init(struct core_fs_env *env, const char *app_name, const char *bundle, char *buf,
                      size_t len);

/*
 * A requested path, checked and made absolute: refuses empty, overlong
 * (over 4095 bytes, or a component over 255), NUL and control bytes, invalid
 * UTF-8, percent-encoded bytes (Moat never decodes a path; core_fs_from_url
 * decodes a URL), backslashes, URLs and ".." components; drops "." and empty components. A relative
 * path needs base (from options.baseDir). Returns 0, or -1 with *why set.
 */
int core_fs_normalize(const char *path, size_t len, const char *base, char *out, size_t outlen,
                      const char **why);

/*
 * A file URL (what plugin-fs sends for a URL object: "file:///a%20b") as the
 * path it names, into out: percent-decoded once; no host but localhost, no
 * user, port, query or fragment; an encoded '/' or NUL refused. The path
 * then goes through core_fs_normalize and the scope as any other. Returns 1
 * (a URL, decoded), 0 (not a file URL: s is a path), or -1 with *why set.
 */
int core_fs_from_url(const char *s, size_t len, char *out, size_t outlen, const char **why);

/* The allow entry that grants a path, and where it is rooted. */
struct core_fs_grant {
    char root[4096];  /* the entry's literal directory: opening happens beneath it */
    char rel[4096];   /* the path below root; "." for root itself */
    bool no_symlinks; /* the entry says {"noSymlinks": true} */
};

/*
 * Decides abs (a normalized path) against scope entries (msgpack maps with a
 * "path" glob): a deny entry matching it, ignoring case, refuses it; else the
 * first allow entry matching it grants it, rooted at that entry's literal
 * directory. Returns 0 with *g filled, or -1 with a reason in why.
 */
int core_fs_authorize(const char *abs, const msgpack_object *const *allow, size_t n_allow,
                      const msgpack_object *const *deny, size_t n_deny,
                      const struct core_fs_env *env, struct core_fs_grant *g, char *why,
                      size_t len);

/* True when some deny entry matches path (ignoring case, or undecidably complex). */
bool core_fs_denied(const char *path, const msgpack_object *const *deny, size_t n_deny,
                    const struct core_fs_env *env);

/*
 * openat2 beneath g->root: returns an fd for g->rel (flags as for openat),
 * or -1 with errno (EXDEV or ELOOP when the path would leave the root or,
 * with no_symlinks, meets a symbolic link).
 */
int core_fs_open(const struct core_fs_grant *g, const char *rel, int flags, int mode);

struct open_how;

/* openat2(dir, path, how), tried again while the kernel answers EAGAIN (a
 * rename or mount raced with a ".." under RESOLVE_BENEATH), up to 64 times. */
int core_fs_openat2(int dir, const char *path, const struct open_how *how);

#endif
