// SPDX-License-Identifier: MIT
/*
 * notification.c: plugin-notification's commands, carried out by the core
 * (the webview host has no D-Bus): notify is a Notify call to
 * org.freedesktop.Notifications on the session bus, as Tauri's desktop side
 * (notify-rust) makes it. The permission the page asks about is the policy's:
 * granted iff the policy allows notification:notify for the caller's label;
 * nobody is prompted.
 */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "plugins_internal.h"

#define NOTIFY_TIMEOUT_MS 5000

static bool notify_allowed(moat_call *c)
{
    moat_renderer *r = core_call_renderer(c);
    return r && r->view && pol_check(r->view, "notification:notify", NULL) == POL_ALLOW;
}

/* A string field of a msgpack map, as a new string; NULL when absent or not a string. */
static char *str_field(const msgpack_object *m, const char *key)
{
    const msgpack_object *v = plugin_arg(m, key);
    if (!v || v->type != MSGPACK_OBJECT_STR) return NULL;
    return g_strndup(v->via.str.ptr, v->via.str.size);
}

/* notify {options: {title, body, icon, ...}}: one Notify call; worker thread (it blocks). */
static void notify(moat_call *c, void *ud)
{
    moat_app *app = ud;
    const msgpack_object *o = plugin_arg(moat_call_args(c), "options");
    char *title = str_field(o, "title"), *body = str_field(o, "body"), *icon = str_field(o, "icon");
    if (!title) {
        moat_call_reject(c, "invalid_args", "notification:notify: options.title must be a string");
        g_free(body), g_free(icon);
        return;
    }
    struct plugin_identity id;
    plugin_identity(moat_call_bundle_dir(c), moat_app_name(app), &id);
    GError *err = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);
    GVariant *rv = NULL;
    if (bus) {
        GVariantBuilder hints;
        g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
        rv = g_dbus_connection_call_sync(
            bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications", "Notify",
            g_variant_new("(susssasa{sv}i)", id.product_name, 0u, icon ? icon : "", title,
                          body ? body : "", NULL, &hints, -1),
            G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, NOTIFY_TIMEOUT_MS, NULL, &err);
        g_object_unref(bus);
    }
    if (rv) {
        g_variant_unref(rv);
        moat_call_resolve_null(c);
    } else {
        moat_call_reject(c, "failed", "notification:notify: %s",
                         err ? err->message : "no session bus");
    }
    g_clear_error(&err);
    g_free(title), g_free(body), g_free(icon);
}

/* is_permission_granted: true or false, never null (the policy has decided already). */
static void is_granted(moat_call *c, void *ud)
{
    (void)ud;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    notify_allowed(c) ? msgpack_pack_true(&pk) : msgpack_pack_false(&pk);
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* request_permission, permission_state: Tauri's PermissionState, from the policy. */
static void permission(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, notify_allowed(c) ? "granted" : "denied");
}

/* check_permissions: {display: PermissionState}, as plugin-notification's mobile side. */
static void check_permissions(moat_call *c, void *ud)
{
    (void)ud;
    const char *s = notify_allowed(c) ? "granted" : "denied";
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "display", 7);
    msgpack_pack_str_with_body(&pk, s, strlen(s));
    moat_call_resolve(c, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* get_pending, get_active: nothing is scheduled or tracked on the desktop. */
static void empty_list(moat_call *c, void *ud)
{
    (void)ud;
    static const unsigned char empty_array = 0x90;
    moat_call_resolve(c, &empty_array, 1);
}

static void accepted(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_null(c);
}

/* What Tauri's desktop side does not have either (channels, batches, schedules: mobile). */
static void mobile_only(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_reject(c, "unsupported", "%s is only available on mobile (as in Tauri)",
                     moat_call_command(c));
}

int moat_plugin_notification_register(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"notification:is_permission_granted", is_granted},
        {"notification:request_permission", permission},
        {"notification:permission_state", permission},
        {"notification:check_permissions", check_permissions},
        {"notification:get_pending", empty_list},
        {"notification:get_active", empty_list},
        {"notification:register_action_types", accepted},
        {"notification:register_listener", accepted},
        {"notification:cancel", accepted},
        {"notification:remove_active", accepted},
        {"notification:show", mobile_only},
        {"notification:batch", mobile_only},
        {"notification:list_channels", mobile_only},
        {"notification:create_channel", mobile_only},
        {"notification:delete_channel", mobile_only},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    moat_command_opts worker = {.flags = MOAT_COMMAND_WORKER};
    if (moat_app_command_ex(app, "notification:notify", notify, app, &worker) < 0) return -1;
    static const char *const manifest[] = {"notification/permissions.json"};
    return plugin_load_manifests(app, manifest, 1);
}
