// SPDX-License-Identifier: MIT
/*
 * learn.c: learn mode. The app allows every command it has (renderers stay
 * sandboxed) and every path for the fs commands, records what each label
 * invoked (and, for fs, on which paths), and writes the smallest policy that
 * allows exactly that: running again with it must succeed.
 */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct core_learned {
    char *label, *command, *scope_json;
};

/* The allow permission of a command, as the catalog names it ("a:b:allow-c-d"). */
static void allow_id(const char *cmd, char *out, size_t len)
{
    const char *colon = strrchr(cmd, ':');
    size_t group = colon ? (size_t)(colon - cmd) + 1 : 0;
    snprintf(out, len, "%.*sallow-%s", (int)group, cmd, cmd + group);
    for (char *p = out + group; *p; p++)
        if (*p == '_') *p = '-';
}

/* A policy granting every command to every label, and every path to the fs commands. */
static char *grant_all(moat_app *app)
{
    json_t *perms = json_array();
    for (size_t i = 0; i < app->commands.cap; i++) {
        if (!app->commands.slots[i].key) continue;
        char id[IPC_MAX_NAME + 16];
        allow_id(app->commands.slots[i].key, id, sizeof id);
        json_array_append_new(perms, json_string(id));
    }
    json_array_append_new(
        perms, json_pack("{s:s, s:[{s:s}]}", "identifier", "fs:scope", "allow", "path", "/**"));
    json_t *cap =
        json_pack("{s:s, s:s, s:[s], s:o}", "identifier", "learn", "description",
                  "moat run --learn: everything, recorded", "windows", "*", "permissions", perms);
    char *text = cap ? json_dumps(cap, JSON_COMPACT) : NULL;
    json_decref(cap);
    return text;
}

int moat_app_learn(moat_app *app)
{
    char *text = grant_all(app);
    struct pol_policy *p = NULL;
    struct pol_error e;
    char line[1024];
    if (!text || pol_load_string(text, strlen(text), "(learn mode)", app->catalog, &p, &e) != 0) {
        free(text);
        return core_fail("cannot start learn mode: %s",
                         text ? pol_error_format(&e, line, sizeof line) : "out of memory");
    }
    free(text);
    pol_free(app->policy);
    app->policy = p;
    app->learning = true;
    return 0;
}

/* Escapes what a path glob would read as a pattern. */
static char *path_scope(const char *abs)
{
    size_t n = strlen(abs);
    char *escaped = malloc(2 * n + 1), *o = escaped;
    if (!escaped) return NULL;
    for (const char *p = abs; *p; p++) {
        if (strchr("*?[\\", *p)) *o++ = '\\';
        *o++ = *p;
    }
    *o = '\0';
    json_t *j = json_pack("{s:s}", "path", escaped);
    free(escaped);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void core_learn(moat_app *app, const char *label, const char *command, const char *abs_path)
{
    if (!app->learning) return;
    char *scope = abs_path ? path_scope(abs_path) : NULL;
    for (size_t i = 0; i < app->nlearned; i++) {
        struct core_learned *l = &app->learned[i];
        if (!strcmp(l->label, label) && !strcmp(l->command, command) &&
            same(l->scope_json, scope)) {
            free(scope);
            return;
        }
    }
    struct core_learned *grown = realloc(app->learned, (app->nlearned + 1) * sizeof *grown);
    if (!grown) {
        free(scope);
        return;
    }
    app->learned = grown;
    grown[app->nlearned++] = (struct core_learned){strdup(label), strdup(command), scope};
}

int moat_app_write_learned(moat_app *app, const char *path)
{
    struct pol_learned *calls = calloc(app->nlearned + 1, sizeof *calls);
    if (!calls) return core_fail("out of memory");
    for (size_t i = 0; i < app->nlearned; i++)
        calls[i] = (struct pol_learned){app->learned[i].label, app->learned[i].command,
                                        app->learned[i].scope_json};
    char *text = pol_learned_policy(app->catalog, calls, app->nlearned);
    free(calls);
    if (!text) return core_fail("cannot write the learned policy: a command is not in the catalog");
    FILE *f = fopen(path, "w");
    int rv = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f) != 0) rv = -1;
    free(text);
    return rv == 0 ? 0 : core_fail("cannot write %s: %m", path);
}

void core_learn_free(moat_app *app)
{
    for (size_t i = 0; i < app->nlearned; i++) {
        free(app->learned[i].label);
        free(app->learned[i].command);
        free(app->learned[i].scope_json);
    }
    free(app->learned);
    app->learned = NULL;
    app->nlearned = 0;
}
