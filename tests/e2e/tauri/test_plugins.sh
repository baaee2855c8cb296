#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_plugins.sh MOAT OUT_DIR: the bundle build.sh made from the official
# @tauri-apps/plugin-os, plugin-fs and api packages runs under `moat run`: the
# os and path constants are Tauri's for Linux, and every fs function gets as
# far as sending its command, which the core's audit log shows arriving.
set -uo pipefail
moat=$1 out=$2
[ -f "$out/plugins/main.js" ] || { echo "no bundle built (is npm installed?): skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
timeout 60 "$moat" run "$out/plugins" --audit "$tmp/audit.jsonl" --audit-all >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && echo "ok   exit 0" || { echo "FAIL exit $rc"; cat "$tmp/err"; fails=$((fails + 1)); }
expect() { # expect LINE: a line the bundle must have printed
    if grep -qxF -- "$1" "$tmp/out"; then echo "ok   $1"; else echo "FAIL missing: $1"; fails=$((fails + 1)); fi
}
expect 'os: ["linux","unix","linux","\n","","string",true,"string"]'
expect 'path: ["/",":"]'
for f in writeTextFile writeFile readTextFile readFile exists mkdir stat; do
    expect "$f: rejected string" # no policy: denied, as Tauri rejects (a string)
done
expect 'http URL: TypeError: Must be a file URL.'
expect 'done: no exception before sending'
for c in write_text_file write_file read_text_file read_file exists mkdir stat; do
    if grep -q "\"command\":\"fs:$c\"" "$tmp/audit.jsonl"; then
        echo "ok   fs:$c arrived"
    else
        echo "FAIL fs:$c never reached the core"; fails=$((fails + 1))
    fi
done
[ $fails -eq 0 ] || { echo "--- output"; cat "$tmp/out" "$tmp/err"; echo "--- audit"; cat "$tmp/audit.jsonl"; }
exit $((fails > 0))
