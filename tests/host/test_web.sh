#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_web.sh MOAT: the Web globals of the JS host behave as Node's do. The same
# script (web/globals.js) runs under Node and under `moat run`; the outputs
# must be the same, byte for byte.
set -euo pipefail
moat=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bundle"
cp "$here/web/globals.js" "$tmp/bundle/main.js"
printf '{"name": "web", "entry": "main.js"}\n' >"$tmp/bundle/moat.json"
timeout 60 node "$tmp/bundle/main.js" >"$tmp/node.out"
timeout 60 "$moat" run "$tmp/bundle" >"$tmp/moat.out"
[ "$(wc -l <"$tmp/node.out")" -gt 120 ] || { echo "FAIL: Node printed too little"; exit 1; }
if ! diff -u "$tmp/node.out" "$tmp/moat.out"; then
    echo "FAIL: moat run and node differ (- node, + moat)"
    exit 1
fi
echo "ok   $(wc -l <"$tmp/moat.out") lines, the same under Node and moat run"
