// SPDX-License-Identifier: MIT
/*
 * wvbin.c: the embedder of test_binary.sh. BUNDLE POLICY: one webview window
 * with a 20 MiB frame limit and commands that print what the core saw of
 * the page's binaries (length and hash, the page's h = h * 31 + byte), so
 * the script compares them with what the page made and got back:
 *   test:echo   the args (one binary) back as they came
 *   test:parts  {name, a: bin, b: bin} -> {name, a: b, b: a} (binaries inside maps)
 *   test:make   {n, seed} -> n bytes, byte i = (i * 7 + seed) & 255 (a binary answer
 *               to a JSON invoke)
 *   test:stream {n, seed, channel} -> null, after emitting to the caller the event
 *               test:bin (those n bytes), then test:json ({"after": "bin"}), and
 *               sending on the channel those n bytes, {"k": 2}, {"name": "x", "b": the
 *               first 1000 bytes}, then its end (binaries to the page in order)
 */
#include "moat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + b[i];
    return h;
}

static void cmd_echo(moat_call *c, void *ud)
{
    (void)ud;
    size_t len;
    const void *raw = moat_call_args_raw(c, &len);
    const msgpack_object *a = moat_call_args(c);
    if (a->type != MSGPACK_OBJECT_BIN) {
        printf("core saw: not a binary (msgpack type %d)\n", (int)a->type);
        fflush(stdout);
        moat_call_reject(c, "invalid_args", "expected a binary");
        return;
    }
    printf("core saw: %u %u\n", a->via.bin.size, hash(a->via.bin.ptr, a->via.bin.size));
    fflush(stdout);
    moat_call_resolve(c, raw, len);
}

static const msgpack_object *get(const msgpack_object *m, const char *key)
{
    for (uint32_t i = 0; m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

static void pack_str(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void cmd_parts(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *m = moat_call_args(c);
    const msgpack_object *name = get(m, "name"), *a = get(m, "a"), *b = get(m, "b");
    if (!name || name->type != MSGPACK_OBJECT_STR || !a || a->type != MSGPACK_OBJECT_BIN || !b ||
        b->type != MSGPACK_OBJECT_BIN) {
        moat_call_reject(c, "invalid_args", "expected {name: string, a: binary, b: binary}");
        return;
    }
    printf("core parts: %.*s %u %u %u %u\n", (int)name->via.str.size, name->via.str.ptr,
           a->via.bin.size, hash(a->via.bin.ptr, a->via.bin.size), b->via.bin.size,
           hash(b->via.bin.ptr, b->via.bin.size));
    fflush(stdout);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    pack_str(&pk, "name", 4);
    pack_str(&pk, name->via.str.ptr, name->via.str.size);
    pack_str(&pk, "a", 1);
    msgpack_pack_bin(&pk, b->via.bin.size);
    msgpack_pack_bin_body(&pk, b->via.bin.ptr, b->via.bin.size);
    pack_str(&pk, "b", 1);
    msgpack_pack_bin(&pk, a->via.bin.size);
    msgpack_pack_bin_body(&pk, a->via.bin.ptr, a->via.bin.size);
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static void cmd_make(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *m = moat_call_args(c);
    const msgpack_object *n = get(m, "n"), *seed = get(m, "seed");
    if (!n || n->type != MSGPACK_OBJECT_POSITIVE_INTEGER || n->via.u64 > (8u << 20) || !seed ||
        seed->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        moat_call_reject(c, "invalid_args", "expected {n: 0..8 MiB, seed}");
        return;
    }
    size_t len = (size_t)n->via.u64;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_bin(&pk, len);
    unsigned char *b = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        b[i] = (unsigned char)((i * 7 + seed->via.u64) & 255);
    msgpack_pack_bin_body(&pk, b, len);
    printf("core made: %zu %u\n", len, hash(b, len));
    fflush(stdout);
    free(b);
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static void pattern(unsigned char *b, size_t len, uint64_t seed)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (unsigned char)((i * 7 + seed) & 255);
}

/* The msgpack of {"name": "x", "b": bin}: caller frees *out (msgpack_sbuffer_destroy). */
static void pack_named(msgpack_sbuffer *out, const unsigned char *b, size_t len)
{
    msgpack_sbuffer_init(out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    pack_str(&pk, "name", 4);
    pack_str(&pk, "x", 1);
    pack_str(&pk, "b", 1);
    msgpack_pack_bin(&pk, len);
    msgpack_pack_bin_body(&pk, b, len);
}

static void cmd_stream(moat_call *c, void *ud)
{
    moat_app *app = ud;
    const msgpack_object *m = moat_call_args(c);
    const msgpack_object *n = get(m, "n"), *seed = get(m, "seed");
    moat_channel *ch = moat_call_channel(c, "channel");
    if (!n || n->type != MSGPACK_OBJECT_POSITIVE_INTEGER || n->via.u64 < 1000 ||
        n->via.u64 > (4u << 20) || !seed || seed->type != MSGPACK_OBJECT_POSITIVE_INTEGER || !ch) {
        if (ch) moat_channel_close(ch);
        moat_call_reject(c, "invalid_args", "expected {n: 1000..4 MiB, seed, channel}");
        return;
    }
    size_t len = (size_t)n->via.u64;
    unsigned char *b = malloc(len);
    pattern(b, len, seed->via.u64);
    printf("core streamed: %zu %u %u\n", len, hash(b, len), hash(b, 1000));
    fflush(stdout);
    msgpack_sbuffer bin, named;
    msgpack_sbuffer_init(&bin);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &bin, msgpack_sbuffer_write);
    msgpack_pack_bin(&pk, len);
    msgpack_pack_bin_body(&pk, b, len);
    pack_named(&named, b, 1000);
    static const char after[] = "\x81\xa5"
                                "after"
                                "\xa3"
                                "bin",
                      k2[] = "\x81\xa1"
                             "k"
                             "\x02";
    int rv = moat_app_emit(app, "main", "test:bin", bin.data, bin.size) ||
             moat_app_emit(app, "main", "test:json", after, sizeof after - 1) ||
             moat_channel_send(ch, bin.data, bin.size) ||
             moat_channel_send(ch, k2, sizeof k2 - 1) ||
             moat_channel_send(ch, named.data, named.size);
    moat_channel_close(ch);
    msgpack_sbuffer_destroy(&bin);
    msgpack_sbuffer_destroy(&named);
    free(b);
    if (rv)
        moat_call_reject(c, "failed", moat_errmsg());
    else
        moat_call_resolve(c, "\xc0", 1);
}

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud;
    fprintf(stream == 2 ? stderr : stdout, "[%s] %s\n", label, line);
    fflush(stream == 2 ? stderr : stdout);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wvbin BUNDLE POLICY\n");
        return 2;
    }
    moat_app *app = moat_app_new("wvbin");
    if (!app || moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 20u << 20) ||
        moat_app_command(app, "test:echo", cmd_echo, NULL) ||
        moat_app_command(app, "test:parts", cmd_parts, NULL) ||
        moat_app_command(app, "test:make", cmd_make, NULL) ||
        moat_app_command(app, "test:stream", cmd_stream, app) ||
        moat_app_load_policy(app, argv[2])) {
        fprintf(stderr, "wvbin: %s\n", moat_errmsg());
        return 1;
    }
    moat_app_set_output(app, on_output, NULL);
    int rv = moat_app_spawn(app, argv[1], "main") ? moat_app_run(app) : -1;
    if (rv != 0) fprintf(stderr, "wvbin: %s\n", moat_errmsg());
    moat_app_free(app);
    return rv == 0 ? 0 : 1;
}
