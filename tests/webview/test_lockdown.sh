#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_lockdown.sh MOAT: a page tries every request class (fetch, XHR,
# WebSocket, img, CSS url(), stylesheet, prefetch, iframe, form, beacon,
# EventSource, worker, window.open, file://, https, ftp, navigation) towards a
# loopback listener this test starts; the listener must see nothing, and
# every try must fail in the page. The host's Landlock domain is checked on
# its own (host_signal_scoped): the check fails if Landlock goes and the rest stays.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
/usr/bin/python3 "$here/listener.py" "$WORK/port" "$WORK/seen" &
PIDS+=($!)
wait_for "$WORK/port" "" 10
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port=$(cat "$WORK/port")
[ -n "$port" ] || fail "the listener did not start"
# The control: the listener does see a connection that is made.
/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).sendall(b'control')"
wait_for "$WORK/seen" control 5 || fail "the listener saw not even the control connection"
: >"$WORK/seen"
mkdir "$WORK/app"
for f in index.html main.js; do sed "s/@PORT@/$port/g" "$here/lockdown/$f" >"$WORK/app/$f"; done
start_xvfb
"$moat" run "$WORK/app" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" "lockdown done" 90 || { cat "$WORK/out" "$WORK/err"; fail "the page did not finish"; }
sleep 1 # anything late still reaches the listener
host=$(pgrep -P "$mpid" -x moat-webview | head -1)
[ -n "$host" ] || fail "no moat-webview child of moat"
host_locked "$host"
# Landlock alone (the empty network namespace and seccomp also stop TCP): its signal scope.
host_signal_scoped "$host"
# A file the host sees (the jail's root is the machine's, read-only, but for /tmp and /run)
# and the degraded mode's file rules leave out; not the source tree, which may be under /tmp.
outside=/var/lib/dpkg/status
if [ -n "${WV_EXPECT_DEGRADED:-}" ]; then
    # The degraded mode (test_degraded.sh): said, WebKit's sandbox off, file rules on the host.
    grep -h 'degraded' "$WORK/out" "$WORK/err" | grep -q 'webkit sandbox: off' || fail "the core did not log the degraded mode"
    grep -hq "degraded mode: WebKit's sandbox is off, Landlock file rules" "$WORK/out" "$WORK/err" || fail "the host did not log its file rules"
    host_environ "$host" | grep -q '^MOAT_WEBVIEW_SANDBOX=off$' || fail "WebKit's sandbox is on"
    host_cannot_read "$host" "$outside"
else
    host_can_read "$host" "$outside"
fi
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out" "$WORK/err"
no_violations
tries=$(grep -c '^try ' "$WORK/out")
[ "$tries" -eq 14 ] || fail "$tries tries reported, expected 14"
if grep -q 'REACHED' "$WORK/out"; then fail "a request succeeded in the page"; fi
grep -q "^still at tauri://localhost/" "$WORK/out" || fail "the page navigated away"
if [ -s "$WORK/seen" ]; then
    cat "$WORK/seen"
    fail "the listener saw connections"
fi
echo "ok: $tries tries, all refused, the listener saw nothing"
