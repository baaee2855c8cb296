#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_app.sh MOAT DIST CAPS: runs the built test app (build.sh) under `moat
# run` in a private Xvfb, then checks what it printed, the window's title,
# and the colour blocks in a screenshot of the screen: green where IPC and
# events worked, the PNG's magenta, the CSS's blue.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1 dist=$2 caps=$3
start_xvfb
"$moat" run "$dist" --policy "$caps" --audit "$WORK/audit.jsonl" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" painted 60 || { cat "$WORK/out" "$WORK/err"; fail "the page never painted"; }
sleep 0.5 # the frame after the one that printed 'painted' is on screen
import -window root "$WORK/shot.png" || fail "screenshot"
tree=$(xwininfo -root -tree)
# The sandbox layers, seen from outside: the host has its own network and mount
# namespaces, and WebKit's web process (bubblewrap) its own pid namespace too.
host=$(pgrep -P "$mpid" -x moat-webview | head -1)
[ -n "$host" ] || fail "no moat-webview child of moat"
for ns in net mnt user; do
    [ "$(readlink /proc/$host/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] ||
        fail "the host shares the test's $ns namespace"
done
web=$(pgrep -f WebKitWebProcess | while read -r p; do
    [ "$(readlink /proc/$p/ns/net)" = "$(readlink /proc/$host/ns/net)" ] && continue
    [ "$(readlink /proc/$p/ns/pid)" != "$(readlink /proc/$host/ns/pid)" ] && echo "$p"
done | head -1)
[ -n "$web" ] || fail "no WebKit web process in a sandbox of its own (bubblewrap) under the host"
echo "host $host: own net, mnt, user namespaces; web process $web: own pid and net namespaces"
# The host's own lockdown (sandbox/wv_self.c), read from outside: no_new_privs, a
# seccomp filter, pid 1 of its own pid namespace; every process it started inherits it.
host_locked "$host"
n=0
for p in $(descendants "$host"); do
    st=$(cat /proc/$p/status 2>/dev/null) || continue # gone meanwhile
    n=$((n + 1))
    grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$st" && grep -q '^Seccomp:[[:space:]]*2$' <<<"$st" ||
        fail "process $p under the host runs without the host's no_new_privs and seccomp filter"
done
[ "$n" -ge 2 ] || fail "only $n processes under the host (WebKit's network and web processes?)"
# From inside the host itself (gdb makes it call): no TCP socket, so no connect to the listener.
host_no_tcp "$host"
[ "$(tr '\0' '\n' </proc/$host/environ | grep -c '^MOAT_WEBVIEW_SANDBOX=off')" -eq 0 ] ||
    fail "the host runs with WebKit's sandbox off"
kill -INT "$mpid"
wait "$mpid"
rc=$?
cat "$WORK/out" "$WORK/err"
no_violations
[ "$rc" -eq 130 ] || fail "moat run exited $rc after SIGINT, expected 130"
grep -q '^\[main\] version from the core: [0-9]' "$WORK/out" || grep -q 'version from the core: [0-9]' "$WORK/out" ||
    fail "no version from the core in the page's output"
grep -q 'event back: {"n":42,"s":"hi"}' "$WORK/out" || fail "the event did not come back"
grep -q 'app:name: denied' "$WORK/out" || fail "app:name was not denied"
fsname=$(sed -n 's/^fs raw write: \(moat-webview-fs-[0-9]*\.txt\) .*/\1/p' "$WORK/out" | head -1)
[ -n "$fsname" ] || fail "no raw-body fs write from the page"
ondisk=$(cat "${TMPDIR:-/tmp}/$fsname" 2>/dev/null); rm -f "${TMPDIR:-/tmp}/$fsname"
[ "$ondisk" = 'from the webview: é' ] || fail "the raw-body write left '$ondisk' on disk"
grep -q "^fs raw write: $fsname true from the webview: é$" "$WORK/out" || fail "read_text_file's bytes did not come back"
grep -q "^title(): moat webview main [0-9]" "$WORK/out" || fail "title() did not give the title setTitle set"
grep -q '^innerSize(): 800x600$' "$WORK/out" || fail "innerSize() is not the default 800x600"
grep -q '^hide: denied, visible: true$' "$WORK/out" || fail "hide was not denied, or the window is hidden"
grep -q '"command":"core:window:hide","decision":"deny"' "$WORK/audit.jsonl" || fail "no audit line for hide"
grep -q '"command":"app:name","decision":"deny"' "$WORK/audit.jsonl" || fail "no audit line for app:name"
version=$(sed -n 's/.*version from the core: \([^ ]*\) .*/\1/p' "$WORK/out" | head -1)
echo "$tree" | grep -qF "\"moat webview main $version\"" || { echo "$tree"; fail "no window titled 'moat webview main $version'"; }
check() { # name x y expected
    local got
    got=$(pixel "$WORK/shot.png" "$2" "$3")
    echo "$1 at $2,$3: $got"
    [ "$got" = "$4" ] || fail "$1 at $2,$3 is $got, expected $4"
}
# Without a window manager the window sits at 0,0 with no frame.
check ipc 50 50 0,255,0
check event 150 50 0,255,0
check image 250 50 255,0,255
check css 350 50 0,0,255
check background 500 300 255,255,255
echo "ok"
