// SPDX-License-Identifier: MIT
/*
 * plugins_internal.h: what the plugins share inside libmoat (hidden symbols).
 */
#ifndef MOAT_PLUGINS_INTERNAL_H
#define MOAT_PLUGINS_INTERNAL_H

#include "moat_plugins.h"

/* The embedded text of a manifest by its source path ("fs/permissions.json"), or NULL. */
const char *plugin_manifest(const char *file);

/* plugin_arg, plugin_absent: reading arguments (args.c). */
#include "args.h"

/* Hands each embedded manifest named in files to moat_app_manifest. 0, or -1. */
int plugin_load_manifests(moat_app *app, const char *const *files, size_t n);

/* Who a bundle says it is (app/identity.c). */
struct plugin_identity {
    char identifier[256], product_name[256], version[64];
    bool fs_match_dots; /* tauri.conf.json's plugins.fs.requireLiteralLeadingDot is false */
};
/* From bundle's moat.json or its Tauri project's tauri.conf.json; app_name fills the gaps. */
void plugin_identity(const char *bundle, const char *app_name, struct plugin_identity *id);

/*
 * Tauri's base directories by name ("APPDATA", "DOCUMENT", "TEMP", ... as its
 * scope variables spell them, without '$'), resolved as Tauri does on Linux
 * (XDG base directories and user-dirs.dirs; the App* ones end in identifier;
 * RESOURCE is the bundle). Into out; 0, -1 when unset (no such user dir, no
 * XDG_RUNTIME_DIR), -2 when name is no base directory. path/dirs.c.
 */
int plugin_base_dir(const char *name, const char *identifier, const char *bundle, char *out,
                    size_t len);
/* The name of BaseDirectory n of @tauri-apps/api (1 Audio ... 23 Template), or NULL. */
const char *plugin_base_dir_name(int64_t n);

/*
 * The app-wide resource table (core/resources.c): Tauri's ResourceId. add
 * takes obj (closed by close, on plugin_rid_close or plugin_rid_close_all)
 * and returns its rid (> 0), or 0 out of memory; get finds a rid of that
 * kind (a static string) or NULL. Run thread, except close_all.
 */
typedef void (*plugin_rid_close_fn)(void *obj);
uint32_t plugin_rid_add(moat_app *app, const char *kind, void *obj, plugin_rid_close_fn close);
void *plugin_rid_get(moat_app *app, uint64_t rid, const char *kind);
int plugin_rid_close(moat_app *app, uint64_t rid);
void plugin_rid_close_all(moat_app *app);
/* core:resources:close (core/resources.c). */
int plugin_resources_register(moat_app *app);

/*
 * The system's version as plugin-os answers it (os-release's VERSION_ID, as
 * os_info reads it; "Unknown" without one), into out (os/os.c). The core
 * hands it to the JS host as MOAT_OS_VERSION: a renderer cannot read /etc.
 */
void plugin_os_version(char *out, size_t len);

/* Forgets what process:exit and process:restart asked for app (process/process.c). */
void plugin_process_forget(moat_app *app);

/* Kills the programs plugin-shell runs for app and waits for their threads (shell/shell_child.c).
 */
void plugin_shell_forget(moat_app *app);

/* Forgets app's moat_log_opts (log/log.c). */
void plugin_log_forget(moat_app *app);
/* plugin-dialog (dialog/dialog.c): open, save and the message dialogs. */
int moat_plugin_dialog_register(moat_app *app);
/* Which scope a renderer's picks are wanted for: a folder's children only or, for the
 * asset protocol as in Tauri, recursively. */
enum plugin_dialog_for { PLUGIN_DIALOG_FS, PLUGIN_DIALOG_ASSET };
/*
 * What call's renderer picked through dialog:open and dialog:save, packed
 * into sb as an array of fs scope entries ({"path": glob}); returns how many
 * (0: none, sb untouched but for an empty array when there is state).
 */
int plugin_dialog_scope(moat_app *app, moat_call *call, enum plugin_dialog_for use,
                        msgpack_sbuffer *sb);
/* Ends app's clipboard helper. clipboard-manager/clipboard.c. */
void plugin_clipboard_forget(moat_app *app);
/* moat-desktop (the trusted desktop helper) beside the JS host, into out; 0 or -1. dialog/dialog.c.
 */
int plugin_desktop_helper(moat_call *c, char *out, size_t len);
/*
 * Before adding bytes to dir/name.log: when that takes it past max, the
 * file is removed (MOAT_LOG_KEEP_ONE) or renamed name_YYYY-MM-DD_HH-MM-SS.log
 * (MOAT_LOG_KEEP_ALL; one already there becomes .bak). 0, or -1 (errno).
 */
int plugin_log_rotate(const char *dir, const char *name, int rotation, uint64_t max, size_t adding);

/* Registers the core API commands (core/core_api.c). */
int plugin_core_api_register(moat_app *app);

#endif
