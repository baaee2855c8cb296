#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_clipboard.sh MOAT OUT_DIR CLIP: the clipboard.js bundle (@tauri-apps/plugin-clipboard-manager,
# pinned) in a webview window, against the test's own X client (clip.c) on the same display:
# what the page writes is what clip reads, what clip sets is what the page reads, write_html
# offers text/html, clear leaves nothing. Without the permissions the page is refused and the
# clipboard keeps what it had; the JS renderer answers "unsupported".
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../webview/lib.sh"
moat=$1 out=$2 clip=$3
app=$WORK/clip
mkdir -p "$app"
cp "$out/project/dist-clipboard/main.js" "$app/main.js"
printf '<!doctype html>\n<html><head><meta charset="utf-8"><script src="/main.js"></script></head><body></body></html>\n' >"$app/index.html"
printf '{"kind": "webview", "windows": [{"label": "main", "title": "clipboard", "width": 300, "height": 200}]}\n' >"$app/moat.json"
printf '{"identifier": "c", "windows": ["main"], "permissions": ["core:default", "clipboard-manager:allow-write-text", "clipboard-manager:allow-read-text", "clipboard-manager:allow-write-html", "clipboard-manager:allow-clear"]}\n' >"$WORK/caps.json"
printf '{"identifier": "c", "windows": ["main"], "permissions": ["core:default", "clipboard-manager:default"]}\n' >"$WORK/none.json"
start_xvfb

"$moat" run "$app" --policy "$WORK/caps.json" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" WROTE 60 || { cat "$WORK/out" "$WORK/err"; fail "the page did not write"; }
got=$("$clip" get) || fail "clip found no text on the clipboard after write_text"
[ "$got" = 'moat clipboard: héllo ✓ 42' ] || fail "clip read '$got', not what the page wrote"
echo "ok   write_text: clip read '$got'"
"$clip" set 'from the X client 7' >"$WORK/set1" &
PIDS+=("$!")
wait_for "$WORK/out" READ 30 || { cat "$WORK/out" "$WORK/err"; fail "the page read nothing"; }
grep -qF 'READ "from the X client 7"' "$WORK/out" || { cat "$WORK/out"; fail "read_text did not give clip's text"; }
echo "ok   read_text: the page read clip's text"
wait_for "$WORK/out" HTML 30 || { cat "$WORK/out" "$WORK/err"; fail "no write_html"; }
[ "$("$clip" html)" = '<b>bold moat</b>' ] || fail "text/html is '$("$clip" html)'"
[ "$("$clip" get)" = 'plain moat' ] || fail "write_html's alternative text is '$("$clip" get)'"
echo "ok   write_html: text/html and its alternative text"
"$clip" set 'clear now' >"$WORK/set2" &
PIDS+=("$!")
wait_for "$WORK/out" CLEARED 30 || { cat "$WORK/out" "$WORK/err"; fail "no clear"; }
sleep 0.3
if got=$("$clip" get); then fail "after clear the clipboard still has '$got'"; fi
echo "ok   clear: nothing left"
grep -q 'ERR' "$WORK/out" && { cat "$WORK/out"; fail "the page saw an error"; }
kill -INT "$mpid"
wait "$mpid"
no_violations

# Denied: clipboard-manager:default grants nothing; the page's write is refused, the clipboard kept.
"$clip" set 'kept by the test' >"$WORK/set3" &
setpid=$!
PIDS+=("$setpid")
wait_for "$WORK/set3" owned 10 || fail "clip could not own the clipboard"
timeout 60 "$moat" run "$app" --policy "$WORK/none.json" --audit "$WORK/audit" >"$WORK/out2" 2>"$WORK/err2" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out2" ERR 60 || { cat "$WORK/out2" "$WORK/err2"; fail "the denied page printed no error"; }
cat "$WORK/out2"
grep -q 'ERR clipboard-manager:write_text is not allowed' "$WORK/out2" || fail "no refusal"
grep -q '"command":"clipboard-manager:write_text","decision":"deny"' "$WORK/audit" || { cat "$WORK/audit"; fail "no denied write_text in the audit"; }
kill -0 "$setpid" 2>/dev/null || fail "clip lost the clipboard: the denied write took it"
[ "$("$clip" get)" = 'kept by the test' ] || fail "the clipboard changed under a denied write"
echo "ok   denied: refused, audited, the clipboard kept"
kill -INT "$mpid"
wait "$mpid"

# The JS renderer has no clipboard: "unsupported", even when allowed.
timeout 30 "$moat" run "$out/project/dist-clipboard" --policy "$WORK/caps.json" >"$WORK/out3" 2>&1
grep -q 'ERR .*unsupported\|ERR .*not supported by the JS renderer' "$WORK/out3" || { cat "$WORK/out3"; fail "the JS renderer did not answer unsupported"; }
echo "ok   JS renderer: $(grep ERR "$WORK/out3")"
echo "ok"
