#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# unprivileged.sh PROGRAM [ARGS…]: runs a test program as uid/gid 65534, so
# that a suite run as root (as CI is) also proves Moat works for a normal
# user. Exits 77 (skipped) when not root or when that user cannot reach PROGRAM.
# MOAT_AS_ROOT names the root helper's folder (as_root in tests/webview/lib.sh).
set -u
if [ "$(id -u)" -ne 0 ]; then
    echo "already unprivileged: the plain run covers it"
    exit 77
fi
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! "${as_nobody[@]}" test -x "$1" || ! "${as_nobody[@]}" test -r "$MOAT_SOURCE_DIR/README.md"; then
    echo "uid 65534 cannot reach $1 or the sources (a private checkout): skipped"
    exit 77
fi
# The root helper: the checks of tests/webview/lib.sh that only root can make (a webview
# host is not dumpable: its /proc files and memory are root's), asked for by the test as
# uid 65534 through files in a folder only it and root reach, made only on processes of
# uid 65534, so the unprivileged run checks them too instead of leaving them out.
ask=$(mktemp -d /tmp/moat-asroot-XXXXXX)
chown 65534:65534 "$ask"
chmod 700 "$ask"
lib=${MOAT_SOURCE_DIR:-}/tests/webview/lib.sh
serve() {
    local r func pid
    for r in "$ask"/*.req; do
        [ -f "$r" ] || continue
        mapfile -t args <"$r"
        rm -f "$r"
        func=${args[0]:-} pid=${args[1]:-}
        r=${r%.req}
        case "$func" in
        host_no_tcp_root | host_signal_scoped_root | host_open_root | host_environ_root) ;;
        *) func="" ;;
        esac
        if [ -z "$func" ] || ! [[ "$pid" =~ ^[0-9]+$ ]] ||
            [ "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null)" != "65534 65534 65534 65534" ]; then
            echo "the root helper refused: ${args[*]}" >"$r.out"
            echo 1 >"$r.rc.tmp"
        else
            bash -c '. "$0"; "$@"' "$lib" "${args[@]}" >"$r.out" 2>&1
            echo $? >"$r.rc.tmp"
        fi
        mv "$r.rc.tmp" "$r.rc"
    done
}
[ -f "$lib" ] && while sleep 0.05; do serve; done &
helper=$!
"${as_nobody[@]}" env HOME=/tmp MOAT_AS_ROOT="$ask" "$@"
rc=$?
kill "$helper" 2>/dev/null
wait "$helper" 2>/dev/null
rm -rf "$ask"
exit $rc
