#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_http.sh MOAT OUT_DIR: a frontend built from the official @tauri-apps/plugin-http
# fetches from loopback servers (http_server.py) under a capability file as the plugin's
# docs write it: allow http://localhost:PORT/*, deny http://localhost:PORT/private/*.
# Checks what the page got and what the servers saw: every request the scope refuses,
# directly or by a redirect, must never reach a server.
set -u
moat=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
python3 "$here/http_server.py" "$tmp" </dev/null >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.05; done
read -r port other hole <"$tmp/ports" || { echo "FAIL the test server did not start"; exit 1; }
cp -r "$out/project/dist-http" "$tmp/bundle"
sed -i "s/__PORT__/$port/; s/__OTHER__/$other/; s/__HOLE__/$hole/" "$tmp/bundle/main.js"
cat >"$tmp/caps.json" <<JSON
{
  "identifier": "net", "windows": ["main"],
  "permissions": [
    {
      "identifier": "http:default",
      "allow": [{ "url": "http://localhost:$port/*" }, { "url": "http://localhost:$hole" }],
      "deny": [{ "url": "http://localhost:$port/private/*" }]
    }
  ]
}
JSON
env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
    -u no_proxy -u NO_PROXY timeout 120 "$moat" run "$tmp/bundle" --policy "$tmp/caps.json" \
    >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { echo "FAIL moat run exited $st"; cat "$tmp/out" "$tmp/err"; exit 1; }
for _ in $(seq 100); do grep -q aborted "$tmp/log" 2>/dev/null && break; sleep 0.05; done
"$moat" policy permissions >"$tmp/perms" 2>&1
python3 - "$tmp/out" "$tmp/log" "$port" "$other" "$tmp/perms" "$tmp/err" <<'PY'
import json, os, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
log = [json.loads(l) for l in open(sys.argv[2])]
port, other = int(sys.argv[3]), int(sys.argv[4])
reqs = [e for e in log if 'path' in e]
def seen(path, method=None):
    return [e for e in reqs if e['port'] == port and e['path'] == path and (not method or e['method'] == method)]
def hdr(e, name):
    return [v for k, v in e['headers'] if k == name]
def err(key, text):
    v = got.get(key)
    return isinstance(v, str) and v.startswith('error') and text.lower() in v.lower()
def res(key, status, text=None, url_end=None):
    v = got.get(key)
    return isinstance(v, dict) and v.get('status') == status and (text is None or v.get('text') == text) \
        and (url_end is None or str(v.get('url')).endswith(url_end))
post = seen('/echo', 'POST')
text_post = [e for e in post if bytes.fromhex(e['body']) == b'hello body']
form = [e for e in post if 'multipart/form-data' in ''.join(hdr(e, 'content-type'))]
urlenc = [e for e in post if bytes.fromhex(e['body']) == b'a=1&b=two']
put = seen('/echo', 'PUT')
get = seen('/echo?q=1', 'GET')
stream_sum = sum((i * 100000 + j) % 251 for i in range(6) for j in range(100000)) % 65521
perms = open(sys.argv[5]).read()
audit = [json.loads(l) for l in open(sys.argv[6]) if l.startswith('{')]
tauri_ids = {f'http:{v}-{c.replace("_", "-")}': f'{"Enables" if v == "allow" else "Denies"} the {c} command without any pre-configured scope.'
             for c in ('fetch', 'fetch_cancel', 'fetch_send', 'fetch_read_body', 'fetch_cancel_body') for v in ('allow', 'deny')}
never = ['/private/secret', '/ipv4', '/decimal', '/hex', '/ipv6', '/dot', '/userinfo', '/bs', '/loop/4']
checks = [
    ('GET: status, statusText, headers, body', res('get', 200, 'GET /echo?q=1 0') and got['get']['statusText'] == 'OK' and got['get']['xtest'] == 'seen'),
    ('GET: the server saw it, with a User-Agent', len(get) == 1 and hdr(get[0], 'user-agent')),
    ('POST text: body and custom header arrive', res('postText', 200, 'POST /echo 10') and len(text_post) == 1 and hdr(text_post[0], 'x-custom') == ['yes']),
    ('POST text: forbidden headers dropped (Cookie, Host)', text_post and not hdr(text_post[0], 'cookie') and hdr(text_post[0], 'host') == [f'localhost:{port}']),
    ('POST text: its content type', text_post and hdr(text_post[0], 'content-type') == ['text/plain']),
    ('PUT bytes arrive as bytes', res('putBytes', 200, 'PUT /echo 4') and len(put) == 1 and put[0]['body'] == '000102ff'),
    ('POST FormData is multipart', res('postForm', 200) and len(form) == 1 and b'name="field"' in bytes.fromhex(form[0]['body']) and b'value one' in bytes.fromhex(form[0]['body'])),
    ('POST URLSearchParams is urlencoded', res('postUrlencoded', 200, 'POST /echo 9') and len(urlenc) == 1 and hdr(urlenc[0], 'content-type')[0].startswith('application/x-www-form-urlencoded')),
    ('DELETE without a body', res('deleteNoBody', 200, 'DELETE /echo 0') and len(seen('/echo', 'DELETE')) == 1),
    ('404 answered as a response', res('notFound', 404, 'nope') and got['notFound']['statusText'] == 'Not Found'),
    ('a data: URL is answered without the network', got.get('dataUrl') == '200 text/plain hello data'),
    ('json()', got.get('json') == {'ok': True, 'n': 42}),
    ('a streamed body arrives whole, in several chunks', got.get('stream', {}).get('total') == 600000 and got['stream'].get('sum') == stream_sum and got['stream'].get('chunks', 0) >= 2),
    ('cancelling the body stops the transfer', got.get('cancelBody') == 'cancelled' and any(e.get('aborted') == '/endless' for e in log)),
    ('abort ends a waiting fetch at once', isinstance(got.get('abort'), dict) and 'cancel' in got['abort']['error'].lower() and got['abort']['ms'] < 3000),
    ('connectTimeout ends a connect that hangs', isinstance(got.get('connectTimeout'), dict) and got['connectTimeout']['ms'] < 3000),
    ('a redirect inside the scope is followed', res('redirectIn', 200, 'GET /echo?from=redirect 0', '/echo?from=redirect')),
    ('maxRedirections 0 gives the 302 itself', got.get('redirectNone') == 302),
    ('a redirect out of the scope is refused', err('redirectOut', 'not allowed') and seen('/redirect-out')),
    ('... and its target never requested', not [e for e in reqs if e['port'] == other]),
    ('a redirect to a denied path is refused, never requested', err('redirectDenied', 'not allowed') and seen('/redirect-private')),
    ('maxRedirections bounds a loop', err('redirectLoop', 'too many redirects') and seen('/loop/3') and not seen('/loop/4')),
    ('303 turns a POST into a GET', res('redirect303', 200, 'GET /echo?after=303 0')),
    ('scope: a deny entry refuses', err('denied', 'not allowed')),
    ('scope: another port is outside', err('outside', 'not allowed') and err('otherPath', 'not allowed')),
    ('scope: userinfo does not change the host', err('userinfo', 'not allowed') and got.get('userinfoAllowed') == 'status 200'),
    ('scope: host case does not matter', got.get('caseHost') == 'status 200' and seen('/echo?case')),
    ('scope: an IDN look-alike is another host', err('idnLookalike', 'not allowed')),
    ('scope: full-width letters are the same host (as in browsers)', got.get('idnFullwidth') == 'status 200'),
    ('scope: 127.0.0.1, 2130706433, 0x7f.1, [::1], "localhost." are not localhost', all(err(k, 'not allowed') for k in ('ipv4', 'decimal', 'hex', 'ipv6', 'trailingDot'))),
    ('scope: a backslash is refused', err('backslash', 'backslash')),
    ('scope: dot segments are resolved before the check', err('dotdot', 'not allowed') and err('encodedDots', 'not allowed')),
    ('scope: only http and https', err('file', 'http')),
    ('danger options need a grant', err('danger', 'danger')),
    ('a proxy outside the scope is refused', err('proxy', 'proxy')),
    ('a proxy inside the scope is used', got.get('proxyAllowed') == 'status 200' and [e for e in reqs if e['path'] == f'http://localhost:{port}/echo?viaproxy']),
    ('CR/LF in a header value is refused', err('badHeader', 'CR')),
    ('an unknown rid is refused', err('otherRid', 'rid')),
    ('requests the scope refuses never reached a server', not [e for e in reqs if e['path'] in never]),
    ('the global fetch goes through the plugin', res('globalFetch', 200, 'POST /echo?global 21') and [e for e in seen('/echo?global', 'POST') if hdr(e, 'x-global') == ['1'] and bytes.fromhex(e['body']) == b'from the global fetch']),
    ('... streams a body', got.get('globalStream') == 600000),
    ('... under the same scope', err('globalDenied', 'not allowed')),
    ('... and aborts', got.get('globalAbort') == 'AbortError'),
    ('moat policy permissions lists every http identifier with its description', all(f'{i} (permission)\n  {d}' in perms for i, d in tauri_ids.items()) and 'http:default (set)\n  This permission set configures what kind of\nfetch operations' in perms),
    ('a refusal by the scope is audited', any(a.get('command') == 'http:fetch' and a.get('decision') == 'deny' and '/private/secret' in a.get('reason', '') for a in audit)),
    ('... and so is a redirect it refuses', any(a.get('decision') == 'deny' and '/stolen (' in a.get('reason', '') for a in audit)),
    ('a renderer holds at most 64 fetches', got.get('held', {}).get('held', 99) <= 64 and got['held'].get('refused', 0) >= 6 and got.get('afterRelease') == 'status 200'),
    ('a renderer runs at most 8 fetches at once', got.get('limit') == 1 and got.get('limitCancelled') == 8),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name)
if fails or os.environ.get("VERBOSE"):
    print(json.dumps(got, indent=1)[:6000])
sys.exit(1 if fails else 0)
PY
st=$?
kill $server 2>/dev/null
wait $server 2>/dev/null
exit $st
