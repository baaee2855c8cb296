// SPDX-License-Identifier: MIT
/*
 * webview_asset.c: the asset protocol behind convertFileSrc
 * (asset://localhost/<encoded path>) for webview renderers. The host cannot
 * read the user's files (its jail holds the bundle only), so for each piece
 * of a file the page loads it asks the core:
 *
 *     moat:asset {path, offset} -> {size, data}   (data: at most 1 MiB from offset)
 *
 * What decides is the app's config, as in Tauri: app.security.assetProtocol
 * {enable, scope} of the Tauri project's tauri.conf.json (beside the bundle
 * or above it, or in a src-tauri folder there; moat.json's "security" may
 * say it instead). scope is a list of path globs with Tauri's $VARIABLES, or
 * {allow, deny, requireLiteralLeadingDot}. Disabled, every path is
 * refused; enabled, what the window picked in plugin-dialog's choosers is
 * allowed besides the scope (plugins/dialog/dialog.c; Tauri's dialog adds
 * picks to this scope, and has the protocol only when enable says so). A
 * granted path is opened as the fs commands open theirs (plugins/fs/fs.h):
 * beneath the granting entry's literal root with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), then the scope is
 * checked again on where the descriptor really is. Refusals go to the audit
 * log.
 */
#include "fs.h"
#include "internal.h"
#include "plugins_internal.h"
#include "run_webview.h"
#include "scope.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ASSET_CHUNK ((size_t)1 << 20)
#define ASSET_CMD "moat:asset"

/* The config's assetProtocol: enable, and its scope's globs as fs scope entries. */
struct asset_conf {
    bool enable;
    char from[PATH_MAX + 32]; /* the file that said it, for messages; "" when none did */
    msgpack_sbuffer packed;   /* what entries point into */
    msgpack_zone *zone;
    msgpack_object entries; /* [allow..., deny...] as {"path": glob} maps */
    const msgpack_object **allow, **deny;
    size_t n_allow, n_deny;
    msgpack_unpacked picked; /* what this window picked (plugin_dialog_scope), in allow too */
    char *picked_buf;        /* what picked points into */
};

/* root.security.assetProtocol (moat.json) or root.app.security.assetProtocol (tauri.conf.json). */
static json_t *find_conf(const char *path, bool tauri)
{
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    json_t *top = tauri ? json_object_get(root, "app") : root;
    json_t *ap = json_object_get(json_object_get(top, "security"), "assetProtocol");
    json_incref(ap);
    json_decref(root);
    return ap;
}

/* moat.json first, then tauri.conf.json where plugins/app/identity.c looks for it. */
static json_t *load_conf(const char *bundle, char *from, size_t len)
{
    char dir[PATH_MAX - 32];
    snprintf(from, len, "%s/moat.json", bundle);
    json_t *ap = find_conf(from, false);
    snprintf(dir, sizeof dir, "%s", bundle);
    for (int up = 0; up < 3 && !ap; up++) {
        snprintf(from, len, "%s/tauri.conf.json", dir);
        if (access(from, F_OK) == 0) {
            ap = find_conf(from, true);
            break;
        }
        snprintf(from, len, "%s/src-tauri/tauri.conf.json", dir);
        if (access(from, F_OK) == 0) {
            ap = find_conf(from, true);
            break;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) break;
        *slash = '\0';
    }
    if (!ap) from[0] = '\0';
    return ap;
}

static int pack_globs(msgpack_packer *pk, json_t *arr)
{
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g)
    {
        const char *s = json_string_value(g);
        if (!s) return -1;
        msgpack_pack_map(pk, 1);
        msgpack_pack_str_with_body(pk, "path", 4);
        msgpack_pack_str_with_body(pk, s, strlen(s));
    }
    return 0;
}

/* The config into c; -1 with why for a config that is malformed (then nothing is served). */
static int conf_read(const char *bundle, struct asset_conf *c, char *why, size_t len)
{
    memset(c, 0, sizeof *c);
    json_t *ap = load_conf(bundle, c->from, sizeof c->from);
    if (!ap) return 0;
    json_t *scope = json_object_get(ap, "scope"), *allow = scope, *deny = NULL;
    c->enable = json_is_true(json_object_get(ap, "enable"));
    if (json_is_object(scope)) {
        allow = json_object_get(scope, "allow");
        deny = json_object_get(scope, "deny");
    }
    int rv = -1;
    msgpack_sbuffer *sb = &c->packed;
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    if ((scope && !json_is_array(scope) && !json_is_object(scope)) ||
        (allow && !json_is_array(allow)) || (deny && !json_is_array(deny))) {
        snprintf(why, len,
                 "%.2000s: assetProtocol.scope: expected a list of path globs or {allow, deny}",
                 c->from);
        goto done;
    }
    c->n_allow = json_array_size(allow), c->n_deny = json_array_size(deny);
    msgpack_pack_array(&pk, c->n_allow + c->n_deny);
    if (pack_globs(&pk, allow) || pack_globs(&pk, deny)) {
        snprintf(why, len, "%.2000s: assetProtocol.scope: every entry must be a path glob",
                 c->from);
        goto done;
    }
    c->zone = msgpack_zone_new(4096);
    c->allow = calloc(c->n_allow + 1, sizeof *c->allow);
    c->deny = calloc(c->n_deny + 1, sizeof *c->deny);
    if (!c->zone || !c->allow || !c->deny ||
        msgpack_unpack(sb->data, sb->size, NULL, c->zone, &c->entries) != MSGPACK_UNPACK_SUCCESS) {
        snprintf(why, len, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c->n_allow; i++)
        c->allow[i] = &c->entries.via.array.ptr[i];
    for (size_t i = 0; i < c->n_deny; i++)
        c->deny[i] = &c->entries.via.array.ptr[c->n_allow + i];
    rv = 0;
done:
    json_decref(ap);
    return rv;
}

/*
 * What the calling window picked in plugin-dialog's choosers joins the
 * allow entries (the config's deny entries still win), as Tauri's dialog
 * adds each pick to the asset protocol's scope. -1 when out of memory.
 */
static int add_picks(moat_call *call, struct asset_conf *c)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    int n = plugin_dialog_scope(core_call_renderer(call)->app, call, PLUGIN_DIALOG_ASSET, &sb);
    int rv = 0;
    msgpack_unpacked_init(&c->picked);
    if (n > 0 &&
        msgpack_unpack_next(&c->picked, sb.data, sb.size, NULL) == MSGPACK_UNPACK_SUCCESS &&
        c->picked.data.type == MSGPACK_OBJECT_ARRAY) {
        uint32_t k = c->picked.data.via.array.size;
        const msgpack_object **grown = realloc(c->allow, (c->n_allow + k + 1) * sizeof *grown);
        if (grown) {
            c->allow = grown;
            for (uint32_t i = 0; i < k; i++)
                c->allow[c->n_allow++] = &c->picked.data.via.array.ptr[i];
            c->picked_buf = msgpack_sbuffer_release(&sb);
        } else {
            rv = -1;
        }
    }
    msgpack_sbuffer_destroy(&sb);
    return rv;
}

static void conf_free(struct asset_conf *c)
{
    msgpack_unpacked_destroy(&c->picked);
    free(c->picked_buf);
    if (c->zone) msgpack_zone_free(c->zone);
    msgpack_sbuffer_destroy(&c->packed);
    free(c->allow);
    free(c->deny);
}

/* A refusal: audited (what decided, and the path), then answered with code. */
static void refuse(moat_call *call, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void refuse(moat_call *call, const char *code, const char *fmt, ...)
{
    char text[PATH_MAX + 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!strcmp(code, "denied")) {
        moat_renderer *r = core_call_renderer(call);
        struct pol_reason why = {.text = text};
        size_t len;
        const void *args = moat_call_args_raw(call, &len);
        core_audit_entry(r->app, r->label, ASSET_CMD, &why, NULL, args, len);
    }
    moat_call_reject(call, code, "asset protocol: %s", text);
}

/*
 * Where fd really is, as a path below the grant's root (which may itself be
 * reached through a link), checked against the scope again: a link beneath
 * the root may lead somewhere a deny entry covers, or no allow entry does.
 */
static int recheck(int fd, const struct core_fs_grant *g, const struct asset_conf *c,
                   const struct core_fs_env *env, char *logical, size_t len)
{
    char proc[64], real[PATH_MAX], root[PATH_MAX];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(proc, real, sizeof real - 1);
    if (n <= 0 || !realpath(g->root, root)) return -1;
    real[n] = '\0';
    size_t lr = strcmp(root, "/") ? strlen(root) : 0;
    if (strncmp(real, root, lr) || (real[lr] != '/' && real[lr] != '\0')) return -1;
    int w = snprintf(logical, len, "%s%s", strcmp(g->root, "/") ? g->root : "", real + lr);
    if (w < 0 || (size_t)w >= len) return -1; /* longer than any path the scope could allow */
    struct core_fs_grant *again = malloc(sizeof *again); /* two 4 KiB paths */
    char why[64];
    int rv = again && core_fs_authorize(logical, c->allow, c->n_allow, c->deny, c->n_deny, env,
                                        again, why, sizeof why) == 0
                 ? 0
                 : -1;
    free(again);
    return rv;
}

/* Reads up to ASSET_CHUNK bytes at offset and answers {size, data}. */
static void answer(moat_call *call, int fd, uint64_t offset)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return refuse(call, "not_found", "not a regular file");
    uint64_t size = (uint64_t)st.st_size;
    size_t want = offset >= size ? 0 : size - offset < ASSET_CHUNK ? size - offset : ASSET_CHUNK;
    char *buf = malloc(want ? want : 1);
    ssize_t got = buf && want ? pread(fd, buf, want, (off_t)offset) : 0;
    if (!buf || got < 0) {
        free(buf);
        return refuse(call, "failed", "read: %s", buf ? strerror(errno) : "out of memory");
    }
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "size", 4);
    msgpack_pack_uint64(&pk, size);
    msgpack_pack_str_with_body(&pk, "data", 4);
    msgpack_pack_bin_with_body(&pk, buf, (size_t)got);
    free(buf);
    moat_call_resolve(call, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

struct asset_req {
    struct asset_conf conf;
    struct core_fs_env env;
    char env_buf[3 * PATH_MAX];
    struct plugin_identity id;
    char abs[PATH_MAX], real[PATH_MAX], why[PATH_MAX + 100];
    struct core_fs_grant grant;
};

static void serve(moat_call *call, struct asset_req *q, const msgpack_object *path, uint64_t offset)
{
    const char *bundle = moat_call_bundle_dir(call), *bad;
    if (conf_read(bundle, &q->conf, q->why, sizeof q->why) != 0)
        return refuse(call, "denied", "%s", q->why);
    if (!q->conf.enable)
        return refuse(call, "denied", "it is not enabled (app.security.assetProtocol.enable in %s)",
                      q->conf.from[0] ? q->conf.from : "tauri.conf.json: none found");
    if (core_fs_normalize(path->via.str.ptr, path->via.str.size, NULL, q->abs, sizeof q->abs,
                          &bad) != 0)
        return refuse(call, "denied", "%.*s: %s", (int)path->via.str.size, path->via.str.ptr, bad);
    if (add_picks(call, &q->conf) != 0) return refuse(call, "failed", "out of memory");
    if (!q->conf.n_allow)
        return refuse(call, "denied",
                      "%s: app.security.assetProtocol in %s has no scope, and this window picked "
                      "nothing in a file dialog",
                      q->abs, q->conf.from);
    plugin_identity(bundle, moat_app_name(core_call_renderer(call)->app), &q->id);
    core_fs_env_init(&q->env, q->id.identifier, bundle, q->env_buf, sizeof q->env_buf);
    if (core_fs_authorize(q->abs, q->conf.allow, q->conf.n_allow, q->conf.deny, q->conf.n_deny,
                          &q->env, &q->grant, q->why, sizeof q->why) != 0)
        return refuse(call, "denied", "%s (app.security.assetProtocol.scope in %s)", q->why,
                      q->conf.from);
    int fd = core_fs_open(&q->grant, q->grant.rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
    if (fd < 0 && (errno == EXDEV || errno == ELOOP))
        return refuse(call, "denied", "%s: a symbolic link leads out of the scope", q->abs);
    if (fd < 0)
        return refuse(call, errno == ENOENT || errno == ENOTDIR ? "not_found" : "failed", "%s: %s",
                      q->abs, strerror(errno));
    if (recheck(fd, &q->grant, &q->conf, &q->env, q->real, sizeof q->real) != 0) {
        close(fd);
        return refuse(call, "denied", "%s: it leads to %s, which the scope does not allow", q->abs,
                      q->real);
    }
    answer(call, fd, offset);
    close(fd);
}

static void cmd_asset(moat_call *call, void *ud)
{
    (void)ud;
    const msgpack_object *args = moat_call_args(call);
    const msgpack_object *path = plugin_arg(args, "path"), *off = plugin_arg(args, "offset");
    if (strcmp(moat_call_renderer_kind(call), "webview") != 0) {
        moat_call_reject(call, "unsupported", "asset protocol: only a webview renderer has one");
        return;
    }
    if (!path || path->type != MSGPACK_OBJECT_STR ||
        (off && off->type != MSGPACK_OBJECT_POSITIVE_INTEGER)) {
        moat_call_reject(call, "invalid_args", "asset protocol: expected {path, offset}");
        return;
    }
    struct asset_req *q = calloc(1, sizeof *q); /* paths: not on the run thread's stack */
    if (!q) {
        moat_call_reject(call, "failed", "out of memory");
        return;
    }
    serve(call, q, path, off ? off->via.u64 : 0);
    conf_free(&q->conf);
    free(q);
}

int core_webview_asset_register(moat_app *app)
{
    return moat_app_command(app, ASSET_CMD, cmd_asset, NULL);
}
