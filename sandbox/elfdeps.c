// SPDX-License-Identifier: MIT
/*
 * elfdeps.c: the files the dynamic loader opens to start a program.
 *
 * The renderer's root holds nothing but its bundle and what its executable
 * needs, so the core works that out before the fork: the ELF interpreter,
 * then every DT_NEEDED library, resolved the way ld.so resolves it: DT_RPATH
 * of the object and of each object that loaded it (when the object has no
 * DT_RUNPATH), $LD_LIBRARY_PATH, the object's DT_RUNPATH, /etc/ld.so.cache,
 * the default directories; with $ORIGIN, $LIB and $PLATFORM (braced or not)
 * expanded as ld.so does; recursively. Every cache entry for a name is kept, so that
 * whichever variant ld.so prefers inside the sandbox is there. The program is
 * parsed, never run: `ldd` would execute an untrusted native renderer.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define LD_CACHE "/etc/ld.so.cache"
#define LD_CONF "/etc/ld.so.conf"
#define CACHE_MAGIC "glibc-ld.so.cache1.1"
#define MAX_DEPTH 32

#if defined(__x86_64__)
#define TRIPLET "x86_64-linux-gnu"
#define EM_HOST EM_X86_64
#elif defined(__aarch64__)
#define TRIPLET "aarch64-linux-gnu"
#define EM_HOST EM_AARCH64
#else
#error "elfdeps.c: add this architecture's multiarch triplet and ELF machine"
#endif

/* Where ld.so looks last, after the cache. */
static const char *const default_dirs[] = {
    "/lib/" TRIPLET, "/usr/lib/" TRIPLET, "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

/* Loaded by glibc with dlopen (unwinding for pthread_cancel and backtraces). */
static const char *const dlopened[] = {"libgcc_s.so.1"};

/* ---- a list of unique paths ---------------------------------------------- */

int sbx_paths_add(struct sbx_paths *p, const char *path)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], path)) return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        char **v = realloc(p->v, cap * sizeof *v);
        if (!v) return -1;
        p->v = v, p->cap = cap;
    }
    if (!(p->v[p->n] = strdup(path))) return -1;
    p->n++;
    return 1;
}

void sbx_paths_free(struct sbx_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    *p = (struct sbx_paths){0};
}

/* ---- the ELF file -------------------------------------------------------- */

struct elf {
    char interp[PATH_MAX];
    char *strtab; /* the dynamic string table, NUL-terminated */
    size_t strsz;
    size_t needed[128]; /* offsets into strtab */
    size_t nneeded;
    long rpath, runpath; /* offsets into strtab, or -1 */
};

static int read_at(int fd, void *buf, size_t len, off_t off)
{
    return pread(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

/* File offset of a virtual address, through the PT_LOAD segments. */
static long vaddr_to_off(const ElfW(Phdr) * ph, int n, ElfW(Addr) va)
{
    for (int i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr && va < ph[i].p_vaddr + ph[i].p_filesz)
            return (long)(va - ph[i].p_vaddr + ph[i].p_offset);
    return -1;
}

/* The string table and the entries that name libraries and search paths. */
static int read_dynamic(int fd, const ElfW(Phdr) * ph, int n, const ElfW(Phdr) * dyn, struct elf *e)
{
    size_t count = dyn->p_filesz / sizeof(ElfW(Dyn));
    ElfW(Dyn) *d = count && count < 4096 ? calloc(count, sizeof *d) : NULL;
    if (!d || read_at(fd, d, count * sizeof *d, (off_t)dyn->p_offset) < 0) {
        free(d);
        return -1;
    }
    ElfW(Addr) strtab = 0;
    for (size_t i = 0; i < count && d[i].d_tag != DT_NULL; i++) {
        if (d[i].d_tag == DT_STRTAB) strtab = d[i].d_un.d_ptr;
        if (d[i].d_tag == DT_STRSZ) e->strsz = d[i].d_un.d_val;
        if (d[i].d_tag == DT_RPATH) e->rpath = (long)d[i].d_un.d_val;
        if (d[i].d_tag == DT_RUNPATH) e->runpath = (long)d[i].d_un.d_val;
        if (d[i].d_tag == DT_NEEDED && e->nneeded < sizeof e->needed / sizeof *e->needed)
            e->needed[e->nneeded++] = d[i].d_un.d_val;
    }
    free(d);
    long off = strtab ? vaddr_to_off(ph, n, strtab) : -1;
    if (off < 0 || e->strsz == 0 || e->strsz > (64u << 20) || !(e->strtab = malloc(e->strsz + 1)))
        return -1;
    e->strtab[e->strsz] = '\0';
    return read_at(fd, e->strtab, e->strsz, off);
}

static int native_header(const ElfW(Ehdr) * h)
{
    return !memcmp(h->e_ident, ELFMAG, SELFMAG) && h->e_ident[EI_CLASS] == ELFCLASS64 &&
           h->e_machine == EM_HOST && h->e_phentsize == sizeof(ElfW(Phdr)) && h->e_phnum < 256;
}

/* 0, or -1 when path is not a native ELF object this loader could use. */
static int elf_load(const char *path, struct elf *e)
{
    memset(e, 0, sizeof *e);
    e->rpath = e->runpath = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ElfW(Ehdr) h;
    ElfW(Phdr) ph[256];
    int rc = -1;
    if (fd < 0 || read_at(fd, &h, sizeof h, 0) < 0 || !native_header(&h) ||
        read_at(fd, ph, h.e_phnum * sizeof *ph, (off_t)h.e_phoff) < 0)
        goto out;
    rc = 0;
    for (int i = 0; i < h.e_phnum && rc == 0; i++) {
        if (ph[i].p_type == PT_INTERP && ph[i].p_filesz < sizeof e->interp)
            rc = read_at(fd, e->interp, ph[i].p_filesz, (off_t)ph[i].p_offset);
        else if (ph[i].p_type == PT_DYNAMIC)
            rc = read_dynamic(fd, ph, h.e_phnum, &ph[i], e);
    }
out:
    if (fd >= 0) close(fd);
    return rc;
}

static const char *elf_str(const struct elf *e, long off)
{
    return off >= 0 && (size_t)off < e->strsz ? e->strtab + off : NULL;
}

/* ---- resolving a library name -------------------------------------------- */

struct resolver {
    struct sbx_paths *out;
    const struct sbx_ld_env *env;
    char exe_origin[PATH_MAX]; /* $ORIGIN in LD_LIBRARY_PATH: the program's directory */
    char *cache;               /* the ld.so cache, or NULL */
    size_t cache_len;
};

/* The objects that led to one being loaded: its DT_RPATH applies to what they load. */
struct chain {
    const struct elf *e;
    const char *origin;
    const struct chain *up; /* what loaded it, NULL for the program */
};

static int is_native_elf(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ElfW(Ehdr) h;
    int ok = fd >= 0 && read_at(fd, &h, sizeof h, 0) == 0 && native_header(&h);
    if (fd >= 0) close(fd);
    return ok;
}

/* d with ld.so's tokens expanded ($ORIGIN, $LIB, $PLATFORM, braced or not) into out; 0 or -1. */
static int expand(const struct resolver *r, const char *d, const char *origin, char *out,
                  size_t len)
{
    static const char *const names[] = {"ORIGIN", "LIB", "PLATFORM"};
    const char *values[] = {origin, "lib/" TRIPLET, r->env->platform};
    size_t n = 0;
    while (*d) {
        size_t tok = 0, i = 0;
        if (*d == '$') {
            bool brace = d[1] == '{';
            for (i = 0; i < 3 && !tok; i++) {
                size_t k = strlen(names[i]);
                if (!strncmp(d + 1 + brace, names[i], k) && (!brace || d[1 + brace + k] == '}'))
                    tok = 1 + brace + k + brace;
            }
            i--;
        }
        if (tok && !values[i]) return -1; /* ld.so drops such an entry */
        const char *piece = tok ? values[i] : d;
        size_t plen = tok ? strlen(piece) : 1;
        if (n + plen >= len) return -1;
        memcpy(out + n, piece, plen);
        n += plen;
        d += tok ? tok : 1;
    }
    out[n] = '\0';
    return 0;
}

/* Tries dir/name (dir: dlen bytes, with tokens); 1 with the path in out when it is there. */
static int try_dir(const struct resolver *r, const char *dir, size_t dlen, const char *origin,
                   const char *name, char *out)
{
    char d[PATH_MAX], x[PATH_MAX];
    if (dlen == 0 || dlen >= sizeof d) return 0; /* an empty entry is the cwd: not followed */
    memcpy(d, dir, dlen);
    d[dlen] = '\0';
    if (expand(r, d, origin, x, sizeof x) < 0) return 0;
    int n = snprintf(out, PATH_MAX, "%s/%s", x, name);
    return n > 0 && n < PATH_MAX && is_native_elf(out);
}

/* Searches a list separated by ':' (or ';', as ld.so accepts); 1 with the path in out. */
static int search_list(const struct resolver *r, const char *list, const char *origin,
                       const char *name, char *out)
{
    while (list && *list) {
        size_t len = strcspn(list, ":;");
        if (try_dir(r, list, len, origin, name, out)) return 1;
        list += len + (list[len] != '\0');
    }
    return 0;
}

static int read_cache(struct resolver *r)
{
    int fd = open(r->env->cache, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return 0; /* no cache: ld.so uses the default directories */
    if (fstat(fd, &st) == 0 && st.st_size > 48 && st.st_size < (64 << 20) &&
        (r->cache = malloc((size_t)st.st_size + 1)) &&
        read_at(fd, r->cache, (size_t)st.st_size, 0) == 0) {
        r->cache_len = (size_t)st.st_size;
        r->cache[r->cache_len] = '\0';
    }
    close(fd);
    if (r->cache && memcmp(r->cache, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) != 0) {
        free(r->cache); /* an old format: ld.so falls back to the default directories */
        r->cache = NULL;
    }
    return 0;
}

/*
 * Adds every cache entry for name (a hardware-capability variant and the
 * baseline can both be listed). 1 with the first one in first when found.
 */
static int search_cache(struct resolver *r, const char *name, char *first)
{
    if (!r->cache) return 0;
    uint32_t nlibs;
    memcpy(&nlibs, r->cache + 20, sizeof nlibs);
    int found = 0;
    for (uint32_t i = 0; i < nlibs && 48 + (i + 1) * 24 <= r->cache_len; i++) {
        uint32_t kv[2];
        memcpy(kv, r->cache + 48 + i * 24 + 4, sizeof kv);
        if (kv[0] >= r->cache_len || kv[1] >= r->cache_len) continue;
        const char *value = r->cache + kv[1];
        if (strcmp(r->cache + kv[0], name) != 0 || !is_native_elf(value)) continue;
        /* The first is added by walk(), which then lists what it needs. */
        if (!found)
            snprintf(first, PATH_MAX, "%s", value);
        else if (sbx_paths_add(r->out, value) < 0)
            return -1;
        found = 1;
    }
    return found;
}

/* ld.so's order for a name without a slash; 1 with the path in out, 0 if not found. */
static int resolve(struct resolver *r, const struct chain *c, const char *name, char *out)
{
    if (strchr(name, '/')) return snprintf(out, PATH_MAX, "%s", name) < PATH_MAX;
    /* DT_RPATH of the object and of whatever loaded it, unless the object has DT_RUNPATH
     * (an object's DT_RPATH counts only while it has no DT_RUNPATH of its own). */
    if (c->e->runpath < 0)
        for (const struct chain *l = c; l; l = l->up)
            if (l->e->runpath < 0 &&
                search_list(r, elf_str(l->e, l->e->rpath), l->origin, name, out))
                return 1;
    if (search_list(r, r->env->library_path, r->exe_origin, name, out)) return 1;
    if (search_list(r, elf_str(c->e, c->e->runpath), c->origin, name, out)) return 1;
    int rc = search_cache(r, name, out);
    if (rc != 0) return rc;
    for (size_t i = 0; i < sizeof default_dirs / sizeof *default_dirs; i++)
        if (try_dir(r, default_dirs[i], strlen(default_dirs[i]), c->origin, name, out)) return 1;
    return 0;
}

/* ---- explaining a library that is not found: ld.so.conf ------------------- */

/*
 * Looks for name in the directories file lists (and the files it includes,
 * to depth 8): 1 with the directory in dir and the listing file in from.
 */
static int conf_lookup(const struct resolver *r, const char *file, const char *name, int depth,
                       char *dir, char *from)
{
    FILE *f = depth < 8 ? fopen(file, "re") : NULL;
    char line[PATH_MAX], path[PATH_MAX];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\n")] = '\0';
        char *s = line + strspn(line, " \t");
        if (!strncmp(s, "include", 7) && (s[7] == ' ' || s[7] == '\t')) {
            char *pat = s + 8 + strspn(s + 8, " \t"), rel[2 * PATH_MAX];
            pat[strcspn(pat, " \t")] = '\0';
            snprintf(path, sizeof path, "%s", file);
            /* A relative pattern is relative to the including file's folder. */
            snprintf(rel, sizeof rel, "%s/%s", dirname(path), pat);
            glob_t g;
            if (glob(pat[0] == '/' ? pat : rel, 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc && !found; i++)
                    found = conf_lookup(r, g.gl_pathv[i], name, depth + 1, dir, from);
            globfree(&g);
        } else if (s[0] == '/') {
            s[strcspn(s, " \t=")] = '\0'; /* "dir=TYPE", an old form */
            if ((found = try_dir(r, s, strlen(s), "/", name, path))) {
                snprintf(dir, PATH_MAX, "%s", s);
                snprintf(from, PATH_MAX, "%s", file);
            }
        }
    }
    if (f) fclose(f);
    return found;
}

/* One line: what needs name, that it cannot be found, and what would help. */
static void not_found(const struct resolver *r, const char *path, const char *name, char *err,
                      size_t errlen)
{
    char dir[PATH_MAX], from[PATH_MAX];
    if (name && conf_lookup(r, r->env->conf, name, 0, dir, from))
        snprintf(err, errlen,
                 "%s needs %s, which is in %s (listed by %s) but not in %s: run ldconfig", path,
                 name, dir, from, r->env->cache);
    else
        snprintf(err, errlen,
                 "%s needs %s, which the loader would not find (not in its RPATH or RUNPATH, "
                 "LD_LIBRARY_PATH, %s or the default directories)",
                 path, name ? name : "(bad name)", r->env->cache);
}

/* Adds path and, once, everything it needs; up is what loaded it. */
static int walk(struct resolver *r, const char *path, const struct chain *up, int depth, char *err,
                size_t errlen)
{
    int added = sbx_paths_add(r->out, path);
    if (added < 0) return snprintf(err, errlen, "out of memory"), -1;
    if (added == 0 && depth > 0) return 0; /* already walked */
    struct elf e = {.strtab = NULL};
    if (depth > MAX_DEPTH || elf_load(path, &e) < 0) {
        snprintf(err, errlen, "%s: not a dynamically linked program for this machine", path);
        free(e.strtab);
        return -1;
    }
    char dir[PATH_MAX], lib[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    struct chain c = {&e, dirname(dir), up};
    if (depth == 0) snprintf(r->exe_origin, sizeof r->exe_origin, "%s", c.origin);
    int rc = e.interp[0] ? walk(r, e.interp, NULL, depth + 1, err, errlen) : 0;
    for (size_t i = 0; rc >= 0 && i < e.nneeded; i++) {
        const char *name = elf_str(&e, (long)e.needed[i]);
        int found = name ? resolve(r, &c, name, lib) : 0;
        if (found <= 0) {
            not_found(r, path, name, err, errlen);
            rc = -1;
        } else {
            rc = walk(r, lib, &c, depth + 1, err, errlen);
        }
    }
    free(e.strtab);
    return rc < 0 ? -1 : 0;
}

int sbx_elf_deps_env(const struct sbx_ld_env *env, const char *exe, struct sbx_paths *out,
                     char *err, size_t errlen)
{
    struct resolver r = {.out = out, .env = env, .exe_origin = "/"};
    read_cache(&r);
    int rc = walk(&r, exe, NULL, 0, err, errlen);
    struct elf none = {.rpath = -1, .runpath = -1};
    struct chain top = {&none, "/", NULL};
    char lib[PATH_MAX];
    for (size_t i = 0; rc == 0 && i < sizeof dlopened / sizeof *dlopened; i++)
        if (resolve(&r, &top, dlopened[i], lib) == 1) rc = walk(&r, lib, NULL, 1, err, errlen);
    if (rc == 0 && r.cache && sbx_paths_add(out, env->cache) < 0) rc = -1;
    free(r.cache);
    return rc;
}

int sbx_elf_deps(const char *exe, struct sbx_paths *out, char *err, size_t errlen)
{
    const char *lp = getenv("LD_LIBRARY_PATH");
    struct sbx_ld_env env = {.library_path = lp && *lp ? lp : NULL,
                             .cache = LD_CACHE,
                             .conf = LD_CONF,
                             .platform = (const char *)getauxval(AT_PLATFORM)};
    return sbx_elf_deps_env(&env, exe, out, err, errlen);
}
