#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_windows.sh MOAT: a manifest with two windows ("main", "second"), each
# with its own capability; each gets its own answers, and after "main"
# closes, "second" still gets answers.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb
"$moat" run "$here/windows" --policy "$here/windows/caps.json" --audit "$WORK/audit" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" 'second saw main exit with code 0 (from the core)' 60 || { grep -v "^second #" "$WORK/out"; tail -3 "$WORK/out"; grep -v "^{" "$WORK/err"; ps -ef | grep -c "[m]oat-webview"; fail "main did not end"; }
before=$(grep -c '^second #' "$WORK/out")
sleep 1.5
after=$(grep -c '^second #' "$WORK/out")
tree=$(xwininfo -root -tree)
kill -INT "$mpid"
wait "$mpid"
grep -v "^second #" "$WORK/out"; head -3 "$WORK/out"; cat "$WORK/err"
no_violations
grep -q '^main #0: version=ok(0\.[0-9.]*) name=denied$' "$WORK/out" || fail "main's answers"
grep -q '^second #0: version=denied name=ok(moat)$' "$WORK/out" || fail "second's answers"
if grep -q '^main #1' "$WORK/out"; then fail "main went on after closing"; fi
grep -q '^second heard second-alive from second$' "$WORK/out" || fail 'an event did not name its sender'
[ "$after" -gt "$before" ] || fail "second stopped answering after main closed ($before, then $after)"
grep -q '^second #[0-9]*: version=denied name=ok(moat)$' <(tail -n 3 "$WORK/out") || fail "second's last answers"
echo "$tree" | grep -qF '"second window"' || fail "no window titled 'second window'"
if echo "$tree" | grep -qF '"first window"'; then fail "the first window is still open"; fi
echo "ok"
