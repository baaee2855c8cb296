/*
 * load.c: text -> policy. Checks the bytes (not empty, UTF-8), lets jansson
 * parse them strictly, indexes positions, then parse.c checks the shape and
 * compile.c resolves permissions. Also reads policy files.
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
static int check_bytes(const char *text, size_t len, const char *file, struct pol_error *err)
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
                         struct pol_error *err)
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
                       struct pol_error *err)
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

json_t *pol_json_parse(const char *text, size_t len, const char *file, struct pol_jsonpos *jp,
                       struct pol_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) return json_failed(&je, text, len, file, err), NULL;
    /* Should indexing fall short (no memory), errors merely lose their positions. */
    pol_jsonpos_index(jp, text, len);
    return root;
}

/* text -> tree (shape checked, not resolved). 0, or -1 with err filled; free tree either way. */
static int parse_text(const char *text, size_t len, const char *file, struct pol_tree *tree,
                      struct pol_error *err)
{
    memset(tree, 0, sizeof *tree);
    pol_arena_init(&tree->arena);
    /* A UTF-8 byte order mark is invisible in editors: skip it, columns stay true. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (check_bytes(text, len, file, err) < 0) return -1;
    struct pol_jsonpos jp;
    json_t *root = pol_json_parse(text, len, file, &jp, err);
    if (!root) return -1;
    pol_tree_free(tree);
    int rc = pol_parse(root, &jp, file, tree, err);
    json_decref(root);
    pol_jsonpos_free(&jp);
    return rc;
}

int pol_load_string(const char *text, size_t len, const char *name, const struct pol_catalog *cat,
                    struct pol_policy **out, struct pol_error *err)
{
    const char *file = name ? name : "<string>";
    if (!out || (!text && len))
        return pol_err_at(err, file, nowhere, "bad arguments to pol_load_string");
    struct pol_tree tree;
    int rc = parse_text(text, len, file, &tree, err);
    if (rc == 0) rc = pol_compile(&tree, cat, file, out, err);
    pol_tree_free(&tree);
    return rc;
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
static char *read_policy(const char *path, size_t *len, struct pol_error *err)
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

/* A capabilities folder: its *.json files, sorted, as Tauri reads src-tauri/capabilities. */
struct dir_files {
    char **paths;
    size_t n;
    struct pol_tree *trees;
};

static void dir_files_free(struct dir_files *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->trees) pol_tree_free(&d->trees[i]);
        free(d->paths[i]);
    }
    free(d->paths);
    free(d->trees);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir, struct dir_files *d, struct pol_error *err)
{
    DIR *dh = opendir(dir);
    if (!dh) return pol_err_at(err, dir, nowhere, "cannot open policy folder: %s", strerror(errno));
    size_t cap = 0;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(dh));) {
        if (e->d_name[0] == '.') continue;
        if (ends_with(e->d_name, ".toml") || ends_with(e->d_name, ".json5")) {
            rc = pol_err_at(err, dir, nowhere,
                            "%s: only JSON capability files are read (convert it to .json)",
                            e->d_name);
            break;
        }
        if (!ends_with(e->d_name, ".json")) continue;
        char **more =
            d->n == cap ? realloc(d->paths, (cap = cap ? cap * 2 : 8) * sizeof *more) : d->paths;
        char *path = more ? malloc(strlen(dir) + strlen(e->d_name) + 2) : NULL;
        if (more) d->paths = more;
        if (!path) rc = pol_err_at(err, dir, nowhere, "out of memory");
        if (path) sprintf(path, "%s/%s", dir, e->d_name), d->paths[d->n++] = path;
    }
    closedir(dh);
    if (rc == 0 && d->n == 0)
        rc = pol_err_at(err, dir, nowhere, "no capability files (*.json) in this folder");
    if (rc == 0) qsort(d->paths, d->n, sizeof *d->paths, by_name);
    return rc;
}

/* Every file's tree; identifiers must be unique across the files too. */
static int parse_all(struct dir_files *d, size_t *n_caps, struct pol_error *err)
{
    if (!(d->trees = calloc(d->n, sizeof *d->trees)))
        return pol_err_at(err, d->paths[0], nowhere, "out of memory");
    *n_caps = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t len;
        char *text = read_policy(d->paths[i], &len, err);
        int rc = text ? parse_text(text, len, d->paths[i], &d->trees[i], err) : -1;
        free(text);
        if (rc < 0) return -1;
        for (size_t k = 0; k < d->trees[i].n_caps; k++) {
            const struct pol_cap_node *c = &d->trees[i].caps[k];
            for (size_t j = 0; j < i; j++)
                for (size_t m = 0; m < d->trees[j].n_caps; m++)
                    if (!strcmp(d->trees[j].caps[m].id, c->id))
                        return pol_err_at(err, d->paths[i], c->id_pos,
                                          "duplicate capability identifier \"%s\" (first in %s)",
                                          c->id, d->paths[j]);
        }
        *n_caps += d->trees[i].n_caps;
    }
    return 0;
}

static int load_dir(const char *dir, const struct pol_catalog *cat, struct pol_policy **out,
                    struct pol_error *err)
{
    struct dir_files d = {0};
    size_t n = 0;
    int rc = list_dir(dir, &d, err);
    if (rc == 0) rc = parse_all(&d, &n, err);
    struct pol_tree all = {.caps = rc == 0 ? calloc(n ? n : 1, sizeof *all.caps) : NULL};
    if (rc == 0 && !all.caps) rc = pol_err_at(err, dir, nowhere, "out of memory");
    for (size_t i = 0; rc == 0 && i < d.n; i++) /* shallow: the files' trees own the strings */
        for (size_t k = 0; k < d.trees[i].n_caps; k++)
            all.caps[all.n_caps++] = d.trees[i].caps[k];
    if (rc == 0) rc = pol_compile(&all, cat, dir, out, err);
    free(all.caps);
    dir_files_free(&d);
    return rc;
}

int pol_load_file(const char *path, const struct pol_catalog *cat, struct pol_policy **out,
                  struct pol_error *err)
{
    if (!path) return pol_err_at(err, "<policy>", nowhere, "no policy file named");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return load_dir(path, cat, out, err);
    size_t len = 0;
    char *text = read_policy(path, &len, err);
    if (!text) return -1;
    int rc = pol_load_string(text, len, path, cat, out, err);
    free(text);
    return rc;
}
