#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_devtools.sh MOAT: WebKit's developer extras (the inspector) are off
# unless `moat run --devtools`, even when the manifest's window asks for them
# ("devtools": true in devtools/moat.json); the host reports the settings it
# read back from WebKit. Hardware acceleration is off where no GPU render
# node can be opened (software GL would compile its shaders at every start).
# Tauri's devtools shortcut (plugin:webview|internal_toggle_devtools) opens the
# inspector with --devtools (docked in the window, as WebKit docks it: its own
# web process, whose X window the test counts) and answers unsupported without.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb
cat >"$WORK/caps.json" <<'JSON'
{ "identifier": "dev", "windows": ["main"], "permissions": ["core:webview:allow-internal-toggle-devtools"] }
JSON
# most_webprocs: the most WebKit web processes' X windows seen while moat runs.
most_webprocs() {
    local n most=0
    while kill -0 "$1" 2>/dev/null; do
        n=$(xwininfo -root -tree | grep -c '"WebKitWebProcess":')
        [ "$n" -gt "$most" ] && most=$n
        sleep 0.1
    done
    echo "$most"
}
timeout 60 "$moat" run "$here/devtools" --policy "$WORK/caps.json" >"$WORK/off" 2>&1 &
off=$(most_webprocs $!)
wait $! || { cat "$WORK/off"; fail "moat run exited $?"; }
timeout 60 "$moat" run "$here/devtools" --policy "$WORK/caps.json" --devtools >"$WORK/on" 2>&1 &
on=$(most_webprocs $!)
wait $! || { cat "$WORK/on"; fail "moat run --devtools exited $?"; }
echo "web processes: $off without --devtools, $on with (the inspector's own)"
cat "$WORK/off" "$WORK/on"
grep -q 'toggle: ok' "$WORK/on" || fail "with --devtools the toggle did not answer ok"
[ "$off" = 1 ] && [ "$on" = 2 ] || fail "the inspector did not start with --devtools alone"
grep -q 'toggle: .*unsupported\|toggle: .*developer tools are off' "$WORK/off" ||
    fail "without --devtools the toggle did not answer unsupported"
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
