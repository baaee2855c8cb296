// SPDX-License-Identifier: MIT
/*
 * plugin.c: the plugin commands this host carries out on its own window once
 * the core has allowed them (null), as window.c does for core:window:*:
 * plugin-dialog's message dialogs (dialog.c). What the host's sandbox cannot
 * do the core does itself: notifications (D-Bus), file choosers (the user's
 * files) and the clipboard (an untrusted X client cannot serve a selection
 * to other clients), the last two through its helper moat-desktop.
 */
#include "wv.h"

#include <string.h>

#define DIALOG "plugin:dialog|"

bool wv_plugin_is_cmd(const char *cmd)
{
    return cmd && (!strcmp(cmd, DIALOG "message") || !strcmp(cmd, DIALOG "ask") ||
                   !strcmp(cmd, DIALOG "confirm"));
}

json_t *wv_plugin_run(const char *cmd, const json_t *args, WebKitScriptMessageReply *reply,
                      JSCContext *ctx)
{
    return wv_dialog_run(cmd + strlen(DIALOG), args, reply, ctx);
}

void wv_plugin_answer(WebKitScriptMessageReply *reply, JSCContext *ctx, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    JSCValue *str = jsc_value_new_string(ctx, s ? s : "null");
    webkit_script_message_reply_return_value(reply, str);
    g_object_unref(str);
    free(s);
    json_decref(v);
}

json_t *wv_plugin_ok(json_t *v)
{
    return json_pack("{s:b,s:o}", "ok", 1, "value", v ? v : json_null());
}

json_t *wv_plugin_fail(const char *code, const char *message)
{
    return json_pack("{s:b,s:s,s:s}", "ok", 0, "code", code, "message", message);
}

/* A later answer: the reply and context held until then. */
struct wv_later *wv_later_new(WebKitScriptMessageReply *reply, JSCContext *ctx)
{
    struct wv_later *l = g_new0(struct wv_later, 1);
    l->reply = webkit_script_message_reply_ref(reply);
    l->ctx = g_object_ref(ctx);
    return l;
}

void wv_later_answer(struct wv_later *l, json_t *v)
{
    wv_plugin_answer(l->reply, l->ctx, v);
    webkit_script_message_reply_unref(l->reply);
    g_object_unref(l->ctx);
    g_free(l);
}
