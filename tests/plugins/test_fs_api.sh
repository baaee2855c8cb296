#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_fs_api.sh MOAT OUT_DIR: every function of the official @tauri-apps/plugin-fs 2.6.0
# (bundle fs) against the fs plugin: the answers the package hands the app, and the bytes
# on disk; $APPDATA made on first run; every BaseDirectory; FileHandle; readTextFileLines;
# watchImmediate's events; deny entries, a scope on one command's permission, escapes.
set -u
moat=$1 out=$2
bundle=$out/project/dist-fs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
h=$tmp/home
mkdir -p "$h" "$tmp/cfg" "$tmp/data" "$tmp/cache" "$tmp/bin" "$tmp/run" "$tmp/t"
chmod 700 "$tmp/run"
for d in Music Desktop Docs Down Pics Pub Tpl Vids; do mkdir -p "$h/$d"; done
cat >"$tmp/cfg/user-dirs.dirs" <<'DIRS'
XDG_MUSIC_DIR="$HOME/Music"
XDG_DESKTOP_DIR="$HOME/Desktop"
XDG_DOCUMENTS_DIR="$HOME/Docs"
XDG_DOWNLOAD_DIR="$HOME/Down"
XDG_PICTURES_DIR="$HOME/Pics"
XDG_PUBLICSHARE_DIR="$HOME/Pub"
XDG_TEMPLATES_DIR="$HOME/Tpl"
XDG_VIDEOS_DIR="$HOME/Vids"
DIRS
id=org.example.moatcheck
mkdir -p "$tmp/cfg/$id" "$tmp/cache/$id" "$tmp/data/fonts"
printf 'read me' >"$tmp/t/only-read.txt"
bases='"$AUDIO/bd-*", "$CACHE/bd-*", "$CONFIG/bd-*", "$DATA/bd-*", "$LOCALDATA/bd-*", "$DOCUMENT/bd-*",
  "$DOWNLOAD/bd-*", "$PICTURE/bd-*", "$PUBLIC/bd-*", "$VIDEO/bd-*", "$TEMP/bd-*", "$APPCONFIG/bd-*",
  "$APPDATA/bd-*", "$APPLOCALDATA/bd-*", "$APPCACHE/bd-*", "$APPLOG/bd-*", "$DESKTOP/bd-*", "$EXE/bd-*",
  "$FONT/bd-*", "$HOME/bd-*", "$RUNTIME/bd-*", "$TEMPLATE/bd-*"'
cat >"$tmp/caps.json" <<JSON
{
  "identifier": "files", "windows": ["main"],
  "permissions": [
    "core:default",
    "fs:allow-appdata-read-recursive", "fs:allow-appdata-write-recursive",
    { "identifier": "fs:scope", "deny": ["\$APPDATA/d/secret.txt", "\$APPDATA/w/secret.txt"] },
    { "identifier": "fs:allow-read-text-file", "allow": ["\$TEMP/only-read.txt"] },
    { "identifier": "fs:allow-write-text-file", "allow": [$bases] },
    { "identifier": "fs:allow-exists", "allow": ["\$RESOURCE/**"] }
  ]
}
JSON
# A link the bundle stats (stat follows it, lstat does not), planted once $APPDATA exists:
# the bundle makes it, so the link is made while it runs (d/ appears with mkdir).
(
    for _ in $(seq 200); do
        [ -d "$tmp/data/$id/d" ] && { printf 'SECRET' >"$tmp/data/$id/d/secret.txt"; ln -s t.txt "$tmp/data/$id/d/link"; exit 0; }
        sleep 0.01
    done
) &
(
    for _ in $(seq 500); do
        [ -e "$tmp/data/$id/w/trigger.txt" ] && { printf s >"$tmp/data/$id/w/secret.txt"; printf p >"$tmp/data/$id/w/planted.txt"; exit 0; }
        sleep 0.01
    done
) &
env HOME="$h" XDG_CONFIG_HOME="$tmp/cfg" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" \
    XDG_BIN_HOME="$tmp/bin" XDG_RUNTIME_DIR="$tmp/run" TMPDIR="$tmp/t" \
    timeout 60 "$moat" run "$bundle" --policy "$tmp/caps.json" >"$tmp/out" 2>"$tmp/err"
st=$?
wait
[ $st -eq 0 ] || { echo "FAIL moat run exited $st"; cat "$tmp/out" "$tmp/err"; exit 1; }
exec python3 - "$tmp/out" "$tmp" "$id" "$bundle" <<'PY'
import json, os, sys
line = [l for l in open(sys.argv[1]) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
tmp, ident = sys.argv[2], sys.argv[3]
app = os.path.join(tmp, 'data', ident)
def disk(rel, base=app):
    p = os.path.join(base, rel)
    return open(p, 'rb').read() if os.path.exists(p) else None
TEXT = 'héllo\nwörld\r\nlast!'.encode()
T = len(TEXT)
ok = lambda k: got.get(k) == 'undefined'
err = lambda k, s: str(got.get(k, '')).startswith('error') and s in str(got.get(k))
home = os.path.join(tmp, 'home')
where = {'Audio': 'home/Music', 'Cache': 'cache', 'Config': 'cfg', 'Data': 'data', 'LocalData': 'data',
         'Document': 'home/Docs', 'Download': 'home/Down', 'Picture': 'home/Pics', 'Public': 'home/Pub',
         'Video': 'home/Vids', 'Temp': 't', 'AppConfig': 'cfg/' + ident, 'AppData': 'data/' + ident,
         'AppLocalData': 'data/' + ident, 'AppCache': 'cache/' + ident, 'AppLog': 'data/' + ident + '/logs',
         'Desktop': 'home/Desktop', 'Executable': 'bin', 'Font': 'data/fonts', 'Home': 'home',
         'Runtime': 'run', 'Template': 'home/Tpl'}
bases = got.get('bases', {})
w = got.get('watchEvents') or []
checks = [
    # $APPDATA itself made (private), then d and d/e (listed below, removed at the end).
    ('mkdir recursive on first run', ok('mkdir') and os.stat(app).st_mode & 0o777 == 0o700
        and ['e', False, True] in (got.get('readDir') or [])),
    ('writeTextFile + append: the bytes', ok('writeText') and ok('append')
        and disk('d/t.txt') == TEXT),
    ('writeFile: the bytes', ok('writeBytes') and disk('d/b.bin') == bytes([0, 1, 2, 255, 0])),
    ('writeFile createNew on an existing file', err('createNew', 'File exists')),
    ('writeFile of a ReadableStream (open, write, close)', ok('writeStream')),
    ('readTextFile', got.get('readText') == 'héllo\nwörld\r\nlast!'),
    ('readFile', got.get('readBytes') == [0, 1, 2, 255, 0]),
    ('readDir', got.get('readDir') == [['b.bin', True, False], ['e', False, True], ['link', False, False],
                                      ['s.bin', True, False], ['secret.txt', True, False], ['t.txt', True, False]]),
    ('exists', got.get('exists') == [True, False]),
    ('stat', got.get('stat') == {'isFile': True, 'isDirectory': False, 'isSymlink': False, 'size': T,
                                 'mtime': True, 'mode': os.stat(os.path.join(app, 'd/t.txt')).st_mode & 0o777}),
    ('lstat of a link', (got.get('lstat') or {}).get('isSymlink') is True
        and got['lstat'].get('size') == len('t.txt')),
    ('stat follows it', (got.get('statLink') or {}).get('isFile') is True and got['statLink']['size'] == T),
    ('size of a file, and of a folder without what a deny entry covers', got.get('size') == [T, T + 5 + 3]),
    ('copyFile, rename, truncate: the bytes', ok('copy') and ok('rename') and ok('truncate')
        and disk('d/moved.txt') == TEXT[:3] and not os.path.exists(os.path.join(app, 'd/copy.txt'))),
    ('truncate to 0', ok('truncateAll') and disk('d/s.bin') == b''),
    ('readTextFileLines', got.get('lines') == ['héllo', 'wörld', 'last!']),
    ('readTextFileLines, broken off', got.get('linesBreak') == 'héllo'),
    ('remove recursive', ok('remove') and got.get('removed') is False and not os.path.exists(os.path.join(app, 'd/e'))),
    ('a non-file URL', err('url', 'Must be a file URL')),
    ('create + write + close', got.get('create') == ['number', 6]),
    ('open: read, seek, write, stat, truncate', got.get('open') == {'first': 'abcd', 'pos': 4, 'tail': 'ef',
        'eof': None, 'size': 6, 'isFile': True, 'cur': 2}),
    ('FileHandle bytes on disk (then appended)', ok('append') and disk('h/new.txt') == b'XYcd!'),
    ('a closed handle', err('afterClose', 'bad resource id')),
    ('open neither read nor write', err('openNoWrite', 'read or write')),
    ('open createNew on an existing file', err('createNewExists', 'File exists')),
    ('open a missing file', err('openMissing', 'No such file')),
    ('watch: create events, new folders too', ['create', 'file', 'w/one.txt'] in w
        and ['create', 'folder', 'w/sub'] in w and ['create', 'file', 'w/sub/two.txt'] in w),
    ('watch: a denied file is not reported', ['create', 'file', 'w/planted.txt'] in w
        and not any('secret' in e[2] for e in w) and disk('w/secret.txt') == b's'),
    ('watch: the event shape', got.get('watchShape') == [True, 'object']),
    ('unwatch: no more events', got.get('afterUnwatch') == 0),
    ('watch (debounced)', got.get('watchDebounced') == 'function'),
    ('watch outside the scope', err('watchOutside', 'outside the scope')),
    ('a deny entry wins', err('deniedRead', 'denied by the scope')),
    ('outside every scope', err('outside', 'outside the scope')),
    ('copyFile to a folder not in scope', err('copyOut', 'outside the scope') and not os.path.exists(os.path.join(tmp, 't/out.txt'))),
    ('rename to a folder not in scope', err('renameOut', 'outside the scope') and disk('d/t.txt') is not None),
    ('..', err('escape', '".."')),
    ("a command's own scope", got.get('tempRead') == 'read me'),
    ("...for that command only", err('tempWrite', 'outside the scope') and disk('only-read.txt', os.path.join(tmp, 't')) == b'read me'),
    ('Resource (the bundle)', bases.get('Resource') is True),
]
for name, rel in where.items():
    checks.append((f'baseDir {name}', bases.get(name) == 'undefined'
                   and disk(f'bd-{name}.txt', os.path.join(tmp, rel)) == name.encode()))
checks.append(('every BaseDirectory tried', len(bases) == 23))
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    print(json.dumps(got, indent=1))
sys.exit(1 if fails else 0)
PY
