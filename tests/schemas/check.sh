#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check.sh OUT_DIR SOURCE_DIR MOAT BUILT_SCHEMAS: the JSON Schemas through a real validator
# (ajv-cli, pinned, from npm, installed into OUT_DIR). The examples validate against the
# schemas their "$schema" names; a typo'd permission identifier and a typo'd moat.json key
# fail; the schemas built from the catalog (BUILT_SCHEMAS, installed as share/moat/schemas)
# are the copies kept in the tree. Exits 77 (skipped) when npm is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$1 src=$2 moat=$3 built=$4
command -v npm >/dev/null || { echo "npm is not installed: skipped"; exit 77; }
mkdir -p "$out"
if ! cmp -s "$here/package.json" "$out/package.json" || [ ! -x "$out/node_modules/.bin/ajv" ]; then
    cp "$here/package.json" "$here/.npmrc" "$out/"
    (cd "$out" && npm install --no-audit --no-fund --loglevel=error) || exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME STATUS
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
ajv() { "$out/node_modules/.bin/ajv" validate --spec=draft7 --errors=text -s "$1" -d "$2" >"$tmp/ajv" 2>&1; }
# valid FILE: FILE against the schema its "$schema" names (relative to FILE).
valid() {
    local rel; rel=$(sed -n 's/.*"\$schema": *"\([^"]*\)".*/\1/p' "$1" | head -1)
    [ -n "$rel" ]; check "$1 names its \$schema" $?
    case $rel in /*) ;; *) rel=$(dirname "$1")/$rel ;; esac
    ajv "$rel" "$1"; check "$1 is valid against $rel: $(cat "$tmp/ajv")" $?
}

# The copies in the tree are what the catalog gives now (scripts/schemas rewrites them).
cmp -s "$built/capability.json" "$src/schemas/capability.json"
check "schemas/capability.json is the built catalog's (run scripts/schemas)" $?
cmp -s "$built/moat.json" "$src/schemas/moat.json"; check "moat.json's schema is built" $?
"$moat" policy schema --manifest "$src/examples/embed/permissions.json" >"$tmp/embed.json"
cmp -s "$tmp/embed.json" "$src/examples/embed/capability.schema.json"
check "examples/embed/capability.schema.json is current (run scripts/schemas)" $?

for f in examples/hello/caps.json examples/hello/moat.json examples/embed/caps.json; do
    valid "$src/$f"
done
# What moat init writes names the built schemas and passes them.
"$moat" init "$tmp/vanilla" >/dev/null && "$moat" init --template tauri "$tmp/tauri" >/dev/null
check "moat init wrote both templates" $?
for f in vanilla/moat.json vanilla/capabilities/default.json tauri/moat.json \
    tauri/capabilities/default.json; do
    valid "$tmp/$f"
done

# A typo'd identifier fails validation, and so does one the installed plugins lack.
sed 's/core:default/core:defualt/' "$src/examples/hello/caps.json" >"$tmp/typo.json"
! ajv "$built/capability.json" "$tmp/typo.json"; check "a typo'd identifier fails" $?
grep -q 'must be equal to one of the allowed values' "$tmp/ajv"; check "as not in the enum" $?
! ajv "$built/capability.json" "$src/examples/embed/caps.json"
check "embed:default fails without the embedder's manifest" $?
printf '{"identifier": "x", "windows": ["main"], "permissions": [{"identifier": "fs:allow-raed-file"}]}' \
    >"$tmp/typo2.json"
! ajv "$built/capability.json" "$tmp/typo2.json"; check "a typo'd scoped identifier fails" $?
printf '{"identifier": "x", "windows": ["main"], "permissions": ["fs:allow-read-file", "log:default"]}' \
    >"$tmp/ok.json"
ajv "$built/capability.json" "$tmp/ok.json"; check "plugin identifiers pass: $(cat "$tmp/ajv")" $?
# moat.json: an unknown key, a number for a name, a webview key without kind webview.
for bad in '{"name": "x", "entyr": "main.js"}' '{"name": 3}' '{"entry": "a.js", "native": "b"}' \
    '{"entry": "main.js", "windows": []}' '{"kind": "vue"}'; do
    printf '%s' "$bad" >"$tmp/moat.json"
    ! ajv "$built/moat.json" "$tmp/moat.json"; check "moat.json $bad fails" $?
done
printf '{"kind": "webview", "windows": [{"label": "main", "width": 800}], "security": {"csp": null}}' \
    >"$tmp/moat.json"
ajv "$built/moat.json" "$tmp/moat.json"; check "a webview moat.json passes: $(cat "$tmp/ajv")" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
