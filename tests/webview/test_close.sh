#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_close.sh MOAT APP CAPS XCLOSE: the close app (app/close, built by build.sh
# from the real @tauri-apps/api): a close the page prevents leaves the window
# open and answering; one it does not prevent destroys it, and the host ends
# with code 0. The host only asks the page while it listens for
# tauri://close-requested (the first close() would otherwise have closed).
# CAPS without allow-destroy (CAPS minus .json, -no-destroy.json) is the control.
# XCLOSE (xclose.c) then closes APP-wm's window as a window manager would.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1 app=$2 caps=$3 xclose=$4
start_xvfb
timeout 60 "$moat" run "$app" --policy "$caps" --audit "$WORK/audit" >"$WORK/out" 2>"$WORK/err"
rc=$?
cat "$WORK/out" "$WORK/err"
no_violations
[ "$rc" -eq 0 ] || fail "moat run exited $rc, expected 0 once the only window was destroyed"
grep -q '^\(\[main\] \)\?close requested 1$' "$WORK/out" || fail "no first close-requested event"
grep -q '^\(\[main\] \)\?prevented$' "$WORK/out" || fail "the handler did not run"
grep -q 'still open after a prevented close: visible=true title=close test$' "$WORK/out" ||
    fail "the window did not stay open after preventDefault"
grep -q '^\(\[main\] \)\?close requested 2$' "$WORK/out" || fail "no second close-requested event"
# The control: without core:window:allow-destroy the page's destroy() is denied
# and the window stays open (moat run is still running when the timeout ends it).
timeout 8 "$moat" run "$app" --policy "${caps%.json}-no-destroy.json" --audit "$WORK/audit2" >"$WORK/out2" 2>&1
rc=$?
cat "$WORK/out2"
[ "$rc" -eq 124 ] || fail "without allow-destroy, moat run exited $rc (expected to be still running)"
grep -q '^\(\[main\] \)\?close requested 2$' "$WORK/out2" || fail "no second close-requested event in the control"
grep -q '"command":"core:window:destroy","decision":"deny"' "$WORK/audit2" || fail "no denied destroy in the audit"
# As a window manager's close button (xclose: WM_DELETE_WINDOW), on the same
# app's close-wm page: the first close is prevented, the second destroys the window.
"$moat" run "${app%/}-wm" --policy "$caps" >"$WORK/out3" 2>&1 &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out3" "waiting for the window manager" 60 || { cat "$WORK/out3"; fail "the close-wm page did not start"; }
"$xclose" "close wm test" || fail "xclose found no window"
wait_for "$WORK/out3" "prevented" 10 || { cat "$WORK/out3"; fail "the window manager's first close did not reach the page"; }
sleep 0.5
kill -0 "$mpid" 2>/dev/null || fail "the window closed although the page prevented it"
"$xclose" "close wm test" || fail "xclose found no window the second time"
for _ in $(seq 100); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$mpid" 2>/dev/null && fail "the window manager's second close did not end the app"
wait "$mpid"
rc=$?
cat "$WORK/out3"
[ "$rc" -eq 0 ] || fail "moat run exited $rc after the window manager's close"
grep -q '^\(\[main\] \)\?close requested 2$' "$WORK/out3" || fail "no second close-requested event from the window manager"
echo "ok"
