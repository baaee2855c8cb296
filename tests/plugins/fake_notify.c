// SPDX-License-Identifier: MIT
/*
 * fake_notify.c: a notification server for test_notification.sh on the
 * session bus its DBUS_SESSION_BUS_ADDRESS names: it owns
 * org.freedesktop.Notifications, writes each Notify call to LOG as one JSON
 * line {"app", "summary", "body", "icon"}, answers ids 1, 2, ..., and prints
 * "ready" once the name is its own.
 *
 *     fake_notify LOG
 */
#include <gio/gio.h>
#include <stdio.h>

static const char xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
    "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
    "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "<method name='GetServerInformation'><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/><arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "</method></interface></node>";

static const char *log_path;
static guint32 next_id = 1;

static void json_str(FILE *f, const char *s)
{
    gchar *e = g_strescape(s, "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4");
    fprintf(f, "\"%s\"", e);
    g_free(e);
}

static void on_call(GDBusConnection *c, const gchar *sender, const gchar *path, const gchar *iface,
                    const gchar *method, GVariant *params, GDBusMethodInvocation *inv, gpointer ud)
{
    (void)c, (void)sender, (void)path, (void)iface, (void)ud;
    if (!g_strcmp0(method, "GetCapabilities")) {
        const gchar *caps[] = {"body", NULL};
        g_dbus_method_invocation_return_value(inv, g_variant_new("(^as)", caps));
        return;
    }
    if (!g_strcmp0(method, "GetServerInformation")) {
        g_dbus_method_invocation_return_value(inv,
                                              g_variant_new("(ssss)", "fake", "moat", "1", "1.2"));
        return;
    }
    const gchar *app, *icon, *summary, *body;
    g_variant_get(params, "(&su&s&s&sasa{sv}i)", &app, NULL, &icon, &summary, &body, NULL, NULL,
                  NULL);
    FILE *f = fopen(log_path, "a");
    if (f) {
        fputs("{\"app\": ", f), json_str(f, app);
        fputs(", \"summary\": ", f), json_str(f, summary);
        fputs(", \"body\": ", f), json_str(f, body);
        fputs(", \"icon\": ", f), json_str(f, icon);
        fputs("}\n", f);
        fclose(f);
    }
    g_dbus_method_invocation_return_value(inv, g_variant_new("(u)", next_id++));
}

static void on_name(GDBusConnection *c, const gchar *name, gpointer ud)
{
    (void)c, (void)name, (void)ud;
    printf("ready\n");
    fflush(stdout);
}

static void on_lost(GDBusConnection *c, const gchar *name, gpointer ud)
{
    (void)c, (void)ud;
    fprintf(stderr, "fake_notify: could not own %s\n", name);
    exit(1);
}

static void on_bus(GDBusConnection *c, const gchar *name, gpointer ud)
{
    (void)name;
    static const GDBusInterfaceVTable vt = {on_call, NULL, NULL, {0}};
    GDBusNodeInfo *info = ud;
    g_dbus_connection_register_object(c, "/org/freedesktop/Notifications", info->interfaces[0],
                                      &vt, NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fake_notify LOG\n");
        return 2;
    }
    log_path = argv[1];
    GDBusNodeInfo *info = g_dbus_node_info_new_for_xml(xml, NULL);
    g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                   on_bus, on_name, on_lost, info, NULL);
    g_main_loop_run(g_main_loop_new(NULL, FALSE));
    return 0;
}
