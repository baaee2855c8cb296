// SPDX-License-Identifier: MIT
/*
 * scope.h: what the scope glue (scope.c) and the fs commands (fs.c) need
 * from a call, beyond the public API.
 */
#ifndef MOAT_CORE_SCOPE_H
#define MOAT_CORE_SCOPE_H

#include "moat.h"
#include "policy.h"

/* The merged scope pol_check gave for the call (NULL: none). Borrowed from the call. call.c. */
const struct pol_scope *core_call_scope(const moat_call *call);
/* The view the call was checked under (a reference the call holds: any thread). */
const struct pol_view *core_call_view(const moat_call *call);
/* The absolute bundle directory of the renderer that made the call. Borrowed from the call.
 * scope.c. */
const char *core_call_bundle_dir(const moat_call *call);

/* The app's catalog (its commands and permissions), for `moat policy`. Borrowed from app. scope.c.
 */
const struct pol_catalog *core_app_catalog(moat_app *app);
/*
 * Makes p, loaded from paths (which SIGHUP reloads), the app's policy, as
 * moat_app_load_policies does once it has loaded them: for a caller that
 * loaded it itself (moat run, to print every error). Takes p, also on
 * failure; paths are copied. 0, or -1 with moat_errmsg() set. app.c.
 */
int core_app_use_policy(moat_app *app, struct pol_policy *p, const char *const *paths, size_t n);

struct core_fs_env;

/*
 * Audits a call the fs scope refused, naming what decided, as `moat policy
 * explain` does: the deny entry that matches path, or the allow entry that
 * granted path (a link led out of it), each with its capability, permission,
 * line and column; else the capability and permission that allowed the
 * command, whose scope no entry of covers path. path: what the scope was
 * checked on (NULL: not known); text: the reason. scope.c.
 */
void core_audit_scope(moat_call *call, const char *cmd, const char *path,
                      const struct core_fs_env *env, const char *text);

/*
 * The same for a plugin that decides on its own terms (not fs paths): the
 * entry that decided is entry i (of kind) of the call's scope; i < 0: none
 * did (no allow entry covered the request). scope.c.
 */
void core_audit_scope_at(moat_call *call, const char *cmd, moat_scope_kind kind, long i,
                         const char *text);

/* One audit line for a denial decided by a scope entry (src; NULL: none). audit.c. */
void core_audit_entry(moat_app *app, const char *label, const char *cmd,
                      const struct pol_reason *why, const struct pol_scope_src *src,
                      const void *args, size_t args_len);

#endif
