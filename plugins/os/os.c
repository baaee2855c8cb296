// SPDX-License-Identifier: MIT
/*
 * os.c: plugin-os's commands (plugin:os|platform, arch, version, family,
 * os_type, exe_extension, locale, hostname) as Tauri answers them on Linux
 * (Rust's std::env::consts names, os_info's version, sys-locale's locale),
 * from the core: the renderer's own view of the system is its sandbox's (its
 * own host name, no /etc). The values plugin-os reads synchronously from
 * window.__TAURI_OS_PLUGIN_INTERNALS__ are defined by the JS host
 * (renderer/host/web.js) from the same sources.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "plugins_internal.h"

/* uname's machine as Rust's std::env::consts::ARCH names it. */
static const char *rust_arch(const char *machine)
{
    static const char *const map[][2] = {{"i386", "x86"},        {"i486", "x86"},
                                         {"i586", "x86"},        {"i686", "x86"},
                                         {"amd64", "x86_64"},    {"arm64", "aarch64"},
                                         {"armv6l", "arm"},      {"armv7l", "arm"},
                                         {"armv8l", "arm"},      {"ppc64le", "powerpc64"},
                                         {"ppc64", "powerpc64"}, {"ppc", "powerpc"},
                                         {"mips64", "mips64"},   {"s390x", "s390x"},
                                         {"riscv64", "riscv64"}, {"loongarch64", "loongarch64"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(machine, map[i][0])) return map[i][1];
    return machine;
}

static void os_arch(moat_call *c, void *ud)
{
    (void)ud;
    struct utsname un;
    moat_call_resolve_str(c, uname(&un) == 0 ? rust_arch(un.machine) : "unknown");
}

void plugin_os_version(char *out, size_t len)
{
    char line[512];
    snprintf(out, len, "Unknown");
    FILE *f = fopen("/etc/os-release", "re");
    if (!f) f = fopen("/usr/lib/os-release", "re");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VERSION_ID=", 11)) continue;
        char *v = line + 11;
        v[strcspn(v, "\r\n")] = '\0';
        size_t n = strlen(v);
        if (n >= 2 && (*v == '"' || *v == '\'') && v[n - 1] == *v) v[n - 1] = '\0', v++;
        if (*v) snprintf(out, len, "%.127s", v);
        break;
    }
    if (f) fclose(f);
}

static void os_version(moat_call *c, void *ud)
{
    (void)ud;
    char v[128];
    plugin_os_version(v, sizeof v);
    moat_call_resolve_str(c, v);
}

/*
 * sys-locale on Linux: the first of LC_ALL, LC_MESSAGES, LANG that is set,
 * without its encoding and modifier, '_' made '-' ("de_DE.UTF-8" -> "de-DE");
 * null when none is set.
 */
static void os_locale(moat_call *c, void *ud)
{
    (void)ud;
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v) continue;
        char out[64];
        size_t n = strcspn(v, ".@");
        if (n >= sizeof out) n = sizeof out - 1;
        for (size_t j = 0; j < n; j++)
            out[j] = v[j] == '_' ? '-' : v[j];
        out[n] = '\0';
        moat_call_resolve_str(c, out);
        return;
    }
    moat_call_resolve_null(c);
}

static void os_hostname(moat_call *c, void *ud)
{
    (void)ud;
    char name[256];
    if (gethostname(name, sizeof name) < 0) {
        moat_call_reject(c, "failed", "os:hostname: the host name cannot be read");
        return;
    }
    name[sizeof name - 1] = '\0';
    moat_call_resolve_str(c, name);
}

#define OS_CONSTANT(fn, value)                                                                     \
    static void fn(moat_call *c, void *ud)                                                         \
    {                                                                                              \
        (void)ud;                                                                                  \
        moat_call_resolve_str(c, value);                                                           \
    }
OS_CONSTANT(os_platform, "linux")
OS_CONSTANT(os_family, "unix")
OS_CONSTANT(os_type, "linux")
OS_CONSTANT(os_exe_extension, "")

int moat_plugin_os_register(moat_app *app)
{
    static const struct {
        const char *name;
        moat_command_fn fn;
    } cmds[] = {
        {"os:platform", os_platform}, {"os:arch", os_arch},
        {"os:version", os_version},   {"os:family", os_family},
        {"os:os_type", os_type},      {"os:exe_extension", os_exe_extension},
        {"os:locale", os_locale},     {"os:hostname", os_hostname},
    };
    static const char *const manifest[] = {"os/permissions.json"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (moat_app_command(app, cmds[i].name, cmds[i].fn, app) < 0) return -1;
    return plugin_load_manifests(app, manifest, 1);
}
