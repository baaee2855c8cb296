// SPDX-License-Identifier: MIT
/*
 * http_url.h: the URLs plugin-http may fetch, and Tauri's URL scope.
 *
 * A request URL is parsed and made canonical the way the WHATWG URL parser
 * does for http and https (lowercase scheme and host, IDN to punycode, every
 * IPv4 spelling such as 2130706433 or 0x7f.1 to dotted decimal, IPv6
 * compressed, default port dropped, dot segments resolved, unsafe bytes
 * percent-encoded). The scope is checked on that form, and libcurl is given
 * exactly that form, so what was checked is what is connected to.
 *
 * A scope entry is {"url": "<URL pattern>"}: the URL Pattern standard's
 * constructor string (the urlpattern crate Tauri uses), with Tauri's
 * defaults: no path, "" or "/" means any path, no search or hash means any,
 * no port means the scheme's default port. Supported syntax: literals, "*"
 * (any characters), ":name" (one segment: no '.' in a host, no '/' in a
 * path), "{...}" groups, the modifiers "?", "+" and "*", "\" escapes and
 * "(.*)". A pattern using other regular expressions is one Moat cannot
 * decide: as an allow entry it grants nothing, as a deny entry it refuses
 * everything.
 */
#ifndef MOAT_HTTP_URL_H
#define MOAT_HTTP_URL_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>

#include "args.h" /* plugin_arg: the value under a key of a scope entry */

#define HTTP_URL_MAX 8192

/* A parsed, canonical http(s) URL. Component strings are NUL-terminated. */
struct http_url {
    char scheme[8];           /* "http" or "https" */
    char user[256];           /* percent-encoded as written; "" when none */
    char pass[256];           /* "" when none */
    char host[256];           /* lowercase ASCII name, dotted IPv4, or "[v6]" */
    char port[8];             /* "" for the scheme's default */
    char path[HTTP_URL_MAX];  /* starts with '/' */
    char query[HTTP_URL_MAX]; /* without '?'; has_query tells "" from none */
    char hash[HTTP_URL_MAX];  /* without '#' */
    bool has_query, has_hash;
};

/*
 * Parses s (len bytes) into *u. Refuses schemes other than http and https,
 * control characters, spaces and backslashes anywhere, bad ports and hosts.
 * Returns 0, or -1 with *why (static text).
 */
int http_url_parse(const char *s, size_t len, struct http_url *u, const char **why);

/*
 * The URL a relative reference (a Location header) leads to from base, parsed
 * as above. Returns 0, or -1 with *why.
 */
int http_url_resolve(const struct http_url *base, const char *ref, struct http_url *out,
                     const char **why);

/* u serialized into out (len bytes) as sent: no fragment when with_hash is false. */
void http_url_format(const struct http_url *u, bool with_hash, char *out, size_t len);

/*
 * A data: URL decoded as the Fetch standard's data: URL processor does (percent-decoding,
 * ";base64"): the bytes (caller frees) and the MIME type (text/plain;charset=US-ASCII when
 * none). 0, or -1 with *why.
 */
int http_data_url(const char *s, size_t len, unsigned char **body, size_t *n, char *type,
                  size_t tlen, const char **why);

/* The scheme's default port as a number (80 or 443), or the explicit one. */
long http_url_port_number(const struct http_url *u);

/* A host name (not bracketed) made canonical into out: IDN, case, IPv4 forms. 0, or -1. */
int http_url_host(const char *s, size_t len, char *out, size_t cap, const char **why);
/* "[v6]" (len bytes with the brackets) in WHATWG's compressed form into out. 0, or -1. */
int http_url_ipv6(const char *s, size_t len, char *out, size_t cap, const char **why);

/* Whether the URL standard percent-encodes c in a path ('p'), query ('q'), hash ('h'), userinfo
 * ('u'). */
bool http_url_must_encode(char set, unsigned char c);

enum http_match { HTTP_MATCH_NO = 0, HTTP_MATCH_YES = 1, HTTP_MATCH_UNDECIDED = -1 };

/* Whether pattern (a URL pattern constructor string) matches u. */
enum http_match http_pattern_test(const char *pattern, size_t len, const struct http_url *u);

/*
 * Tauri's scope decision on u: denied when any deny entry matches (or cannot
 * be decided), else allowed when an allow entry matches. Entries are msgpack
 * maps with a "url" string (or strings). Returns the index of the granting
 * allow entry, or -1 with a reason in why (len bytes).
 */
long http_scope_check(const struct http_url *u, const msgpack_object *const *allow, size_t n_allow,
                      const msgpack_object *const *deny, size_t n_deny, char *why, size_t len);

#endif
