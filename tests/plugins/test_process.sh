#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_process.sh MOAT OUT_DIR: plugin-process through @tauri-apps/plugin-process (pinned):
# relaunch() starts the renderer again (a store file counts the runs), exit(7) ends
# `moat run` with status 7; then process:deny-restart, and no process permission at all.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
caps() { # caps FILE PERMISSIONS...
    local f=$1 p
    shift
    p=$(printf '"%s", ' "$@")
    printf '{"identifier": "main-capability", "windows": ["main"], "permissions": [%s"store:default"]}\n' "$p" >"$f"
}
caps "$tmp/caps.json" core:default process:default
caps "$tmp/deny.json" core:default process:default process:deny-restart
caps "$tmp/none.json" core:default
run() { # run CAPS NAME: status in NAME.st
    mkdir -p "$tmp/$2"
    timeout 60 env -u XDG_DATA_HOME HOME="$tmp/$2" "$moat" run "$out/project/dist-process" \
        --policy "$1" >"$tmp/$2.out" 2>"$tmp/$2.err"
    echo $? >"$tmp/$2.st"
}
run "$tmp/caps.json" ok
run "$tmp/deny.json" deny
run "$tmp/none.json" none
exec python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
def lines(name): return [l.rstrip('\n') for l in open(os.path.join(tmp, name + '.out'))]
def st(name): return int(open(os.path.join(tmp, name + '.st')).read())
def runs(name):
    p = os.path.join(tmp, name, '.local/share/org.example.moatcheck/runs.json')
    return json.load(open(p)).get('n') if os.path.exists(p) else None
ok, deny, none = lines('ok'), lines('deny'), lines('none')
checks = [
    ('relaunch started the renderer again', ok[:1] == ['START 1'] and 'START 2' in ok and runs('ok') == 2),
    ('a code that is no integer', 'BADCODE error process:exit: expected {code: a 32-bit integer}' in ok),
    ('a code out of i32', 'BIGCODE error process:exit: expected {code: a 32-bit integer}' in ok),
    ('the first run ended at relaunch', 'NOT RESTARTED' not in ok),
    ('exit(7): moat run exits 7', st('ok') == 7 and 'NOT EXITED' not in ok),
    ('deny-restart: refused, not restarted', any(l.startswith('RELAUNCH error process:restart is not allowed') and 'denied by process:deny-restart' in l for l in deny) and 'START 2' not in deny),
    ('deny-restart: the run ends as the renderer did', st('deny') == 0 and 'NOT RESTARTED' in deny),
    ('not granted: relaunch refused', any(l.startswith('RELAUNCH error process:restart is not allowed') for l in none) and st('none') == 0),
]
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    for n in ('ok', 'deny', 'none'):
        print(n, st(n), lines(n), open(os.path.join(tmp, n + '.err')).read())
sys.exit(1 if fails else 0)
PY
