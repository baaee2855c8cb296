/*
 * policy.h: Moat's capability policy: parse, compile, check.
 *
 * A policy file is JSON in the shape of Tauri v2 capability files (see
 * policy/README.md). The flow is parse (JSON -> tree, with file:line:column
 * for every value) -> compile (against a catalog of the commands and
 * permission sets the core knows) -> evaluate (a per-label view answers
 * allow/deny by lookup only). Internal to Moat (prefix pol_).
 */
#ifndef MOAT_POLICY_H
#define MOAT_POLICY_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A load error: where, and what was expected. */
struct pol_error {
    char file[256];
    int line;   /* 1-based; 0 when the error is not about a position */
    int column; /* 1-based */
    char message[512];
};

/* "file:line:column: message" (or "file: message"), into buf. Returns buf. */
const char *pol_error_format(const struct pol_error *e, char *buf, size_t len);

/*
 * The catalog: every command the core can run and every permission that names
 * them. A command "group:name" gets the permissions "group:allow-name" and
 * "group:deny-name" (underscores become dashes, as Tauri does); a command
 * without a group, "name", gets "allow-name" and "deny-name".
 */
struct pol_catalog;

struct pol_catalog *pol_catalog_new(void); /* caller frees with pol_catalog_free */
void pol_catalog_free(struct pol_catalog *cat);
/* Copies cmd. Returns 0, or -1 if cmd is empty or already present. */
int pol_catalog_add_command(struct pol_catalog *cat, const char *cmd);
/*
 * A permission set such as "app:default": an identifier standing for a list
 * of other permission identifiers (which may be sets too). Copies everything.
 * Members are resolved at load time, so they may be added in any order.
 */
int pol_catalog_add_set(struct pol_catalog *cat, const char *id, const char *description,
                        const char *const *members, size_t n);

// A permission a command provider declares: the commands it allows and
// denies, and the scope entries that come with it (each a JSON object as
// text, e.g. "{\"path\": \"$APPDATA/**\"}"). A permission without commands
// but with scope entries is a scope permission: its entries apply to every
// command of its group ("fs:scope-temp" to every allowed "fs:..." command),
// as Tauri's global scopes do. Commands are resolved at load time. Copies
// everything. Returns 0, or -1 (and a reason in err, if given) when id is
// taken or empty, or a scope entry is not a JSON object.
struct pol_permission_def {
    const char *id;
    const char *description;  /* may be NULL */
    const char *const *allow; /* commands it allows */
    size_t n_allow;
    const char *const *deny; /* commands it denies */
    size_t n_deny;
    const char *const *scope_allow; /* JSON objects as text */
    size_t n_scope_allow;
    const char *const *scope_deny;
    size_t n_scope_deny;
};
int pol_catalog_add_permission(struct pol_catalog *cat, const struct pol_permission_def *def,
                               char *err, size_t errlen);

/* Writes every permission of the catalog, one block each, for `moat policy permissions`. */
void pol_catalog_print(const struct pol_catalog *cat, FILE *out);

struct pol_policy;

/*
 * Loads a policy from a file or from text (name is used in errors). On error
 * returns -1 and fills err; *out is untouched. The policy keeps no pointer to
 * cat. Caller frees *out with pol_free.
 */
int pol_load_file(const char *path, const struct pol_catalog *cat, struct pol_policy **out,
                  struct pol_error *err);
int pol_load_string(const char *text, size_t len, const char *name, const struct pol_catalog *cat,
                    struct pol_policy **out, struct pol_error *err);
void pol_free(struct pol_policy *p);

/*
 * A per-label view: the decisions for one renderer label, computed once when
 * the renderer starts. policy may be NULL (no policy: everything denied).
 * Caller frees with pol_view_free. The view does not borrow from policy.
 */
struct pol_view;
struct pol_view *pol_view_new(const struct pol_policy *policy, const char *label);
void pol_view_free(struct pol_view *v);

/* Takes another reference on v (for a call that outlives a policy reload); returns v. */
struct pol_view *pol_view_ref(struct pol_view *v);

enum pol_decision { POL_DENY = 0, POL_ALLOW = 1 };

/* Where a scope entry came from, for explain and the audit log. */
struct pol_scope_src {
    const char *capability; /* the capability that attached it */
    const char *permission; /* the permission it came with */
    const char *json;       /* the entry as compact JSON */
    int line, column;       /* in the policy file; 0: the permission's own default entry */
};

/*
 * The merged scope of one command for one label: every allow and deny entry
 * that the matching capabilities attach to the permissions granting it (and
 * scope permissions of its group), identical entries once. Each entry is a
 * msgpack map unpacked at view time into the view's zone, so a handler gets
 * typed values with no work per call. Deny entries win over allow entries; a
 * command that uses scopes refuses what no allow entry covers.
 */
struct pol_scope {
    size_t n_allow, n_deny;
    const msgpack_object *allow, *deny;
    const struct pol_scope_src *allow_src, *deny_src; /* parallel to allow, deny */
};

/* Why a decision was made; everything borrowed from the view. */
struct pol_reason {
    const char *capability;        /* deciding capability identifier, or NULL */
    const char *permission;        /* deciding permission identifier, or NULL */
    const char *text;              /* one line for logs: "denied by deny-log in capability main" */
    const struct pol_scope *scope; /* never NULL; empty unless allowed with scope entries */
};

/*
 * Allow only if some matching capability grants cmd and none denies it.
 * A lookup: no allocation, no globbing.
 */
enum pol_decision pol_check(const struct pol_view *v, const char *cmd, struct pol_reason *why);

/* ---- scope entries: path globs shared by explain and the fs commands ---- */

/* A variable for scope paths: name without '$' ("HOME") and its value. */
struct pol_var {
    const char *name;
    const char *value;
};

// Matches text against a path glob: "**" any run of characters including
// '/' ("a/**" also matches "a" itself, "a/**/b" also "a/b"), "*" any run
// without '/', "?" one character but '/', '\' makes the next character
// literal. None of these matches a '.' that starts a path component, so
// "$HOME/**" does not reach "~/.ssh" (Tauri's requireLiteralLeadingDot).
// POL_GLOB_CASEFOLD ignores ASCII case (deny entries use it, so that a case
// trick on a case-insensitive mount cannot slip past a deny).
// Returns 1 (match), 0 (no match) or -1 (too complex to decide; callers
// treat that as a match for deny entries and no match for allow entries).
#define POL_GLOB_CASEFOLD 1
int pol_glob_match(const char *pattern, const char *text, int flags);

/*
 * Expands "$NAME" at the start of pattern (or "${NAME}") from vars into out.
 * Returns the length, or -1 when the variable is unknown or out is too small.
 */
int pol_expand_vars(const char *pattern, const struct pol_var *vars, size_t n, char *out,
                    size_t outlen);

/* ---- tools for policy writers ------------------------------------------- */

/* The JSON Schema of the policy format (policy/schema.json), NUL-terminated. */
const char *pol_schema_json(void);

/* A linter finding: "file:line:column: warning: message". */
struct pol_diag {
    int line, column; /* 0 when not about a position */
    char message[400];
};

/*
 * Warnings about a loaded policy: capabilities that can never apply, label
 * globs that match none of known_labels (when n_labels > 0), allow rules
 * shadowed by a deny of any capability that applies to the same labels (all
 * of them, or some: "for \"main\""), scope entries attached where they never apply, and
 * scopes that reach the whole filesystem or the home directory. Returns the
 * number of warnings and sets *out (caller frees with free()), or -1.
 */
int pol_lint(const struct pol_policy *p, const char *const *known_labels, size_t n_labels,
             struct pol_diag **out);
/*
 * Warnings about allow rules of p that a deny in other (another policy file
 * applied beside it, as the files of a capabilities folder are) overrides,
 * naming both and where other's deny is. Returns the count and sets *out
 * (caller frees with free()), or -1.
 */
int pol_lint_across(const struct pol_policy *p, const struct pol_policy *other,
                    struct pol_diag **out);
/* The file name the policy was loaded from (for diagnostics). Borrowed. */
const char *pol_policy_file(const struct pol_policy *p);

/* What decided a request, as explain prints it. */
struct pol_explanation {
    enum pol_decision decision;
    const char *capability, *permission; /* borrowed from the view, or NULL */
    const char *entry;                   /* the deciding scope entry as JSON, or NULL */
    int entry_line, entry_column;        /* where that entry is written; 0: a catalog default */
    char text[1024];                     /* one or more lines for people */
};

/*
 * Decides cmd for v's label as pol_check does and, when args_json (a JSON
 * object, or NULL) is given and the command has scope entries, matches the
 * arguments against them: string values of an entry are path globs ($NAME
 * expanded from vars) that the same key of args must match; deny entries win.
 * Returns 0, or -1 when args_json is not a JSON object (out->text says why).
 */
int pol_explain(const struct pol_view *v, const char *cmd, const char *args_json,
                const struct pol_var *vars, size_t n_vars, struct pol_explanation *out);

/* ---- audit and learn mode ------------------------------------------------ */

/*
 * A digest of a call's arguments (its msgpack bytes) for audit lines:
 * "fnv1a64:" and 16 hex digits. For correlating lines, not for secrecy.
 * out has at least POL_DIGEST_SIZE bytes. Returns out.
 */
#define POL_DIGEST_SIZE 25
const char *pol_args_digest(const void *msgpack, size_t len, char *out);

/* One call seen in learn mode. scope_json: a JSON object to allow, or NULL. */
struct pol_learned {
    const char *label;
    const char *command;
    const char *scope_json; /* e.g. {"path": "/home/u/.local/share/app/notes.txt"} */
};

/*
 * The smallest policy that allows exactly these calls: one capability per
 * label, each command's allow permission, and for calls with a scope entry
 * the permission as an object with those allow entries (once each).
 * cat supplies the permission identifiers. Returns a NUL-terminated JSON text
 * (caller frees with free()), or NULL if a command is not in cat.
 */
char *pol_learned_policy(const struct pol_catalog *cat, const struct pol_learned *calls, size_t n);

#endif
