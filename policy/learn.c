// SPDX-License-Identifier: MIT
/*
 * learn.c: learn mode's output (the smallest policy allowing what a run
 * did) and the argument digests of audit lines; see policy.h.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

const char *pol_args_digest(const void *msgpack, size_t len, char *out)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *p = msgpack;
    for (size_t i = 0; p && i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, POL_DIGEST_SIZE, "fnv1a64:%016llx", (unsigned long long)h);
    return out;
}

/* The command's own allow permission, checked against the catalog. */
static int allow_id(const struct pol_catalog *cat, const char *cmd, char *id, size_t len)
{
    const char *colon = strrchr(cmd, ':');
    int group = colon ? (int)(colon - cmd + 1) : 0;
    int n = snprintf(id, len, "%.*sallow-%s", group, cmd, cmd + group);
    if (n < 0 || (size_t)n >= len) return -1;
    for (char *q = id + group + 6; *q; q++)
        if (*q == '_') *q = '-';
    const struct pol_perm *p = pol_catalog_find(cat, id);
    return p && p->kind == POL_PERM_RULE && p->n_allow == 1 && !strcmp(p->allow[0], cmd) ? 0 : -1;
}

/* A label as a window glob that matches only itself. */
static json_t *literal_label(const char *label)
{
    size_t n = strlen(label);
    char *s = malloc(2 * n + 1), *o = s;
    if (!s) return NULL;
    for (const char *p = label; *p; p++) {
        if (strchr("*?[]\\", *p)) *o++ = '\\';
        *o++ = *p;
    }
    *o = '\0';
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *capability_for(json_t *caps, const char *label)
{
    size_t i;
    json_t *cap;
    json_array_foreach(caps, i, cap) if (!strcmp(json_string_value(json_object_get(cap, "label")),
                                                 label)) return cap;
    char id[300];
    snprintf(id, sizeof(id), "learned-%zu", json_array_size(caps) + 1);
    cap = json_pack("{s:s, s:s, s:s, s:[o], s:[]}", "label", label, "identifier", id, "description",
                    "what the renderer did in learn mode", "windows", literal_label(label),
                    "permissions");
    json_array_append_new(caps, cap);
    return cap;
}

/* The permission entry for id in cap, made on first use. */
static json_t *permission_in(json_t *cap, const char *id)
{
    json_t *perms = json_object_get(cap, "permissions"), *p;
    size_t i;
    json_array_foreach(perms, i, p)
    {
        json_t *pid = json_is_string(p) ? p : json_object_get(p, "identifier");
        if (!strcmp(json_string_value(pid), id)) return p;
    }
    json_array_append_new(perms, json_string(id));
    return json_array_get(perms, json_array_size(perms) - 1);
}

static int add_scope(json_t *cap, json_t *perm, const char *scope_json)
{
    json_t *entry = json_loads(scope_json, 0, NULL);
    if (!json_is_object(entry)) return json_decref(entry), -1;
    if (json_is_string(perm)) {
        json_t *obj = json_pack("{s:O, s:[]}", "identifier", perm, "allow");
        json_t *perms = json_object_get(cap, "permissions");
        size_t i;
        json_t *x;
        json_array_foreach(perms, i, x) if (x == perm) json_array_set_new(perms, i, obj);
        perm = obj;
    }
    json_t *allow = json_object_get(perm, "allow"), *x;
    size_t i;
    json_array_foreach(allow, i, x) if (json_equal(x, entry)) return json_decref(entry), 0;
    return json_array_append_new(allow, entry);
}

char *pol_learned_policy(const struct pol_catalog *cat, const struct pol_learned *calls, size_t n)
{
    json_t *caps = json_array();
    int rc = caps ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[512];
        json_t *cap = allow_id(cat, calls[i].command, id, sizeof(id)) == 0
                          ? capability_for(caps, calls[i].label)
                          : NULL;
        json_t *perm = cap ? permission_in(cap, id) : NULL;
        rc = perm && (!calls[i].scope_json || add_scope(cap, perm, calls[i].scope_json) == 0) ? 0
                                                                                              : -1;
    }
    size_t i;
    json_t *cap;
    json_array_foreach(caps, i, cap) json_object_del(cap, "label");
    json_t *doc = rc == 0 ? json_pack("{s:O}", "capabilities", caps) : NULL;
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    json_decref(caps);
    return text;
}
