// SPDX-License-Identifier: MIT
/*
 * test_opener_scope.c: plugin-opener's URL glob (the glob crate's meaning, as
 * Tauri matches opener scopes) and its URL decision: deny wins, "app", the
 * canonical form of http(s) URLs, and what is refused whatever the scope.
 */
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opener.h"

static int fails;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fails++;                                                                               \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static void glob(const char *pattern, const char *text, bool fold, int want)
{
    int got = opener_glob(pattern, strlen(pattern), text, fold);
    CHECK(got == want, "glob %s on %s: %d, want %d", pattern, text, got, want);
}

/* A scope entry {"url": url[, "app": app]} (app: NULL none, "true", or a name). */
struct entry {
    msgpack_object_kv kv[2];
    msgpack_object map;
};

static const msgpack_object *entry(struct entry *e, const char *url, const char *app)
{
    e->kv[0].key = (msgpack_object){.type = MSGPACK_OBJECT_STR, .via.str = {3, "url"}};
    e->kv[0].val =
        (msgpack_object){.type = MSGPACK_OBJECT_STR, .via.str = {(uint32_t)strlen(url), url}};
    e->kv[1].key = (msgpack_object){.type = MSGPACK_OBJECT_STR, .via.str = {3, "app"}};
    if (app && !strcmp(app, "true"))
        e->kv[1].val = (msgpack_object){.type = MSGPACK_OBJECT_BOOLEAN, .via.boolean = true};
    else if (app)
        e->kv[1].val =
            (msgpack_object){.type = MSGPACK_OBJECT_STR, .via.str = {(uint32_t)strlen(app), app}};
    e->map = (msgpack_object){.type = MSGPACK_OBJECT_MAP,
                              .via.map = {.size = app ? 2 : 1, .ptr = e->kv}};
    return &e->map;
}

/* The verdict on url with with, under allow a (app aapp) and deny d (NULL: none); target. */
static enum opener_verdict decide(const char *a, const char *aapp, const char *d, const char *url,
                                  const char *with, char *target)
{
    struct entry ea, ed;
    const msgpack_object *allow[1] = {a ? entry(&ea, a, aapp) : NULL};
    const msgpack_object *deny[1] = {d ? entry(&ed, d, NULL) : NULL};
    char why[512];
    return opener_url_decide(url, strlen(url), with, allow, a ? 1 : 0, deny, d ? 1 : 0, target,
                             OPENER_URL_MAX, why, sizeof why, NULL);
}

static void verdict(const char *a, const char *aapp, const char *d, const char *url,
                    const char *with, enum opener_verdict want, const char *want_target)
{
    char *target = calloc(1, OPENER_URL_MAX);
    enum opener_verdict v = decide(a, aapp, d, url, with, target);
    CHECK(v == want, "%s (allow %s, deny %s, with %s): %d, want %d", url, a ? a : "-", d ? d : "-",
          with ? with : "-", v, want);
    if (want_target && v == OPENER_ALLOWED)
        CHECK(!strcmp(target, want_target), "%s opened as %s, want %s", url, target, want_target);
    free(target);
}

int main(void)
{
    /* The glob: '*' crosses '/', '?' one character, classes, case. */
    glob("https://*", "https://example.com/a/b?c#d", false, 1);
    glob("https://*.github.com/tauri-apps/tauri", "https://api.github.com/tauri-apps/tauri", false,
         1);
    glob("https://*.github.com/tauri-apps/tauri", "https://github.com/tauri-apps/tauri", false, 0);
    glob("https://myapi.service.com/users/*", "https://myapi.service.com/users/1/x", false, 1);
    glob("https://myapi.service.com/users/*", "https://myapi.service.com/admin", false, 0);
    glob("mailto:*", "mailto:a@b.c", false, 1);
    glob("tel:?23", "tel:123", false, 1);
    glob("tel:?23", "tel:é23", false, 1); /* one character, two bytes */
    glob("tel:?23", "tel:1123", false, 0);
    glob("a[bc]d", "acd", false, 1);
    glob("a[!bc]d", "acd", false, 0);
    glob("a[a-z]d", "aqd", false, 1);
    glob("a[]]d", "a]d", false, 1);
    glob("a[bc", "ab", false, -1);
    glob("HTTPS://X/*", "https://x/y", false, 0);
    glob("HTTPS://X/*", "https://x/y", true, 1);
    glob("*a*a*a*a*a*a*a*a*b",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false,
         0); /* one backtracking point: no blow-up */
    glob("", "", false, 1);
    glob("*", "", false, 1);

    /* Decisions. */
    verdict("https://example.com/*", NULL, NULL, "https://example.com/a", NULL, OPENER_ALLOWED,
            "https://example.com/a");
    verdict("https://example.com/*", NULL, "https://example.com/private/*",
            "https://example.com/private/x", NULL, OPENER_DENIED, NULL);
    verdict("https://example.com/*", NULL, "https://example.com/private/*",
            "https://Example.COM/PRIVATE/x", NULL, OPENER_DENIED, NULL);
    verdict("https://example.com/docs/*", NULL, NULL, "https://example.com/docs/%2e%2e/admin", NULL,
            OPENER_DENIED, NULL);
    verdict("https://example.com", NULL, NULL, "https://example.com", NULL, OPENER_ALLOWED,
            "https://example.com/");
    verdict("https://example.com/", NULL, NULL, "https://EXAMPLE.com", NULL, OPENER_ALLOWED,
            "https://example.com/");
    verdict("http://*", NULL, NULL, "http://2130706433/", NULL, OPENER_ALLOWED,
            "http://127.0.0.1/");
    verdict("https://a.example*", NULL, NULL, "https://a.example@b.example/", NULL, OPENER_INVALID,
            NULL);
    verdict("https://a.example*", NULL, NULL, "https://a.example:x@b.example/", NULL,
            OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "javascript:alert(1)", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "JAVASCRIPT:alert(1)", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "data:text/html,x", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "file:///etc/passwd", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "myapp://user@host/x", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "myapp://ho%73t/x", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "myapp://host/x", NULL, OPENER_ALLOWED, "myapp://host/x");
    verdict("*", NULL, NULL, "-x", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "https://example.com/\\x", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "https://example.com/\nx", NULL, OPENER_INVALID, NULL);
    verdict("*", NULL, NULL, "", NULL, OPENER_INVALID, NULL);
    verdict(NULL, NULL, NULL, "https://example.com/", NULL, OPENER_DENIED, NULL);
    verdict("tel:*", NULL, NULL, "TEL:123", NULL, OPENER_DENIED,
            NULL); /* case-sensitive, as Tauri */
    /* A malformed allow pattern grants nothing; a malformed deny pattern refuses. */
    verdict("https://[x", NULL, NULL, "https://x/", NULL, OPENER_DENIED, NULL);
    verdict("https://*", NULL, "https://[x", "https://x/", NULL, OPENER_DENIED, NULL);

    /* "app": absent = no `with`; true = any; a name = that one. Deny ignores "app". */
    verdict("https://*", NULL, NULL, "https://x/", "firefox", OPENER_DENIED, NULL);
    verdict("https://*", "true", NULL, "https://x/", "firefox", OPENER_ALLOWED, NULL);
    verdict("https://*", "true", NULL, "https://x/", NULL, OPENER_ALLOWED, NULL);
    verdict("https://*", "firefox", NULL, "https://x/", "firefox", OPENER_ALLOWED, NULL);
    verdict("https://*", "firefox", NULL, "https://x/", "chromium", OPENER_DENIED, NULL);
    verdict("https://*", "firefox", NULL, "https://x/", NULL, OPENER_DENIED, NULL);
    verdict("https://*", "true", "https://x/*", "https://x/", "firefox", OPENER_DENIED, NULL);
    verdict("https://*", "true", NULL, "https://x/", "/bin/sh", OPENER_INVALID, NULL);
    verdict("https://*", "true", NULL, "https://x/", "-e", OPENER_INVALID, NULL);
    verdict("https://*", "true", NULL, "https://x/", "fire fox", OPENER_INVALID, NULL);

    if (fails) printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
