/*
 * elfdeps.c: the files the dynamic loader opens to start a program.
 *
 * The renderer's root holds nothing but its bundle and what its executable
 * needs, so the core works that out before the fork: the ELF interpreter,
 * then every DT_NEEDED library, resolved the way ld.so resolves it (DT_RPATH
 * when there is no DT_RUNPATH, DT_RUNPATH, /etc/ld.so.cache, the default
 * directories), recursively. Every cache entry for a name is kept, so that
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
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define LD_CACHE "/etc/ld.so.cache"
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
    char *cache; /* /etc/ld.so.cache, or NULL */
    size_t cache_len;
};

static int is_native_elf(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ElfW(Ehdr) h;
    int ok = fd >= 0 && read_at(fd, &h, sizeof h, 0) == 0 && native_header(&h);
    if (fd >= 0) close(fd);
    return ok;
}

/* Tries dir/name; "$ORIGIN" in dir is the directory of the object that needs it. */
static int try_dir(const char *dir, size_t dlen, const char *origin, const char *name, char *out)
{
    char d[PATH_MAX];
    if (dlen == 0 || dlen >= sizeof d) return 0;
    memcpy(d, dir, dlen);
    d[dlen] = '\0';
    const char *o = strstr(d, "$ORIGIN");
    int n = o ? snprintf(out, PATH_MAX, "%.*s%s%s/%s", (int)(o - d), d, origin, o + 7, name)
              : snprintf(out, PATH_MAX, "%s/%s", d, name);
    return n > 0 && n < PATH_MAX && is_native_elf(out);
}

/* Searches a colon-separated list; 1 with the path in out when found. */
static int search_list(const char *list, const char *origin, const char *name, char *out)
{
    while (list && *list) {
        size_t len = strcspn(list, ":");
        if (try_dir(list, len, origin, name, out)) return 1;
        list += len + (list[len] == ':');
    }
    return 0;
}

static int read_cache(struct resolver *r)
{
    int fd = open(LD_CACHE, O_RDONLY | O_CLOEXEC);
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
static int resolve(struct resolver *r, const struct elf *e, const char *origin, const char *name,
                   char *out)
{
    if (strchr(name, '/')) return snprintf(out, PATH_MAX, "%s", name) < PATH_MAX;
    if (e->runpath < 0 && search_list(elf_str(e, e->rpath), origin, name, out)) return 1;
    if (search_list(elf_str(e, e->runpath), origin, name, out)) return 1;
    int rc = search_cache(r, name, out);
    if (rc != 0) return rc;
    for (size_t i = 0; i < sizeof default_dirs / sizeof *default_dirs; i++)
        if (try_dir(default_dirs[i], strlen(default_dirs[i]), origin, name, out)) return 1;
    return 0;
}

/* Adds path and, once, everything it needs. */
static int walk(struct resolver *r, const char *path, int depth, char *err, size_t errlen)
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
    const char *origin = dirname(dir);
    int rc = e.interp[0] ? walk(r, e.interp, depth + 1, err, errlen) : 0;
    for (size_t i = 0; rc >= 0 && i < e.nneeded; i++) {
        const char *name = elf_str(&e, (long)e.needed[i]);
        int found = name ? resolve(r, &e, origin, name, lib) : 0;
        if (found <= 0) {
            snprintf(err, errlen, "%s needs %s, which the loader would not find", path,
                     name ? name : "(bad name)");
            rc = -1;
        } else {
            rc = walk(r, lib, depth + 1, err, errlen);
        }
    }
    free(e.strtab);
    return rc < 0 ? -1 : 0;
}

int sbx_elf_deps(const char *exe, struct sbx_paths *out, char *err, size_t errlen)
{
    struct resolver r = {.out = out};
    read_cache(&r);
    int rc = walk(&r, exe, 0, err, errlen);
    struct elf none = {.rpath = -1, .runpath = -1};
    char lib[PATH_MAX];
    for (size_t i = 0; rc == 0 && i < sizeof dlopened / sizeof *dlopened; i++)
        if (resolve(&r, &none, "/", dlopened[i], lib) == 1) rc = walk(&r, lib, 1, err, errlen);
    if (rc == 0 && r.cache && sbx_paths_add(out, LD_CACHE) < 0) rc = -1;
    free(r.cache);
    return rc;
}
