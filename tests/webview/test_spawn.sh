#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_spawn.sh MOAT APP CAPS: new WebviewWindow and getAllWindows through the
# real @tauri-apps/api (app/spawn): the window "main" makes "child", a
# renderer of its own (its own host process) running child.html under
# child's capability; a duplicate label, a bad label and another origin are
# refused, and child, not granted core:webview:allow-create-webview-window, is denied.
# When child destroys itself, main hears tauri://destroyed on it (and on any
# window), not on its own window.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1 app=$2 caps=$3
start_xvfb
"$moat" run "$app" --policy "$caps" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" "main: all windows" 60 || { cat "$WORK/out" "$WORK/err"; fail "main did not list the windows"; }
hosts=$(pgrep -P "$mpid" -x moat-webview | wc -l)
tree=$(xwininfo -root -tree) # both windows, before child destroys itself
wait_for "$WORK/out" "main: done" 60 || { cat "$WORK/out" "$WORK/err"; fail "main did not finish"; }
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out" "$WORK/err"
no_violations
grep -q '^main: page / version=ok(0\.[0-9.]*) name=denied$' "$WORK/out" || fail "main's answers"
grep -q '^child: page /child.html version=denied name=ok(moat)$' "$WORK/out" || fail "child's answers (its own capability, its own page)"
grep -q '^main: new child: created$' "$WORK/out" || fail "the child was not created"
grep -q '^main: another child: error: .*already exists' "$WORK/out" || fail "a duplicate label was not refused"
grep -q '^main: bad label: error: .*label' "$WORK/out" || fail "a bad label was not refused"
grep -q '^main: other origin: error: .*not another origin' "$WORK/out" || fail "another origin was not refused"
grep -q '^child: grandchild: error: ' "$WORK/out" || fail "child made a window without the permission"
grep -q '^main: all windows: child,main$' "$WORK/out" || fail "getAllWindows"
grep -q '^main: child destroyed, windows now: main$' "$WORK/out" || fail "no tauri://destroyed for child, or it is still listed"
grep -q '^main: heard on its own window 0, on any window 1$' "$WORK/out" ||
    fail "tauri://destroyed of child reached a listener on main's own window, or not the Any one"
[ "$hosts" -eq 2 ] || fail "$hosts host processes, expected 2 (one per window)"
echo "$tree" | grep -qF '"child window"' || { echo "$tree"; fail "no window titled 'child window'"; }
echo "ok"
