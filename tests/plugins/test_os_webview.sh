#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_os_webview.sh MOAT OUT_DIR: the os.js bundle of test_os.sh (@tauri-apps/plugin-os,
# pinned) in a webview window: the values plugin-os reads synchronously from
# window.__TAURI_OS_PLUGIN_INTERNALS__ are the system's there too (the page's sandbox has no
# /etc), and the commands answer from the core.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../webview/lib.sh"
moat=$1 out=$2
mkdir -p "$WORK/os"
cp "$out/project/dist-os/main.js" "$WORK/os/main.js"
printf '<!doctype html>\n<html><head><meta charset="utf-8"><script src="/main.js"></script></head><body></body></html>\n' >"$WORK/os/index.html"
printf '{"kind": "webview", "windows": [{"label": "main", "title": "os", "width": 300, "height": 200}]}\n' >"$WORK/os/moat.json"
printf '{"identifier": "main-capability", "windows": ["main"], "permissions": ["core:default", "os:default", "os:allow-hostname"]}\n' >"$WORK/caps.json"
start_xvfb
env -u LC_ALL -u LC_MESSAGES LANG=de_AT.UTF-8 "$moat" run "$WORK/os" --policy "$WORK/caps.json" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" 'RESULT ' 60 || { cat "$WORK/out" "$WORK/err"; fail "no RESULT from the window"; }
kill -INT "$mpid"
wait "$mpid"
python3 - "$WORK/out" "$(uname -m)" "$(hostname)" <<'PY' || { cat "$WORK/err"; fail "os values"; }
import json, os, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
machine, host = sys.argv[2], sys.argv[3]
rust = {'i686': 'x86', 'i386': 'x86', 'armv7l': 'arm', 'ppc64le': 'powerpc64'}.get(machine, machine)
vid = 'Unknown'
for f in ('/etc/os-release', '/usr/lib/os-release'):
    if os.path.exists(f):
        vid = next((l.split('=', 1)[1].strip().strip('"\'') for l in open(f) if l.startswith('VERSION_ID=')), 'Unknown')
        break
checks = [
    ('platform, type, family', (got.get('platform'), got.get('type'), got.get('family')) == ('linux', 'linux', 'unix')),
    ('arch is uname -m as Rust names it', got.get('arch') == rust == got.get('cmd_arch')),
    ('version is os-release\'s, in the page and from the core', got.get('version') == vid == got.get('cmd_version')),
    ('eol, exe extension', got.get('eol') == '\n' and got.get('exeExtension') == ''),
    ('locale, hostname from the core', got.get('locale') == 'de-AT' and got.get('hostname') == host),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name)
if fails: print(got)
sys.exit(1 if fails else 0)
PY
echo "ok"
