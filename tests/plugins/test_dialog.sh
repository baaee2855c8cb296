#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_dialog.sh MOAT OUT_DIR: the dialog.js bundle (@tauri-apps/plugin-dialog, pinned) in two
# webview windows; xdotool drives the real GTK dialogs on the test's own Xvfb: the file chooser
# (moat-desktop, the core's helper) and the message dialogs (the webview host). The picked file
# is readable by that window only (its sibling is not, nor is it for the other window); a second
# chooser while one is open, a cancelled one, an overlong title and a denied open each get their
# answer; save answers the typed path without making the file.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../webview/lib.sh"
. "$here/dialog_lib.sh"
moat=$1 out=$2
command -v xdotool >/dev/null || fail "xdotool is not installed (scripts/deps installs it)"
app=$WORK/dlg
mkdir -p "$app" "$WORK/files"
cp "$out/project/dist-dialog/main.js" "$app/main.js"
printf '<!doctype html>\n<html><head><meta charset="utf-8"><script src="/main.js"></script></head><body></body></html>\n' >"$app/index.html"
printf '{"kind": "webview", "windows": [{"label": "main", "title": "dialog main", "width": 300, "height": 200}, {"label": "other", "title": "dialog other", "width": 300, "height": 200}]}\n' >"$app/moat.json"
printf '{"identifier": "c", "windows": ["main", "other"], "permissions": ["core:default", "dialog:default", "fs:allow-read-text-file"]}\n' >"$WORK/caps.json"
printf '{"identifier": "c", "windows": ["main", "other"], "permissions": ["core:default", "dialog:allow-message", "fs:allow-read-text-file"]}\n' >"$WORK/none.json"
echo "picked by the user" >"$WORK/files/chosen.txt"
echo "next to it" >"$WORK/files/sibling.txt"
files=$(cd "$WORK/files" && pwd -P)
start_xvfb

"$moat" run "$app" --policy "$WORK/caps.json" --audit "$WORK/audit" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
find_window 'moat open' >/dev/null || { cat "$WORK/out" "$WORK/err"; fail "no file chooser"; }
wait_for "$WORK/out" BUSY 30 || { cat "$WORK/out" "$WORK/err"; fail "the second open got no answer"; }
grep -q '^BUSY .*already open for this window' "$WORK/out" || { cat "$WORK/out"; fail "a second chooser was not refused"; }
echo "ok   a second open while one is showing: $(grep ^BUSY "$WORK/out")"
press 'moat open' key ctrl+l
sleep 0.3
xdotool type --delay 20 "$files/chosen.txt"
sleep 0.3
xdotool key Return
wait_for "$WORK/out" SIBLING 30 || { cat "$WORK/out" "$WORK/err"; fail "the page did not read what it picked"; }
grep -qF "OPEN \"$files/chosen.txt\"" "$WORK/out" || { cat "$WORK/out"; fail "open() did not answer the typed path"; }
grep -qF 'READ ok:picked by the user' "$WORK/out" || { cat "$WORK/out"; fail "the picked file was not readable"; }
grep -q '^SIBLING err:.*outside the scope' "$WORK/out" || { cat "$WORK/out"; fail "the sibling was readable"; }
echo "ok   open: the chooser's path, readable; its sibling denied"
press 'moat cancel' key Escape
wait_for "$WORK/out" CANCEL 30 || { cat "$WORK/out" "$WORK/err"; fail "no answer for a cancelled chooser"; }
grep -qx 'CANCEL null' "$WORK/out" || { cat "$WORK/out"; fail "a cancelled chooser did not answer null"; }
echo "ok   cancelled: null"
press 'moat message' key Return
wait_for "$WORK/out" MESSAGE 30 || { cat "$WORK/out" "$WORK/err"; fail "message() got no answer"; }
press 'moat ask' key Escape
wait_for "$WORK/out" ASK 30 || { cat "$WORK/out" "$WORK/err"; fail "ask() got no answer"; }
press 'moat confirm' key Return
wait_for "$WORK/out" CONFIRM 30 || { cat "$WORK/out" "$WORK/err"; fail "confirm() got no answer"; }
grep -qx 'MESSAGE Ok' "$WORK/out" && grep -qx 'ASK false' "$WORK/out" && grep -qx 'CONFIRM true' "$WORK/out" ||
    { cat "$WORK/out"; fail "message/ask/confirm answers"; }
echo "ok   message: Ok (Return), ask: false (Escape), confirm: true (Return)"
press 'moat save' key ctrl+a
xdotool type --delay 20 "$files/new.txt"
sleep 0.3
xdotool key Return
wait_for "$WORK/out" SAVE 30 || { cat "$WORK/out" "$WORK/err"; fail "save() got no answer"; }
grep -qF "SAVE \"$files/new.txt\"" "$WORK/out" || { cat "$WORK/out"; fail "save() did not answer the typed path"; }
[ -e "$files/new.txt" ] && fail "the save dialog made the file"
echo "ok   save: the typed path, no file made"
wait_for "$WORK/out" TITLE 30 || { cat "$WORK/out" "$WORK/err"; fail "no answer for an overlong title"; }
grep -q '^TITLE .*options.title must be a string of at most 1024 bytes' "$WORK/out" || { cat "$WORK/out"; fail "an overlong title was not refused"; }
wait_for "$WORK/out" OTHER 30 || { cat "$WORK/out" "$WORK/err"; fail "the other window did not try"; }
grep -q '^OTHER err:.*outside the scope' "$WORK/out" || { cat "$WORK/out"; fail "the other window could read main's pick"; }
echo "ok   the other window is denied main's pick"
grep -q '^ERR' "$WORK/out" && { cat "$WORK/out"; fail "the page saw an error"; }
kill -INT "$mpid"
wait "$mpid"
no_violations

# Denied: without dialog:allow-open the page's open is refused and audited, no chooser shown.
timeout 60 "$moat" run "$app" --policy "$WORK/none.json" --audit "$WORK/audit2" >"$WORK/out2" 2>"$WORK/err2" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out2" ERR 60 || { cat "$WORK/out2" "$WORK/err2"; fail "the denied page printed no error"; }
grep -q '^ERR dialog:open is not allowed' "$WORK/out2" || { cat "$WORK/out2"; fail "no refusal"; }
grep -q '"command":"dialog:open","decision":"deny"' "$WORK/audit2" || { cat "$WORK/audit2"; fail "no denied open in the audit"; }
xdotool search --name '^moat open$' >/dev/null && fail "a chooser was shown for a denied open"
echo "ok   denied: $(grep ^ERR "$WORK/out2")"
kill -INT "$mpid"
wait "$mpid"
echo "ok"
