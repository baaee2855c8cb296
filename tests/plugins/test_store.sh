#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_store.sh MOAT OUT_DIR: plugin-store through @tauri-apps/plugin-store (pinned) under a
# capability file as its docs write one: the files under $APPDATA byte for byte, an atomic
# save (a new inode, no temporary file left), autosave's debounce, a corrupt file reported
# and kept, paths out of $APPDATA refused; then store:deny-save and no store permission.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
appdata=$tmp/data/org.example.moatcheck
mkdir -p "$tmp/home" "$appdata"
printf '{"theme": "light"}' >"$appdata/settings.json"
printf '{"disk": 1}' >"$appdata/reload.json"
printf '{not json' >"$appdata/corrupt.json"
inode=$(stat -c %i "$appdata/settings.json")
cat >"$tmp/caps.json" <<'JSON'
{
  "identifier": "main-capability", "windows": ["main"],
  "permissions": [
    "core:default", "store:default",
    { "identifier": "fs:allow-read-text-file", "allow": ["$APPDATA/**"] }
  ]
}
JSON
run() { # run BUNDLE CAPS OUTFILE
    env -u XDG_CONFIG_HOME HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
        "$moat" run "$out/project/dist-$1" --policy "$2" >"$3" 2>"$3.err"
}
run store "$tmp/caps.json" "$tmp/out"
st=$?
[ $st -eq 0 ] || { echo "FAIL moat run exited $st"; cat "$tmp/out" "$tmp/out.err"; exit 1; }
sed 's/"store:default"/"store:default", "store:deny-save"/' "$tmp/caps.json" >"$tmp/deny.json"
run store_denied "$tmp/deny.json" "$tmp/deny"
sed 's/"store:default",//' "$tmp/caps.json" >"$tmp/none.json"
run store_denied "$tmp/none.json" "$tmp/none"
exec python3 - "$tmp" "$appdata" "$inode" <<'PY'
import json, os, stat, sys
tmp, appdata, inode = sys.argv[1], sys.argv[2], int(sys.argv[3])
def result(name):
    line = [l for l in open(os.path.join(tmp, name)) if l.startswith('RESULT ')]
    return json.loads(line[0][7:]) if line else {}
def disk(name):
    p = os.path.join(appdata, name)
    return open(p, 'rb').read() if os.path.exists(p) else None
got, deny, none = result('out'), result('deny'), result('none')
settings = json.loads(disk('settings.json') or b'null')
nested = {'a': [1, 2, {'b': None}], 'f': 1.5, 't': True, 's': 'é'}
checks = [
    ('the seeded file wins over defaults', got.get('seeded') == 'light'),
    ('a default fills a gap', got.get('default') == 12),
    ('a missing key is undefined', got.get('missing') == 'undefined'),
    ('has, delete', [got.get(k) for k in ('hasGone', 'deleted', 'deletedAgain', 'hasGoneAfter')] == [True, True, False, False]),
    ('keys', got.get('keys') == ['nested', 'size', 'theme']),
    ('values, length', got.get('values') == 3 and got.get('length') == 3),
    ('entries', got.get('entries') == {'theme': 'light2', 'size': 12, 'nested': nested}),
    ('no autosave: the seeded bytes until save', got.get('beforeSave') == '{"theme": "light"}'),
    ('save', got.get('save') == 'undefined'),
    ('the saved file', settings == {'theme': 'light2', 'size': 12, 'nested': nested}),
    ('pretty, as serde_json writes it', (disk('settings.json') or b'').startswith(b'{\n  "')),
    ('atomic: a new inode replaced the old', os.stat(os.path.join(appdata, 'settings.json')).st_ino != inode),
    ('no temporary file left', sorted(os.listdir(appdata)) == ['corrupt.json', 'debounce.json', 'reload.json', 'settings.json', 'sub']),
    ('the file is the user\'s alone', stat.S_IMODE(os.stat(os.path.join(appdata, 'settings.json')).st_mode) == 0o600),
    ('load twice: one store', got.get('again') is True and got.get('getStore') is True),
    ('getStore of nothing loaded', got.get('getStoreNone') is None),
    ('reset to the defaults', got.get('afterReset') == {'a': 1}),
    ('clear', got.get('afterClear') == 0),
    ('debounce: not yet on disk', 'not_found' in str(got.get('debounceEarly')) or 'No such file' in str(got.get('debounceEarly'))),
    ('debounce: on disk after it', json.loads(got.get('debounceLate') or 'null') == {'x': 2}),
    ('LazyStore, autosaved when the app ended', got.get('lazy') == 'yes' and json.loads(disk('sub/lazy.json') or b'null') == {'lazy': 'yes'}),
    ('reload keeps unsaved keys over the file', got.get('afterReload') == {'disk': 1, 'local': 1}),
    ('reload ignoreDefaults: the file alone', got.get('afterReloadIgnore') == {'disk': 1}),
    ('createNew ignores the file', got.get('createNew') == {'n': 0} and disk('reload.json') == b'{"disk": 1}'),
    ('2.0\'s flat options, [value, exists]', got.get('flat') == [1, True] and disk('flat.json') is None),
    ('a hostile renderer\'s arguments', got.get('noKey') == 'error store:set: expected {rid, key: string (under 1 KiB)}'
        and got.get('ridString') == 'error store:get: expected {rid: number, ...}'
        and str(got.get('badAutoSave')).startswith('error store:load: options.autoSave must be')
        and got.get('noPath') == 'error store:load: expected {path: string, ...}'),
    ('corrupt: a clear error', str(got.get('corrupt')).startswith('error store:load: corrupt.json: the store file is corrupt (')),
    ('corrupt: the file is kept', disk('corrupt.json') == b'{not json'),
    ('corrupt: no host path in the message', tmp not in str(got.get('corrupt'))),
    ('..', 'must not contain ".."' in str(got.get('escape'))),
    ('absolute', 'the path must be relative' in str(got.get('absolute')) and not os.path.exists('/tmp/moat-store-absolute.json')),
    ('serializeFnName', 'serialize function not found' in str(got.get('serializer'))),
    ('a rid never handed out', 'bad resource id 4242' in str(got.get('badRid'))),
    ('Resource.close', got.get('close') is None and 'bad resource id' in str(got.get('afterClose'))),
    ('closed, then loaded again from disk', got.get('reloaded') is False),
    ('onKeyChange', got.get('keyEvents') == ['light2']),
    ('onChange', got.get('allEvents', [])[:4] == ['theme', 'nested', 'gone', 'gone']),
    ('deny-save: load and set allowed', deny.get('load') == 'ok' and deny.get('set') == 'ok'),
    ('deny-save: save denied', str(deny.get('save')).startswith('error store:save is not allowed')),
    ('deny-save: nothing written', disk('d.json') is None),
    ('not granted: load denied', str(none.get('load')).startswith('error store:load is not allowed')),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name)
if fails:
    print('store:', got, '\ndeny:', deny, '\nnone:', none)
sys.exit(1 if fails else 0)
PY
