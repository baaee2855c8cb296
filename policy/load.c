/*
 * load.c: text -> policy. Checks the bytes (not empty, UTF-8), lets jansson
 * parse them strictly, indexes positions, then parse.c checks the shape and
 * compile.c resolves permissions. Also reads policy files.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int pol_load_string(const char *text, size_t len, const char *name, const struct pol_catalog *cat,
                    struct pol_policy **out, struct pol_error *err)
{
    const char *file = name ? name : "<string>";
    if (!out || (!text && len))
        return pol_err_at(err, file, nowhere, "bad arguments to pol_load_string");
    /* A UTF-8 byte order mark is invisible in editors: skip it, columns stay true. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (check_bytes(text, len, file, err) < 0) return -1;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) return json_failed(&je, text, len, file, err);
    /* Should indexing fall short (no memory), errors merely lose their positions. */
    struct pol_jsonpos jp;
    pol_jsonpos_index(&jp, text, len);
    struct pol_tree tree;
    int rc = pol_parse(root, &jp, file, &tree, err);
    json_decref(root);
    pol_jsonpos_free(&jp);
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

int pol_load_file(const char *path, const struct pol_catalog *cat, struct pol_policy **out,
                  struct pol_error *err)
{
    if (!path) return pol_err_at(err, "<policy>", nowhere, "no policy file named");
    FILE *f = fopen(path, "rb");
    if (!f) return pol_err_at(err, path, nowhere, "cannot open policy: %s", strerror(errno));
    char *text = NULL;
    size_t len = 0;
    int rc = read_all(f, &text, &len);
    int saved = errno;
    fclose(f);
    if (rc < 0)
        return pol_err_at(err, path, nowhere, "cannot read policy: %s",
                          saved == EFBIG ? "file too large (the limit is 16 MiB)"
                                         : strerror(saved));
    rc = pol_load_string(text, len, path, cat, out, err);
    free(text);
    return rc;
}
