// SPDX-License-Identifier: MIT
/*
 * dirs.c: Tauri's base directories on Linux. Tauri takes them from the dirs
 * crate: the XDG base directories ($XDG_CONFIG_HOME, ~/.config by default,
 * and so on), the user directories of $XDG_CONFIG_HOME/user-dirs.dirs
 * (XDG_DOCUMENTS_DIR="$HOME/Documents"), and the App* directories as the
 * identifier below them. See plugins_internal.h.
 */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins_internal.h"

static const char *home(void)
{
    const char *h = getenv("HOME");
    if (h && h[0] == '/') return h;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* $VAR when absolute (the XDG rule: relative values are ignored), else ~/dflt. */
static int xdg(const char *var, const char *dflt, char *out, size_t len)
{
    const char *v = getenv(var);
    int n =
        v && v[0] == '/' ? snprintf(out, len, "%s", v) : snprintf(out, len, "%s/%s", home(), dflt);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* XDG_<key>_DIR from user-dirs.dirs ("$HOME/x" or "/abs"), as the dirs crate reads it. */
static int user_dir(const char *key, char *out, size_t len)
{
    char file[4096], line[4096], want[64];
    if (xdg("XDG_CONFIG_HOME", ".config", file, sizeof file - 16) < 0) return -1;
    strcat(file, "/user-dirs.dirs");
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    int n = snprintf(want, sizeof want, "XDG_%s_DIR=\"", key), rc = -1;
    while (rc < 0 && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, (size_t)n) != 0) continue;
        char *v = line + n, *end = strrchr(v, '"');
        if (!end) continue;
        *end = '\0';
        int w = strncmp(v, "$HOME", 5) == 0 ? snprintf(out, len, "%s%s", home(), v + 5)
                : v[0] == '/'               ? snprintf(out, len, "%s", v)
                                            : -1;
        rc = w > 0 && (size_t)w < len ? 0 : -1;
    }
    fclose(f);
    return rc;
}

static int with(int rc, char *out, size_t len, const char *tail)
{
    if (rc < 0) return -1;
    size_t used = strlen(out);
    int n = snprintf(out + used, len - used, "/%s", tail);
    return n > 0 && (size_t)n < len - used ? 0 : -1;
}

int plugin_base_dir(const char *name, const char *identifier, const char *bundle, char *out,
                    size_t len)
{
    static const char *const user[][2] = {{"AUDIO", "MUSIC"},        {"DESKTOP", "DESKTOP"},
                                          {"DOCUMENT", "DOCUMENTS"}, {"DOWNLOAD", "DOWNLOAD"},
                                          {"PICTURE", "PICTURES"},   {"PUBLIC", "PUBLICSHARE"},
                                          {"TEMPLATE", "TEMPLATES"}, {"VIDEO", "VIDEOS"}};
    for (size_t i = 0; i < sizeof user / sizeof *user; i++)
        if (!strcmp(name, user[i][0])) return user_dir(user[i][1], out, len);
    if (!strcmp(name, "CONFIG")) return xdg("XDG_CONFIG_HOME", ".config", out, len);
    if (!strcmp(name, "CACHE")) return xdg("XDG_CACHE_HOME", ".cache", out, len);
    if (!strcmp(name, "DATA") || !strcmp(name, "LOCALDATA"))
        return xdg("XDG_DATA_HOME", ".local/share", out, len);
    if (!strcmp(name, "FONT"))
        return with(xdg("XDG_DATA_HOME", ".local/share", out, len), out, len, "fonts");
    if (!strcmp(name, "EXE")) return xdg("XDG_BIN_HOME", ".local/bin", out, len);
    if (!strcmp(name, "HOME")) return snprintf(out, len, "%s", home()) < (int)len ? 0 : -1;
    if (!strcmp(name, "RUNTIME")) {
        const char *r = getenv("XDG_RUNTIME_DIR");
        return r && r[0] == '/' && snprintf(out, len, "%s", r) < (int)len ? 0 : -1;
    }
    if (!strcmp(name, "TEMP")) { /* Rust's std::env::temp_dir */
        const char *t = getenv("TMPDIR");
        return snprintf(out, len, "%s", t && t[0] == '/' ? t : "/tmp") < (int)len ? 0 : -1;
    }
    if (!strcmp(name, "RESOURCE"))
        return bundle && snprintf(out, len, "%s", bundle) < (int)len ? 0 : -1;
    if (!identifier || !*identifier || strchr(identifier, '/') || !strcmp(identifier, "..") ||
        !strcmp(identifier, "."))
        return strncmp(name, "APP", 3) ? -2 : -1;
    if (!strcmp(name, "APPCONFIG"))
        return with(xdg("XDG_CONFIG_HOME", ".config", out, len), out, len, identifier);
    if (!strcmp(name, "APPDATA") || !strcmp(name, "APPLOCALDATA"))
        return with(xdg("XDG_DATA_HOME", ".local/share", out, len), out, len, identifier);
    if (!strcmp(name, "APPCACHE"))
        return with(xdg("XDG_CACHE_HOME", ".cache", out, len), out, len, identifier);
    if (!strcmp(name, "APPLOG") || !strcmp(name, "LOG")) /* Linux: app_local_data_dir/logs */
        return with(with(xdg("XDG_DATA_HOME", ".local/share", out, len), out, len, identifier), out,
                    len, "logs");
    return -2;
}

const char *plugin_base_dir_name(int64_t n)
{
    static const char *const names[] = {
        NULL,       "AUDIO",     "CACHE",   "CONFIG",       "DATA",     "LOCALDATA",
        "DOCUMENT", "DOWNLOAD",  "PICTURE", "PUBLIC",       "VIDEO",    "RESOURCE",
        "TEMP",     "APPCONFIG", "APPDATA", "APPLOCALDATA", "APPCACHE", "APPLOG",
        "DESKTOP",  "EXE",       "FONT",    "HOME",         "RUNTIME",  "TEMPLATE"};
    return n >= 1 && n < (int64_t)(sizeof names / sizeof *names) ? names[n] : NULL;
}
