// SPDX-License-Identifier: MIT
/*
 * dialog.c: plugin-dialog's message dialogs (message, and the ask and
 * confirm of plugin-dialog before 2.4) as GTK message dialogs on this
 * window, once the core has allowed them. The page gets the label of the
 * button pressed as plugin-dialog names it ("Ok", "Cancel", "Yes", "No", or
 * a custom button's own label); ask and confirm answer true or false.
 * Answered when the user answers, without blocking the main loop. The file
 * choosers are the core's (plugins/dialog/dialog.c): this sandbox has no files.
 *
 * Bounded, as the choosers are, against a page that would bury its window in
 * dialogs: one message dialog at a time (a further one while it shows is
 * answered "failed", where Tauri would stack them), a message of at most
 * 64 KiB, a title and each button label of at most 1024 bytes ("invalid_args").
 */
#include "wv.h"

#include <stdio.h>
#include <string.h>

enum { DLG_MAX_MESSAGE = 64 * 1024, DLG_MAX_LABEL = 1024 };

/* The message dialog showing on this window, if any (this host has one window). */
static GtkWidget *showing;

struct msg_dialog {
    struct wv_later *later;
    char *result[3]; /* what each button (response 0, 1, 2) answers */
    int cancel;      /* the response a closed dialog (Escape) counts as */
    bool boolean;    /* ask, confirm: true iff the first button */
};

static void add_button(GtkWidget *d, struct msg_dialog *m, int i, const char *label,
                       const char *result)
{
    gtk_dialog_add_button(GTK_DIALOG(d), label, i);
    m->result[i] = g_strdup(result);
}

/* buttons: "Ok", "OkCancel", "YesNo", "YesNoCancel", {OkCustom: a}, {OkCancelCustom: [a, b]},
 * {YesNoCancelCustom: [a, b, c]}; false when it is none of them. */
static bool buttons(GtkWidget *d, struct msg_dialog *m, const json_t *b)
{
    const char *s = json_string_value(b);
    json_t *ok = json_object_get(b, "OkCustom"), *okc = json_object_get(b, "OkCancelCustom");
    json_t *ync = json_object_get(b, "YesNoCancelCustom");
    if (!b || json_is_null(b) || (s && !strcmp(s, "Ok"))) {
        add_button(d, m, 0, "_OK", "Ok");
    } else if (s && !strcmp(s, "OkCancel")) {
        add_button(d, m, 0, "_OK", "Ok"), add_button(d, m, 1, "_Cancel", "Cancel");
    } else if (s && !strcmp(s, "YesNo")) {
        add_button(d, m, 0, "_Yes", "Yes"), add_button(d, m, 1, "_No", "No");
    } else if (s && !strcmp(s, "YesNoCancel")) {
        add_button(d, m, 0, "_Yes", "Yes"), add_button(d, m, 1, "_No", "No");
        add_button(d, m, 2, "_Cancel", "Cancel");
    } else if (json_is_string(ok)) {
        add_button(d, m, 0, json_string_value(ok), json_string_value(ok));
    } else if (json_array_size(okc) == 2 && json_is_string(json_array_get(okc, 0)) &&
               json_is_string(json_array_get(okc, 1))) {
        for (int i = 0; i < 2; i++) {
            const char *l = json_string_value(json_array_get(okc, (size_t)i));
            add_button(d, m, i, l, l);
        }
    } else if (json_array_size(ync) == 3 && json_is_string(json_array_get(ync, 0)) &&
               json_is_string(json_array_get(ync, 1)) && json_is_string(json_array_get(ync, 2))) {
        for (int i = 0; i < 3; i++) {
            const char *l = json_string_value(json_array_get(ync, (size_t)i));
            add_button(d, m, i, l, l);
        }
    } else {
        return false;
    }
    m->cancel = m->result[2] ? 2 : m->result[1] ? 1 : 0;
    return true;
}

static void on_response(GtkDialog *d, gint response, gpointer ud)
{
    struct msg_dialog *m = ud;
    int i = response >= 0 && response < 3 && m->result[response] ? response : m->cancel;
    json_t *v = m->boolean ? json_boolean(i == 0) : json_string(m->result[i]);
    wv_later_answer(m->later, wv_plugin_ok(v));
    for (int k = 0; k < 3; k++)
        g_free(m->result[k]);
    g_free(m);
    if (showing == GTK_WIDGET(d)) showing = NULL;
    gtk_widget_destroy(GTK_WIDGET(d));
}

static GtkMessageType kind(const char *k)
{
    if (k && !strcmp(k, "warning")) return GTK_MESSAGE_WARNING;
    if (k && !strcmp(k, "error")) return GTK_MESSAGE_ERROR;
    return GTK_MESSAGE_INFO;
}

/* True when v is absent or not a string, or a string of at most max bytes. */
static bool short_enough(const json_t *v, size_t max)
{
    return !json_is_string(v) || json_string_length(v) <= max;
}

/* The labels a buttons value can carry: {OkCustom: a} or {…Custom: [a, b, …]}. */
static bool labels_short(const json_t *b)
{
    const char *key;
    json_t *v, *e;
    size_t i;
    json_object_foreach((json_t *)b, key, v)
    {
        if (!short_enough(v, DLG_MAX_LABEL)) return false;
        json_array_foreach(v, i, e)
        {
            if (!short_enough(e, DLG_MAX_LABEL)) return false;
        }
    }
    return true;
}

/* NULL when args are within the bounds, else the page's answer (invalid_args). */
static json_t *too_long(const char *name, const json_t *args)
{
    const char *what = NULL;
    if (!short_enough(json_object_get(args, "message"), DLG_MAX_MESSAGE))
        what = "message must be at most 65536 bytes";
    else if (!short_enough(json_object_get(args, "title"), DLG_MAX_LABEL))
        what = "title must be at most 1024 bytes";
    else if (!short_enough(json_object_get(args, "okButtonLabel"), DLG_MAX_LABEL) ||
             !short_enough(json_object_get(args, "cancelButtonLabel"), DLG_MAX_LABEL) ||
             !labels_short(json_object_get(args, "buttons")))
        what = "each button label must be at most 1024 bytes";
    if (!what) return NULL;
    char text[128];
    snprintf(text, sizeof text, "dialog:%s: %s", name, what);
    return wv_plugin_fail("invalid_args", text);
}

json_t *wv_dialog_run(const char *name, const json_t *args, WebKitScriptMessageReply *reply,
                      JSCContext *ctx)
{
    const char *text = json_string_value(json_object_get(args, "message"));
    const char *title = json_string_value(json_object_get(args, "title"));
    if (!text) return wv_plugin_fail("invalid_args", "dialog: message must be a string");
    json_t *bad = too_long(name, args);
    if (bad) return bad;
    if (showing) {
        char busy[128];
        snprintf(busy, sizeof busy, "dialog:%s: a message dialog is already open for this window",
                 name);
        return wv_plugin_fail("failed", busy);
    }
    GtkWidget *d = gtk_message_dialog_new(GTK_WINDOW(wv.window), GTK_DIALOG_MODAL,
                                          kind(json_string_value(json_object_get(args, "kind"))),
                                          GTK_BUTTONS_NONE, "%s", text);
    gtk_window_set_title(GTK_WINDOW(d), title ? title : wv.win.title ? wv.win.title : "");
    struct msg_dialog *m = g_new0(struct msg_dialog, 1);
    bool ok;
    if (!strcmp(name, "message")) {
        ok = buttons(d, m, json_object_get(args, "buttons"));
    } else { /* ask, confirm before plugin-dialog 2.4: {okButtonLabel, cancelButtonLabel} */
        bool ask = !strcmp(name, "ask");
        const char *y = json_string_value(json_object_get(args, "okButtonLabel"));
        const char *n = json_string_value(json_object_get(args, "cancelButtonLabel"));
        add_button(d, m, 0, y ? y : ask ? "_Yes" : "_OK", "");
        add_button(d, m, 1, n ? n : ask ? "_No" : "_Cancel", "");
        m->cancel = 1, m->boolean = true, ok = true;
    }
    if (!ok) {
        for (int k = 0; k < 3; k++)
            g_free(m->result[k]);
        g_free(m);
        gtk_widget_destroy(d);
        return wv_plugin_fail("invalid_args", "dialog: buttons is none of plugin-dialog's kinds");
    }
    gtk_dialog_set_default_response(GTK_DIALOG(d), 0);
    m->later = wv_later_new(reply, ctx);
    g_signal_connect(d, "response", G_CALLBACK(on_response), m);
    showing = d;
    gtk_widget_show_all(d);
    return NULL;
}
