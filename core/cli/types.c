// SPDX-License-Identifier: MIT
/*
 * types.c: `moat types MANIFEST... [--output FILE]`, TypeScript declarations
 * for the commands whose manifests declare their argument ("arguments") and
 * result ("returns") JSON Schemas: an interface MoatCommands that
 * types/moat.d.ts's moat.invoke checks calls against.
 */
#include "types.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat.h"
#include "policy.h"
#include "scope.h"

#define EXIT_USAGE 2
#define EXIT_SETUP 70

static int usage_to(FILE *f)
{
    fputs("usage: moat types MANIFEST... [--output FILE]\n"
          "\n"
          "Writes TypeScript declarations (.d.ts) for the commands of each permission\n"
          "manifest (the format of moat_app_manifest and moat policy --manifest) that\n"
          "declare \"arguments\" and \"returns\" JSON Schemas: with types/moat.d.ts,\n"
          "moat.invoke then accepts a call of such a command only with the declared\n"
          "arguments, and its result has the declared type.\n",
          f);
    return f == stdout ? 0 : EXIT_USAGE;
}

/* A JSON string as a TS string literal (JSON's escapes are TS's). */
static void literal(FILE *f, const char *s)
{
    json_t *j = json_string(s);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(text ? text : "\"\"", f);
    free(text);
    json_decref(j);
}

/* A property name: bare when it is an identifier, as tsc then names it in its errors. */
static void prop_name(FILE *f, const char *s)
{
    bool ident = *s && !(*s >= '0' && *s <= '9');
    for (const char *c = s; *c && ident; c++)
        ident = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                *c == '_' || *c == '$';
    if (ident)
        fputs(s, f);
    else
        literal(f, s);
}

static void ts_type(FILE *f, json_t *schema, int indent);

/* A description as a one-line JSDoc comment ("*" and "/" kept from closing it). */
static void doc(FILE *f, json_t *schema, int indent)
{
    const char *d = json_string_value(json_object_get(schema, "description"));
    if (!d) return;
    fprintf(f, "%*s/** ", indent, "");
    for (char prev = 0; *d; prev = *d++)
        fputc(*d == '\n' ? ' ' : *d == '/' && prev == '*' ? ' ' : *d, f);
    fputs(" */\n", f);
}

static void ts_object(FILE *f, json_t *schema, int indent)
{
    json_t *props = json_object_get(schema, "properties"),
           *req = json_object_get(schema, "required");
    json_t *extra = json_object_get(schema, "additionalProperties"), *v;
    const char *key;
    fputs("{\n", f);
    json_object_foreach(props, key, v)
    {
        bool required = false;
        size_t i;
        json_t *r;
        json_array_foreach(req, i, r) required |=
            json_is_string(r) && !strcmp(json_string_value(r), key);
        doc(f, v, indent + 4);
        fprintf(f, "%*s", indent + 4, "");
        prop_name(f, key);
        fputs(required ? ": " : "?: ", f);
        ts_type(f, v, indent + 4);
        fputs(";\n", f);
    }
    if (!json_is_false(extra)) fprintf(f, "%*s[key: string]: MoatValue;\n", indent + 4, "");
    fprintf(f, "%*s}", indent, "");
}

/* One type name of "type" as TS. */
static void ts_one(FILE *f, const char *t, json_t *schema, int indent)
{
    if (!strcmp(t, "string") || !strcmp(t, "number") || !strcmp(t, "boolean") || !strcmp(t, "null"))
        fputs(t, f);
    else if (!strcmp(t, "integer"))
        fputs("number", f);
    else if (!strcmp(t, "array")) {
        json_t *items = json_object_get(schema, "items");
        fputs("Array<", f);
        if (items)
            ts_type(f, items, indent);
        else
            fputs("MoatValue", f);
        fputs(">", f);
    } else if (!strcmp(t, "object"))
        ts_object(f, schema, indent);
    else
        fputs("MoatValue", f);
}

static void ts_type(FILE *f, json_t *schema, int indent)
{
    json_t *type = json_object_get(schema, "type"), *one;
    size_t i;
    if (json_is_string(type)) return ts_one(f, json_string_value(type), schema, indent);
    if (!json_is_array(type) || !json_array_size(type)) {
        fputs(json_object_get(schema, "properties") ? "" : "MoatValue", f);
        if (json_object_get(schema, "properties")) ts_object(f, schema, indent);
        return;
    }
    json_array_foreach(type, i, one)
    {
        if (i) fputs(" | ", f);
        ts_one(f, json_string_value(one) ? json_string_value(one) : "", schema, indent);
    }
}

/* One member of MoatCommands: 'cmd': {args: …; result: …}. */
static void command(FILE *f, const char *cmd, const char *args, const char *returns)
{
    json_t *a = args ? json_loads(args, 0, NULL) : NULL;
    json_t *r = returns ? json_loads(returns, 0, NULL) : NULL;
    if (a) doc(f, a, 4);
    fputs("    ", f);
    literal(f, cmd);
    fputs(": {\n", f);
    if (a) {
        fputs("        args: ", f);
        ts_type(f, a, 8);
        fputs(";\n", f);
    }
    if (r) {
        fputs("        result: ", f);
        ts_type(f, r, 8);
        fputs(";\n", f);
    }
    fputs("    };\n", f);
    json_decref(a);
    json_decref(r);
}

int cmd_types(int argc, char **argv)
{
    const char *out = NULL, *files[64];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage_to(stdout);
        if (!strcmp(argv[i], "--output") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && n < 64)
            files[n++] = argv[i];
        else
            return usage_to(stderr);
    }
    if (!n) return usage_to(stderr);
    moat_app *app = moat_app_new("moat");
    for (int i = 0; app && i < n; i++)
        if (moat_app_manifest(app, files[i]) != 0) {
            fprintf(stderr, "moat: %s\n", moat_errmsg());
            moat_app_free(app);
            return EXIT_SETUP;
        }
    FILE *f = !app ? NULL : out ? fopen(out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "moat types: cannot write %s: %m\n", out ? out : "(no app)");
        moat_app_free(app);
        return EXIT_SETUP;
    }
    const struct pol_catalog *cat = core_app_catalog(app);
    fputs("// Generated by `moat types` from", f);
    for (int i = 0; i < n; i++)
        fprintf(f, " %s", files[i]);
    fputs("; do not edit.\n// The embedder's commands for moat.invoke (types/moat.d.ts).\n"
          "interface MoatCommands {\n",
          f);
    for (size_t i = 0; i < pol_catalog_command_count(cat); i++) {
        const char *cmd = pol_catalog_command_at(cat, i);
        const char *a = pol_catalog_command_args(cat, cmd),
                   *r = pol_catalog_command_returns(cat, cmd);
        if (a || r) command(f, cmd, a, r);
    }
    fputs("}\n", f);
    bool ok = !ferror(f);
    if (f != stdout) ok &= fclose(f) == 0;
    moat_app_free(app);
    if (!ok) fprintf(stderr, "moat types: cannot write %s\n", out ? out : "stdout");
    return ok ? 0 : EXIT_SETUP;
}
