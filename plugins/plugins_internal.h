/*
 * plugins_internal.h: what the plugins share inside libmoat (hidden symbols).
 */
#ifndef MOAT_PLUGINS_INTERNAL_H
#define MOAT_PLUGINS_INTERNAL_H

#include "moat_plugins.h"

/* The embedded text of a manifest by its source path ("fs/permissions.json"), or NULL. */
const char *plugin_manifest(const char *file);

/* Hands each embedded manifest named in files to moat_app_manifest. 0, or -1. */
int plugin_load_manifests(moat_app *app, const char *const *files, size_t n);

#endif
