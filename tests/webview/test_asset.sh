#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_asset.sh MOAT: the asset protocol (convertFileSrc -> asset://localhost/…).
# A Tauri project's tauri.conf.json enables it with a scope (a folder, less
# one file); the page loads an <img> inside the scope (the screenshot shows
# its pixels), one outside, one through a symbolic link inside the scope that
# leads out, and the denied file: those fail, and the core's audit names each
# refusal. A 3 MiB file comes back whole through fetch, in several pieces,
# with its MIME type. Then the same page with the protocol disabled gets nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb
app=$WORK/app files=$WORK/files
mkdir -p "$app/dist" "$app/src-tauri" "$files/inside" "$files/outside"
cp "$here/asset/index.html" "$here/asset/main.js" "$app/dist/"
convert -size 100x100 xc:'#ff00ff' "$files/inside/in.png"
convert -size 100x100 xc:'#00ff00' "$files/outside/out.png"
convert -size 100x100 xc:'#0000ff' "$files/inside/secret.png"
ln -s ../outside/out.png "$files/inside/escape.png"
# The whole file's hash, then each range's expected line (as main.js prints them).
python3 - "$files/inside/big.wasm" >"$WORK/sums" <<'PY'
import random, sys
data = random.Random(7).randbytes(3 * 1024 * 1024 + 5)
open(sys.argv[1], "wb").write(data)
def h(b):
    v = 0
    for x in b:
        v = (v * 31 + x) & 0xffffffff
    return v
print(h(data))
n = len(data)
for spec, start, end in [("bytes=100-199", 100, 200), ("bytes=-10", n - 10, n),
                         ("bytes=2000000-", 2000000, n)]:
    print(f"range {spec}: 206 bytes {start}-{end - 1}/{n} {end - start} {h(data[start:end])}")
print(f"range bytes=9999999-: 416 bytes */{n} 0 0")
PY
sum=$(head -1 "$WORK/sums")
cat >"$app/dist/paths.json" <<JSON
{"inside": "$files/inside/in.png", "outside": "$files/outside/out.png",
 "escape": "$files/inside/escape.png", "denied": "$files/inside/secret.png",
 "big": "$files/inside/big.wasm"}
JSON
conf() { # ENABLE
    cat >"$app/src-tauri/tauri.conf.json" <<JSON
{"identifier": "asset-test",
 "app": {"security": {"assetProtocol": {"enable": $1,
   "scope": {"allow": ["$files/inside/**"], "deny": ["$files/inside/secret*"]}}}}}
JSON
}
echo '{"identifier": "asset", "windows": ["main"], "permissions": ["moat:allow-asset"]}' >"$WORK/caps.json"

run() { # OUT AUDIT: runs the page until it painted, then takes a screenshot
    "$moat" run "$app/dist" --policy "$WORK/caps.json" --audit "$2" >"$1" 2>"$WORK/err" &
    local mpid=$!
    PIDS+=("$mpid")
    wait_for "$1" painted 60 || { cat "$1" "$WORK/err"; fail "the page never painted"; }
    sleep 0.5
    import -window root "$WORK/shot.png" || fail "screenshot"
    kill -INT "$mpid"
    wait "$mpid"
    cat "$1"; grep -v '^{' "$WORK/err"
    cp "$WORK/err" "$WORK/err.$(basename "$1")"
}
check() { # name x y expected
    local got
    got=$(pixel "$WORK/shot.png" "$2" "$3")
    echo "$1 at $2,$3: $got"
    [ "$got" = "$4" ] || fail "$1 at $2,$3 is $got, expected $4"
}

conf true
run "$WORK/out" "$WORK/audit"
no_violations
grep -qF "url: asset://localhost/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$files/inside/in.png")" "$WORK/out" ||
    fail "convertFileSrc did not make Tauri's URL"
grep -q '^inside: loaded 100x100$' "$WORK/out" || fail "the image inside the scope did not load"
grep -q '^outside: error$' "$WORK/out" || fail "the image outside the scope loaded"
grep -q '^escape: error$' "$WORK/out" || fail "the link out of the scope was followed"
grep -q '^denied: error$' "$WORK/out" || fail "the file the scope denies loaded"
grep -qx "big: 200 application/wasm $((3 * 1024 * 1024 + 5)) $sum" "$WORK/out" ||
    fail "the 3 MiB file did not come back whole with its type (expected hash $sum)"
while read -r line; do
    grep -qxF "$line" "$WORK/out" || fail "expected the line: $line"
done < <(tail -n +2 "$WORK/sums")
check inside 50 50 255,0,255
check outside 170 50 255,255,255
check escape 290 50 255,255,255
check denied 410 50 255,255,255
cat "$WORK/audit"
audited() { # WHAT TEXT: an audit line for moat:asset whose reason has TEXT
    grep '"command":"moat:asset","decision":"deny"' "$WORK/audit" | grep -qF -- "$2" ||
        fail "no audit line for $1 (reason with: $2)"
}
audited outside "$files/outside/out.png is outside the scope"
audited escape "$files/inside/escape.png: a symbolic link leads out of the scope"
audited denied "$files/inside/secret.png is denied by the scope"
if grep -q 'in.png\|big.wasm' "$WORK/audit"; then fail "an allowed asset was audited as refused"; fi

conf false
: >"$WORK/audit"
run "$WORK/out2" "$WORK/audit"
grep -q '^inside: error$' "$WORK/out2" || fail "the image loaded with the asset protocol disabled"
grep -q '^big: error' "$WORK/out2" || fail "fetch got a file with the asset protocol disabled"
check inside 50 50 255,255,255
grep '"command":"moat:asset","decision":"deny"' "$WORK/audit" | grep -qF 'it is not enabled' ||
    fail "no audit line for the disabled protocol"
echo "ok"
