// SPDX-License-Identifier: MIT
/*
 * clipboard.c: plugin-clipboard-manager's commands. The clipboard is a
 * window's: the JS renderer has none ("unsupported"). For a webview window
 * the core carries the command out itself through moat-desktop, its trusted
 * helper on the user's display (renderer/desktop/desktop.c): the webview
 * host holds only an untrusted X cookie, and the X server does not let an
 * untrusted client serve a selection to the user's other programs.
 *
 * One helper per app, started at the first clipboard call and ended with the
 * app (what it wrote stays pasteable until then, as with Tauri's arboard).
 * Requests are one JSON line each over a socket pair, answered in order; the
 * handlers run on workers and take turns on the helper.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plugins_internal.h"

extern char **environ;

struct clip_helper {
    const moat_app *app;
    pid_t pid;
    int fd;
    char buf[65536];
    size_t have;
    struct clip_helper *next;
};

static pthread_mutex_t clip_lock = PTHREAD_MUTEX_INITIALIZER; /* one request at a time */
static struct clip_helper *helpers;

static void helper_end(struct clip_helper *h)
{
    if (h->fd >= 0) close(h->fd); /* EOF: the helper ends */
    if (h->pid > 0) {
        int st;
        for (int i = 0; i < 50 && waitpid(h->pid, &st, WNOHANG) == 0; i++)
            usleep(10000);
        if (waitpid(h->pid, &st, WNOHANG) == 0) {
            kill(h->pid, SIGKILL);
            waitpid(h->pid, &st, 0);
        }
    }
    h->fd = -1, h->pid = 0, h->have = 0;
}

/* app's running helper, started when it is not. Under clip_lock. */
static struct clip_helper *helper_of(moat_call *c, const moat_app *app, char *why, size_t len)
{
    struct clip_helper *h = helpers;
    while (h && h->app != app)
        h = h->next;
    if (!h) {
        if (!(h = calloc(1, sizeof *h))) return snprintf(why, len, "out of memory"), NULL;
        *h = (struct clip_helper){.app = app, .fd = -1, .next = helpers};
        helpers = h;
    }
    if (h->fd >= 0) return h;
    char path[PATH_MAX];
    if (plugin_desktop_helper(c, path, sizeof path) < 0)
        return snprintf(why, len, "no moat-desktop helper is installed"), NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return snprintf(why, len, "socketpair: %s", strerror(errno)), NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    char *argv[] = {path, "clipboard", NULL};
    int rc = posix_spawn(&h->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        h->pid = 0;
        return snprintf(why, len, "%s: %s", path, strerror(rc)), NULL;
    }
    h->fd = sv[0];
    return h;
}

/* One request, one answer line (malloc'd), or NULL with why (the helper is then ended). */
static char *round_trip(struct clip_helper *h, const char *req, char *why, size_t len)
{
    size_t n = strlen(req), off = 0;
    while (off < n) {
        ssize_t w = send(h->fd, req + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) goto lost;
        off += (size_t)w;
    }
    for (;;) {
        char *nl = memchr(h->buf, '\n', h->have);
        if (nl) {
            char *line = strndup(h->buf, (size_t)(nl - h->buf));
            h->have -= (size_t)(nl + 1 - h->buf);
            memmove(h->buf, nl + 1, h->have);
            return line;
        }
        if (h->have == sizeof h->buf) goto lost;
        ssize_t r = recv(h->fd, h->buf + h->have, sizeof h->buf - h->have, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) goto lost;
        h->have += (size_t)r;
    }
lost:
    snprintf(why, len, "the clipboard helper ended (is there a display?)");
    helper_end(h);
    return NULL;
}

/* The request for c's command, as JSON text (malloc'd), or NULL with why. */
static char *request_of(moat_call *c, const char *op, char *why, size_t len)
{
    json_t *r = json_pack("{s:s}", "op", op);
    const char *keys[][2] = {{"text", "text"}, {"html", "html"}, {"altText", "alt"}};
    for (size_t i = 0; r && i < sizeof keys / sizeof *keys; i++) {
        const msgpack_object *v = plugin_arg(moat_call_args(c), keys[i][0]);
        if (v && v->type == MSGPACK_OBJECT_STR)
            json_object_set_new(r, keys[i][1], json_stringn(v->via.str.ptr, v->via.str.size));
    }
    bool need_text = !strcmp(op, "write_text"), need_html = !strcmp(op, "write_html");
    if ((need_text && !json_is_string(json_object_get(r, "text"))) ||
        (need_html && !json_is_string(json_object_get(r, "html")))) {
        json_decref(r);
        return snprintf(why, len, "%s must be a string", need_text ? "text" : "html"), NULL;
    }
    char *s = r ? json_dumps(r, JSON_COMPACT) : NULL;
    json_decref(r);
    if (!s) return snprintf(why, len, "out of memory"), NULL;
    char *line;
    if (asprintf(&line, "%s\n", s) < 0) line = NULL;
    free(s);
    return line;
}

static void answer(moat_call *c, const char *line)
{
    json_t *a = json_loads(line, 0, NULL);
    json_t *v = json_object_get(a, "value");
    const char *msg = json_string_value(json_object_get(a, "message"));
    if (!json_is_true(json_object_get(a, "ok")))
        moat_call_reject(c, "failed", "%s: %s", moat_call_command(c),
                         msg ? msg : "malformed answer from the clipboard helper");
    else if (json_is_string(v))
        moat_call_resolve_str(c, json_string_value(v));
    else
        moat_call_resolve_null(c);
    json_decref(a);
}

static void clip_cmd(moat_call *c, void *ud)
{
    const char *cmd = moat_call_command(c), *op = strchr(cmd, ':') + 1;
    if (strcmp(moat_call_renderer_kind(c), "webview")) {
        moat_call_reject(c, "unsupported",
                         "%s is not supported by the JS renderer: it has no window and no "
                         "clipboard (run the bundle in the webview renderer)",
                         cmd);
        return;
    }
    if (!strcmp(op, "write_image") || !strcmp(op, "read_image")) {
        moat_call_reject(c, "unsupported", "%s: images on the clipboard are not supported yet",
                         cmd);
        return;
    }
    char why[PATH_MAX + 64];
    char *req = request_of(c, op, why, sizeof why), *line = NULL;
    if (req) {
        pthread_mutex_lock(&clip_lock);
        struct clip_helper *h = helper_of(c, ud, why, sizeof why);
        line = h ? round_trip(h, req, why, sizeof why) : NULL;
        pthread_mutex_unlock(&clip_lock);
        free(req);
    }
    if (line)
        answer(c, line);
    else
        moat_call_reject(c, req ? "failed" : "invalid_args", "%s: %s", cmd, why);
    free(line);
}

void plugin_clipboard_forget(moat_app *app)
{
    pthread_mutex_lock(&clip_lock);
    for (struct clip_helper **hp = &helpers; *hp;) {
        struct clip_helper *h = *hp;
        if (h->app != app) {
            hp = &h->next;
            continue;
        }
        *hp = h->next;
        helper_end(h);
        free(h);
    }
    pthread_mutex_unlock(&clip_lock);
}

/* moat_app_free: the app's moat-desktop helper is ended. */
static void finish(void *app)
{
    plugin_clipboard_forget(app);
}

int moat_plugin_clipboard_register(moat_app *app)
{
    static const char *const cmds[] = {"write_text", "read_text",   "write_html",
                                       "clear",      "write_image", "read_image"};
    moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    if (moat_app_set_data(app, "moat:clipboard-manager", app, finish) < 0) return -1;
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char name[64];
        snprintf(name, sizeof name, "clipboard-manager:%s", cmds[i]);
        if (moat_app_command_ex(app, name, clip_cmd, app, &worker) < 0) return -1;
    }
    static const char *const manifest[] = {"clipboard-manager/permissions.json"};
    return plugin_load_manifests(app, manifest, 1);
}
