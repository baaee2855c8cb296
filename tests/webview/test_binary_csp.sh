#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_binary_csp.sh WVBIN: a page whose own <meta> CSP has no ipc: in connect-src
# (binarycsp/): the shim's fetch to ipc://localhost is refused, and binaries still
# cross, through the message handler as base64 (renderer/webview/page.js's fallback,
# as Tauri's ipc-protocol.js falls back to postMessage): a 1 MiB echo, binaries
# inside args, a binary answer to a JSON invoke, binary events and channel messages,
# each compared with what the core (wvbin.c) saw or sent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
wvbin=$1
start_xvfb
cp -r "$here/binarycsp" "$WORK/app"
timeout 120 "$wvbin" "$WORK/app" "$here/binary/policy.json" >"$WORK/out" 2>"$WORK/err"
rc=$?
cat "$WORK/out"; grep -v '^{' "$WORK/err"
[ "$rc" -eq 0 ] || fail "wvbin exited $rc"
! grep -q 'Sanitizer' "$WORK/out" "$WORK/err" || fail "a sanitizer reported an error (build-asan)"
grep -q '^\[main\] done$' "$WORK/out" || fail "the page did not finish"
line() { sed -n "s|^$1||p" "$WORK/out" | head -1; }
expect() { # WHAT GOT WANTED
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
    echo "ok: $1: $2"
}
expect "the page's CSP refused ipc:" "$(line '\[main\] refused: ')" "connect-src ipc"
grep -q 'ipc:// refused' "$WORK/out" "$WORK/err" || fail "the shim did not say it fell back"
sent=$(line '\[main\] page sent: ')
[ -n "$sent" ] || fail "the page sent nothing"
expect "the core saw the 1 MiB" "$(line 'core saw: ')" "$sent"
expect "the page got it back" "$(line '\[main\] page got: ')" "ArrayBuffer $sent"
read -r _ la ha lb hb <<<"$(line 'core parts: ')"
expect "the parts came back swapped" "$(line '\[main\] page parts back: ')" \
    "pair Uint8Array $lb $hb Uint8Array $la $ha"
expect "a binary answer to a JSON invoke" "$(line '\[main\] page made: ')" "ArrayBuffer $(line 'core made: ')"
read -r sn sh sh1000 <<<"$(line 'core streamed: ')"
[ -n "$sn" ] || fail "test:stream did not run"
expect "events, binary then JSON" "$(line '\[main\] events: ')" \
    "bin Uint8Array $sn $sh, then json {\"after\":\"bin\"}"
expect "channel messages in order" "$(line '\[main\] channel: ')" \
    "ArrayBuffer $sn $sh, then {\"k\":2}, then x Uint8Array 1000 $sh1000"
echo "ok"
