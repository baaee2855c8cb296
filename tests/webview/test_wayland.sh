#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_wayland.sh MOAT: with a Wayland compositor (a headless weston of the
# test's own) the webview host talks Wayland and gets that socket alone: an
# Xvfb is running and DISPLAY names it too, yet the host's /tmp holds no X
# socket, its environment has no DISPLAY, no window appears on the X server,
# and the page's colour is on weston's screen (weston-screenshooter).
# A WAYLAND_DISPLAY naming no socket falls back to X11 with a warning (the
# window is found on the Xvfb), unless there is no DISPLAY or GDK_BACKEND=wayland
# asks for Wayland alone: then moat run refuses, naming the path.
# moat doctor names the display, and why, each way.
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
grep -q "^  display *wayland: the socket $run/moat-wl alone, no X display (WAYLAND_DISPLAY=moat-wl)" "$WORK/doctor" ||
    fail "moat doctor does not say wayland"
env -u WAYLAND_DISPLAY "$moat" doctor |
    grep -q "^  display *x11 $DISPLAY: its path socket and an untrusted cookie (WAYLAND_DISPLAY is not set)" ||
    fail "moat doctor does not say x11 without WAYLAND_DISPLAY"

# A WAYLAND_DISPLAY that names no socket (left from another session) falls back to X11
# as GTK would, with a warning naming the path: the window opens on the Xvfb.
WAYLAND_DISPLAY=moat-none "$moat" doctor >"$WORK/doctor-stale" 2>&1
grep "^  display" "$WORK/doctor-stale"
grep -qF "x11 $DISPLAY: its path socket and an untrusted cookie (WAYLAND_DISPLAY=moat-none: no Wayland socket at $run/moat-none)" \
    "$WORK/doctor-stale" || fail "moat doctor does not say x11 because the Wayland socket is missing"
WAYLAND_DISPLAY=moat-none "$moat" run "$here/openx" >"$WORK/stale.out" 2>"$WORK/stale.err" &
spid=$!
PIDS+=("$spid")
wait_for "$WORK/stale.out" "painted" 60 || { cat "$WORK/stale.out" "$WORK/stale.err"; fail "the page did not paint on X"; }
win=$(xdotool search --name '^open display test$' | head -1)
[ -n "$win" ] || fail "no window \"open display test\" on the X server $DISPLAY"
echo "window $win on $DISPLAY: $(xdotool getwindowname "$win")"
if [ "$(id -u)" -eq 0 ]; then
    shost=$(pgrep -P "$spid" -x moat-webview | head -1)
    tr '\0' '\n' <"/proc/$shost/environ" >"$WORK/stale.env"
    grep -qx 'GDK_BACKEND=x11' "$WORK/stale.env" || fail "the fallback host's GDK_BACKEND is not x11"
    grep -q '^WAYLAND_DISPLAY=' "$WORK/stale.env" && fail "the fallback host has a WAYLAND_DISPLAY"
    grep -qx "DISPLAY=$DISPLAY" "$WORK/stale.env" || fail "the fallback host has no DISPLAY"
fi
kill -INT "$spid"
wait "$spid"
cat "$WORK/stale.out" "$WORK/stale.err"
grep -qF "moat: sandbox: display: WAYLAND_DISPLAY=moat-none: no Wayland socket at $run/moat-none: X11 (DISPLAY=$DISPLAY) instead" \
    "$WORK/stale.err" || fail "no warning naming the missing Wayland socket and the X display used instead"

# Refused when X cannot stand in: no DISPLAY, or GDK_BACKEND=wayland asking for Wayland alone.
refused() { # refused NAME WHY ENV...: moat run fails, naming the socket's path and WHY
    local name=$1 why=$2 rc=0
    shift 2
    env "$@" timeout 60 "$moat" run "$here/openx" >"$WORK/$name" 2>&1 || rc=$?
    cat "$WORK/$name"
    [ "$rc" -ne 0 ] || fail "moat run started with a stale WAYLAND_DISPLAY ($name)"
    grep -qF "WAYLAND_DISPLAY=moat-none: no Wayland socket at $run/moat-none, $why" "$WORK/$name" ||
        fail "the refusal ($name) does not name the missing socket and why X11 cannot stand in"
}
refused nodisplay "and DISPLAY is not set for X11 instead" -u DISPLAY WAYLAND_DISPLAY=moat-none
refused gdkwayland "and GDK_BACKEND=wayland asks for Wayland alone" GDK_BACKEND=wayland WAYLAND_DISPLAY=moat-none
env -u DISPLAY WAYLAND_DISPLAY=moat-none "$moat" doctor |
    grep -qF "display       none: WAYLAND_DISPLAY=moat-none: no Wayland socket at $run/moat-none, and DISPLAY is not set" ||
    fail "moat doctor does not say neither display works"

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
