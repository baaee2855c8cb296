#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_policy_cli.sh POLICY-CLI SOURCE_DIR: `moat policy` check, explain, schema, permissions.
set -u
cli=$1 src=$2
data=$src/tests/policy/data
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

cat >"$tmp/good.json" <<'JSON'
{
  "identifier": "main",
  "windows": ["main"],
  "permissions": [
    "core:default",
    { "identifier": "fs:allow-read-text-file", "allow": [{ "path": "$HOME/**" }] },
    "fs:allow-appdata-read-recursive"
  ]
}
JSON
out=$("$cli" check --label main --label other "$tmp/good.json" 2>&1); st=$?
expect "check warns" 0 $st "$out" "$tmp/good.json:6:58: warning: scope entry {\"path\":\"\$HOME/**\"} of \"fs:allow-read-text-file\" reaches the whole home directory"

printf '{"identifier":"c","windows":["main"],"permissions":["fs:allow-read-txt-file"]}' >"$tmp/bad.json"
out=$("$cli" check "$tmp/bad.json" 2>&1); st=$?
expect "check errors" 1 $st "$out" "$tmp/bad.json:1:53: error: unknown permission \"fs:allow-read-txt-file\" (did you mean \"fs:allow-read-text-file\"?)"

# A deny in one file overrides an allow in another: the warning names both, with the deny's place.
printf '{\n  "identifier": "main-allow",\n  "windows": ["main"],\n  "permissions": ["app:allow-version"]\n}\n' >"$tmp/allow.json"
printf '{\n  "identifier": "lockdown",\n  "windows": ["*"],\n  "permissions": ["app:deny-version"]\n}\n' >"$tmp/lock.json"
out=$("$cli" check "$tmp/allow.json" "$tmp/lock.json" 2>&1); st=$?
expect "check across files" 0 $st "$out" "$tmp/allow.json:4:19: warning: \"app:allow-version\" never allows \"app:version\" in capability \"main-allow\": app:deny-version in capability \"lockdown\" ($tmp/lock.json:4:19) denies it (deny wins)"

out=$("$cli" explain --policy "$tmp/good.json" --label main --var HOME=/home/u fs:read_text_file '{"path": "/home/u/notes.txt"}' 2>&1); st=$?
expect "explain allow" 0 $st "$out" "allow: the arguments match allow scope entry {\"path\":\"\$HOME/**\"} of fs:allow-read-text-file in capability main (line 6, column 58)"

out=$("$cli" explain --policy "$tmp/good.json" --label main --var HOME=/home/u fs:read_text_file '{"path": "/etc/passwd"}' 2>&1); st=$?
expect "explain deny by scope" 1 $st "$out" "deny: no allow scope entry covers the arguments"

out=$("$cli" explain --policy "$tmp/good.json" --label main fs:remove 2>&1); st=$?
expect "explain deny" 1 $st "$out" "deny: no capability for label \"main\" grants \"fs:remove\""

# A capabilities folder, as Tauri's src-tauri/capabilities: its *.json files are one policy.
mkdir -p "$tmp/caps"
cp "$tmp/allow.json" "$tmp/caps/a.json"
printf '{"identifier":"extra","windows":["other"],"permissions":["app:allow-name","nope:nope"]}' >"$tmp/caps/b.json"
echo "not a capability" >"$tmp/caps/notes.txt"
out=$("$cli" check "$tmp/caps" 2>&1); st=$?
expect "folder" 0 $st "$out" '"nope:nope" (b.json, line 1)'
out=$("$cli" explain --policy "$tmp/caps" --label other app:name 2>&1); st=$?
expect "folder explain" 0 $st "$out" 'allow'
cp "$tmp/caps/b.json" "$tmp/caps/c.json"
out=$("$cli" check "$tmp/caps" 2>&1); st=$?
expect "folder duplicates" 1 $st "$out" "$tmp/caps/c.json:1:15: error: duplicate capability identifier \"extra\" (first in $tmp/caps/b.json)"
rm "$tmp/caps/c.json"
printf '{"identifier":"x","windows":["main"],\n "permissions":["app:allow-nam"]}' >"$tmp/caps/c.json"
out=$("$cli" check "$tmp/caps" 2>&1); st=$?
expect "folder error names its file" 1 $st "$out" "$tmp/caps/c.json:2:17: error: unknown permission \"app:allow-nam\" (did you mean"
rm "$tmp/caps/c.json"
touch "$tmp/caps/d.toml"
out=$("$cli" check "$tmp/caps" 2>&1); st=$?
expect "folder toml" 1 $st "$out" "d.toml: only JSON capability files are read"
mv "$tmp/caps/d.toml" "$tmp/caps/d.json5"
out=$("$cli" check "$tmp/caps" 2>&1); st=$?
expect "folder json5" 1 $st "$out" "d.json5: only JSON capability files are read (convert it to .json)"
rm "$tmp/caps/d.json5"
mkdir -p "$tmp/empty"
out=$("$cli" check "$tmp/empty" 2>&1); st=$?
expect "empty folder" 1 $st "$out" "$tmp/empty: error: no capability files (*.json) in this folder"

# Several --policy apply together; a tauri.conf.json's app.security.capabilities picks
# which capabilities apply (inline ones, and others by identifier), as in Tauri.
mkdir -p "$tmp/proj/capabilities"
printf '{"identifier":"picked","windows":["main"],"permissions":["app:allow-name"]}' >"$tmp/proj/capabilities/a.json"
printf '{"identifier":"unpicked","windows":["main"],"permissions":["core:app:allow-identifier"]}' >"$tmp/proj/capabilities/b.json"
cat >"$tmp/proj/tauri.conf.json" <<'JSON'
{
  "identifier": "com.example.proj",
  "app": { "security": { "capabilities": [
    "picked",
    { "identifier": "inline", "windows": ["main"], "permissions": ["app:allow-version"] }
  ] } }
}
JSON
both=(--policy "$tmp/proj/tauri.conf.json" --policy "$tmp/proj/capabilities")
out=$("$cli" explain "${both[@]}" --label main app:name 2>&1); st=$?
expect "conf picks by identifier" 0 $st "$out" "allowed by app:allow-name in capability picked"
out=$("$cli" explain "${both[@]}" --label main app:version 2>&1); st=$?
expect "conf inline capability" 0 $st "$out" "in capability inline"
out=$("$cli" explain "${both[@]}" --label main app:identifier 2>&1); st=$?
expect "conf leaves out what it does not list" 1 $st "$out" "deny"
out=$("$cli" explain --policy "$tmp/proj/capabilities" --policy "$tmp/lock.json" --label main app:name 2>&1); st=$?
expect "several --policy" 0 $st "$out" "allow"
out=$("$cli" explain --policy "$tmp/allow.json" --policy "$tmp/lock.json" --label main app:version 2>&1); st=$?
expect "several --policy: deny wins" 1 $st "$out" "deny"
out=$("$cli" explain --policy "$tmp/proj/tauri.conf.json" --label main app:version 2>&1); st=$?
expect "conf names a missing capability" 70 $st "$out" "$tmp/proj/tauri.conf.json:4:5: no capability \"picked\" in the policy files given with this one"
out=$("$cli" check "$tmp/proj/tauri.conf.json" "$tmp/proj/capabilities" 2>&1); st=$?
expect "check a conf with its folder" 0 $st "$out" ""
printf '{"identifier":"typo","windows":["main"],"permissions":["core:app:allow-nam"]}' >"$tmp/proj/capabilities/c.json"
out=$("$cli" check "$tmp/proj/tauri.conf.json" "$tmp/proj/capabilities" 2>&1); st=$?
expect "errors of capabilities the conf leaves out" 1 $st "$out" "capabilities/c.json:1:56: error: unknown permission"
rm "$tmp/proj/capabilities/c.json"
printf '{"app":{"security":{"capabilities":[42]}}}' >"$tmp/proj/tauri.linux.conf.json"
out=$("$cli" check "$tmp/proj/tauri.linux.conf.json" 2>&1); st=$?
expect "conf entry of the wrong type" 1 $st "$out" "tauri.linux.conf.json:1:37: error: each entry of app.security.capabilities must be a capability object or the identifier"
printf '{"app":{"windows":[]}}' >"$tmp/proj/tauri.linux.conf.json"
out=$("$cli" check "$tmp/proj/tauri.linux.conf.json" 2>&1); st=$?
expect "conf without capabilities" 1 $st "$out" "must have app.security.capabilities"

# Every error is printed, one per line, each with its own file:line:col; nothing else then.
out=$("$cli" check "$data/err_many.json" 2>&1); st=$?
expect "every error of a file: the first" 1 $st "$out" "$data/err_many.json:4:3: error: unknown key \"descripton\""
expect "every error of a file: the last" 1 $st "$out" "$data/err_many.json:11:12: error: \"local\" must be true or false"
[ "$(grep -c ': error: ' <<<"$out")" = 5 ] && [ "$(wc -l <<<"$out")" = 5 ]
expect "five errors, five lines" 0 $? "$out" ""
out=$("$cli" check "$data/folder_errors" 2>&1); st=$?
expect "folder: the first file's error" 1 $st "$out" "$data/folder_errors/a.json:4:19: error: unknown permission \"allow-lgo\""
expect "folder: the second file's" 1 $st "$out" "$data/folder_errors/b.json:4:17: error: \"windows\" must be an array of strings"
expect "folder: and its duplicate" 1 $st "$out" "$data/folder_errors/b.json:8:19: error: duplicate capability identifier \"first\""
out=$("$cli" explain --policy "$data/folder_errors" --label main app:name 2>&1); st=$?
[ "$(grep -c '^moat: ' <<<"$out")" = 3 ]; expect "explain prints them all" 0 $? "$out" ""
expect "and refuses" 70 $st "$out" "moat: $data/folder_errors/b.json:4:17: \"windows\" must be an array of strings"
# --strict: each identifier of a plugin Moat does not ship is its own error, in its own file.
out=$("$cli" check "$data/strict" 2>&1); st=$?
expect "unshipped: one warning" 0 $st "$out" "$data/strict/b.json:4:32: warning: 2 permissions of plugins Moat does not ship grant nothing"
out=$("$cli" check --strict "$data/strict" 2>&1); st=$?
expect "--strict: the one in b.json" 1 $st "$out" "$data/strict/b.json:4:32: error: permission \"sql:allow-execute\" is of a plugin Moat does not ship"
expect "--strict: the one in c.json" 1 $st "$out" "$data/strict/c.json:5:5: error: permission \"sql:default\" is of a plugin Moat does not ship"
[ "$(wc -l <<<"$out")" = 2 ]; expect "--strict: two lines" 0 $? "$out" ""
# A tauri.conf.json with its folder: the inline capability's error, the missing one, the folder's.
printf '{"identifier":"typo","windows":["main"],"permissions":["core:app:allow-nam"]}' >"$tmp/proj/capabilities/c.json"
cat >"$tmp/proj/tauri.conf.json" <<'JSON'
{
  "app": { "security": { "capabilities": [
    "picked", "ghost",
    { "identifier": "inline", "windows": ["main"], "permissions": ["app:allow-versio"] }
  ] } }
}
JSON
out=$("$cli" check "$tmp/proj/tauri.conf.json" "$tmp/proj/capabilities" 2>&1); st=$?
expect "conf: the inline capability's error" 1 $st "$out" "$tmp/proj/tauri.conf.json:4:68: error: unknown permission \"app:allow-versio\""
expect "conf: the capability no file has" 1 $st "$out" "$tmp/proj/tauri.conf.json:3:15: error: no capability \"ghost\""
expect "conf: the folder's" 1 $st "$out" "$tmp/proj/capabilities/c.json:1:56: error: unknown permission \"core:app:allow-nam\""
[ "$(wc -l <<<"$out")" = 3 ]; expect "conf: three lines" 0 $? "$out" ""
rm "$tmp/proj/capabilities/c.json"

out=$("$cli" schema 2>&1); st=$?
expect "schema" 0 $st "$out" "\"title\": \"Moat capability policy\""

out=$("$cli" permissions 2>&1); st=$?
expect "permissions" 0 $st "$out" "fs:allow-appdata-read-recursive (set)"
expect "permissions describe" 0 $st "$out" "fs:allow-read-file (permission)
  Enables the read_file command without any pre-configured scope."
expect "Tauri's core ones" 0 $st "$out" "core:window:allow-set-title (permission)"
expect "permissions sets" 0 $st "$out" "core:default (set)"

out=$("$cli" frobnicate 2>&1); st=$?
expect "usage" 2 $st "$out" "usage: moat policy check"

exit $((fails > 0))
