#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_http_string.sh MOAT OUT_DIR: plugin-http's scope entries written as plain strings, as
# Tauri's http scope accepts them ("allow": ["http://localhost:PORT/*"]): the allowed fetch
# reaches the loopback server (http_server.py), the denied one and one outside never do.
set -u
moat=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
python3 "$here/http_server.py" "$tmp" </dev/null >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.05; done
read -r port other _ <"$tmp/ports" || { echo "FAIL the test server did not start"; exit 1; }
cp -r "$out/project/dist-http_string" "$tmp/bundle"
sed -i "s/__PORT__/$port/; s/__OTHER__/$other/" "$tmp/bundle/main.js"
cat >"$tmp/caps.json" <<JSON
{
  "identifier": "net", "windows": ["main"],
  "permissions": [
    { "identifier": "http:default",
      "allow": ["http://localhost:$port/*"], "deny": ["http://localhost:$port/private/*"] }
  ]
}
JSON
env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
    -u no_proxy -u NO_PROXY timeout 60 "$moat" run "$tmp/bundle" --policy "$tmp/caps.json" \
    >"$tmp/out" 2>"$tmp/err"
st=$?
touch "$tmp/log"
python3 - "$tmp/out" "$tmp/log" "$port" "$other" "$st" "$tmp/err" <<'PY'
import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
reqs = [json.loads(l) for l in open(sys.argv[2])]
port, other, st = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
paths = [(e.get('port'), e.get('path')) for e in reqs if 'path' in e]
def err(k, text): return str(got.get(k, '')).startswith('error') and text in str(got.get(k))
checks = [
    ('moat run exited 0', st == 0),
    ('string allow entry: fetched', got.get('allowed') == 200 and (port, '/echo?s=1') in paths),
    ('string deny entry: refused, never requested', err('denied', 'not allowed') and (port, '/private/s') not in paths),
    ('outside the string entries: refused, never requested', err('outside', 'not allowed') and (other, '/echo?s=2') not in paths),
]
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    print(got, paths, open(sys.argv[6]).read())
sys.exit(1 if fails else 0)
PY
