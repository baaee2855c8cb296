// SPDX-License-Identifier: MIT
/*
 * init.c: `moat init [--template vanilla|tauri] DIR`, a new bundle that runs.
 *
 *   vanilla  moat.json, main.js (the moat global), capabilities/default.json
 *   tauri    a web frontend on @tauri-apps/api: index.html, src/main.js,
 *            package.json and build.mjs (esbuild, pinned) writing dist/,
 *            moat.json (kind webview), capabilities/default.json
 *
 * The "$schema" of moat.json and of the capability file name this moat's
 * share/moat/schemas (relative paths), when it has them.
 */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_SETUP 70

/* The same versions as tests/plugins/e2e/package.json: what Moat is tested with. */
#define TAURI_API_VERSION "2.12.5"
#define ESBUILD_VERSION "0.28.2"

static int usage_to(FILE *f)
{
    fputs("usage: moat init [--template vanilla|tauri] DIR\n"
          "\n"
          "Writes a new bundle into DIR (created; refused unless empty):\n"
          "  vanilla  (default) moat.json, main.js using the moat global, and\n"
          "           capabilities/default.json; run it with\n"
          "           moat run DIR --policy DIR/capabilities\n"
          "  tauri    a web frontend on @tauri-apps/api: index.html, src/main.js,\n"
          "           package.json and build.mjs (esbuild) that write dist/; then\n"
          "           (cd DIR && npm install && npm run build) and moat run as above\n",
          f);
    return f == stdout ? 0 : EXIT_USAGE;
}

/* dir/../share/moat/schemas of this executable, or "" when there is none. */
static void schema_dir(char out[PATH_MAX])
{
    char self[PATH_MAX], probe[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    out[0] = '\0';
    if (n <= 0) return;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) return;
    *slash = '\0';
    snprintf(probe, sizeof probe, "%s/../share/moat/schemas/moat.json", self);
    if (realpath(probe, out))
        *strrchr(out, '/') = '\0';
    else
        out[0] = '\0';
}

/* to (absolute) relative to the folder from (absolute), into out. */
static void relative(const char *from, const char *to, char *out, size_t len)
{
    size_t common = 0;
    for (size_t i = 0;; i++) { /* the last '/'-bounded prefix they share */
        bool end_f = from[i] == '\0' || from[i] == '/', end_t = to[i] == '\0' || to[i] == '/';
        if (end_f && end_t) common = i;
        if (from[i] != to[i] || !from[i]) break;
    }
    size_t o = 0;
    out[0] = '\0';
    if (common == 0) { /* they share only the root: the absolute path says more */
        snprintf(out, len, "%s", to);
        return;
    }
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && o + 4 < len) o += (size_t)snprintf(out + o, len - o, "../");
    snprintf(out + o, len - o, "%s", to[common] == '/' ? to + common + 1 : to + common);
}

struct project {
    char dir[PATH_MAX];     /* absolute */
    char name[128];         /* DIR's last component, as the app's name */
    char schemas[PATH_MAX]; /* "" when this moat has none */
};

/* The "$schema" member, then sep, for a file in folder sub of the project (or ""), into out. */
static void schema_line(const struct project *p, const char *sub, const char *schema,
                        const char *sep, char *out, size_t len)
{
    char from[PATH_MAX + 64], to[PATH_MAX + 64], rel[2 * PATH_MAX];
    out[0] = '\0';
    if (!p->schemas[0]) return;
    snprintf(from, sizeof from, "%s%s%s", p->dir, *sub ? "/" : "", sub);
    snprintf(to, sizeof to, "%s/%s", p->schemas, schema);
    relative(from, to, rel, sizeof rel);
    snprintf(out, len, "\"$schema\": \"%s\",%s", rel, sep);
}

/* Writes text (a printf format taking the given strings) to dir/rel; new files only. */
static int put(const struct project *p, const char *rel, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", p->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "moat init: cannot create %s: %m\n", path);
        return -1;
    }
    *slash = '/';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = f && fputs(text, f) >= 0;
    if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0)) ok = false;
    if (!ok) fprintf(stderr, "moat init: cannot write %s: %m\n", path);
    return ok ? 0 : -1;
}

static int write_capability(const struct project *p)
{
    char schema[2 * PATH_MAX], text[3 * PATH_MAX];
    schema_line(p, "capabilities", "capability.json", "\n  ", schema, sizeof schema);
    snprintf(text, sizeof text,
             "{\n  %s\"identifier\": \"default\",\n"
             "  \"description\": \"What %s's main window may do: know the app's name and "
             "version, and log.\",\n"
             "  \"windows\": [\"main\"],\n  \"permissions\": [\"core:default\"]\n}\n",
             schema, p->name);
    return put(p, "capabilities/default.json", text);
}

static int write_vanilla(const struct project *p)
{
    char schema[2 * PATH_MAX], text[4 * PATH_MAX];
    schema_line(p, "", "moat.json", " ", schema, sizeof schema);
    snprintf(text, sizeof text, "{ %s\"name\": \"%s\", \"entry\": \"main.js\" }\n", schema,
             p->name);
    if (put(p, "moat.json", text) != 0) return -1;
    snprintf(text, sizeof text,
             "// %s: a Moat bundle. Run it with: moat run . --policy capabilities\n"
             "// It reaches the app only through the moat global (share/moat/types/moat.d.ts),\n"
             "// and only for what capabilities/default.json grants.\n"
             "(() => {\n"
             "    'use strict';\n"
             "\n"
             "    async function main() {\n"
             "        const name = await moat.invoke('app:name');\n"
             "        const version = await moat.invoke('app:version');\n"
             "        console.log(`%s (\"${moat.label}\") runs in ${name} ${version}`);\n"
             "        await moat.invoke('log', { level: 'info', message: '%s is running' });\n"
             "    }\n"
             "\n"
             "    main().catch((e) => {\n"
             "        console.error(`%s failed: ${e.code || ''} ${e.message}`);\n"
             "        moat.exit(1);\n"
             "    });\n"
             "})();\n",
             p->name, p->name, p->name, p->name);
    return put(p, "main.js", text);
}

static int write_tauri(const struct project *p)
{
    char schema[2 * PATH_MAX], text[4 * PATH_MAX];
    schema_line(p, "", "moat.json", "\n  ", schema, sizeof schema);
    snprintf(text, sizeof text,
             "{\n  %s\"name\": \"%s\",\n  \"kind\": \"webview\",\n"
             "  \"entry\": \"dist/index.html\",\n"
             "  \"windows\": [{ \"label\": \"main\", \"title\": \"%s\", \"width\": 800, "
             "\"height\": 600 }]\n}\n",
             schema, p->name, p->name);
    if (put(p, "moat.json", text) != 0) return -1;
    snprintf(text, sizeof text,
             "{\n  \"name\": \"%s\",\n  \"private\": true,\n  \"version\": \"0.1.0\",\n"
             "  \"type\": \"module\",\n"
             "  \"scripts\": {\n    \"build\": \"node build.mjs\"\n  },\n"
             "  \"devDependencies\": {\n"
             "    \"@tauri-apps/api\": \"" TAURI_API_VERSION "\",\n"
             "    \"esbuild\": \"" ESBUILD_VERSION "\"\n  }\n}\n",
             p->name);
    if (put(p, "package.json", text) != 0) return -1;
    snprintf(text, sizeof text,
             "<!doctype html>\n<html>\n<head>\n  <meta charset=\"utf-8\">\n"
             "  <title>%s</title>\n  <script src=\"main.js\"></script>\n</head>\n"
             "<body>\n  <h1>%s</h1>\n  <p id=\"out\">…</p>\n</body>\n</html>\n",
             p->name, p->name);
    if (put(p, "index.html", text) != 0) return -1;
    snprintf(text, sizeof text,
             "// %s: a web frontend on Tauri's API, in a Moat window. npm run build writes\n"
             "// dist/ (one classic script: Moat's webview serves no ES modules yet), then:\n"
             "// moat run . --policy capabilities\n"
             "import { getName, getVersion } from '@tauri-apps/api/app';\n"
             "import { invoke } from '@tauri-apps/api/core';\n"
             "\n"
             "async function main() {\n"
             "    const text = `%s runs in ${await getName()} ${await getVersion()}`;\n"
             "    document.querySelector('#out').textContent = text;\n"
             "    console.log(text);\n"
             "    await invoke('log', { level: 'info', message: '%s is running' });\n"
             "}\n"
             "\n"
             "window.addEventListener('DOMContentLoaded', () => {\n"
             "    main().catch((e) => console.error(`%s failed: ${e}`));\n"
             "});\n",
             p->name, p->name, p->name, p->name);
    if (put(p, "src/main.js", text) != 0) return -1;
    return put(p, "build.mjs",
               "// build.mjs: src/main.js and what it imports into dist/main.js (esbuild), and\n"
               "// index.html beside it. dist/ is what the window loads.\n"
               "import { build } from 'esbuild';\n"
               "import { copyFile, mkdir } from 'node:fs/promises';\n"
               "\n"
               "await mkdir('dist', { recursive: true });\n"
               "await build({\n"
               "    entryPoints: ['src/main.js'],\n"
               "    bundle: true,\n"
               "    format: 'iife',\n"
               "    outfile: 'dist/main.js',\n"
               "    logLevel: 'warning',\n"
               "});\n"
               "await copyFile('index.html', 'dist/index.html');\n");
}

/* DIR made (if absent) and empty; its absolute path and name into p. */
static int prepare(const char *dir, struct project *p)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "moat init: cannot create %s: %m\n", dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "moat init: cannot open %s: %m\n", dir);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
        ;
    if (e) /* before closedir, which frees e */
        fprintf(stderr,
                "moat init: %s is not empty (it has %s); moat init writes into an "
                "empty or new folder\n",
                dir, e->d_name);
    closedir(d);
    if (e) return -1;
    if (!realpath(dir, p->dir)) {
        fprintf(stderr, "moat init: %s: %m\n", dir);
        return -1;
    }
    const char *base = strrchr(p->dir, '/');
    base = base && base[1] ? base + 1 : "app";
    size_t o = 0; /* a name safe inside JSON, JS and HTML text */
    for (; *base && o + 1 < sizeof p->name; base++)
        if ((*base >= 'a' && *base <= 'z') || (*base >= 'A' && *base <= 'Z') ||
            (*base >= '0' && *base <= '9') || strchr("-_.", *base))
            p->name[o++] = *base;
    p->name[o] = '\0';
    if (!o) snprintf(p->name, sizeof p->name, "app");
    schema_dir(p->schemas);
    return 0;
}

int cmd_init(int argc, char **argv)
{
    const char *template = "vanilla", *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage_to(stdout);
        if (!strcmp(argv[i], "--template") && i + 1 < argc)
            template = argv[++i];
        else if (!strncmp(argv[i], "--template=", 11))
            template = argv[i] + 11;
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else
            return usage_to(stderr);
    }
    bool tauri = !strcmp(template, "tauri");
    if (!tauri && strcmp(template, "vanilla")) {
        fprintf(stderr, "moat init: unknown template \"%s\"; expected vanilla or tauri\n",
                template);
        return EXIT_USAGE;
    }
    if (!dir) return usage_to(stderr);
    struct project p;
    if (prepare(dir, &p) != 0) return EXIT_SETUP;
    if ((tauri ? write_tauri(&p) : write_vanilla(&p)) != 0 || write_capability(&p) != 0)
        return EXIT_SETUP;
    printf("moat init: wrote a %s bundle into %s\n", template, dir);
    if (tauri) printf("  (cd %s && npm install && npm run build)\n", dir);
    printf("  moat run %s --policy %s/capabilities\n", dir, dir);
    return 0;
}
