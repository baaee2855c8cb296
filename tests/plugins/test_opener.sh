#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_opener.sh MOAT OUT_DIR: plugin-opener through @tauri-apps/plugin-opener (pinned). The
# core starts $MOAT_OPENER (a fake that records its argv) instead of xdg-open; the checks are
# on what that fake saw: exactly the allowed URLs and paths, nothing the scope refused, with
# stdin and stdout on /dev/null and no descriptor of the core's. Then opener:default (Tauri's
# default URLs), and the capability example of the plugin's docs, unchanged.
set -u
moat=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
home=$tmp/home
mkdir -p "$tmp/bin" "$home/docs/secret" "$home/docs/sub"
echo report >"$home/docs/report.txt"
echo key >"$home/docs/secret/key.txt"
echo b >"$home/docs/sub/b.txt"
echo other >"$home/other.txt"
ln -s ../other.txt "$home/docs/link.txt"
# One line per start, written at once: the program, argc, each argument, then where its
# descriptors lead (but the one listing them).
cat >"$tmp/bin/fake-opener" <<'PY'
#!/usr/bin/env python3
import os, sys
fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))
where = {f: os.readlink('/proc/self/fd/%d' % f) for f in fds if os.path.exists('/proc/self/fd/%d' % f)}
fds = ' '.join('%d:%s' % (f, t) for f, t in where.items() if not t.startswith('/proc/'))
line = 'CALL %s %d %s |%s|\n' % (os.path.basename(sys.argv[0]), len(sys.argv) - 1,
                                  ' '.join('<%s>' % a for a in sys.argv[1:]), fds)
with open(os.environ['OPENER_LOG'], 'a') as f:
    f.write(line)
PY
chmod +x "$tmp/bin/fake-opener"
cp "$tmp/bin/fake-opener" "$tmp/bin/fakebrowser"
cp "$tmp/bin/fake-opener" "$tmp/bin/otherbrowser"
cat >"$tmp/caps.json" <<'JSON'
{
  "identifier": "main-capability", "windows": ["main"],
  "permissions": [
    "core:default",
    {
      "identifier": "opener:allow-open-url",
      "allow": [
        { "url": "https://example.com/docs/*" }, { "url": "mailto:*" },
        { "url": "https://trusted.example*" }, { "url": "https://apps.example/*", "app": "fakebrowser" },
        { "url": "javascript:*" }, { "url": "JavaScript:*" }, { "url": "file:*" }, { "url": "--*" }
      ],
      "deny": [{ "url": "https://example.com/docs/private/*" }]
    },
    {
      "identifier": "opener:allow-open-path",
      "allow": [{ "path": "$HOME/docs/**" }],
      "deny": [{ "path": "$HOME/docs/secret/**" }]
    },
    {
      "identifier": "opener:allow-reveal-item-in-dir",
      "deny": [{ "path": "$HOME/docs/secret/**" }]
    }
  ]
}
JSON
printf '{"identifier": "d", "windows": ["main"], "permissions": ["core:default", "opener:default"]}\n' >"$tmp/default.json"
# https://v2.tauri.app/plugin/opener/ (Permissions), as written there.
cat >"$tmp/docs.json" <<'JSON'
{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "main-capability",
  "description": "Capability for the main window",
  "windows": ["main"],
  "permissions": [
    {
      "identifier": "opener:allow-open-path",
      "allow": [
        {
          "path": "/path/to/file"
        },
        {
          "path": "$APPDATA/file"
        }
      ]
    }
  ]
}
JSON
run() { # run NAME CAPS [ONLY]: RESULT line in NAME.out, the fake's lines in NAME.log
    mkdir -p "$tmp/$1"
    cp -r "$out/project/dist-opener" "$tmp/$1/bundle"
    sed -i "s|__HOME__|$home|g; s|__ONLY__|${3:-}|" "$tmp/$1/bundle/main.js"
    : >"$tmp/$1.log"
    timeout 60 env -u XDG_DATA_HOME HOME="$home" PATH="$tmp/bin:$PATH" MOAT_OPENER="$tmp/bin/fake-opener" \
        OPENER_LOG="$tmp/$1.log" "$moat" run "$tmp/$1/bundle" --policy "$2" >"$tmp/$1.out" 2>"$tmp/$1.err" \
        <"$tmp/stdin" 7<"$tmp/stdin" # the core's stdin and an fd it leaves open: neither reaches the opener
    echo $? >"$tmp/$1.st"
}
echo stdin >"$tmp/stdin"
run main "$tmp/caps.json"
run default "$tmp/default.json" urlOk,urlOutside,urlFile,urlJavascript,pathOk,reveal
"$moat" policy check --strict "$tmp/docs.json" >"$tmp/docs.check" 2>&1
echo $? >"$tmp/docs.check.st"
run docs "$tmp/docs.json" pathOk,urlOk
# The openers run detached: give the last ones a moment to write.
for _ in $(seq 50); do [ "$(wc -l <"$tmp/main.log")" -ge 9 ] && [ "$(wc -l <"$tmp/default.log")" -ge 3 ] && break; sleep 0.1; done
sleep 0.3
exec python3 - "$tmp" "$home" <<'PY'
import json, os, sys
tmp, home = sys.argv[1], sys.argv[2]
def result(n):
    l = [l for l in open(os.path.join(tmp, n + '.out')) if l.startswith('RESULT ')]
    return json.loads(l[0][7:]) if l else {}
def calls(n): return [l.rstrip('\n') for l in open(os.path.join(tmp, n + '.log'))]
def st(n): return int(open(os.path.join(tmp, n + '.st')).read())
def call(prog, *args): return 'CALL %s %d %s' % (prog, len(args), ' '.join('<%s>' % a for a in args))
def fds_ok(l): # 0, 1 on /dev/null; 2 the core's stderr; nothing else
    fds = l.rsplit('|', 2)[1].split(' ')
    return len(fds) == 3 and fds[0] == '0:/dev/null' and fds[1] == '1:/dev/null' and fds[2].startswith('2:')
def strip(l): return l.rsplit(' |', 1)[0]
m, d, dc = result('main'), result('default'), result('docs')
audit = open(os.path.join(tmp, 'main.err')).read()
rseen, rdseen, docseen = calls('main'), calls('default'), calls('docs')
seen, dseen = [strip(l) for l in rseen], [strip(l) for l in rdseen]
def err(r, k, *words):
    v = r.get(k, '')
    return v.startswith('error ') and all(w.lower() in v.lower() for w in words)
want = [call('fake-opener', 'https://example.com/docs/a?b=1#c'), call('fake-opener', 'mailto:someone@example.com'),
        call('fake-opener', 'https://trusted.example/ok'), call('fakebrowser', 'https://apps.example/x'),
        call('fake-opener', home + '/docs/report.txt'), call('fake-opener', home + '/docs'),
        call('fake-opener', home + '/docs/sub'), call('fake-opener', home + '/docs'), call('fake-opener', home)]
checks = [
    ('moat run ended well', st('main') == 0 and st('default') == 0 and st('docs') == 0),
    ('allowed URL: ok', m.get('urlOk') == 'ok' and m.get('urlMailto') == 'ok' and m.get('urlTrusted') == 'ok'),
    ('the opener saw exactly the allowed URLs, paths and folders', sorted(seen) == sorted(want)),
    ('stdin, stdout on /dev/null, no other descriptor', all(fds_ok(l) for l in rseen + rdseen)),
    ('deny entry wins', err(m, 'urlDenied', 'not allowed', 'deny entry')),
    ('deny entry ignores case (host and path)', err(m, 'urlDeniedCase', 'deny entry')),
    ('dot segments resolved before matching', err(m, 'urlDots', 'https://example.com/admin', 'no allow entry')),
    ('outside the scope', err(m, 'urlOutside', 'no allow entry') and err(m, 'urlUpperScheme', 'no allow entry')),
    ('user info before the host refused', err(m, 'urlUserinfo', 'user info') and err(m, 'urlUserinfoEncoded')),
    ('javascript: refused though the scope allows it', err(m, 'urlJavascript', 'never opened') and err(m, 'urlJavascriptCase', 'never opened')),
    ('file: refused though the scope allows it', err(m, 'urlFile', 'file: URLs are never opened')),
    ('space, no scheme refused', err(m, 'urlSpace', 'space') and err(m, 'urlOption', 'no scheme')),
    ('with: refused by an entry without app', err(m, 'withDefaultEntry', 'with fakebrowser')),
    ('with: allowed by app "fakebrowser"', m.get('withOk') == 'ok'),
    ('with: another program refused', err(m, 'withOther', 'no allow entry')),
    ('with: a path refused', err(m, 'withPath', "program's name")),
    ('path in scope: ok', m.get('pathOk') == 'ok'),
    ('path under a deny entry, any case', err(m, 'pathSecret', 'deny entry') and err(m, 'pathSecretCase', 'deny entry')),
    ('path outside the scope', err(m, 'pathOutside', 'no allow entry')),
    ('a link out of the scope', err(m, 'pathLink', 'leads out of the scope')),
    ('.., relative, file: URL, missing', err(m, 'pathDots', '..') and err(m, 'pathRelative', 'absolute')
        and err(m, 'pathFileUrl', 'absolute') and err(m, 'pathMissing', 'does not exist')),
    ('reveal: opens the folder', m.get('reveal') == 'ok' and m.get('revealTwo') == 'ok'),
    ('reveal: a denied item refuses them all', err(m, 'revealMany', 'not allowed to reveal', 'deny entry')),
    ('reveal: no allow entry with a path, so any item (as Tauri)', m.get('revealOutside') == 'ok'),
    ('raw: bad argument types', err(m, 'rawUrlNumber', 'expected {url: string') and err(m, 'rawWithNumber', 'expected')
        and err(m, 'rawPaths', 'expected {paths')),
    ('default: Tauri\'s default URLs', d.get('urlOk') == 'ok' and d.get('urlOutside') == 'ok' and err(d, 'urlFile') and err(d, 'urlJavascript')),
    ('default: open_path not granted', err(d, 'pathOk', 'not allowed')),
    ('default: the opener saw them', sorted(dseen) == sorted([call('fake-opener', 'https://example.com/docs/a?b=1#c'),
        call('fake-opener', 'https://other.example/'), call('fake-opener', home + '/docs')])),
    ('the audit names the deny entry that refused (URL)', 'by scope entry {\\"url\\":\\"https://example.com/docs/private/*\\"} of opener:allow-open-url in capability main-capability (line 12, column 16)' in audit),
    ('the audit names the deny entry that refused (path)', 'by scope entry {\\"path\\":\\"$HOME/docs/secret/**\\"} of opener:allow-open-path in capability main-capability' in audit),
    ('docs capability: loads under --strict', int(open(os.path.join(tmp, 'docs.check.st')).read()) == 0),
    ('docs capability: its scope decides', err(dc, 'pathOk', 'no allow entry') and err(dc, 'urlOk', 'not allowed') and docseen == []),
]
fails = 0
for name, good in checks:
    fails += not good
    print(('ok   ' if good else 'FAIL ') + name)
if fails:
    print(rseen, rdseen)
    for n in ('main', 'default', 'docs'):
        print(n, st(n), json.dumps(result(n), indent=1), calls(n), open(os.path.join(tmp, n + '.err')).read())
sys.exit(1 if fails else 0)
PY
