# SPDX-License-Identifier: MIT
# dialog_lib.sh: sourced by test_dialog*.sh after tests/webview/lib.sh, to drive the real GTK
# dialogs with xdotool on the test's own Xvfb.

# find_window TITLE: the first visible window titled TITLE, waiting up to 60 s. A search
# again, not --sync: a window that goes away mid-search makes xdotool fail (BadWindow).
find_window() {
    local i w
    for i in $(seq 600); do
        w=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1)
        [ -n "$w" ] && { echo "$w"; return 0; }
        sleep 0.1
    done
    return 1
}

# press TITLE KEYS...: waits for the window titled TITLE, focuses it, sends the keys.
press() {
    local title=$1 w
    shift
    w=$(find_window "$title")
    [ -n "$w" ] || { cat "$WORK/out" "$WORK/err"; fail "no window titled '$title'"; }
    sleep 0.5
    xdotool windowfocus --sync "$w" 2>/dev/null || xdotool windowfocus "$w"
    sleep 0.2
    xdotool "$@"
}
