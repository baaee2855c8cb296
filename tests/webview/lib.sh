# SPDX-License-Identifier: MIT
# lib.sh: sourced by the webview tests. start_xvfb starts a private Xvfb on a
# free display with its own cookie (-auth) and exports DISPLAY and XAUTHORITY
# (-noreset: a server that resets when its last client leaves forgets the
# untrusted cookies xauth generate made for the webview host; a display another test
# took in the same moment is told apart by its lock file's pid);
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

# start_xvfb noauth: a server with no access control at all (test_openx.sh).
start_xvfb() {
    local n auth=(-auth "$WORK/xauth")
    [ "${1:-}" = noauth ] && auth=()
    for n in $(seq 90 190); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        touch "$WORK/xauth"
        xauth -f "$WORK/xauth" add ":$n" . "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" 2>/dev/null
        Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp -noreset "${auth[@]}" >"$WORK/xvfb.log" 2>&1 &
        local pid=$!
        for _ in $(seq 100); do
            [ -S "/tmp/.X11-unix/X$n" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        # The socket may be another server's that won the race for :$n (a test running in
        # parallel) while ours has not yet failed: ours only if its lock names our pid.
        if [ -S "/tmp/.X11-unix/X$n" ] && kill -0 "$pid" 2>/dev/null &&
            [ "$(tr -d ' \n' <"/tmp/.X$n-lock" 2>/dev/null)" = "$pid" ]; then
            PIDS+=("$pid")
            export DISPLAY=":$n" XAUTHORITY="$WORK/xauth"
            return 0
        fi
        kill "$pid" 2>/dev/null
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

# host_locked PID: the webview host's own lockdown, from outside: no_new_privs,
# seccomp in filter mode, and its own pid namespace (it is pid 1 there).
host_locked() {
    local st=/proc/$1/status
    grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" || fail "the host has no no_new_privs: $(grep NoNewPrivs "$st")"
    grep -q '^Seccomp:[[:space:]]*2$' "$st" || fail "the host has no seccomp filter: $(grep Seccomp: "$st")"
    grep -q '^NSpid:[[:space:]]*[0-9]*[[:space:]]1$' "$st" || fail "the host is not pid 1 of its own pid namespace: $(grep NSpid "$st")"
    echo "host $1: NoNewPrivs 1, Seccomp 2, pid 1 of its own pid namespace"
}

# as_root FUNC PID [ARG]: FUNC (one of the *_root checks below) run as root. The
# host is not dumpable (the client clears it), so its /proc files and memory are
# root's: a test run as uid 65534 (tests/e2e/unprivileged.sh) asks that script's
# root helper, which makes the check on processes of uid 65534 only. FUNC's
# output is shown; a check that fails, or cannot be made, fails the test.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
        return
    fi
    [ -n "${MOAT_AS_ROOT:-}" ] || fail "$1 needs root: run the test as root or through tests/e2e/unprivileged.sh"
    local r="$MOAT_AS_ROOT/$$-$RANDOM" i
    printf '%s\n' "$@" >"$r.tmp" && mv "$r.tmp" "$r.req"
    for i in $(seq 1200); do
        [ -f "$r.rc" ] && break
        sleep 0.1
    done
    [ -f "$r.rc" ] || fail "$1: the root helper did not answer in 120 s"
    cat "$r.out"
    [ "$(cat "$r.rc")" = 0 ] || fail "$1 (made as root) failed"
    rm -f "$r.out" "$r.rc"
}

# host_no_tcp PID: gdb makes the running host call socket(AF_INET) and
# socket(AF_INET6), then a unix socket as a control of the call itself; the
# first two must fail (seccomp answers EAFNOSUPPORT, 97).
host_no_tcp() { as_root host_no_tcp_root "$1"; }
host_no_tcp_root() {
    command -v gdb >/dev/null || fail "gdb is not installed (scripts/deps installs it)"
    local out
    out=$(timeout 60 gdb -batch -nx -iex 'set sysroot /' -ex 'set confirm off' \
        -ex 'print (int)socket(2, 1, 0)' -ex 'print *(int *)__errno_location()' \
        -ex 'print (int)socket(10, 1, 0)' -ex 'print *(int *)__errno_location()' \
        -ex 'print (int)socket(1, 1, 0) >= 0' "$(tr '\0' '\n' </proc/"$1"/cmdline | head -1)" "$1" 2>&1 |
        grep '^\$')
    echo "$out" | tr '\n' ' '; echo
    [ "$(echo "$out" | sed -n 's/^\$[0-9]* = //p' | tr '\n' ' ')" = "-1 97 -1 97 1 " ] ||
        fail "the host could make a TCP socket, or gdb could not make it call (see above)"
}

# no_violations: the host named no forbidden system call (sandbox/wv_self.c's SIGSYS handler).
no_violations() {
    if grep -h 'forbidden system call\|cannot lock itself down\|SIGSYS' "$WORK/out" "$WORK/err"; then
        fail "a process of the window made a forbidden system call"
    fi
    return 0
}

# host_open PID PATH: what open(PATH, O_RDONLY) gives inside the host, then errno (gdb).
host_open() { as_root host_open_root "$1" "$2" | tail -1; }
host_open_root() {
    timeout 60 gdb -batch -nx -iex 'set sysroot /' -ex 'set confirm off' \
        -ex "print (int)open(\"$2\", 0)" -ex 'print *(int *)__errno_location()' \
        "$(tr '\0' '\n' </proc/"$1"/cmdline | head -1)" "$1" 2>&1 | sed -n 's/^\$[0-9]* = //p' | tr '\n' ' '
}
# host_cannot_read PID PATH: Landlock's file rules refuse it (EACCES, 13); host_can_read: the control.
host_cannot_read() {
    local got; got=$(host_open "$1" "$2")
    echo "open $2 in the host: $got"
    [ "$got" = "-1 13 " ] || fail "the host could read $2 (or gdb failed): $got"
}
host_can_read() {
    local got; got=$(host_open "$1" "$2")
    echo "open $2 in the host: $got"
    case "$got" in -1*|"") fail "the host cannot read $2 outside the degraded mode: $got" ;; esac
}

# host_environ PID: the host's environment, a variable a line.
host_environ() { as_root host_environ_root "$1"; }
host_environ_root() { tr '\0' '\n' <"/proc/$1/environ"; }

# descendants PID: every process below PID (WebKit's helpers under the host).
descendants() {
    local kids k
    kids=$(ps -e -o pid=,ppid= | awk -v p="$1" '$2 == p { print $1 }')
    for k in $kids; do
        echo "$k"
        descendants "$k"
    done
}

# inner_id MAP OUTER: the id inside a user namespace (its uid_map or gid_map) that OUTER maps to.
inner_id() { awk -v o="$2" '$2 <= o && o < $2 + $3 { print $1 + o - $2; exit }' "$1"; }

# host_signal_scoped PID: Landlock's signal scope, the one effect no other layer
# has here: a process the test puts into the host's own user and pid
# namespaces (nsenter), with the host's uid and gid, is one the host could signal by
# the kernel's usual rules (same uid, same namespaces), but it is outside the
# host's Landlock domain, so kill(it, 0) from inside the host (gdb) must fail
# with EPERM (1); kill(1, 0), the host itself, is the control (nsenter, gdb: as root).
host_signal_scoped() { as_root host_signal_scoped_root "$1"; }
host_signal_scoped_root() {
    local uid gid iu ig
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$1/status") gid=$(awk '/^Gid:/ { print $2 }' "/proc/$1/status")
    iu=$(inner_id "/proc/$1/uid_map" "$uid") ig=$(inner_id "/proc/$1/gid_map" "$gid")
    [ -n "$iu" ] && [ -n "$ig" ] || fail "the host's uid $uid or gid $gid is not mapped in its user namespace"
    nsenter -t "$1" -U -p -S "$iu" -G "$ig" -- sleep 60 &
    local ns=$! s="" i inner got
    for i in $(seq 50); do
        s=$(pgrep -P "$ns" -x sleep | head -1)
        [ -n "$s" ] && break
        sleep 0.1
    done
    [ -n "$s" ] || fail "nsenter did not put a process into the host's namespaces"
    [ "$(readlink /proc/$s/ns/pid)" = "$(readlink /proc/$1/ns/pid)" ] || fail "the process is not in the host's pid namespace"
    [ "$(grep '^Uid:' /proc/$s/status)" = "$(grep '^Uid:' /proc/$1/status)" ] ||
        fail "the process does not have the host's uid: $(grep '^Uid:' /proc/$s/status /proc/$1/status)"
    inner=$(awk '/^NSpid:/ { print $NF }' /proc/$s/status)
    got=$(timeout 60 gdb -batch -nx -iex 'set sysroot /' -ex 'set confirm off' \
        -ex "print (int)kill($inner, 0)" -ex 'print *(int *)__errno_location()' -ex 'print (int)kill(1, 0)' \
        "$(tr '\0' '\n' </proc/"$1"/cmdline | head -1)" "$1" 2>&1 | sed -n 's/^\$[0-9]* = //p' | tr '\n' ' ')
    kill "$s" "$ns" 2>/dev/null
    wait "$ns" 2>/dev/null
    echo "kill($inner, 0), a same-uid process outside the host's Landlock domain, then errno, then kill(1, 0): $got"
    [ "$got" = "-1 1 0 " ] || fail "the host could signal a process outside its Landlock domain (or gdb failed): $got"
}
