// SPDX-License-Identifier: MIT
/*
 * e2e.c: helpers for the end-to-end suites (see e2e.h).
 */
#include "e2e.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

msgpack_object report;
bool have_report;
static msgpack_zone report_zone;
static bool zone_ready;
static char tmpdir[] = "/tmp/moat-e2e-XXXXXX";

void e2e_on_output(void *ud, const char *label, int stream, const char *line)
{
    struct capture *c = ud;
    if (getenv("MOAT_TEST_VERBOSE")) fprintf(stderr, "[%s %d] %s\n", label, stream, line);
    int n = snprintf(c->text + c->len, sizeof c->text - c->len, "%d|%s\n", stream, line);
    if (n > 0 && c->len + (size_t)n < sizeof c->text) c->len += (size_t)n;
}

void e2e_on_report(void *ud, const char *label, const char *event, const msgpack_object *p)
{
    (void)ud, (void)label, (void)event;
    if (!zone_ready) zone_ready = msgpack_zone_init(&report_zone, 4096);
    msgpack_zone_clear(&report_zone);
    /* Deep copy: p is borrowed for the call. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *p);
    size_t off = 0;
    char *copy = msgpack_zone_malloc(&report_zone, sb.size);
    memcpy(copy, sb.data, sb.size);
    msgpack_unpack(copy, sb.size, &off, &report_zone, &report);
    msgpack_sbuffer_destroy(&sb);
    have_report = true;
}

const msgpack_object *get(const msgpack_object *m, const char *key)
{
    if (!m || m->type != MSGPACK_OBJECT_MAP) return NULL;
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
            !memcmp(k->via.str.ptr, key, k->via.str.size))
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

bool str_is(const msgpack_object *o, const char *s)
{
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
           !memcmp(o->via.str.ptr, s, o->via.str.size);
}

char *str_dup(const msgpack_object *o)
{
    if (!o || o->type != MSGPACK_OBJECT_STR) return strdup("(not a string)");
    return strndup(o->via.str.ptr, o->via.str.size);
}

uint64_t uint_of(const msgpack_object *o)
{
    return o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? o->via.u64 : UINT64_MAX;
}

void e2e_cmd_echo(moat_call *c, void *ud)
{
    (void)ud;
    size_t len;
    const void *raw = moat_call_args_raw(c, &len);
    moat_call_resolve(c, raw, len);
}

void e2e_begin(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(1);
    }
    setenv("TMPDIR", tmpdir, 1);
}

void e2e_end(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    if (zone_ready) msgpack_zone_destroy(&report_zone);
}

const char *e2e_tmpdir(void)
{
    return tmpdir;
}

const char *bundle(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/tests/e2e/bundles/%s", getenv("MOAT_SOURCE_DIR"), name);
    return path;
}

const char *native_bundle(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", MOAT_E2E_NATIVE_DIR, name);
    return path;
}

bool e2e_load_policy(moat_app *app, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/policy.json", tmpdir);
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fputs(text, f);
    fclose(f);
    if (moat_app_load_policy(app, path) == 0) return true;
    fprintf(stderr, "policy: %s\n", moat_errmsg());
    return false;
}

/* Failures show as impossible exit codes (-100 and below), which the callers' checks catch. */
moat_exit e2e_run_one(moat_app *app, const char *dir, const char *label)
{
    moat_exit e = {.code = -100, .reason = "spawn failed"};
    moat_renderer *r = moat_app_spawn(app, dir, label);
    if (!r) {
        fprintf(stderr, "spawn %s: %s\n", dir, moat_errmsg());
        return e;
    }
    if (moat_app_run(app) != 0) return (moat_exit){.code = -101, .reason = "moat_app_run failed"};
    if (!moat_renderer_exited(r, &e))
        return (moat_exit){.code = -102, .reason = "the renderer has not ended"};
    return e;
}
