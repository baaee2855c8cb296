#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_openx.sh MOAT: an X server with no access control (Xvfb without -auth)
# lets every client in as trusted, so an untrusted cookie would change
# nothing. The core notices it (an X connection setup with no cookie is
# accepted), says so, and the page still paints (the host draws without
# MIT-SHM: its shmget is refused, not fatal); --strict refuses to start.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb noauth
unset XAUTHORITY
"$moat" run "$here/openx" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" "painted" 60 || { cat "$WORK/out" "$WORK/err"; fail "the page did not paint"; }
sleep 0.5
import -window root "$WORK/shot.png" || fail "screenshot"
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out" "$WORK/err"
no_violations
grep -q 'no access control' "$WORK/err" "$WORK/out" || fail "moat did not say the display has no access control"
got=$(pixel "$WORK/shot.png" 200 150)
echo "pixel at 200,150: $got"
[ "$got" = "20,200,60" ] || fail "the page's colour is not on the screen"
rc=0
timeout 60 "$moat" run --strict "$here/openx" >"$WORK/strict" 2>&1 || rc=$?
cat "$WORK/strict"
[ "$rc" -ne 0 ] || fail "--strict started on a display without access control"
grep -q 'has no access control' "$WORK/strict" || fail "--strict did not say why it refused"
if grep -q 'painted' "$WORK/strict"; then fail "--strict ran the page"; fi
echo "ok"
