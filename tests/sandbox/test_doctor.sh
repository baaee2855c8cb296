#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_doctor.sh MOAT SOURCE_DIR: `moat doctor` and the sandbox flags of `moat run`.
set -u
moat=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
contains() { grep -qF -- "$2" "$1"; }

"$moat" doctor >"$tmp/out" 2>&1
status=$?
[ $status -eq 0 ]; check "doctor exits 0 with every layer active (got $status)" $?
for layer in namespaces root landlock rlimits capabilities seccomp; do
    grep -qE "^  $layer +active: " "$tmp/out"; check "doctor reports $layer active" $?
done
contains "$tmp/out" "CapEff:	0000000000000000"; check "the probe holds no capability" $?
contains "$tmp/out" "NoNewPrivs:	1"; check "the probe has no_new_privs" $?
contains "$tmp/out" "pid 1"; check "the probe is alone in its pid namespace" $?
contains "$tmp/out" "open /etc/passwd: No such file or directory"; check "the probe's root is empty" $?

"$moat" doctor --filter >"$tmp/filter" 2>&1
check "doctor --filter exits 0" $?
contains "$tmp/filter" "pseudo filter code start"; check "the filter is printed" $?
contains "$tmp/filter" '# filter for syscall "mprotect"'; check "mprotect has a rule" $?
"$moat" doctor --filter --jit >"$tmp/jit" 2>&1
! cmp -s "$tmp/filter" "$tmp/jit"; check "the JIT variant differs" $?

# The flags reach the sandbox: a CPU-bound script is stopped by the renderer's
# watchdog at 3/4 of --cpu (exit 124), before the core's limit kills the process.
"$moat" run "$src/tests/hostile/bundles/js-cpu-loop" --cpu 1 >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status -eq 124 ]; check "--cpu 1 stops the loop (got $status)" $?
contains "$tmp/err" "more than 750 ms of CPU time"; check "the watchdog names the limit" $?
"$moat" run "$src/tests/hostile/bundles/js-memory-bomb" --memory 200M >"$tmp/out" 2>"$tmp/err"
contains "$tmp/err" "the limit is 200 MiB"; check "--memory 200M is the limit" $?
"$moat" run "$src/examples/hello" --strict --jit --policy "$src/examples/hello/caps.json" \
    >"$tmp/out" 2>"$tmp/err"
check "hello runs in strict mode with the JIT" $?
"$moat" run "$src/examples/hello" --memory lots >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "a bad --memory is a usage error" $?
"$moat" run "$src/examples/hello" --cpu -1 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "a bad --cpu is a usage error" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
