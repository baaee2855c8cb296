#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_store_cap.sh MOAT OUT_DIR: plugin-store's cap (64 MiB an app) through the official
# package: the set that would pass it is refused with limit_exceeded, the store goes on, and
# the file saved on disk is valid JSON holding exactly what was accepted; a seeded file over
# 64 MiB is refused at load and left as it was.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
appdata=$tmp/data/org.example.moatcheck
mkdir -p "$tmp/home" "$appdata"
python3 -c "import sys; open(sys.argv[1], 'w').write('{\"k\": \"' + 'z' * (65 << 20) + '\"}')" "$appdata/huge.json"
huge_sum=$(md5sum <"$appdata/huge.json")
printf '{"identifier": "c", "windows": ["main"], "permissions": ["core:default", "store:default"]}\n' >"$tmp/caps.json"
timeout 120 env -u XDG_CONFIG_HOME HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
    "$moat" run "$out/project/dist-store_cap" --policy "$tmp/caps.json" >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$(md5sum <"$appdata/huge.json")" = "$huge_sum" ] && echo same >"$tmp/huge.same"
python3 - "$tmp" "$appdata" "$st" <<'PY'
import json, os, sys
tmp, appdata, st = sys.argv[1], sys.argv[2], int(sys.argv[3])
line = [l for l in open(os.path.join(tmp, 'out')) if l.startswith('RESULT ')]
got = json.loads(line[0][7:]) if line else {}
try:
    disk = json.load(open(os.path.join(appdata, 'big.json')))
except Exception as e:
    disk = 'invalid: %s' % e
big = '\x01' * (5 << 19)
def refused(k): return str(got.get(k, '')).startswith('error store:set: the app\'s stores would hold over 64 MiB')
checks = [
    ('moat run exited 0', st == 0),
    ('four 15 MiB values fit', all(got.get('set_' + k) == 'ok' for k in 'abcd')),
    ('the fifth is refused', refused('set_e') and got.get('hasE') is False),
    ('the cap is the app\'s: another store refused too', refused('other')),
    ('the store goes on', got.get('small') == 'ok' and got.get('replace') == 'ok' and got.get('length') == 5),
    ('room made is room to use', got.get('afterReplace') == 'ok'),
    ('saved', got.get('save') == 'ok'),
    ('the file is valid JSON with what was accepted', isinstance(disk, dict) and sorted(disk) == ['a', 'b', 'c', 'd', 'small']
        and disk['a'] == 'short now' and all(disk[k] == big for k in 'bcd') and disk['small'] == 'fits'),
    ('a file over 64 MiB is not loaded', 'over 64 MiB' in str(got.get('huge'))),
    ('and is left as it was', os.path.exists(os.path.join(tmp, 'huge.same'))),
]
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    print(st, {k: str(v)[:200] for k, v in got.items()}, str(disk)[:300], open(os.path.join(tmp, 'err')).read()[-2000:])
sys.exit(1 if fails else 0)
PY
