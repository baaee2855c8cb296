#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_wayland.sh MOAT: with a Wayland compositor (a headless weston of the
# test's own) the webview host talks Wayland and gets that socket alone: an
# Xvfb is running and DISPLAY names it too, yet the host's /tmp holds no X
# socket, its environment has no DISPLAY, no window appears on the X server,
# and the page's colour is on weston's screen (weston-screenshooter).
# moat doctor names the display each way.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
command -v weston >/dev/null || fail "weston is not installed (scripts/deps installs it)"
start_xvfb
run=$WORK/run
mkdir -m 700 "$run"
export XDG_RUNTIME_DIR=$run WAYLAND_DISPLAY=moat-wl
weston --backend=headless-backend.so --use-pixman --socket=moat-wl --width=640 --height=480 \
    --idle-time=0 --debug >"$WORK/weston.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 100); do [ -S "$run/moat-wl" ] && break; sleep 0.05; done
[ -S "$run/moat-wl" ] || { cat "$WORK/weston.log"; fail "weston did not start"; }

"$moat" doctor >"$WORK/doctor" 2>&1
grep "^  display" "$WORK/doctor"
grep -q "^  display *wayland: the socket $run/moat-wl alone" "$WORK/doctor" || fail "moat doctor does not say wayland"
env -u WAYLAND_DISPLAY "$moat" doctor | grep -q "^  display *x11 $DISPLAY: its path socket and an untrusted cookie" ||
    fail "moat doctor does not say x11 without WAYLAND_DISPLAY"

# A WAYLAND_DISPLAY that names no socket is refused with the path it looked at.
rc=0
WAYLAND_DISPLAY=moat-none timeout 60 "$moat" run "$here/openx" >"$WORK/none" 2>&1 || rc=$?
cat "$WORK/none"
[ "$rc" -ne 0 ] || fail "moat run started with a WAYLAND_DISPLAY that names no socket"
grep -q "WAYLAND_DISPLAY=moat-none: no Wayland socket at $run/moat-none" "$WORK/none" ||
    fail "the refusal does not name the missing socket"
WAYLAND_DISPLAY=moat-none "$moat" doctor | grep -q "^  display *none: WAYLAND_DISPLAY=moat-none: no Wayland socket" ||
    fail "moat doctor does not say the Wayland socket is missing"

"$moat" run "$here/openx" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" "painted" 60 || { cat "$WORK/out" "$WORK/err"; fail "the page did not paint"; }
host=$(pgrep -P "$mpid" -x moat-webview | head -1)
[ -n "$host" ] || fail "no host process"
host_locked "$host"
sleep 0.5
(cd "$WORK" && timeout 20 weston-screenshooter) || fail "weston-screenshooter"
shot=$(ls "$WORK"/wayland-screenshot-*.png | head -1)
tree=$(xwininfo -root -tree)
if [ "$(id -u)" -eq 0 ]; then # the host is not dumpable: its /proc entries are root's
    [ -e "/proc/$host/root/tmp/.X11-unix" ] && fail "the host's /tmp has an X socket folder"
    [ -S "/proc/$host/root$run/moat-wl" ] || fail "the host does not have the Wayland socket"
    tr '\0' '\n' <"/proc/$host/environ" >"$WORK/env"
    grep -q '^DISPLAY=' "$WORK/env" && fail "the host has a DISPLAY"
    grep -q '^XAUTHORITY=' "$WORK/env" && fail "the host has an X cookie"
    grep -qx 'GDK_BACKEND=wayland' "$WORK/env" || fail "the host's GDK_BACKEND is not wayland"
    echo "host $host: no X socket, no DISPLAY, the Wayland socket alone"
fi
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out" "$WORK/err"
no_violations
echo "$tree" | grep -qF 'open display test' && fail "the window appeared on the X server"
got=$(pixel "$shot" 320 240)
echo "weston's screen at 320,240: $got"
[ "$got" = "20,200,60" ] || fail "the page's colour is not on weston's screen"
echo "ok"
