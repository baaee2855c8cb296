// SPDX-License-Identifier: MIT
/*
 * locate.c: the JS host relative to the executable or to libmoat (see
 * locate.h). MOAT_BIN_TO_LIBEXEC and MOAT_LIB_TO_LIBEXEC are the install's
 * relative paths ("../libexec/moat"), from CMake's GNUInstallDirs.
 */
#include "locate.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dir_of(file) + "/" + rel + "/moat-renderer" if it is executable; malloc'd or NULL. */
static char *beside(const char *file, const char *rel)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    char *path;
    if (!slash || asprintf(&path, "%.*s/%s/moat-renderer", (int)(slash - file), file, rel) < 0)
        return NULL;
    char real[PATH_MAX];
    if (access(path, X_OK) == 0 && realpath(path, real)) {
        free(path);
        return strdup(real);
    }
    free(path);
    return NULL;
}

char *core_locate_renderer(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *found = NULL;
    if (n > 0) {
        self[n] = '\0';
        found = beside(self, MOAT_BIN_TO_LIBEXEC);
    }
    Dl_info info; /* where this code is: libmoat.so, or the executable it is linked into */
    if (!found && dladdr((void *)core_locate_renderer, &info) && info.dli_fname) {
        char lib[PATH_MAX];
        if (realpath(info.dli_fname, lib)) found = beside(lib, MOAT_LIB_TO_LIBEXEC);
    }
    return found;
}
