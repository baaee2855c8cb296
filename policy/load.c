// SPDX-License-Identifier: MIT
/*
 * load.c: text -> policy. Checks the bytes (not empty, UTF-8), lets jansson
 * parse them strictly, indexes positions, then parse.c checks the shape and
 * compile.c resolves permissions. Also reads policy files. Every error of
 * every file is collected (struct pol_errors); any of them means no policy.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiled.h"
#include "jsonpos.h"
#include "tree.h"

#define MAX_POLICY_BYTES (16u << 20)

static const struct pol_pos nowhere = {0, 0};

/* Length of the valid UTF-8 sequence at s, or 0 (overlongs and surrogates are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || n > left) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* Empty, not UTF-8, or holding a NUL byte: worth a clearer word than jansson's. */
static int check_bytes(const char *text, size_t len, const char *file, struct pol_errors *err)
{
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i]) && text[i])
        i++;
    if (i == len)
        return pol_err_at(err, file, nowhere, "policy is empty (expected a JSON capability file)");
    for (i = 0; i < len;) {
        size_t n = utf8_seq((const unsigned char *)text + i, len - i);
        if (n == 0)
            return pol_err_at(err, file, pol_json_pos_at(text, len, i),
                              "policy is not valid UTF-8 (byte 0x%02x)", (unsigned char)text[i]);
        if (text[i] == '\0')
            return pol_err_at(err, file, pol_json_pos_at(text, len, i),
                              "policy contains a NUL byte");
        i += n;
    }
    return 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t ls = strlen(s), lt = strlen(tail);
    return ls >= lt && strcmp(s + ls - lt, tail) == 0;
}

static int duplicate_key(const char *text, size_t a, size_t b, const char *file, struct pol_pos pos,
                         struct pol_errors *err)
{
    struct pol_buf key;
    char q[POL_QUOTE_SIZE];
    pol_buf_init(&key);
    int ok = pol_json_decode_string(text + a, b - a, &key) == 0;
    if (ok) pol_err_at(err, file, pos, "duplicate key %s", pol_quote(q, pol_buf_str(&key)));
    pol_buf_free(&key);
    return ok ? -1 : 0;
}

/*
 * jansson places an error just past the offending token (or at the end of
 * the file); point at the token's first character instead.
 */
static int json_failed(const json_error_t *je, const char *text, size_t len, const char *file,
                       struct pol_errors *err)
{
    struct pol_pos pos = {je->line, je->column};
    size_t a = 0, b = 0;
    bool found = false;
    if (ends_with(je->text, "near end of file"))
        pos = pol_json_pos_at(text, len, len);
    else if (je->position >= 0)
        found = pol_json_token_before(text, len, (size_t)je->position, &pos, &a, &b) == 0;
    if (found && json_error_code(je) == json_error_duplicate_key &&
        duplicate_key(text, a, b, file, pos, err) < 0)
        return -1;
    return pol_err_at(err, file, pos, "invalid JSON: %s", je->text);
}

static json_t *json_parse(const char *text, size_t len, const char *file, struct pol_jsonpos *jp,
                          struct pol_errors *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) return json_failed(&je, text, len, file, err), NULL;
    /* Should indexing fall short (no memory), errors merely lose their positions. */
    pol_jsonpos_index(jp, text, len);
    return root;
}

json_t *pol_json_parse(const char *text, size_t len, const char *file, struct pol_jsonpos *jp,
                       struct pol_error *err)
{
    struct pol_errors errs = {0};
    json_t *root = json_parse(text, len, file, jp, &errs);
    if (!root) pol_errors_first(&errs, err);
    pol_errors_free(&errs);
    return root;
}

/*
 * text -> tree (shape checked, not resolved). 0, or -1 with the errors added
 * to err (tree then holds what passed), or -2 when the text is not JSON (an
 * empty tree); free tree either way.
 */
static int parse_text(const char *text, size_t len, const char *file, bool conf,
                      struct pol_tree *tree, struct pol_errors *err)
{
    memset(tree, 0, sizeof *tree);
    pol_arena_init(&tree->arena);
    /* A UTF-8 byte order mark is invisible in editors: skip it, columns stay true. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (check_bytes(text, len, file, err) < 0) return -2;
    struct pol_jsonpos jp;
    json_t *root = json_parse(text, len, file, &jp, err);
    if (!root) return -2;
    pol_tree_free(tree);
    int rc = conf ? pol_parse_tauri_conf(root, &jp, file, tree, err)
                  : pol_parse(root, &jp, file, tree, err);
    json_decref(root);
    pol_jsonpos_free(&jp);
    return rc;
}

/* Errors in document order: a tree's come before compile's, both are about the same text. */
static int same_rank(const char *file, void *ud)
{
    (void)file, (void)ud;
    return 0;
}

/* Any error: no policy. */
static int all_or_nothing(struct pol_errors *errs, struct pol_policy *p, struct pol_policy **out)
{
    if (errs->total == 0 && p) {
        *out = p;
        return 0;
    }
    pol_free(p);
    if (errs->total == 0) pol_err_oom(errs, "<policy>");
    return -1;
}

int pol_load_string_all(const char *text, size_t len, const char *name,
                        const struct pol_catalog *cat, unsigned flags, struct pol_policy **out,
                        struct pol_errors *errs)
{
    const char *file = name ? name : "<string>";
    *errs = (struct pol_errors){0};
    if (!out || (!text && len))
        return pol_err_at(errs, file, nowhere, "bad arguments to pol_load_string");
    struct pol_tree tree;
    struct pol_policy *p = NULL;
    /* A tree with errors is still compiled: an unknown permission is worth hearing of too. */
    if (parse_text(text, len, file, false, &tree, errs) == 0 || !errs->stopped)
        pol_compile(&tree, cat, file, flags, &p, errs);
    pol_tree_free(&tree);
    pol_errors_sort(errs, same_rank, NULL);
    return all_or_nothing(errs, p, out);
}

/* The first error, for the callers of the single-error loaders. */
static int first_only(int rc, struct pol_errors *all, struct pol_error *err)
{
    if (rc != 0) pol_errors_first(all, err);
    pol_errors_free(all);
    return rc;
}

int pol_load_string(const char *text, size_t len, const char *name, const struct pol_catalog *cat,
                    struct pol_policy **out, struct pol_error *err)
{
    struct pol_errors all;
    return first_only(pol_load_string_all(text, len, name, cat, 0, out, &all), &all, err);
}

static int read_all(FILE *f, char **text, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (ferror(f) || n < cap) break;
        if (cap >= MAX_POLICY_BYTES) {
            errno = EFBIG;
            break;
        }
        char *more = realloc(buf, cap * 2);
        if (!more) break;
        buf = more;
        cap *= 2;
    }
    if (!buf || ferror(f) || n >= cap) {
        int saved = buf ? errno : ENOMEM;
        free(buf);
        errno = saved ? saved : EIO;
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* A file's text (malloc'd, *len), or NULL with err filled. */
static char *read_policy(const char *path, size_t *len, struct pol_errors *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return pol_err_at(err, path, nowhere, "cannot open policy: %s", strerror(errno)), NULL;
    char *text = NULL;
    int rc = read_all(f, &text, len);
    int saved = errno;
    fclose(f);
    if (rc == 0) return text;
    pol_err_at(err, path, nowhere, "cannot read policy: %s",
               saved == EFBIG ? "file too large (the limit is 16 MiB)" : strerror(saved));
    return NULL;
}

/*
 * The files of a policy given as several paths: capability files, capabilities
 * folders (their *.json files, sorted, as Tauri reads src-tauri/capabilities)
 * and tauri.conf.json files (their app.security.capabilities).
 */
struct sources {
    char **paths;
    size_t n, cap;
    struct pol_tree *trees;
    bool unread; /* a file could not be read or is not JSON: its capabilities are unknown */
};

static void sources_free(struct sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->trees) pol_tree_free(&s->trees[i]);
        free(s->paths[i]);
    }
    free(s->paths);
    free(s->trees);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends dir/name (name may be NULL: dir alone); the copy is s's. */
static int add_path(struct sources *s, const char *dir, const char *name, struct pol_errors *err)
{
    char **more = s->n == s->cap
                      ? realloc(s->paths, (s->cap = s->cap ? s->cap * 2 : 8) * sizeof *more)
                      : s->paths;
    if (more) s->paths = more;
    size_t len = strlen(dir) + (name ? strlen(name) + 1 : 0) + 1;
    char *path = more ? malloc(len) : NULL;
    if (!path) return pol_err_oom(err, dir);
    snprintf(path, len, name ? "%s/%s" : "%s", dir, name ? name : "");
    s->paths[s->n++] = path;
    return 0;
}

/* A folder's *.json files; every file of another kind is an error, and the rest are still read. */
static int add_dir(struct sources *s, const char *dir, struct pol_errors *err)
{
    DIR *dh = opendir(dir);
    if (!dh) return pol_err_at(err, dir, nowhere, "cannot open policy folder: %s", strerror(errno));
    size_t first = s->n;
    int rc = 0;
    for (struct dirent *e; !err->stopped && (e = readdir(dh));) {
        if (e->d_name[0] == '.') continue;
        if (ends_with(e->d_name, ".toml") || ends_with(e->d_name, ".json5"))
            rc = pol_err_at(err, dir, nowhere,
                            "%s: only JSON capability files are read (convert it to .json)",
                            e->d_name);
        else if (ends_with(e->d_name, ".json"))
            rc |= add_path(s, dir, e->d_name, err);
    }
    closedir(dh);
    if (s->n == first && rc == 0)
        rc = pol_err_at(err, dir, nowhere, "no capability files (*.json) in this folder");
    if (s->n > first) qsort(s->paths + first, s->n - first, sizeof *s->paths, by_name);
    return rc;
}

bool pol_is_tauri_conf(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(base, "tauri.", 6) == 0 && ends_with(base, ".conf.json");
}

/* The first file (before file i) that defines a capability id. */
static const char *first_with(const struct sources *s, size_t i, const char *id)
{
    for (size_t j = 0; j < i; j++)
        for (size_t m = 0; m < s->trees[j].n_caps; m++)
            if (!strcmp(s->trees[j].caps[m].id, id)) return s->paths[j];
    return "";
}

/* Each capability of file i whose identifier an earlier file has: an error at it. */
static int duplicate_caps(const struct sources *s, size_t i, struct pol_errors *err)
{
    int rc = 0;
    for (size_t k = 0; k < s->trees[i].n_caps; k++) {
        const struct pol_cap_node *c = &s->trees[i].caps[k];
        bool dup = false;
        for (size_t j = 0; j < i && !dup && *c->id; j++)
            for (size_t m = 0; m < s->trees[j].n_caps && !dup; m++)
                dup = !strcmp(s->trees[j].caps[m].id, c->id);
        if (dup)
            rc = pol_err_at(err, s->paths[i], c->id_pos,
                            "duplicate capability identifier \"%s\" (first in %s)", c->id,
                            first_with(s, i, c->id));
    }
    return rc;
}

/* Every file's tree, whatever the files before it gave; identifiers must be unique across them. */
static int parse_all(struct sources *s, struct pol_errors *err)
{
    if (!(s->trees = calloc(s->n, sizeof *s->trees))) return pol_err_oom(err, s->paths[0]);
    int rc = 0;
    for (size_t i = 0; i < s->n && !err->stopped; i++) {
        size_t len;
        char *text = read_policy(s->paths[i], &len, err);
        int parsed = text ? parse_text(text, len, s->paths[i], pol_is_tauri_conf(s->paths[i]),
                                       &s->trees[i], err)
                          : -2;
        /* Unreadable, bad bytes or bad JSON: what capabilities it has is not known. */
        if (parsed == -2) s->unread = true;
        if (parsed < 0) rc = -1;
        free(text);
        rc |= duplicate_caps(s, i, err);
    }
    return err->stopped ? -1 : rc;
}

/* Is cap listed by an app.security.capabilities? Inline ones are. */
static bool enabled(const struct sources *s, size_t tree, const struct pol_cap_node *cap)
{
    if (s->trees[tree].enables) return true;
    for (size_t i = 0; i < s->n; i++)
        for (size_t r = 0; r < s->trees[i].n_refs; r++)
            if (!strcmp(s->trees[i].refs[r], cap->id)) return true;
    return false;
}

static bool any_enables(const struct sources *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->trees[i].enables) return true;
    return false;
}

/* Each identifier that app.security.capabilities names and no file defines. */
static int dangling_refs(const struct sources *s, struct pol_errors *err)
{
    int rc = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t r = 0; r < s->trees[i].n_refs; r++) {
            bool found = false;
            for (size_t j = 0; j < s->n && !found; j++)
                for (size_t k = 0; k < s->trees[j].n_caps && !found; k++)
                    found = !strcmp(s->trees[j].caps[k].id, s->trees[i].refs[r]);
            if (!found)
                rc = pol_err_at(err, s->paths[i], s->trees[i].ref_pos[r],
                                "no capability \"%s\" in the policy files given with this one "
                                "(give its capabilities folder too)",
                                s->trees[i].refs[r]);
        }
    return rc;
}

/* Every capability of every file, or those that apply; shallow (the trees own the strings). */
static int compile_some(const struct sources *s, bool only_enabled, const char *name,
                        const struct pol_catalog *cat, unsigned flags, struct pol_policy **out,
                        struct pol_errors *err)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->trees[i].n_caps;
    struct pol_tree all = {.caps = calloc(n ? n : 1, sizeof *all.caps)};
    if (!all.caps) return pol_err_oom(err, name);
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->trees[i].n_caps; k++)
            if (!only_enabled || enabled(s, i, &s->trees[i].caps[k]))
                all.caps[all.n_caps++] = s->trees[i].caps[k];
    int rc = pol_compile(&all, cat, name, flags, out, err);
    free(all.caps);
    return rc;
}

/*
 * With a tauri.conf.json only what it lists applies, but an error in any file
 * is still one: everything is compiled first. Compiled even when parsing
 * found errors (on what passed), so that those errors come with the rest.
 */
static int compile_all(const struct sources *s, const char *name, const struct pol_catalog *cat,
                       unsigned flags, struct pol_policy **out, struct pol_errors *err)
{
    struct pol_policy *every = NULL;
    int rc = compile_some(s, false, name, cat, flags, &every, err);
    if (!any_enables(s) || err->stopped) {
        *out = every;
        return rc;
    }
    pol_free(every);
    /* A file that could not be read may well define what is missing: say nothing then. */
    if (!s->unread) rc |= dangling_refs(s, err);
    return rc == 0 && err->total == 0 ? compile_some(s, true, name, cat, flags, out, err) : -1;
}

/* Errors of a path given, or of a file in a folder given, in the order of the files. */
static int file_rank(const char *file, void *ud)
{
    const struct sources *s = ud;
    size_t len = strlen(file);
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->paths[i], file)) return (int)i;
    for (size_t i = 0; i < s->n; i++) /* a folder's own: where its files are */
        if (!strncmp(s->paths[i], file, len) && s->paths[i][len] == '/') return (int)i;
    return -1;
}

int pol_load_all(const char *const *paths, size_t n, const struct pol_catalog *cat, unsigned flags,
                 struct pol_policy **out, struct pol_errors *errs)
{
    *errs = (struct pol_errors){0};
    if (!out || !paths || n == 0 || !paths[0])
        return pol_err_at(errs, "<policy>", nowhere, "no policy file named");
    struct sources s = {0};
    struct pol_policy *p = NULL;
    for (size_t i = 0; i < n && !errs->stopped; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (add_dir(&s, paths[i], errs) < 0) s.unread = true;
        } else {
            add_path(&s, paths[i], NULL, errs);
        }
    }
    if (s.n && !errs->stopped) parse_all(&s, errs);
    if (s.n && !errs->stopped) compile_all(&s, paths[0], cat, flags, &p, errs);
    pol_errors_sort(errs, file_rank, &s);
    sources_free(&s);
    return all_or_nothing(errs, p, out);
}

int pol_load_files(const char *const *paths, size_t n, const struct pol_catalog *cat,
                   struct pol_policy **out, struct pol_error *err)
{
    struct pol_errors all;
    return first_only(pol_load_all(paths, n, cat, 0, out, &all), &all, err);
}

int pol_load_file(const char *path, const struct pol_catalog *cat, struct pol_policy **out,
                  struct pol_error *err)
{
    return pol_load_files(&path, 1, cat, out, err);
}
