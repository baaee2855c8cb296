// SPDX-License-Identifier: MIT
/*
 * fuzz_http_url.c: plugin-http's URL parser, redirect resolution, data: URL
 * decoder and URL pattern matcher on arbitrary input ("pattern\nurl\nref").
 * Invariants: a parsed URL formats to a string that parses to itself (what
 * is checked is what libcurl gets), and nothing reads out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_url.h"

static char *part(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p += n + (nl ? 1 : 0);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *pattern = part(&p, end), *url = part(&p, end), *ref = part(&p, end);
    static struct http_url u, again, next;
    static char out[HTTP_URL_MAX * 3], out2[HTTP_URL_MAX * 3];
    const char *why;
    if (http_url_parse(url, strlen(url), &u, &why) == 0) {
        http_url_format(&u, true, out, sizeof out);
        if (strlen(out) < HTTP_URL_MAX) {
            if (http_url_parse(out, strlen(out), &again, &why) != 0) abort();
            http_url_format(&again, true, out2, sizeof out2);
            if (strcmp(out, out2)) abort();
        }
        http_pattern_test(pattern, strlen(pattern), &u);
        http_url_resolve(&u, ref, &next, &why);
    }
    unsigned char *body = NULL;
    size_t n;
    char type[256];
    if (http_data_url(url, strlen(url), &body, &n, type, sizeof type, &why) == 0) free(body);
    free(pattern);
    free(url);
    free(ref);
    return 0;
}
