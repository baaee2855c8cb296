// SPDX-License-Identifier: MIT
/*
 * desktop.c: moat-desktop, the core's trusted helper for what needs the
 * user's desktop with the user's own rights, outside every sandbox (the
 * webview host gets only an untrusted X cookie, under which the X server
 * keeps it from serving a selection to other clients, and sees none of the
 * user's files). The core spawns it; it never talks to a renderer.
 *
 *     moat-desktop clipboard
 *         serves the CLIPBOARD selection: one JSON request a line on stdin
 *         ({"op": "write_text", "text"} | {"op": "read_text"} |
 *         {"op": "write_html", "html", "alt"} | {"op": "clear"}), one answer a
 *         line on stdout ({"ok": true, "value"} | {"ok": false, "message"}),
 *         in order; ends at EOF. What it wrote stays pasteable while it runs.
 *     moat-desktop open|save [--title T] [--default PATH] [--multiple]
 *                  [--directory] [--filter NAME:EXT,EXT]...
 *         a GTK file chooser; prints each picked path on a line (nothing
 *         when cancelled) and exits 0.
 */
#include <gtk/gtk.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- clipboard */

static GtkClipboard *board(void)
{
    return gtk_clipboard_get(GDK_SELECTION_CLIPBOARD);
}

static void reply(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    printf("%s\n", s ? s : "{\"ok\":false,\"message\":\"out of memory\"}");
    fflush(stdout);
    free(s);
    json_decref(v);
}

static json_t *ok(json_t *v)
{
    return json_pack("{s:b,s:o}", "ok", 1, "value", v ? v : json_null());
}

static json_t *fail(const char *msg)
{
    return json_pack("{s:b,s:s}", "ok", 0, "message", msg);
}

struct html {
    char *html, *alt;
};
enum { HTML_TARGET = 1, TEXT_TARGET = 2 };

static void html_get(GtkClipboard *cb, GtkSelectionData *sd, guint info, gpointer ud)
{
    (void)cb;
    struct html *h = ud;
    if (info == HTML_TARGET)
        gtk_selection_data_set(sd, gtk_selection_data_get_target(sd), 8, (const guchar *)h->html,
                               (gint)strlen(h->html));
    else
        gtk_selection_data_set_text(sd, h->alt ? h->alt : h->html, -1);
}

static void html_clear(GtkClipboard *cb, gpointer ud)
{
    (void)cb;
    struct html *h = ud;
    g_free(h->html), g_free(h->alt), g_free(h);
}

static json_t *write_html(const char *html, const char *alt)
{
    GtkTargetList *tl = gtk_target_list_new(NULL, 0);
    gtk_target_list_add(tl, gdk_atom_intern_static_string("text/html"), 0, HTML_TARGET);
    gtk_target_list_add_text_targets(tl, TEXT_TARGET);
    gint n;
    GtkTargetEntry *t = gtk_target_table_new_from_list(tl, &n);
    struct html *h = g_new0(struct html, 1);
    h->html = g_strdup(html), h->alt = g_strdup(alt);
    gboolean set = gtk_clipboard_set_with_data(board(), t, (guint)n, html_get, html_clear, h);
    if (!set) html_clear(NULL, h);
    gtk_target_table_free(t, n);
    gtk_target_list_unref(tl);
    return set ? ok(NULL) : fail("the clipboard could not be taken");
}

static void got_text(GtkClipboard *cb, const gchar *text, gpointer ud)
{
    (void)cb, (void)ud;
    reply(text ? ok(json_string(text))
               : fail("The clipboard contents were not available in the requested format or the "
                      "clipboard is empty."));
}

static void request(const char *line)
{
    json_t *r = json_loads(line, 0, NULL);
    const char *op = json_string_value(json_object_get(r, "op"));
    const char *text = json_string_value(json_object_get(r, "text"));
    const char *html = json_string_value(json_object_get(r, "html"));
    if (op && !strcmp(op, "write_text") && text) {
        gtk_clipboard_set_text(board(), text, -1);
        reply(ok(NULL));
    } else if (op && !strcmp(op, "read_text")) {
        gtk_clipboard_request_text(board(), got_text, NULL); /* answered when it arrives */
    } else if (op && !strcmp(op, "write_html") && html) {
        reply(write_html(html, json_string_value(json_object_get(r, "alt"))));
    } else if (op && !strcmp(op, "clear")) { /* own it, then let it go: nothing to paste */
        gtk_clipboard_set_text(board(), "", 0);
        gtk_clipboard_clear(board());
        reply(ok(NULL));
    } else {
        reply(fail("moat-desktop: malformed request"));
    }
    json_decref(r);
}

static gboolean on_stdin(GIOChannel *ch, GIOCondition cond, gpointer ud)
{
    (void)cond, (void)ud;
    gchar *line = NULL;
    gsize len;
    GIOStatus st = g_io_channel_read_line(ch, &line, &len, NULL, NULL);
    if (st == G_IO_STATUS_NORMAL && line) request(line);
    g_free(line);
    if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR) {
        gtk_main_quit();
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static int serve_clipboard(void)
{
    GIOChannel *ch = g_io_channel_unix_new(0);
    g_io_add_watch(ch, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);
    gtk_main();
    g_io_channel_unref(ch);
    return 0;
}

/* ---- file choosers */

static void add_filter(GtkFileChooser *fc, const char *spec)
{
    const char *colon = strchr(spec, ':');
    if (!colon) return;
    GtkFileFilter *f = gtk_file_filter_new();
    char *name = g_strndup(spec, (gsize)(colon - spec));
    gtk_file_filter_set_name(f, name);
    g_free(name);
    char **exts = g_strsplit(colon + 1, ",", -1);
    for (char **e = exts; *e; e++) {
        char *pat = g_strdup_printf("*.%s", *e);
        gtk_file_filter_add_pattern(f, !strcmp(*e, "*") ? "*" : pat);
        g_free(pat);
    }
    g_strfreev(exts);
    gtk_file_chooser_add_filter(fc, f);
}

/*
 * defaultPath as Tauri's set_default_path reads it: a folder is where the
 * chooser opens; a file (there or not) opens its folder with its name, for
 * save in the name entry (GTK's set_filename leaves that empty for a file not
 * there yet), for open selected when it exists.
 */
static void set_default(GtkFileChooser *fc, const char *def, bool save)
{
    bool abs = g_path_is_absolute(def);
    if (abs && g_file_test(def, G_FILE_TEST_IS_DIR)) {
        gtk_file_chooser_set_current_folder(fc, def);
        return;
    }
    if (abs && !save && g_file_test(def, G_FILE_TEST_EXISTS)) {
        gtk_file_chooser_set_filename(fc, def);
        return;
    }
    char *dir = g_path_get_dirname(def), *name = g_path_get_basename(def);
    if (abs) gtk_file_chooser_set_current_folder(fc, dir);
    if (save) gtk_file_chooser_set_current_name(fc, name);
    g_free(dir);
    g_free(name);
}

static int choose(int argc, char **argv)
{
    bool save = !strcmp(argv[1], "save"), multiple = false, dir = false;
    const char *title = NULL, *def = NULL;
    GtkFileChooserAction action = save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--multiple")) multiple = true;
        else if (!strcmp(argv[i], "--directory")) dir = true;
        else if (!strcmp(argv[i], "--title") && i + 1 < argc) title = argv[++i];
        else if (!strcmp(argv[i], "--default") && i + 1 < argc) def = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc) i++; /* after the dialog exists */
    }
    if (dir && !save) action = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
    GtkWidget *d = gtk_file_chooser_dialog_new(title ? title : save ? "Save" : "Open", NULL, action,
                                               "_Cancel", GTK_RESPONSE_CANCEL,
                                               save ? "_Save" : "_Open", GTK_RESPONSE_ACCEPT, NULL);
    GtkFileChooser *fc = GTK_FILE_CHOOSER(d);
    gtk_file_chooser_set_select_multiple(fc, multiple && !save);
    gtk_file_chooser_set_do_overwrite_confirmation(fc, TRUE);
    for (int i = 2; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--filter")) add_filter(fc, argv[++i]);
    if (def) set_default(fc, def, save);
    if (gtk_dialog_run(GTK_DIALOG(d)) == GTK_RESPONSE_ACCEPT) {
        GSList *files = gtk_file_chooser_get_filenames(fc);
        for (GSList *f = files; f; f = f->next)
            if (!strchr(f->data, '\n')) printf("%s\n", (char *)f->data);
        g_slist_free_full(files, g_free);
    }
    gtk_widget_destroy(d);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "usage: moat-desktop clipboard | open|save [options] (needs a display)\n");
        return 2;
    }
    if (!strcmp(argv[1], "clipboard")) return serve_clipboard();
    if (!strcmp(argv[1], "open") || !strcmp(argv[1], "save")) return choose(argc, argv);
    fprintf(stderr, "moat-desktop: unknown mode %s\n", argv[1]);
    return 2;
}
