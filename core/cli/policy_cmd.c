// SPDX-License-Identifier: MIT
/*
 * policy_cmd.c: `moat policy`, tools for people who write policies.
 *
 *   moat policy check [--label L]... FILE...   errors, then warnings
 *   moat policy explain --policy FILE --label L [--var NAME=VALUE]... CMD [ARGS-JSON]
 *   moat policy schema [--output FILE]          the JSON Schema of policy files
 *   moat policy permissions                     every permission the core knows
 *   (each with --manifest FILE...: an embedder's commands and permission sets)
 *
 * The catalog is the one a plain `moat run` has: the built-in commands
 * (app:, log, fs:, ...) and their permission sets, plus what --manifest adds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "moat.h"
#include "policy.h"
#include "scope.h"

#define EXIT_USAGE 2
#define MAX_ITEMS 64

static int usage_to(FILE *f)
{
    fputs("usage: moat policy check [--strict] [--label LABEL]... FILE...\n"
          "       moat policy explain --policy FILE --label LABEL [--var NAME=VALUE]... "
          "COMMAND [ARGS-JSON]\n"
          "       moat policy schema [--output FILE]\n"
          "       moat policy permissions\n"
          "       (each takes --manifest FILE, repeatable: an embedder's commands and\n"
          "        permission sets, in the plugins' permission manifest format)\n"
          "\n"
          "check        loads each FILE (errors: file:line:col) and warns about what it\n"
          "             probably does not mean; files given together are checked as\n"
          "             applied together (a deny in one overriding an allow in another)\n"
          "  --label L  a label that exists (warns about patterns matching none)\n"
          "  --strict   permissions of plugins Moat does not ship are errors, not a warning\n"
          "explain      says which capability, permission and scope entry decide COMMAND\n"
          "             for LABEL, with ARGS-JSON matched against the scope\n"
          "schema       prints the JSON Schema of policy files, with the known permission\n"
          "             identifiers as an enum (--output FILE: writes it there)\n"
          "permissions  lists every permission and set the core knows\n",
          f);
    return EXIT_USAGE;
}

static int usage(void)
{
    return usage_to(stderr);
}

/* Prints a file's diagnostics as "file:line:col: warning: message" (file: a folder's own). */
static void print_warnings(const char *file, const struct pol_diag *d, int n)
{
    for (int i = 0; i < n; i++)
        if (d[i].line)
            printf("%s:%d:%d: warning: %s\n", d[i].file ? d[i].file : file, d[i].line, d[i].column,
                   d[i].message);
        else
            printf("%s: warning: %s\n", d[i].file ? d[i].file : file, d[i].message);
}

/* Loads files as one policy, printing every error ("file:line:col: error: message"); NULL then. */
static struct pol_policy *load_many(const struct pol_catalog *cat, const char *const *files,
                                    size_t n, bool strict)
{
    struct pol_policy *p = NULL;
    struct pol_errors errs;
    if (pol_load_all(files, n, cat, strict ? POL_LOAD_STRICT : 0, &p, &errs) != 0)
        pol_errors_print(&errs, stdout, "", "error: ");
    pol_errors_free(&errs);
    return p;
}

/*
 * Errors, then each file's warnings: its own, and what a deny in one of the
 * other files (which apply beside it, as a capabilities folder does) overrides.
 * Returns 1 when a file has an error.
 */
static int check_files(const struct pol_catalog *cat, const char *const *files, size_t n,
                       const char *const *labels, size_t n_labels, bool strict)
{
    struct pol_policy *p[MAX_ITEMS];
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        failed |= !(p[i] = load_many(cat, &files[i], 1, strict));
    for (size_t i = 0; i < n; i++) {
        if (!p[i]) continue;
        struct pol_diag *d = NULL;
        int count = pol_lint(p[i], labels, n_labels, &d);
        print_warnings(files[i], d, count);
        free(d);
        failed |= count < 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i || !p[j]) continue;
            d = NULL;
            count = pol_lint_across(p[i], p[j], &d);
            print_warnings(files[i], d, count);
            free(d);
            failed |= count < 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        pol_free(p[i]);
    return failed;
}

/*
 * A tauri.conf.json names capabilities of the other files, so files given
 * with one are checked as the one policy they make, as `moat run` loads them.
 */
static int check_together(const struct pol_catalog *cat, const char *const *files, size_t n,
                          const char *const *labels, size_t n_labels, bool strict)
{
    struct pol_policy *p = load_many(cat, files, n, strict);
    if (!p) return 1;
    struct pol_diag *d = NULL;
    int count = pol_lint(p, labels, n_labels, &d);
    print_warnings(pol_policy_file(p), d, count);
    free(d);
    pol_free(p);
    return count < 0;
}

static int cmd_check(const struct pol_catalog *cat, int argc, char **argv)
{
    const char *labels[MAX_ITEMS], *files[MAX_ITEMS];
    size_t n_labels = 0, n_files = 0;
    bool strict = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--strict"))
            strict = true;
        else if (!strcmp(argv[i], "--label") && i + 1 < argc && n_labels < MAX_ITEMS)
            labels[n_labels++] = argv[++i];
        else if (argv[i][0] != '-' && n_files < MAX_ITEMS)
            files[n_files++] = argv[i];
        else
            return usage();
    }
    if (!n_files) return usage();
    for (size_t i = 0; i < n_files; i++)
        if (pol_is_tauri_conf(files[i]))
            return check_together(cat, files, n_files, labels, n_labels, strict);
    return check_files(cat, files, n_files, labels, n_labels, strict);
}

struct explain_opts {
    const char *policies[MAX_ITEMS], *label, *cmd, *args;
    size_t n_policies;
    struct pol_var vars[MAX_ITEMS];
    size_t n_vars;
};

static int parse_explain(int argc, char **argv, struct explain_opts *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--policy") && i + 1 < argc && o->n_policies < MAX_ITEMS) {
            o->policies[o->n_policies++] = argv[++i];
        } else if (!strcmp(a, "--label") && i + 1 < argc) {
            o->label = argv[++i];
        } else if (!strcmp(a, "--var") && i + 1 < argc && o->n_vars < MAX_ITEMS) {
            char *eq = strchr(argv[++i], '=');
            if (!eq) return -1;
            *eq = '\0';
            o->vars[o->n_vars++] = (struct pol_var){argv[i], eq + 1};
        } else if (a[0] != '-' && !o->cmd) {
            o->cmd = a;
        } else if (a[0] != '-' && !o->args) {
            o->args = a;
        } else {
            return -1;
        }
    }
    return o->n_policies && o->label && o->cmd ? 0 : -1;
}

/* Variables from the command line first, then the ones `moat run` would use. */
static void default_vars(struct explain_opts *o, struct core_fs_env *env, char *buf, size_t len)
{
    core_fs_env_init(env, "moat", NULL, buf, len);
    const struct pol_var dflt[] = {{"HOME", env->home},
                                   {"TEMP", env->temp},
                                   {"APPDATA", env->appdata},
                                   {"APPCACHE", env->appcache}};
    for (size_t i = 0; i < 4 && o->n_vars < MAX_ITEMS; i++)
        if (dflt[i].value) o->vars[o->n_vars++] = dflt[i];
}

static int cmd_explain(const struct pol_catalog *cat, int argc, char **argv)
{
    struct explain_opts o = {0};
    if (parse_explain(argc, argv, &o) != 0) return usage();
    struct pol_policy *p;
    struct pol_errors errs;
    char buf[3 * 4096];
    if (pol_load_all(o.policies, o.n_policies, cat, 0, &p, &errs) != 0) {
        pol_errors_print(&errs, stderr, "moat: ", "");
        pol_errors_free(&errs);
        return 70;
    }
    struct core_fs_env env;
    default_vars(&o, &env, buf, sizeof(buf));
    struct pol_view *v = pol_view_new(p, o.label);
    struct pol_explanation e;
    int rc = v ? pol_explain(v, o.cmd, o.args, o.vars, o.n_vars, &e) : -1;
    if (v) printf("%s\n", e.text);
    pol_view_free(v);
    pol_free(p);
    if (rc < 0) return EXIT_USAGE;
    return e.decision == POL_ALLOW ? 0 : 1;
}

/* schema [--output FILE]: the policy schema with the catalog's identifiers as an enum. */
static int cmd_schema(const struct pol_catalog *cat, int argc, char **argv)
{
    const char *path = NULL;
    if (argc == 2 && !strcmp(argv[0], "--output"))
        path = argv[1];
    else if (argc != 0)
        return usage();
    char *text = pol_schema_with_ids(cat);
    FILE *f = !text ? NULL : path ? fopen(path, "w") : stdout;
    bool ok = f && fprintf(f, "%s\n", text) >= 0;
    if (f && f != stdout) ok &= fclose(f) == 0;
    free(text);
    if (!ok) fprintf(stderr, "moat policy schema: cannot write %s: %m\n", path ? path : "it");
    return ok ? 0 : 70;
}

/*
 * Takes the --manifest FILE options out of argv (in place; argc updated) and
 * declares each to app: an embedder's commands and permission sets, in the
 * plugins' manifest format. 0, or -1 after printing why.
 */
static int take_manifests(moat_app *app, int *argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--manifest") != 0) {
            argv[out++] = argv[i];
            continue;
        }
        if (++i == *argc) {
            fprintf(stderr, "moat policy: --manifest needs a file\n");
            return usage(), -EXIT_USAGE;
        }
        if (moat_app_manifest(app, argv[i]) != 0) {
            fprintf(stderr, "moat: %s\n", moat_errmsg());
            return -1;
        }
    }
    *argc = out;
    return 0;
}

int moat_cli_policy(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage_to(stdout), 0;
    if (argc < 1) return usage();
    moat_app *app = moat_app_new("moat");
    if (!app) {
        fprintf(stderr, "moat: %s\n", moat_errmsg());
        return 70;
    }
    int taken = take_manifests(app, &argc, argv);
    if (taken != 0 || argc < 1) {
        moat_app_free(app);
        return taken == -1 ? 70 : argc < 1 ? usage() : EXIT_USAGE;
    }
    const struct pol_catalog *cat = core_app_catalog(app);
    int rc = !strcmp(argv[0], "check")         ? cmd_check(cat, argc - 1, argv + 1)
             : !strcmp(argv[0], "explain")     ? cmd_explain(cat, argc - 1, argv + 1)
             : !strcmp(argv[0], "schema")      ? cmd_schema(cat, argc - 1, argv + 1)
             : !strcmp(argv[0], "permissions") ? (pol_catalog_print(cat, stdout), 0)
                                               : usage();
    moat_app_free(app);
    return rc;
}
