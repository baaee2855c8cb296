#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_winev.sh MOAT APP CAPS: the window-events app (app/winev, built by
# build.sh from the real @tauri-apps/api) under an XSETTINGS manager
# (xsettingsd) the test owns. Rewriting its settings and sending SIGHUP is a
# desktop changing theme and scale at run time: GTK's theme name becomes
# Adwaita-dark (tao's theme() is "dark" for a -dark name), then
# Gdk/WindowScalingFactor 2, then Adwaita again. What the page heard (onThemeChanged,
# onScaleChanged) and answered (theme(), scaleFactor()) is checked against
# what X shows: the window's size doubles, then setPosition, setSize,
# setMinSize and setMaxSize land where xwininfo and xprop see them; dark
# again, setAlwaysOnTop, setSkipTaskbar and setClosable land in _NET_WM_STATE
# and _MOTIF_WM_HINTS. wincmd.c's commands too: setCursorPosition where
# xdotool finds the pointer, setIcon in _NET_WM_ICON, setVisibleOnAllWorkspaces
# (sticky), setFocusable (WM_HINTS' input) and setSizeConstraints
# (WM_NORMAL_HINTS), setIgnoreCursorEvents in which window X puts under the
# pointer, monitorFromPoint against the root window; wrong shapes answer invalid_args.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1 app=$2 caps=$3
command -v xsettingsd >/dev/null || fail "xsettingsd is not installed (scripts/deps installs it)"
start_xvfb
settings() { # theme scale: the desktop's settings, applied at once
    printf 'Net/ThemeName "%s"\nGdk/WindowScalingFactor %s\n' "$1" "$2" >"$WORK/xsettings"
    [ -n "${xs:-}" ] && kill -HUP "$xs"
    return 0
}
settings Adwaita 1
xdotool mousemove 300 200 || fail "xdotool could not move the pointer" # for cursorPosition()
xsettingsd -c "$WORK/xsettings" >"$WORK/xsettingsd.log" 2>&1 &
xs=$!
PIDS+=("$xs")
sleep 1 # it owns _XSETTINGS_S0 before GTK looks
kill -0 "$xs" 2>/dev/null || { cat "$WORK/xsettingsd.log"; fail "xsettingsd did not start"; }
"$moat" run "$app" --policy "$caps" --audit "$WORK/audit" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
show() { cat "$WORK/out" "$WORK/err" "$WORK/xsettingsd.log"; }
wait_for "$WORK/out" listening 60 || { show; fail "the page never listened"; }
geom() { # WIDTHxHEIGHT+X+Y of the window, from the X server
    xwininfo -name "winev test" | awk '/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF}
        /^ *Width:/ {w=$NF} /^ *Height:/ {h=$NF} END {print w "x" h "+" x "+" y}'
}
before=$(geom)
settings Adwaita-dark 1
wait_for "$WORK/out" 'theme-changed:' 20 || { show; fail "no tauri://theme-changed after the theme became Adwaita-dark"; }
settings Adwaita-dark 2
wait_for "$WORK/out" 'scale-change:' 20 || { show; fail "no tauri://scale-change after the scale became 2"; }
wait_for "$WORK/out" 'scaled:' 20 || { show; fail "the page did not go on after the scale change"; }
scaled=$(geom)
import -window root "$WORK/before.png" || fail "screenshot"
settings Adwaita 2 # light again: the page goes on to setTheme and the geometry commands
wait_for "$WORK/out" done 30 || { show; fail "the page did not finish"; }
final=$(geom)
sleep 0.5 # the frame after the one that printed 'done' is on screen
import -window root "$WORK/after.png" || fail "screenshot"
hints=$(xprop -name "winev test" WM_NORMAL_HINTS WM_HINTS _NET_WM_ICON)
wid=$(($(xwininfo -name "winev test" | awk '/Window id:/ {print $4}')))
# xdotool names the window under the pointer only when it has a WM_STATE, a window manager's; none here.
xprop -id "$wid" -f WM_STATE 32c -set WM_STATE 1 || fail "xprop could not set WM_STATE"
pointer=$(xdotool getmouselocation --shell | tr '\n' ' ') # where setCursorPosition put it, over the window
settings Adwaita-dark 2 # dark again: the page sets the states GDK writes at map time
wait_for "$WORK/out" 'states:' 20 || { show; fail "the page did not set the window's states"; }
states=$(xprop -name "winev test" _NET_WM_STATE _MOTIF_WM_HINTS WM_HINTS WM_NORMAL_HINTS)
wait_for "$WORK/out" 'ignoring:' 20 || { show; fail "the page did not set setIgnoreCursorEvents"; }
sleep 0.3
under() { xdotool mousemove "$1" "$2" && xdotool getmouselocation --shell | sed -n 's/^WINDOW=//p'; }
corner=$(under 60 80) inside=$(under 200 200) # the window's first pixel, and one well inside it
kill -INT "$mpid"
wait "$mpid"
show
no_violations
echo "X geometry: $before at start, $scaled scaled, $final at the end"
echo "$hints"; echo "$states"
echo "pointer after setCursorPosition: $pointer; window $wid; under the pointer after setIgnoreCursorEvents: $corner at 60,80, $inside at 200,200"
has() { grep -q "^\(\[main\] \)\?$1\$" "$WORK/out" || fail "$2 (no line '$1')"; }
has 'start: theme()=light scaleFactor()=1 inner=400x300' "theme(), scaleFactor() or innerSize() at the start"
[ "${before%%+*}" = 400x300 ] || fail "the window is $before at scale 1, expected 400x300"
has 'theme-changed: "dark" theme()=dark' "the theme-changed payload, or theme() after it"
has 'scale-change: 2 800x600 true scaleFactor()=2' "the scale-change payload, or scaleFactor() after it"
has 'scaled: inner=800x600 outer=800x600' "innerSize()/outerSize() at scale 2"
[ "${scaled%%+*}" = 800x600 ] || fail "the window is $scaled at scale 2, expected 800x600 (twice 400x300)"
has 'setTheme(dark): theme()=dark' "setTheme('dark')"
has 'setTheme(null): theme()=light' "setTheme(null) did not go back to the system's theme"
has 'setTheme(blue): invalid_args' "setTheme('blue')"
# The desktop's dark, its light again, setTheme's dark, setTheme(null)'s light, the desktop's dark.
got=$(sed -n 's/^\(\[main\] \)\?theme-changed: //p' "$WORK/out" | tr '\n' ' ')
[ "$got" = '"dark" theme()=dark "light" theme()=light "dark" theme()=dark "light" theme()=light "dark" theme()=dark ' ] ||
    fail "the theme-changed events were: $got"
# LogicalPosition(30, 40) at scale 2 is 60,80 on the screen; PhysicalSize(700, 500) is itself.
[ "$final" = 700x500+60+80 ] || fail "the window is $final after setPosition/setSize, expected 700x500+60+80"
has 'geometry: outer=60,80 inner=700x500 innerWidth=175' "outerPosition(), innerSize() or the page's width at zoom 2"
has 'setMinSize(0x0): invalid_args' "setMinSize(0x0)"
has 'setPosition(1e12): invalid_args' "setPosition beyond what X takes"
has 'setZoom(0): invalid_args' "setZoom(0)"
has 'setSkipTaskbar(1): invalid_args' "setSkipTaskbar with a number"
has 'before: onTop=false closable=true' "isAlwaysOnTop()/isClosable() before"
has 'minimizable=true maximizable=true setMaximizable: ok' "isMinimizable()/isMaximizable() (tao's true), setMaximizable (a no-op on Linux)"
has 'states: onTop=true closable=false' "isAlwaysOnTop()/isClosable() after setAlwaysOnTop(true), setClosable(false)"
grep -q '_NET_WM_STATE(ATOM) = .*_NET_WM_STATE_ABOVE' <<<"$states" || fail "setAlwaysOnTop(true): no _NET_WM_STATE_ABOVE"
grep -q '_NET_WM_STATE(ATOM) = .*_NET_WM_STATE_SKIP_TASKBAR' <<<"$states" || fail "setSkipTaskbar(true): no _NET_WM_STATE_SKIP_TASKBAR"
# Motif's functions: all (0x1) but close (0x20), as GTK asks for a window that is not deletable.
grep -q '_MOTIF_WM_HINTS(_MOTIF_WM_HINTS) = 0x1, 0x21,' <<<"$states" || fail "setClosable(false): Motif's hints still allow closing"
has 'other window: not_found' "a command on another window"
# GDK gives the window manager its limits in device pixels: LogicalSize(200, 150) and (500, 400) at scale 2.
grep -q 'program specified minimum size: 400 by 300' <<<"$hints" || fail "the minimum size is not 400x300 in WM_NORMAL_HINTS"
grep -q 'program specified maximum size: 1000 by 800' <<<"$hints" || fail "the maximum size is not 1000x800 in WM_NORMAL_HINTS"
has 'webview: size=700x500 position=0,0' "the webview's size() or position()"
has 'cursor: 300,200' "cursorPosition() is not where xdotool put the pointer"
# The screen as X has it, in physical pixels at scale 2 (GDK's monitor geometry is half that).
screen=$(xwininfo -root | awk '/^ *Width:/ {w=$NF} /^ *Height:/ {h=$NF} END {print w "x" h}')
has "monitors: current 2 0,0 $screen work $screen primary 2 0,0 $screen work $screen all 1" "the monitors"
grep -q 'The urgency hint bit is set' <<<"$hints" || fail "requestUserAttention set no urgency hint in WM_HINTS"
has "requestUserAttention('x'): invalid_args" "requestUserAttention with an unknown type"
has 'setBackgroundColor(\[1, 2\]): invalid_args' "setBackgroundColor with two channels"
# The empty page shows the webview's background: white before, red after setBackgroundColor.
px=$(pixel "$WORK/before.png" 400 300) && echo "before setBackgroundColor at 400,300: $px"
[ "$px" = 255,255,255 ] || fail "the page is $px before setBackgroundColor, expected white"
px=$(pixel "$WORK/after.png" 410 330) && echo "after setBackgroundColor at 410,330: $px"
[ "$px" = 255,0,0 ] || fail "the page is $px after setBackgroundColor([255, 0, 0]), expected red"
# wincmd.c's: setEnabled/isEnabled, monitorFromPoint, the pointer, the icon, wrong shapes, no-ops.
has 'enabled: false true' "isEnabled() after setEnabled(false), then setEnabled(true)"
has "monitorFromPoint: 2 0,0 $screen work $screen" "monitorFromPoint(100, 100) is not the screen X has"
has "monitorFromPoint('a'): invalid_args" "monitor_from_point with a string"
# LogicalPosition(10, 20) inside the window at 30,40 (logical, scale 2): 80,120 on the screen.
grep -q "^X=80 Y=120 SCREEN=0 WINDOW=$wid \$" <<<"$pointer" || fail "setCursorPosition: the pointer is at $pointer, expected 80,120 over window $wid"
grep -q 'Icon (2 x 2):' <<<"$hints" || fail "setIcon(rgba 2x2): no 2x2 icon in _NET_WM_ICON"
has 'setIcon(short rgba): invalid_args' "setIcon with fewer bytes than width x height x 4"
has 'setIcon(path): unsupported' "setIcon with a path (the core's, not carried out)"
has "startResizeDragging('Up'): invalid_args" "startResizeDragging with an unknown direction"
has 'setCursorIcon(5): invalid_args' "setCursorIcon with a number"
has 'setSizeConstraints(-1): invalid_args' "setSizeConstraints with a negative width"
has "setProgressBar('x'): invalid_args" "setProgressBar with an unknown status"
has 'cursor commands: ok ok ok ok' "setCursorIcon, setCursorVisible, setCursorGrab"
has 'no such thing on Linux: ok ok ok ok ok ok ok' "the commands Tauri answers ok on Linux, doing nothing"
has 'no such command on Linux: unsupported unsupported' "setBadgeLabel, setOverlayIcon (Tauri has no such command on Linux)"
has 'setAlwaysOnBottom (not granted): denied' "setAlwaysOnBottom without its permission"
has 'webview: ok ok ok ok ok ok' "the webview's hide, show, setFocus, setSize, setPosition, clearAllBrowsingData"
grep -q '_NET_WM_STATE(ATOM) = .*_NET_WM_STATE_STICKY' <<<"$states" || fail "setVisibleOnAllWorkspaces(true): no _NET_WM_STATE_STICKY"
grep -q 'Client accepts input or input focus: False' <<<"$states" || fail "setFocusable(false): WM_HINTS still takes input"
# setSizeConstraints({minWidth: 250, maxHeight: 450}) at scale 2, in device pixels; the other two unset.
grep -q 'program specified minimum size: 500 by 0' <<<"$states" || fail "setSizeConstraints: the minimum size is not 500 by 0"
grep -q 'program specified maximum size: [0-9]* by 900' <<<"$states" || fail "setSizeConstraints: the maximum height is not 900"
# setIgnoreCursorEvents(true): tao's input shape of one (logical) pixel at the window's corner,
# or unsupported where the host's X connection is untrusted (no SHAPE extension): X agrees either way.
ignore=$(sed -n 's/^\(\[main\] \)\?ignoring: //p' "$WORK/out")
case "$ignore" in
ok) [ "$corner" = "$wid" ] || fail "setIgnoreCursorEvents: the window's corner (60,80) is not the window's ($corner, not $wid)"
    [ "$inside" != "$wid" ] || fail "setIgnoreCursorEvents(true) answered ok, but X still gives the window the pointer at 200,200" ;;
unsupported) [ "$inside" = "$wid" ] || fail "setIgnoreCursorEvents(true) answered unsupported, but X no longer gives the window the pointer" ;;
*) fail "setIgnoreCursorEvents(true) answered '$ignore'" ;;
esac
echo "ok"
