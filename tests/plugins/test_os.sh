#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_os.sh MOAT OUT_DIR: plugin-os through @tauri-apps/plugin-os (pinned), its values against
# the system's own (uname -m, hostname, /etc/os-release, LANG); then os:default alone (no
# hostname: Tauri leaves it out) with os:deny-locale.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/caps.json" <<'JSON'
{ "identifier": "main-capability", "windows": ["main"],
  "permissions": ["core:default", "os:default", "os:allow-hostname"] }
JSON
cat >"$tmp/deny.json" <<'JSON'
{ "identifier": "main-capability", "windows": ["main"],
  "permissions": ["core:default", "os:default", "os:deny-locale"] }
JSON
run() { env -u LC_ALL -u LC_MESSAGES LANG=de_AT.UTF-8@euro HOME="$tmp" "$moat" run "$out/project/dist-os" --policy "$1" >"$2" 2>"$2.err"; }
run "$tmp/caps.json" "$tmp/out" || { echo "FAIL moat run exited $?"; cat "$tmp/out" "$tmp/out.err"; exit 1; }
run "$tmp/deny.json" "$tmp/deny" || { echo "FAIL moat run exited $?"; cat "$tmp/deny" "$tmp/deny.err"; exit 1; }
exec python3 - "$tmp" "$(uname -m)" "$(hostname)" <<'PY'
import json, os, sys
tmp, machine, host = sys.argv[1:4]
def result(name):
    line = [l for l in open(os.path.join(tmp, name)) if l.startswith('RESULT ')]
    return json.loads(line[0][7:]) if line else {}
got, deny = result('out'), result('deny')
rust = {'i686': 'x86', 'i386': 'x86', 'armv7l': 'arm', 'ppc64le': 'powerpc64'}.get(machine, machine)
vid = 'Unknown'
for f in ('/etc/os-release', '/usr/lib/os-release'):
    if os.path.exists(f):
        for l in open(f):
            if l.startswith('VERSION_ID='):
                vid = l.split('=', 1)[1].strip().strip('"\'')
        break
checks = [
    ('platform', got.get('platform') == 'linux' and got.get('cmd_platform') == 'linux'),
    ('arch is uname -m as Rust names it', got.get('arch') == rust and got.get('cmd_arch') == rust),
    ('version is os-release\'s VERSION_ID', got.get('version') == vid and got.get('cmd_version') == vid),
    ('family', got.get('family') == 'unix' and got.get('cmd_family') == 'unix'),
    ('type', got.get('type') == 'linux' and got.get('cmd_os_type') == 'linux'),
    ('eol', got.get('eol') == '\n'),
    ('exe extension', got.get('exeExtension') == '' and got.get('cmd_exe_extension') == ''),
    ('locale from LANG, as sys-locale reads it', got.get('locale') == 'de-AT'),
    ('hostname is the host\'s, not the sandbox\'s', got.get('hostname') == host),
    ('os:default has no hostname', str(deny.get('hostname')).startswith('error os:hostname is not allowed')),
    ('os:deny-locale', 'denied by os:deny-locale' in str(deny.get('locale'))),
    ('the rest of os:default', deny.get('cmd_arch') == rust),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name)
if fails:
    print(got, deny, machine, host, vid)
sys.exit(1 if fails else 0)
PY
