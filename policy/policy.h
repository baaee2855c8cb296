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

#include <stdbool.h>
#include <stddef.h>

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

enum pol_decision { POL_DENY = 0, POL_ALLOW = 1 };

/* Why a decision was made; strings borrowed from the view. */
struct pol_reason {
    const char *capability; /* deciding capability identifier, or NULL */
    const char *permission; /* deciding permission identifier, or NULL */
    const char *text;       /* one line for logs: "denied by deny-log in capability main" */
};

/* Allow only if some matching capability grants cmd and none denies it. */
enum pol_decision pol_check(const struct pol_view *v, const char *cmd, struct pol_reason *why);

#endif
