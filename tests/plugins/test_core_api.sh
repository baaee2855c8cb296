#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_core_api.sh MOAT OUT_DIR: a frontend built from the official @tauri-apps/api
# (e2e/build.sh) asks core:app and core:path everything, under a Tauri project's
# capability file, with the XDG variables and user-dirs.dirs of a made-up user.
set -u
moat=$1 out=$2
bundle=$out/project/dist-core_api
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/cfg" "$tmp/run" "$tmp/t"
cat >"$tmp/cfg/user-dirs.dirs" <<'DIRS'
# written by xdg-user-dirs-update
XDG_DOCUMENTS_DIR="$HOME/Docs"
XDG_MUSIC_DIR="/srv/music"
XDG_DESKTOP_DIR="$HOME/Desktop"
DIRS
cat >"$tmp/caps.json" <<'JSON'
{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "description": "Capability for the main window",
  "windows": ["main"],
  "permissions": ["core:default"]
}
JSON
env -u XDG_DATA_HOME -u XDG_BIN_HOME HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/cfg" \
    XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run" TMPDIR="$tmp/t" \
    "$moat" run "$bundle" --policy "$tmp/caps.json" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { echo "FAIL moat run exited $st"; cat "$tmp/out" "$tmp/err"; exit 1; }
H=$tmp/home id=org.example.moatcheck
exec python3 - "$tmp/out" "$bundle" <<PY
import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
bundle = sys.argv[2]
want = {
    'name': 'Moat Check', 'version': '1.2.3', 'identifier': '$id', 'tauriVersion': '2.0.0',
    'appConfigDir': '$tmp/cfg/$id', 'appDataDir': '$H/.local/share/$id',
    'appLocalDataDir': '$H/.local/share/$id', 'appCacheDir': '$tmp/cache/$id',
    'appLogDir': '$H/.local/share/$id/logs', 'audioDir': '/srv/music', 'cacheDir': '$tmp/cache',
    'configDir': '$tmp/cfg', 'dataDir': '$H/.local/share', 'localDataDir': '$H/.local/share',
    'documentDir': '$H/Docs', 'desktopDir': '$H/Desktop', 'resourceDir': bundle,
    'resolveResource': bundle + '/icons/a.png', 'tempDir': '$tmp/t',
    'executableDir': '$H/.local/bin', 'fontDir': '$H/.local/share/fonts', 'homeDir': '$H',
    'runtimeDir': '$tmp/run', 'join': 'a/c/d', 'joinAbs': '/x/y', 'normalize': '/a/c/',
    'dirname': '/a/b', 'extname': 'gz', 'basename': 'c', 'isAbsolute': True,
    'isRelative': False, 'resolve': '/a/c',
}
prefixes = {
    # Through @tauri-apps/api a rejection is the message alone, as in Tauri.
    'publicDir': 'error unknown path', 'downloadDir': 'error unknown path',
    'dirnameRoot': 'error path does not have a parent',
    'extnameNone': 'error path does not have an extension',
    'title': 'error core:window:title is not supported by the JS renderer',
    'setTitle': 'error core:window:set_title is not allowed', 'ghost': 'error core:window:no_such_thing is not allowed for "main": no capability for label "main" grants "core:window:no_such_thing"',
}
fails = 0
for k, v in want.items():
    ok = got.get(k) == v
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + f'{k} = {got.get(k)!r}' + ('' if ok else f' (wanted {v!r})'))
for k, v in prefixes.items():
    ok = isinstance(got.get(k), str) and got[k].startswith(v)
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + f'{k} = {got.get(k)!r}' + ('' if ok else f' (wanted {v}...)'))
# A missing command is refused in the very words of an existing one.
same = got.get('ghost') == str(got.get('setTitle')).replace('set_title', 'no_such_thing')
fails += not same
print(('ok   ' if same else 'FAIL ') + 'denials of missing and existing commands read alike')
sys.exit(1 if fails else 0)
PY
