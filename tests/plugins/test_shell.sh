#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_shell.sh MOAT OUT_DIR: plugin-shell through @tauri-apps/plugin-shell (pinned), under
# a capability file with Tauri's shell scope entries. The programs are small scripts that
# record what they were run with (a marker file), so every check is on a real effect:
# what ran, with which arguments, environment and cwd, what was refused and never ran,
# the children killed with their renderer (process:restart ends it), and the example
# capability of Tauri's shell plugin docs, loaded unchanged.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
chmod 755 "$tmp"
# A sleep of its own length: the unprivileged run of this test may run beside it.
nap=31.$$
trap 'pkill -xf "sleep $nap" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/home"
script() { # script NAME BODY: an executable in $tmp/bin
    printf '#!/bin/sh\n%s\n' "$2" >"$tmp/bin/$1"
    chmod 755 "$tmp/bin/$1"
}
for m in mark-any mark-word mark-alt mark-digits mark-raw mark-fixed mark-none mark-denied \
    mark-exec-only; do
    # one line per run: the program's name, then each argument in brackets
    script "$m" "{ printf '%s' \"\$(basename \"\$0\")\"; for a in \"\$@\"; do printf ' [%s]' \"\$a\"; done; echo; } >>$tmp/marks"
done
script late "echo \$\$ >$tmp/late-pid; sleep $nap; touch $tmp/late-ran"
script bytes "printf 'a\\377b\\n'"
script late-exec "echo \$\$ >$tmp/late-exec-pid; exec sleep $nap"
script late-exec-alive "if kill -0 \$(cat $tmp/late-exec-pid) 2>/dev/null; then echo alive; else echo dead; fi"
script latin "printf 'caf\\351\\n'"
script alive 'if kill -0 "$1" 2>/dev/null; then echo alive; else echo dead; fi'
script big-output "head -c 9000000 /dev/zero | tr '\\\\0' a"
script xdg-open "printf '%s\\n' \"\$@\" >$tmp/opened"
b=$tmp/bin
cat >"$tmp/caps.json" <<JSON
{
  "identifier": "main-capability",
  "windows": ["main"],
  "permissions": [
    "core:default", "store:default", "process:default", "shell:default",
    "shell:allow-stdin-write", "shell:allow-kill",
    {
      "identifier": "shell:allow-execute",
      "allow": [
        {"name": "echo-test", "cmd": "echo", "args": true},
        {"name": "mark-any", "cmd": "$b/mark-any", "args": true},
        {"name": "mark-word", "cmd": "$b/mark-word", "args": [{"validator": "^\\\\w+\$"}]},
        {"name": "mark-alt", "cmd": "$b/mark-alt", "args": [{"validator": "abc|def"}]},
        {"name": "mark-digits", "cmd": "$b/mark-digits", "args": [{"validator": "\\\\d+"}]},
        {"name": "mark-raw", "cmd": "$b/mark-raw", "args": [{"validator": "^abc", "raw": true}]},
        {"name": "mark-fixed", "cmd": "$b/mark-fixed", "args": ["fixed", {"validator": "\\\\w+"}]},
        {"name": "mark-none", "cmd": "$b/mark-none"},
        {"name": "mark-denied", "cmd": "$b/mark-denied", "args": true},
        {"name": "mark-exec-only", "cmd": "$b/mark-exec-only"},
        {"name": "exec-sh", "cmd": "sh", "args": ["-c", {"validator": "\\\\S+"}], "sidecar": false},
        {"name": "env-test", "cmd": "/usr/bin/env"},
        {"name": "pwd-test", "cmd": "/bin/pwd"},
        {"name": "big-output", "cmd": "$b/big-output"},
        {"name": "alive", "cmd": "$b/alive", "args": [{"validator": "\\\\d+"}]},
        {"name": "bytes", "cmd": "$b/bytes"},
        {"name": "latin", "cmd": "$b/latin"},
        {"name": "late-exec", "cmd": "$b/late-exec"},
        {"name": "late-exec-alive", "cmd": "$b/late-exec-alive"}
      ],
      "deny": [{"name": "mark-denied"}]
    },
    {
      "identifier": "shell:allow-spawn",
      "allow": [
        {"name": "echo-test", "cmd": "echo", "args": true},
        {"name": "cat-test", "cmd": "cat"},
        {"name": "late", "cmd": "$b/late"},
        {"name": "bytes", "cmd": "$b/bytes"},
        {"name": "latin", "cmd": "$b/latin"}
      ]
    }
  ]
}
JSON
# The example of https://v2.tauri.app/plugin/shell/ (Permissions), as it is written there.
cat >"$tmp/docs.json" <<'JSON'
{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "main-capability",
  "description": "Capability for the main window",
  "windows": ["main"],
  "permissions": [
    {
      "identifier": "shell:allow-execute",
      "allow": [
        {
          "name": "exec-sh",
          "cmd": "sh",
          "args": [
            "-c",
            {
              "validator": "\\S+"
            }
          ],
          "sidecar": false
        }
      ]
    }
  ]
}
JSON
"$moat" policy check "$tmp/docs.json" >"$tmp/docs.out" 2>&1
echo $? >"$tmp/docs.st"
timeout 120 env -u XDG_DATA_HOME HOME="$tmp/home" PATH="$b:$PATH" MOAT_TEST_SECRET=hunter2 \
    "$moat" run "$out/project/dist-shell" --policy "$tmp/caps.json" >"$tmp/run.out" 2>"$tmp/run.err"
echo $? >"$tmp/run.st"
for _ in $(seq 50); do pgrep -xf "sleep $nap" >"$tmp/sleepers" || break; sleep 0.1; done
exec python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
def read(n):
    p = os.path.join(tmp, n)
    return open(p).read() if os.path.exists(p) else None
res, runs = {}, 0
for l in read('run.out').splitlines():
    if l == 'DONE': runs += 1
    name, _, v = l.partition(' ')
    try: res[name] = json.loads(v)
    except ValueError: res[name] = v
marks = (read('marks') or '').splitlines()
def err(name, *parts):
    v = res.get(name)
    return isinstance(v, str) and v.startswith('error') and all(p in v for p in parts)
def ran(prog): return [m for m in marks if m.split(' ')[0] == prog]
execsh = res.get('EXEC_SH') or {}
env = res.get('ENV') or {}
cat = res.get('CAT') or {}
spawn = res.get('SPAWN') or {}
checks = [
    ('the docs example capability loads unchanged', read('docs.st').strip() == '0'),
    ('execute: {code, signal, stdout, stderr}', res.get('EXEC') == {'code': 0, 'signal': None, 'stdout': 'hello world\n', 'stderr': ''}),
    ('execute with args as one string', (res.get('EXEC_STRING') or {}).get('stdout') == 'single\n'),
    ('execute raw: bytes', (res.get('EXEC_RAW') or {}).get('stdout') == [104, 105, 10]),
    ('spawn: stdout lines, then Terminated', spawn.get('stdout') == ['one', 'two', 'three'] and spawn.get('close') == {'code': 0, 'signal': None} and spawn.get('pid') == 'number'),
    ('spawn cat: stdin written (string and bytes) comes back', cat.get('stdout') == ['ping', 'pong']),
    ('kill: the child ends by SIGKILL', cat.get('close') == {'code': None, 'signal': 9}),
    ('spawn raw: chunks of bytes', (res.get('SPAWN_RAW') or {}).get('stdout') == [[104, 105, 10]]),
    ('stdin_write to a child that does not read: refused after 5 s', (res.get('STDIN_STUCK') or {}).get('waited') is True and 'did not read its input' in res['STDIN_STUCK'].get('r', '')),
    ('stdin_write to a pid not ours', err('STDIN_OTHER', 'no running child')),
    ('kill of a pid not ours: nothing happens', res.get('KILL_OTHER') == 'ok'),
    ('open file:// denied by the open scope', err('OPEN_FILE', 'does not match the open scope')),
    ('open smb:// denied', err('OPEN_SMB', 'does not match the open scope')),
    ('open https: xdg-open got the URL alone', res.get('OPEN_HTTPS') == 'ok' and read('opened') == 'https://example.com/moat\n'),
    ('open with an unknown program', err('OPEN_WITH_BAD', 'unknown program name')),
    ('args true: every argument, unchanged, no shell', ran('mark-any') == ['mark-any [a b] [--x;y] [$(id)]']),
    ('validator: a word passes', ran('mark-word') == ['mark-word [abc]'] and res.get('MARK_WORD', {}).get('code') == 0),
    ('validator: a newline in the argument', err('WORD_NEWLINE', 'argument 0', 'fails the validator')),
    ('validator: a trailing newline ($ is the end)', err('WORD_TRAILING_NL', 'fails the validator')),
    ('validator: --foo; rm', err('WORD_SEMI', 'argument 0', 'fails the validator')),
    ('args beyond the declared list', err('WORD_EXTRA', 'argument 1 is beyond')),
    ('a missing argument', err('WORD_MISSING', 'argument 0 must match')),
    ('a string where a list is declared', err('WORD_STRING', 'unexpected format')),
    ('an alternation matches whole arguments only', ran('mark-alt') == ['mark-alt [def]'] and err('ALT_PREFIX', 'fails the validator') and err('ALT_SUFFIX', 'fails the validator')),
    ('\\d+ against 123abc', err('DIGITS_SUFFIX', 'fails the validator') and ran('mark-digits') == []),
    ('raw: the regex as written (unanchored end)', ran('mark-raw') == ['mark-raw [abc-anything]']),
    ('fixed arguments are the scope\'s', ran('mark-fixed') == ['mark-fixed [fixed] [ok]']),
    ('no args in the entry: none allowed', err('NOARGS', 'allows no arguments') and ran('mark-none') == ['mark-none']),
    ('a deny entry wins', err('DENIED', 'denied by the scope') and ran('mark-denied') == []),
    ('and it is audited', any('"decision":"deny"' in l and 'mark-denied is denied' in l for l in read('run.err').splitlines())),
    ('spawn of a program only execute\'s scope names', err('NOT_GRANTED_SPAWN', 'not allowed by the scope') and ran('mark-exec-only') == []),
    ('names not in the scope, paths and PATH lookups', all(err('NOSCOPE%d' % i, 'not allowed by the scope') for i in range(6))),
    ('the docs example: a space fails \\S+', err('EXEC_SH_DOCS', 'fails the validator')),
    ('exec-sh printenv: a clean environment', execsh.get('code') == 0 and 'hunter2' not in execsh.get('stdout', 'hunter2') and 'PATH=' in execsh.get('stdout', '')),
    ('sidecar flag against a plain entry', err('SIDECAR', 'improper sidecar flag')),
    ('options.env adds', 'FOO=bar\n' in env.get('stdout', '') and 'hunter2' not in env.get('stdout', 'hunter2')),
    ('options.env null: empty', (res.get('ENV_NULL') or {}).get('stdout') == ''),
    ('LD_PRELOAD refused', err('ENV_LD', 'LD_PRELOAD may not be set')),
    ('PATH refused', err('ENV_PATH', 'PATH may not be set')),
    ('an env name with =', err('ENV_BADNAME', 'options.env')),
    ('cwd', (res.get('CWD') or {}).get('stdout') == '/\n'),
    ('cwd relative', err('CWD_RELATIVE', 'absolute path')),
    ('cwd missing', err('CWD_MISSING', 'is no directory')),
    ('cwd a file', err('CWD_FILE', 'is no directory')),
    ('program not a string', err('BAD_PROGRAM', 'program must be')),
    ('args not strings', err('BAD_ARGS', 'argument 0 is not a string')),
    ('args a map', err('BAD_ARGS_MAP', 'args must be')),
    ('options a string', err('BAD_OPTIONS', 'options must be a map')),
    ('unknown encoding', err('BAD_ENCODING', 'unknown encoding')),
    ('a NUL in an argument', err('NUL_ARG', 'NUL')),
    ('2000 arguments', err('HUGE_COUNT', 'more than 1024 arguments')),
    ('a 200 KB argument', err('HUGE_ARG', 'pass')),
    ('kill with a bad pid', err('BAD_PID', 'expected')),
    ('stdin_write of a bad byte', err('BAD_BUFFER', 'expected')),
    ('spawn without a channel', err('SPAWN_NO_CHANNEL', 'onEvent')),
    ('execute output capped', err('BIG_OUTPUT', 'output passed')),
    ('32 children at once, the 33rd refused', (res.get('CAP') or {}).get('running') == 32 and 'more than 32 programs' in (res.get('CAP') or {}).get('refused', '')),
    ('300 executes in a row', res.get('MANY') == 300),
    ('an aborted execute: timeout, and its program killed', err('ABORTED', 'cancelled') and (res.get('ABORTED_AFTER') or {}).get('stdout') == 'dead\n' and read('late-exec-pid') is not None),
    ('1000 spawns at once: 32 run, the rest refused', res.get('BURST') == {'ok': 32, 'capped': 968}),
    ('and after them, programs run again', (res.get('AFTER_BURST') or {}).get('stdout') == 'still\n'),
    ('output no UTF-8: execute fails', err('BYTES_EXEC', 'no UTF-8')),
    ('encoding utf-8: replaced', (res.get('BYTES_LOSSY') or {}).get('stdout') == 'a\ufffdb\n'),
    ('encoding windows-1252 (execute) and ISO-8859-1 (spawn)', (res.get('LATIN_EXEC') or {}).get('stdout') == 'caf\u00e9\n' and (res.get('LATIN_SPAWN') or {}).get('stdout') == ['caf\u00e9']),
    ('spawn: an Error event', (res.get('BYTES_SPAWN') or {}).get('errors') == ['invalid utf-8 sequence from index 1'] and res['BYTES_SPAWN'].get('close') == {'code': 0, 'signal': None}),
    ('relaunch: the first run ended there', runs == 1 and 'LATE_AFTER' in res),
    ('its child was killed with it', (res.get('LATE_AFTER') or {}).get('stdout') == 'dead\n' and read('late-pid') is not None),
    ('and its grandchild (the group)', read('sleepers') == '' and read('late-ran') is None),
    ('moat run ended well', read('run.st').strip() == '0'),
]
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    print(read('run.out')); print(read('run.err')[-6000:]); print('marks', marks); print(read('docs.out'))
sys.exit(1 if fails else 0)
PY
