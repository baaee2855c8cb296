#!/usr/bin/env bash
# test_cli.sh MOAT SOURCE_DIR: the moat command as a user runs it.
set -u
moat=$1 src=$2 embed=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME CONDITION-STATUS
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
contains() { grep -qF -- "$2" "$1"; }

# The example with its policy: every step of the bundle runs, exit 0.
"$moat" run "$src/examples/hello" --policy "$src/examples/hello/caps.json" >"$tmp/out" 2>"$tmp/err"
check "hello exits 0" $?
contains "$tmp/out" 'hello from "main" in moat'; check "hello invokes app:name" $?
contains "$tmp/out" 'event moat://pong: n=42, 3 bytes'; check "hello receives the pong" $?
contains "$tmp/err" '[main] info: the bundle is running'; check "hello logs" $?

# Without a policy nothing is allowed: the denial reaches the bundle and the audit log.
"$moat" run "$src/examples/hello" --audit "$tmp/audit" >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status -eq 1 ]; check "default deny makes hello exit 1 (got $status)" $?
contains "$tmp/err" 'hello failed: denied'; check "the bundle sees denied" $?
contains "$tmp/audit" '"command":"app:name","decision":"deny"'; check "the audit line" $?

# A broken policy is reported with its position and nothing runs.
printf '{\n  "identifier": "x",\n  "windws": ["main"]\n}\n' >"$tmp/bad.json"
"$moat" run "$src/examples/hello" --policy "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status -eq 70 ]; check "a bad policy exits 70 (got $status)" $?
contains "$tmp/err" "bad.json:3:3:"; check "the error names file:line:column" $?
[ ! -s "$tmp/out" ]; check "nothing ran" $?

# A bundle that is not there.
"$moat" run "$tmp/nope" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 70 ]; check "a missing bundle exits 70" $?
contains "$tmp/err" "$tmp/nope"; check "the error names the bundle" $?

# The embedding example registers greet and listens for hello:done.
"$embed" >"$tmp/out" 2>"$tmp/err"
check "the embedding example exits 0" $?
contains "$tmp/out" 'Hello, main!'; check "greet answers" $?
contains "$tmp/out" 'embed: renderer "main" emitted hello:done'; check "the embedder hears the event" $?
! contains "$tmp/out" 'greet: unknown_command'; check "greet is known there" $?

# Under moat run, greet does not exist.
"$moat" run "$src/examples/hello" --policy "$src/examples/hello/caps.json" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/out" 'greet: unknown_command'; check "greet is unknown to moat run" $?

# Usage errors.
"$moat" run >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "no bundle is a usage error" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
