#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_violation.sh MOAT: a forbidden system call in the webview host is
# named and ends it: gdb makes the running host call ptrace (not on the
# host's seccomp allowlist); its SIGSYS handler names the call on stderr and
# exits 159, which the core reports. Root only (gdb must reach the
# non-dumpable host): exits 77 otherwise.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
[ "$(id -u)" -eq 0 ] || { echo "not root: gdb cannot reach the host"; exit 77; }
command -v gdb >/dev/null || fail "gdb is not installed (scripts/deps installs it)"
mkdir "$WORK/app"
echo "<script>console.log('up'); setInterval(() => {}, 1000);</script>" >"$WORK/app/index.html"
start_xvfb
"$moat" run "$WORK/app" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" up 60 || { cat "$WORK/out" "$WORK/err"; fail "the page did not start"; }
host=$(pgrep -P "$mpid" -x moat-webview | head -1)
[ -n "$host" ] || fail "no moat-webview child of moat"
timeout 60 gdb -batch -nx -iex 'set sysroot /' -ex 'handle SIGSYS nostop noprint pass' \
    -ex 'print (long)syscall(101, 0, 0, 0, 0)' \
    "$(tr '\0' '\n' </proc/"$host"/cmdline | head -1)" "$host" >"$WORK/gdb" 2>&1
for _ in $(seq 50); do kill -0 "$host" 2>/dev/null || break; sleep 0.1; done
kill -0 "$host" 2>/dev/null && { cat "$WORK/gdb"; fail "the host survived a forbidden call"; }
kill -INT "$mpid" 2>/dev/null
wait "$mpid"
cat "$WORK/out" "$WORK/err"
grep -q 'moat-webview: forbidden system call ptrace (101)' "$WORK/out" "$WORK/err" || fail "the call was not named"
grep -q 'renderer "main" (pid [0-9]*) ended: exited with code 159' "$WORK/out" "$WORK/err" || fail "the core did not report exit 159"
echo "ok"
