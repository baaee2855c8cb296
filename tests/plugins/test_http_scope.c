// SPDX-License-Identifier: MIT
/*
 * test_http_scope.c: plugin-http's URL canonicalization and Tauri's URL
 * scope (urlpattern semantics), including the cases of Tauri's own scope
 * tests and the tricks a hostile renderer would try.
 */
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_url.h"

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

static void canon(const char *in, const char *want)
{
    struct http_url u;
    const char *why = "";
    char out[HTTP_URL_MAX * 3];
    int rc = http_url_parse(in, strlen(in), &u, &why);
    if (!want) {
        CHECK(rc < 0, "%s should be refused", in);
        return;
    }
    CHECK(rc == 0, "%s refused: %s", in, why);
    if (rc) return;
    http_url_format(&u, true, out, sizeof out);
    CHECK(!strcmp(out, want), "%s -> %s, want %s", in, out, want);
}

/* Whether the scope {allow: [allow], deny: [deny]} (NULL: none) lets url through. */
static int allowed(const char *allow, const char *deny, const char *url)
{
    struct http_url u;
    const char *why;
    if (http_url_parse(url, strlen(url), &u, &why) < 0) return -1;
    msgpack_object a = {.type = MSGPACK_OBJECT_STR,
                        .via.str = {.ptr = allow, .size = allow ? (uint32_t)strlen(allow) : 0}};
    msgpack_object d = {.type = MSGPACK_OBJECT_STR,
                        .via.str = {.ptr = deny, .size = deny ? (uint32_t)strlen(deny) : 0}};
    const msgpack_object *ap = &a, *dp = &d;
    char reason[400];
    return http_scope_check(&u, &ap, allow ? 1 : 0, &dp, deny ? 1 : 0, reason, sizeof reason) >= 0;
}

#define YES(a, u) CHECK(allowed(a, NULL, u) == 1, "%s should allow %s", a, u)
#define NO(a, u) CHECK(allowed(a, NULL, u) == 0, "%s should refuse %s", a, u)

static void test_canonical(void)
{
    canon("HTTP://LocalHost:80/a/./b/../c?x=1#f", "http://localhost/a/c?x=1#f");
    canon("http://2130706433:8080/", "http://127.0.0.1:8080/");
    canon("http://0x7f.1/", "http://127.0.0.1/");
    canon("http://0177.0.0.1/", "http://127.0.0.1/");
    canon("http://127.1/", "http://127.0.0.1/");
    canon("http://[0:0:0:0:0:0:0:1]:81/", "http://[::1]:81/");
    canon("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]/");
    canon("https://example.com:443", "https://example.com/");
    canon("http://user:pw@example.com/", "http://user:pw@example.com/");
    canon("http://b\xc3\xbc"
          "cher.de/",
          "http://xn--bcher-kva.de/");
    canon("http://\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x83\xef\xbd\x81\xef\xbd\x8c"
          "host/",
          "http://localhost/"); /* full-width letters map to ASCII, as in browsers */
    canon("http://ex%61mple.com/", "http://example.com/");
    canon("http://example.com/%2e%2E/a/.%2e/b", "http://example.com/b");
    canon("http://example.com/a b", NULL);
    canon("http://example.com\\@evil/", NULL);
    canon("http://example.com:99999/", NULL);
    canon("http://256.256.256.256/", NULL);
    canon("http://1.2.3.4.5/", NULL);
    canon("file:///etc/passwd", NULL);
    canon("ftp://example.com/", NULL);
    canon("http:/example.com/", NULL);
    canon("http://exa%00mple.com/", NULL);
    canon("http://[::1/", NULL);
    canon("http://ex<ample.com/", NULL);
    canon("http://example.com/\xc3\xa9?q=\xc3\xa9", "http://example.com/%C3%A9?q=%C3%A9");
}

/* Tauri's own scope tests (plugins/http/src/scope.rs), which its matcher passes. */
static void test_tauri_cases(void)
{
    CHECK(allowed("http://localhost:8080/file.png", "http://localhost:8080/*",
                  "http://localhost:8080/file.png") == 0,
          "deny wins");
    CHECK(allowed("http://localhost:8080/file.png", "http://localhost:8080/*",
                  "http://localhost:8080?framework=tauri") == 0,
          "deny wins on a query");
    const char *fixed = "http://localhost:8080";
    YES(fixed, "http://localhost:8080");
    YES(fixed, "http://localhost:8080/");
    YES(fixed, "http://localhost:8080/file");
    YES(fixed, "http://localhost:8080/path/to/asset.png");
    YES(fixed, "http://localhost:8080/path/list?limit=50");
    NO(fixed, "https://localhost:8080");
    NO(fixed, "http://localhost:8081");
    NO(fixed, "http://local:8080");
    const char *file = "http://localhost:8080/file.png";
    YES(file, "http://localhost:8080/file.png");
    YES(file, "http://localhost:8080/file.png?q=1");
    NO(file, "http://localhost:8080");
    NO(file, "http://localhost:8080/file");
    NO(file, "http://localhost:8080/file.png/other.jpg");
    const char *png = "http://localhost:8080/*.png";
    YES(png, "http://localhost:8080/file.png");
    YES(png, "http://localhost:8080/file.png#head");
    YES(png, "http://localhost:8080/assets/file.png");
    YES(png, "http://localhost:8080/assets/file.png?width=100&height=200");
    NO(png, "http://localhost:8080/file.jpeg");
    YES("http://*", "http://something.else");
    YES("http://*", "http://something.else#tauri");
    YES("http://*", "http://something.else/path/to/file");
    YES("http://*", "http://something.else?rel=tauri");
    NO("http://*", "https://something.else");
    YES("http://*/*", "http://something.else/path/to/file");
    YES("*://*", "https://something.else?x=1#frag");
    YES("*://*/*", "http://something.else");
    YES("https://tauri.app/path?x=*", "https://tauri.app/path?x=5");
    NO("https://tauri.app/path?x=*", "https://tauri.app/path?y=5");
    YES("https://tauri.app/path#frame*", "https://tauri.app/path#frame");
    NO("https://tauri.app/path#frame*", "https://tauri.app/path#work");
}

/* What plugin-http's documentation promises, and the tricks against a loopback-only scope. */
static void test_tricks(void)
{
    YES("https://*", "https://a.b.example.org/x");
    NO("https://*", "https://example.org:8443/");
    YES("https://*:*", "https://example.org:8443/");
    YES("https://*.tauri.app", "https://v2.tauri.app/start");
    NO("https://*.tauri.app", "https://tauri.app/");
    NO("https://*.tauri.app", "https://eviltauri.app/");
    YES("https://myapi.service.com/users/*", "https://myapi.service.com/users/1/posts");
    NO("https://myapi.service.com/users/*", "https://myapi.service.com/users");
    NO("https://myapi.service.com/users/*", "https://myapi.service.com/admin");
    NO("https://myapi.service.com/users/*", "https://myapi.service.com/users/../admin");
    NO("https://myapi.service.com/users/*", "https://myapi.service.com/users/%2e%2e/admin");
    YES("https://myapi.service.com/users/:id", "https://myapi.service.com/users/7");
    NO("https://myapi.service.com/users/:id", "https://myapi.service.com/users/7/x");
    YES("https://example.com/books/:id?", "https://example.com/books");
    YES("https://example.com/books/:id?", "https://example.com/books/3");
    YES("https://example.com/{v1/}?api", "https://example.com/api");
    YES("https://example.com/{v1/}?api", "https://example.com/v1/api");
    NO("https://example.com/{v1/}?api", "https://example.com/v2/api");
    YES("https://:sub.example.com/", "https://a.example.com/x");
    NO("https://:sub.example.com/", "https://a.b.example.com/x");
    YES("https://EXAMPLE.com/", "https://example.COM/");
    YES("http://b\xc3\xbc"
        "cher.de/*",
        "http://xn--bcher-kva.de/x");
    YES("http://xn--bcher-kva.de/*", "http://b\xc3\xbc"
                                     "cher.de/x");
    const char *lo = "http://localhost:8080/*";
    YES(lo, "http://localhost:8080/x");
    YES("http://localhost:42023/private/*", "http://localhost:42023/private/x");
    NO("http://localhost:42023/private/*", "http://localhost:42023/echo");
    YES(lo, "http://LOCALHOST:8080/x");
    NO(lo, "http://localhost:8081/x");
    NO(lo, "http://localhost/x");
    NO(lo, "https://localhost:8080/x");
    NO(lo, "http://localhost.evil.com:8080/x");
    NO(lo, "http://localhost:8080@evil.com/x");
    NO(lo, "http://evil.com#@localhost:8080/x");
    NO(lo, "http://127.0.0.1:8080/x");
    NO(lo, "http://2130706433:8080/x");
    NO(lo, "http://[::1]:8080/x");
    NO(lo, "http://0x7f000001:8080/x");
    NO(lo, "http://localhost.:8080/x");
    YES("http://allowed.example/*", "http://allowed.example/");
    NO("http://allowed.example/*", "http://allowed.example@evil.example/");
    YES("http://127.0.0.1:8080/*", "http://2130706433:8080/x"); /* the same address: allowed */
    YES("http://[::1]:8080/*", "http://[0::1]:8080/x");
    YES("http://localhost:*/*", "http://localhost:1/");
    YES("http://localhost:80/*", "http://localhost/x");
    /* Patterns Moat cannot decide grant nothing and, as deny entries, refuse everything. */
    NO("https://example.com/(\\d+)", "https://example.com/12");
    CHECK(allowed("https://*", "https://example.com/([a-z]+)", "https://other.org/") == 0,
          "an undecidable deny entry refuses");
    NO("not a pattern", "https://example.com/");
}

static void data(const char *url, const char *type, const char *body)
{
    unsigned char *b = NULL;
    size_t n = 0;
    char t[256];
    const char *why = "";
    int rc = http_data_url(url, strlen(url), &b, &n, t, sizeof t, &why);
    if (!type) {
        CHECK(rc < 0, "%s should be refused", url);
    } else {
        CHECK(rc == 0 && !strcmp(t, type) && n == strlen(body) && !memcmp(b, body, n),
              "%s -> %d %s %.*s (%s)", url, rc, rc ? "" : t, (int)n, b ? (char *)b : "", why);
    }
    free(b);
}

static void test_data_urls(void)
{
    data("data:,a%20b", "text/plain;charset=US-ASCII", "a b");
    data("data:text/html,<b>x</b>", "text/html", "<b>x</b>");
    data("data:text/plain;base64,aGVsbG8=", "text/plain", "hello");
    data("data:;base64,aGk", "text/plain;charset=US-ASCII", "hi");
    data("data:text/plain;base64,a", NULL, NULL);
    data("data:text/plain;base64,a$b=", NULL, NULL);
    data("data:text/plain", NULL, NULL);
}

int main(void)
{
    test_data_urls();
    test_canonical();
    test_tauri_cases();
    test_tricks();
    if (!fails) printf("ok: http scope\n");
    return fails ? 1 : 0;
}
