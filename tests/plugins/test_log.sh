#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_log.sh MOAT OUT_DIR: plugin-log through @tauri-apps/plugin-log (pinned): every level in
# plugin-log's format on stdout and in $APPLOG/<productName>.log, back through log://log to
# attachLogger, control characters escaped (no forged line), bad arguments refused, the file
# rotated past 40000 bytes (keep one); log:default beside Moat's own allow-log, log:deny-log.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
caps() { # caps NAME PERMISSIONS...
    local f=$tmp/$1.json p
    shift
    p=$(printf '"%s", ' "$@")
    printf '{"identifier": "main-capability", "windows": ["main"], "permissions": [%s]}\n' "${p%, }" >"$f"
}
caps full core:default log:default
caps logonly log:default
caps coreonly core:default
caps deny core:default log:default log:deny-log
for n in full logonly coreonly deny; do
    mkdir -p "$tmp/$n"
    timeout 60 env -u XDG_DATA_HOME HOME="$tmp/$n" "$moat" run "$out/project/dist-log" \
        --policy "$tmp/$n.json" >"$tmp/$n.out" 2>"$tmp/$n.err"
    st=$?
    [ $st -eq 0 ] || { echo "FAIL moat run ($n) exited $st"; cat "$tmp/$n.out" "$tmp/$n.err"; exit 1; }
done
exec python3 - "$tmp" <<'PY'
import json, os, re, sys
tmp = sys.argv[1]
def result(n):
    line = [l for l in open(os.path.join(tmp, n + '.out')) if l.startswith('RESULT ')]
    return json.loads(line[0][7:]) if line else {}
def logdir(n): return os.path.join(tmp, n, '.local/share/org.example.moatcheck/logs')
full, logonly, coreonly, deny = (result(n) for n in ('full', 'logonly', 'coreonly', 'deny'))
stdout = open(os.path.join(tmp, 'full.out')).read().splitlines()
rec = re.compile(r'^\[\d{4}-\d\d-\d\d\]\[\d\d:\d\d:\d\d\]\[([^\]]+)\]\[(TRACE|DEBUG|INFO|WARN|ERROR)\] (.*)$')
# attachConsole prints trace, debug and info to stdout too: each record once, in order
levels = list(dict.fromkeys((m.group(2), m.group(3)) for m in map(rec.match, stdout) if m and 'bulk' not in m.group(3)))
files = sorted(os.listdir(logdir('full'))) if os.path.isdir(logdir('full')) else []
text = open(os.path.join(logdir('full'), 'Moat Check.log')).read() if files == ['Moat Check.log'] else ''
flines = text.splitlines()
bulk = [int(l.split('bulk ')[1].split()[0]) for l in flines if 'bulk ' in l]
seen = full.get('seen', [])
checks = [
    ('every level answered', all(full.get(k) == 'ok' for k in ('trace', 'debug', 'info', 'warn', 'error'))),
    ('stdout: plugin-log\'s format, each level', levels[:5] == [('TRACE', 't-record'), ('DEBUG', 'd-record'), ('INFO', 'hello'), ('WARN', 'careful'), ('ERROR', 'broken')]),
    ('the target is the caller\'s location', all('@' in rec.match(l).group(1) for l in stdout if rec.match(l))),
    ('a forged line stays one line, escaped', any(l.endswith('[INFO] a\\n[2020-01-01][00:00:00][webview][ERROR] FORGED\\x1b[31m') for l in stdout) and not any(l.startswith('[2020-01-01]') for l in stdout + flines)),
    ('log://log: attachLogger saw each record', [r.get('level') for r in seen] == [1, 2, 3, 4, 5, 3] and seen[2]['message'].endswith('[INFO] hello')),
    ('attachConsole printed them', sum('[WARN] careful' in l for l in open(os.path.join(tmp, 'full.err'))) >= 1),
    ('a bad level', full.get('badLevel') == 'error log:log: level must be a LogLevel: 1 (Trace) to 5 (Error)'),
    ('keyValues of strings only', full.get('badKv') == 'error log:log: keyValues must be an object of strings'),
    ('one file under $APPLOG: keep one', files == ['Moat Check.log']),
    ('rotated: at most 40000 bytes', 0 < len(text.encode()) <= 40000),
    ('rotated: the newest records, none before the rotation', bulk and bulk[-1] == 399 and bulk[0] > 0 and bulk == list(range(bulk[0], 400)) and 't-record' not in text),
    ('the file is the user\'s alone', files and (os.stat(os.path.join(logdir('full'), files[0])).st_mode & 0o777) == 0o600),
    ('log:default grants plugin-log, not Moat\'s log', logonly.get('info') == 'ok' and str(logonly.get('moatLog')).startswith('error log is not allowed')),
    ('core:default: Moat\'s log, not plugin-log', coreonly.get('moatLog') == 'ok' and str(coreonly.get('info')).startswith('error log:log is not allowed')),
    ('not granted: nothing written', not os.path.exists(logdir('coreonly'))),
    ('log:deny-log', 'denied by log:deny-log' in str(deny.get('info')) and not os.path.exists(logdir('deny'))),
]
fails = 0
for name, ok in checks:
    fails += not ok
    print(('ok   ' if ok else 'FAIL ') + name)
if fails:
    print(full, logonly, coreonly, deny, levels, files, sep='\n')
sys.exit(1 if fails else 0)
PY
