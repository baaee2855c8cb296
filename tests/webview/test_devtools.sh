#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_devtools.sh MOAT: WebKit's developer extras (the inspector) are off
# unless `moat run --devtools`, even when the manifest's window asks for them
# ("devtools": true in devtools/moat.json); the host reports the settings it
# read back from WebKit. Hardware acceleration is off where no GPU render
# node can be opened (software GL would compile its shaders at every start).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb
timeout 60 "$moat" run "$here/devtools" >"$WORK/off" 2>&1 || { cat "$WORK/off"; fail "moat run exited $?"; }
timeout 60 "$moat" run "$here/devtools" --devtools >"$WORK/on" 2>&1 || { cat "$WORK/on"; fail "moat run --devtools exited $?"; }
cat "$WORK/off" "$WORK/on"
grep -q 'loaded' "$WORK/off" && grep -q 'loaded' "$WORK/on" || fail "the page did not load"
grep -q 'webkit settings: developer-extras off, webrtc off, media-stream off' "$WORK/off" ||
    fail "without --devtools the developer extras are not off"
grep -q 'webkit settings: developer-extras on (--devtools), webrtc off, media-stream off' "$WORK/on" ||
    fail "with --devtools the developer extras are not on"
gpu="off (no GPU render node)"
for n in /dev/dri/renderD*; do [ -r "$n" ] && [ -w "$n" ] && gpu="WebKit's default"; done
grep -qF "hardware acceleration $gpu" "$WORK/off" ||
    fail "hardware acceleration is not \"$gpu\" on this machine"
echo "ok"
