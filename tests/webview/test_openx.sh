#!/usr/bin/env bash
# test_openx.sh MOAT: an X server with no access control (Xvfb without -auth)
# lets every client in as trusted, so an untrusted cookie would change
# nothing. The core notices it (an X connection setup with no cookie is
# accepted), says so, and the page still paints (the host draws without
# MIT-SHM: its shmget is refused, not fatal); --strict refuses to start.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
open_xvfb() {
    local n pid
    for n in $(seq 191 290); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        Xvfb ":$n" -screen 0 640x480x24 -nolisten tcp -noreset >"$WORK/xvfb.log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do
            [ -S "/tmp/.X11-unix/X$n" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if [ -S "/tmp/.X11-unix/X$n" ] && kill -0 "$pid" 2>/dev/null; then
            PIDS+=("$pid")
            export DISPLAY=":$n"
            unset XAUTHORITY
            return 0
        fi
        wait "$pid" 2>/dev/null
    done
    fail "no free X display for Xvfb"
}
open_xvfb
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
