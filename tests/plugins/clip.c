// SPDX-License-Identifier: MIT
/*
 * clip.c: the test's own X client on the CLIPBOARD selection (GTK), for
 * test_clipboard.sh:
 *
 *     clip get         prints the text there (exit 1 when there is none)
 *     clip html        prints its text/html (exit 1 when there is none)
 *     clip set TEXT    owns it with TEXT, prints "owned", exits once another owner took it
 */
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

static void get_text(GtkClipboard *cb, GtkSelectionData *sd, guint info, gpointer ud)
{
    (void)cb, (void)info;
    gtk_selection_data_set_text(sd, ud, -1);
}

static void lost(GtkClipboard *cb, gpointer ud)
{
    (void)cb, (void)ud;
    gtk_main_quit();
}

static gboolean give_up(gpointer ud)
{
    (void)ud;
    fprintf(stderr, "clip: still the owner after 60 s\n");
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "usage: clip get|html|set TEXT (with DISPLAY set)\n");
        return 2;
    }
    GtkClipboard *cb = gtk_clipboard_get(GDK_SELECTION_CLIPBOARD);
    if (!strcmp(argv[1], "get")) {
        gchar *t = gtk_clipboard_wait_for_text(cb);
        if (!t) return 1;
        printf("%s", t);
        g_free(t);
        return 0;
    }
    if (!strcmp(argv[1], "html")) {
        GtkSelectionData *sd = gtk_clipboard_wait_for_contents(cb, gdk_atom_intern("text/html", 0));
        gint n;
        const guchar *d = sd ? gtk_selection_data_get_data_with_length(sd, &n) : NULL;
        if (!d || n <= 0) return 1;
        fwrite(d, 1, (size_t)n, stdout);
        gtk_selection_data_free(sd);
        return 0;
    }
    if (!strcmp(argv[1], "set") && argc == 3) {
        GtkTargetList *tl = gtk_target_list_new(NULL, 0);
        gtk_target_list_add_text_targets(tl, 0);
        gint n;
        GtkTargetEntry *t = gtk_target_table_new_from_list(tl, &n);
        if (!gtk_clipboard_set_with_data(cb, t, (guint)n, get_text, lost, argv[2])) return 1;
        printf("owned\n");
        fflush(stdout);
        g_timeout_add_seconds(60, give_up, NULL);
        gtk_main();
        return 0;
    }
    fprintf(stderr, "usage: clip get|html|set TEXT\n");
    return 2;
}
