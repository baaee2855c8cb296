#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_fs_dirs.sh MOAT OUT_DIR: fs under $APPCONFIG (the identifier's folder, made on first
# run) and $DOCUMENT (user-dirs.dirs), with escapes by "..", a link out, and a folder
# the scope does not grant; the bytes are checked on disk.
set -u
moat=$1 out=$2
bundle=$out/project/dist-fs_dirs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/Docs" "$tmp/cfg"
printf 'XDG_DOCUMENTS_DIR="$HOME/Docs"\n' >"$tmp/cfg/user-dirs.dirs"
printf 'from documents' >"$tmp/home/Docs/r.txt"
printf 'secret' >"$tmp/home/secret.txt"
ln -s ../secret.txt "$tmp/home/Docs/link.txt"
cat >"$tmp/caps.json" <<'JSON'
{
  "identifier": "files", "windows": ["main"],
  "permissions": [
    { "identifier": "fs:allow-mkdir", "allow": ["$APPCONFIG/**"] },
    { "identifier": "fs:allow-write-text-file", "allow": ["$APPCONFIG/**"] },
    { "identifier": "fs:allow-read-text-file", "allow": ["$DOCUMENT/**"] }
  ]
}
JSON
env -u XDG_DATA_HOME HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/cfg" \
    "$moat" run "$bundle" --policy "$tmp/caps.json" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { echo "FAIL moat run exited $st"; cat "$tmp/out" "$tmp/err"; exit 1; }
exec python3 - "$tmp/out" "$tmp" <<'PY'
import json, os, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
tmp = sys.argv[2]
written = os.path.join(tmp, 'cfg/org.example.moatcheck/notes/a.txt')
checks = [
    ('mkdir', got.get('mkdir') is None),
    ('write', got.get('write') is None),
    ('the bytes on disk', os.path.exists(written) and open(written).read() == 'in appconfig'),
    ('readDoc', got.get('readDoc') == 'from documents'),
    # Through @tauri-apps/api a rejection is the message alone, as in Tauri.
    ('escape', str(got.get('escape')).startswith('error fs:read_text_file: the path must not contain ".."')),
    ('link', 'a symbolic link leads out of the scope' in str(got.get('link'))),
    ('outside', 'is outside the scope' in str(got.get('outside'))),
    ('missing', str(got.get('missing')).startswith('error fs:read_text_file: sub/nope.txt: ')),
    # Errors name paths as the bundle gave them, never the host folders behind a baseDir.
    ('no host paths', tmp not in json.dumps(got)),
    ('nothing outside', not os.path.exists(os.path.join(tmp, 'home/.local/share/org.example.moatcheck/logs/x.txt'))),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok else f': {got}'))
sys.exit(1 if fails else 0)
PY
