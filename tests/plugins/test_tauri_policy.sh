#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_tauri_policy.sh MOAT SOURCE_DIR: capability files as Tauri projects have them.
# Permissions of plugins Moat does not ship grant nothing and load with one warning
# naming them all; --strict (moat policy check, moat run) makes that an error.
set -u
moat=$1 src=$2
data=$src/tests/plugins/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() { # expect NAME WANT-STATUS GOT-STATUS OUTPUT NEEDLE
    if [ "$2" != "$3" ] || ! grep -qF -- "$5" <<<"$4"; then
        echo "FAIL $1: status $3 (wanted $2), output:"; echo "$4"; echo "(wanted: $5)"
        fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}

# create-tauri-app's capabilities/default.json, as the template writes it: shell is shipped,
# so it loads without a warning, --strict too.
cta=$data/create-tauri-app/default.json
out=$("$moat" policy check "$cta" 2>&1); st=$?
expect "create-tauri-app's capability loads" 0 $st "$out" ""
! grep -q "warning" <<<"$out"; expect "without a warning" 0 $? "$out" ""
out=$("$moat" policy check --strict "$cta" 2>&1); st=$?
expect "--strict accepts it" 0 $st "$out" ""
# The same with a plugin Moat does not ship in shell's place.
sed 's/"shell:allow-open"/"barcode-scanner:default"/' "$cta" >"$tmp/barcode.json"
cta=$tmp/barcode.json
out=$("$moat" policy check "$cta" 2>&1); st=$?
expect "a plugin not shipped: a warning" 0 $st "$out" \
    "$cta:8:5: warning: 1 permission of plugins Moat does not ship grants nothing: \"barcode-scanner:default\" (line 8)"
out=$("$moat" policy check --strict "$cta" 2>&1); st=$?
expect "--strict refuses it" 1 $st "$out" "$cta:8:5: error: permission \"barcode-scanner:default\" is of a plugin Moat does not ship, so it grants nothing (an error with --strict)"

# Newer templates name opener (Moat ships it); several unknown plugins: one warning naming each.
cat >"$tmp/caps.json" <<'JSON'
{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "windows": ["main"],
  "permissions": ["core:default", "opener:default", "sql:default",
    { "identifier": "barcode-scanner:allow-scan", "allow": [{ "name": "ls", "cmd": "ls" }] }]
}
JSON
out=$("$moat" policy check "$tmp/caps.json" 2>&1); st=$?
expect "one warning names all" 0 $st "$out" \
    '2 permissions of plugins Moat does not ship grant nothing: "sql:default" (line 5), "barcode-scanner:allow-scan" (line 6)'
[ "$(grep -c warning <<<"$out")" = 1 ]; expect "only one warning" 0 $? "$out" warning

# A typo in a plugin Moat ships, or in core, stays an error.
printf '{"identifier": "c", "windows": ["main"], "permissions": ["fs:allow-raed-file", "core:pth:default"]}\n' >"$tmp/typo.json"
out=$("$moat" policy check "$tmp/typo.json" 2>&1); st=$?
expect "a typo in fs is an error" 1 $st "$out" 'unknown permission "fs:allow-raed-file" (did you mean "fs:allow-read-file"?)'

# Every Tauri base-directory variable is known; any other is an error, at its place.
cat >"$tmp/vars.json" <<'JSON'
{
  "identifier": "v", "windows": ["main"],
  "permissions": [
    { "identifier": "fs:allow-read-file",
      "allow": ["$APPCONFIG/**", "$APPLOCALDATA/**", "$APPLOG/*", "$AUDIO/**", "$CACHE/x",
        "$CONFIG/x", "$DATA/x", "$LOCALDATA/x", "$DESKTOP/**", "$DOCUMENT/**", "$DOWNLOAD/**",
        "$EXE/x", "$FONT/**", "$PICTURE/**", "$PUBLIC/**", "$RUNTIME/x", "$TEMPLATE/**",
        "$VIDEO/**", "$RESOURCE/**", "${APPDATA}/x", "$APPCACHE/x", "$HOME/x", "$TEMP/x"] }
  ]
}
JSON
out=$("$moat" policy check "$tmp/vars.json" 2>&1); st=$?
expect "every Tauri variable loads" 0 $st "$out" ""
printf '{"identifier": "v", "windows": ["main"],\n "permissions": [{"identifier": "fs:allow-read-file", "allow": [{"path": "$APPDTA/**"}]}]}\n' >"$tmp/badvar.json"
out=$("$moat" policy check "$tmp/badvar.json" 2>&1); st=$?
expect "an unknown variable is an error at file:line:col" 1 $st "$out" \
    "$tmp/badvar.json:2:65: error: unknown variable \"\$APPDTA\" in scope path; expected one of \$APPCONFIG"

# moat run: the warning on stderr and the app runs; --strict refuses to start.
out=$("$moat" run "$src/examples/hello" --policy "$cta" 2>&1); st=$?
expect "moat run warns" 0 $st "$out" "moat: $cta:8:5: warning: 1 permission of plugins Moat does not ship"
expect "and runs under core:default" 0 $st "$out" 'hello from "main"'
out=$("$moat" run "$src/examples/hello" --policy "$cta" --strict 2>&1); st=$?
expect "moat run --strict refuses" 70 $st "$out" "moat: $cta:8:5: error: permission \"barcode-scanner:default\" is of a plugin Moat does not ship"
expect "saying it does not start" 70 $st "$out" "moat: the policy has 1 error: not starting"

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
