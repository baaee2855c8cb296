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
/* The absolute bundle directory of the renderer that made the call. Borrowed from the call.
 * scope.c. */
const char *core_call_bundle_dir(const moat_call *call);

/* The app's catalog (its commands and permissions), for `moat policy`. Borrowed from app. scope.c.
 */
const struct pol_catalog *core_app_catalog(moat_app *app);

#endif
