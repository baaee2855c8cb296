# lib.sh: sourced by the webview tests. start_xvfb starts a private Xvfb on a
# free display with its own cookie (-auth) and exports DISPLAY and XAUTHORITY
# (-noreset: a server that resets when its last client leaves forgets the
# untrusted cookies xauth generate made for the webview host);
# the trap ends it (and whatever the test started) on every exit.
set -u
WORK=$(mktemp -d "${TMPDIR:-/tmp}/moat-wvtest-XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_xvfb() {
    local n
    for n in $(seq 90 190); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        touch "$WORK/xauth"
        xauth -f "$WORK/xauth" add ":$n" . "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" 2>/dev/null
        Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp -noreset -auth "$WORK/xauth" >"$WORK/xvfb.log" 2>&1 &
        local pid=$!
        for _ in $(seq 100); do
            [ -S "/tmp/.X11-unix/X$n" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if [ -S "/tmp/.X11-unix/X$n" ] && kill -0 "$pid" 2>/dev/null; then
            PIDS+=("$pid")
            export DISPLAY=":$n" XAUTHORITY="$WORK/xauth"
            return 0
        fi
        wait "$pid" 2>/dev/null # lost a race for :$n: try the next one
    done
    fail "no free X display for Xvfb"
}

# wait_for FILE TEXT SECONDS: until FILE has a line containing TEXT.
wait_for() {
    local i
    for i in $(seq $(($3 * 10))); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# pixel PNG X Y: "r,g,b" of one pixel.
pixel() {
    convert "$1" -format '%[fx:int(255*p{'"$2,$3"'}.r)],%[fx:int(255*p{'"$2,$3"'}.g)],%[fx:int(255*p{'"$2,$3"'}.b)]' info:
}
