// SPDX-License-Identifier: MIT
/*
 * notification.c: the window.Notification plugin-notification uses
 * (sendNotification constructs one, requestPermission asks it), defined
 * before the page's scripts as Tauri's plugin init script does: a
 * notification is the core's plugin:notification|notify, and the permission
 * is the policy's answer (request_permission), never a prompt. WebKit's own
 * Notification is replaced, so it asks nothing either.
 */
#include "wv.h"

static const char notification_js[] =
    "(function () {\n"
    "  const invoke = (cmd, args) => window.__TAURI_INTERNALS__.invoke(cmd, args);\n"
    "  let permission = 'default';\n"
    "  function Notification(title, options) {\n"
    "    const o = Object.assign({}, options || {}, { title: String(title) });\n"
    "    invoke('plugin:notification|notify', { options: o }).catch((e) =>\n"
    "      console.error('notification: ' + ((e && e.message) || e)));\n"
    "  }\n"
    "  Object.defineProperty(Notification, 'permission', { enumerable: true, get: () => "
    "permission });\n"
    "  Notification.requestPermission = () =>\n"
    "    invoke('plugin:notification|request_permission').then((p) => {\n"
    "      permission = p === 'granted' || p === 'denied' ? p : 'default';\n"
    "      return p;\n"
    "    });\n"
    "  Object.defineProperty(window, 'Notification', { value: Notification, writable: true, "
    "configurable: true });\n"
    "})();\n";

void wv_plugin_scripts(WebKitUserContentManager *ucm)
{
    WebKitUserScript *us =
        webkit_user_script_new(notification_js, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                               WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
    webkit_user_content_manager_add_script(ucm, us);
    webkit_user_script_unref(us);
}
