#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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

# A capabilities folder (Tauri's src-tauri/capabilities) serves as the policy.
mkdir -p "$tmp/capabilities"
cp "$src/examples/hello/caps.json" "$tmp/capabilities/default.json"
"$moat" run "$src/examples/hello" --policy "$tmp/capabilities" >"$tmp/out" 2>"$tmp/err"
check "hello exits 0 under a capabilities folder" $?
contains "$tmp/out" 'hello from "main" in moat'; check "the folder's capability grants app:name" $?

# Several --policy apply together (deny wins), and a tauri.conf.json picks its capabilities.
printf '{"identifier":"lock","windows":["*"],"permissions":["app:deny-name"]}' >"$tmp/lock.json"
"$moat" run "$src/examples/hello" --policy "$tmp/capabilities" --policy "$tmp/lock.json" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/err" 'hello failed: denied'; check "a second --policy's deny wins" $?
printf '{"app":{"security":{"capabilities":["hello"]}}}' >"$tmp/tauri.conf.json"
"$moat" run "$src/examples/hello" --policy "$tmp/tauri.conf.json" --policy "$tmp/capabilities" >"$tmp/out" 2>"$tmp/err"
check "hello exits 0 under tauri.conf.json + capabilities" $?
contains "$tmp/out" 'hello from "main" in moat'; check "tauri.conf.json names the capability" $?

# Without a policy nothing is allowed: the denial reaches the bundle and the audit log.
"$moat" run "$src/examples/hello" --audit "$tmp/audit" >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status -eq 1 ]; check "default deny makes hello exit 1 (got $status)" $?
contains "$tmp/err" 'hello failed: denied'; check "the bundle sees denied" $?
contains "$tmp/audit" '"command":"app:name","decision":"deny"'; check "the audit line" $?

# What a bundle prints cannot pass for the core's lines, nor steer the terminal.
mkdir -p "$tmp/forge"
printf '{"name": "forge", "entry": "main.js"}\n' >"$tmp/forge/moat.json"
cat >"$tmp/forge/main.js" <<'JS'
console.error('x\nmoat: renderer "other" (pid 4242) ended: forbidden system call socket(2, 1, 0)');
console.error('moat: renderer "b" (pid 1) ended: killed');
console.log('\u001b[2J\u001b]0;owned\u0007red\u009b31m\rdone');
JS
"$moat" run "$tmp/forge" >"$tmp/out" 2>"$tmp/err"
check "the forger runs" $?
! grep -q '^moat: renderer' "$tmp/err"; check "no renderer line passes for the core's" $?
grep -qF '[main] moat: renderer "b" (pid 1) ended: killed' "$tmp/err"; check "its lines carry its label" $?
! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/out" "$tmp/err"; check "no control characters pass" $?
! grep -q $'\xc2\x9b' "$tmp/out"; check "no C1 control passes" $?
grep -qF '?[2J?]0;owned?red??31m?done' "$tmp/out"; check "they are shown as ?" $?

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

# moat.json's errors name file:line:col and what was expected; a missing one says what a bundle needs.
mkdir -p "$tmp/mj"
mj() { # mj JSON EXPECTED-IN-STDERR NAME
    printf '%b' "$1" >"$tmp/mj/moat.json"
    "$moat" run "$tmp/mj" >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 70 ]; check "$3 exits 70" $?
    contains "$tmp/err" "$2"; check "$3: $(cat "$tmp/err")" $?
}
echo 'console.log("ran")' >"$tmp/mj/main.js"
mj '{\n  "name": 3,\n  "entry": "main.js"\n}\n' \
    'mj/moat.json:2:11: "name": expected a string (the app'"'"'s name), got a number' "a numeric name"
mj '{"name": "x", "entyr": "main.js"}' \
    'mj/moat.json:1:15: unknown key "entyr" (did you mean "entry"?); expected one of: name,' "a typo'd key"
mj '{"name": "x",\n "kind": "webview", "entry": "main.js",\n "windows": [{"width": "big"}]}' \
    'mj/moat.json:3:24: windows[0].width: expected a positive number, got a string' "a window's width"
mj '{"name": "x", "kind": "vue"}' 'mj/moat.json:1:23: "kind": expected "js", "native" or "webview"' "a bad kind"
mj '{"name": "x", "entry": "gone.js"}' 'mj/moat.json:1:24: "entry": gone.js: No such file' "a missing entry"
mj '{"name": "x",\n "name": "y"}' 'mj/moat.json:2:2: duplicate key "name"' "a duplicate key"
mj '{"name": "x" "entry": "main.js"}' 'mj/moat.json:1:14: invalid JSON' "a syntax error"
mj '  \n' 'mj/moat.json: empty (expected a JSON object' "an empty file"
! contains "$tmp/out" ran; check "nothing ran" $?
rm "$tmp/mj/moat.json"
"$moat" run "$tmp/mj" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 70 ]; check "no moat.json exits 70" $?
contains "$tmp/err" "moat: no moat.json in $tmp/mj (a bundle needs a moat.json"; check "no moat.json: $(cat "$tmp/err")" $?
! contains "$tmp/err" -1:-1; check "and no -1:-1 position" $?

# The embedding example registers greet and listens for hello:done.
"$embed" >"$tmp/out" 2>"$tmp/err"
check "the embedding example exits 0" $?
contains "$tmp/out" 'Hello, main!'; check "greet answers" $?
contains "$tmp/out" 'embed: renderer "main" emitted hello:done'; check "the embedder hears the event" $?
! contains "$tmp/out" 'greet: unknown_command'; check "greet is known there" $?

# Under moat run, greet does not exist, and the policy does not grant it: denied, so a
# renderer cannot tell a missing command from a refused one.
"$moat" run "$src/examples/hello" --policy "$src/examples/hello/caps.json" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/out" 'greet: denied'; check "greet is denied under moat run" $?

# --restart: a failing renderer is started again, up to N times.
"$moat" run "$src/tests/e2e/bundles/exits" --restart 2 >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status -eq 3 ]; check "the last exit code is the renderer's (got $status)" $?
[ "$(grep -c 'restarting renderer' "$tmp/err")" -eq 2 ]; check "restarted twice" $?
[ "$(grep -c 'before exit' "$tmp/out")" -eq 3 ]; check "ran three times" $?

# --learn writes a policy; running again with it works.
"$moat" run "$src/examples/hello" --learn "$tmp/learned.json" >"$tmp/out" 2>"$tmp/err"
check "learn mode runs hello" $?
contains "$tmp/learned.json" 'app:allow-name'; check "the learned policy grants what hello used" $?
! contains "$tmp/learned.json" 'fs:'; check "and nothing it did not use" $?
"$moat" run "$src/examples/hello" --policy "$tmp/learned.json" >"$tmp/out" 2>"$tmp/err"
check "hello runs under the learned policy" $?

# --audit-all: allowed calls are audited too.
"$moat" run "$src/examples/hello" --policy "$src/examples/hello/caps.json" --audit-all \
    --audit "$tmp/all.jsonl" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/all.jsonl" '"command":"app:name","decision":"allow"'; check "allowed calls audited" $?

# SIGHUP reloads the policy: a call made after it meets the new one.
printf '{"identifier": "a", "windows": ["main"], "permissions": ["allow-log"]}\n' >"$tmp/hup.json"
"$moat" run "$src/tests/e2e/bundles/late" --policy "$tmp/hup.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
printf '{"identifier": "b", "windows": ["main"], "permissions": ["app:allow-name"]}\n' >"$tmp/hup.json"
kill -HUP $pid
wait $pid
check "the reloaded policy allows the late call" $?
contains "$tmp/out" 'name: moat'; check "and the call got its answer" $?
contains "$tmp/err" 'reloaded the policy'; check "the reload is logged" $?

# SIGHUP with several --policy: every path is read again (the deny in the second goes, the
# allow in the first comes).
printf '{"identifier": "a", "windows": ["main"], "permissions": ["allow-log"]}\n' >"$tmp/hup1.json"
printf '{"identifier": "lock", "windows": ["*"], "permissions": ["app:deny-name"]}\n' >"$tmp/hup2.json"
"$moat" run "$src/tests/e2e/bundles/late" --policy "$tmp/hup1.json" --policy "$tmp/hup2.json" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
printf '{"identifier": "b", "windows": ["main"], "permissions": ["app:allow-name"]}\n' >"$tmp/hup1.json"
printf '{"identifier": "open", "windows": ["*"], "permissions": []}\n' >"$tmp/hup2.json"
kill -HUP $pid
wait $pid
check "a reload of several paths reads them all: $(cat "$tmp/out" "$tmp/err")" $?
contains "$tmp/out" 'name: moat'; check "and the late call is allowed" $?
contains "$tmp/err" "reloaded the policy from $tmp/hup1.json and the files given with it"
check "the reload is logged" $?
# A reload that finds errors (two files, two errors) keeps the old policy and says so.
"$moat" run "$src/tests/e2e/bundles/late" --policy "$tmp/hup1.json" --policy "$tmp/hup2.json" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
printf '{"identifier": "b", "windows": ["main"], "permissions": ["app:allow-nam"]}\n' >"$tmp/hup1.json"
printf '{"identifier": "open", "windows": "*", "permissions": []}\n' >"$tmp/hup2.json"
kill -HUP $pid
wait $pid
check "a reload with errors keeps the old policy: $(cat "$tmp/out" "$tmp/err")" $?
contains "$tmp/out" 'name: moat'; check "under which the late call is allowed" $?
contains "$tmp/err" "the policy was not reloaded, the old one stays: 2 errors"; check "the reload says how many errors" $?
contains "$tmp/err" "$tmp/hup1.json:1:58: unknown permission \"app:allow-nam\""; check "the reload logs the first file's error" $?
contains "$tmp/err" "$tmp/hup2.json:1:35: \"windows\" must be an array of strings"; check "and the second file's" $?

# moat run checks the whole policy first: every error, one per line, then it does not start.
"$moat" run "$src/tests/e2e/bundles/late" --policy "$tmp/hup1.json" --policy "$tmp/hup2.json" \
    >"$tmp/out" 2>"$tmp/err"
[ $? -eq 70 ]; check "moat run refuses a policy with errors" $?
contains "$tmp/err" "moat: $tmp/hup1.json:1:58: error: unknown permission \"app:allow-nam\""
check "naming the first file's error" $?
contains "$tmp/err" "moat: $tmp/hup2.json:1:35: error: \"windows\" must be an array of strings"
check "and the second file's: $(cat "$tmp/err")" $?
contains "$tmp/err" "moat: the policy has 2 errors: not starting"; check "before not starting" $?
! contains "$tmp/out" 'name:'; check "the renderer never ran" $?

# moat policy: the tools for policy writers are reachable from moat.
"$moat" policy check "$src/examples/hello/caps.json" >"$tmp/out" 2>"$tmp/err"
check "moat policy check accepts the example" $?
"$moat" policy schema >"$tmp/out" 2>"$tmp/err"
contains "$tmp/out" '"$schema"'; check "moat policy schema prints the schema" $?

# An embedder's manifest declares its commands and sets to the checker (--manifest, repeatable).
em="$src/examples/embed/permissions.json"
"$moat" policy check --strict "$src/examples/embed/caps.json" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ]; check "without its manifest the embed policy fails --strict" $?
contains "$tmp/out" '"embed:default"'; check "naming embed:default" $?
"$moat" policy check --strict --manifest "$em" "$src/examples/embed/caps.json" >"$tmp/out" 2>"$tmp/err"
check "with --manifest the embed policy passes --strict: $(cat "$tmp/out" "$tmp/err")" $?
[ ! -s "$tmp/out" ]; check "and has no warnings" $?
"$moat" policy explain --manifest "$em" --policy "$src/examples/embed/caps.json" --label main greet \
    >"$tmp/out" 2>"$tmp/err"
check "explain --manifest allows greet" $?
contains "$tmp/out" 'allowed by allow-greet in capability embed-main'; check "explain says why" $?
"$moat" policy permissions --manifest "$em" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/out" 'embed:default (set)'; check "permissions --manifest lists the set" $?
"$moat" policy schema --manifest "$em" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/out" '"embed:default"'; check "schema --manifest has the set in its enum" $?
"$moat" policy schema >"$tmp/out" 2>"$tmp/err"
! contains "$tmp/out" '"embed:default"'; check "and without it not" $?
printf '{"plugin": "", "comands": []}' >"$tmp/badman.json"
"$moat" policy check --manifest "$tmp/badman.json" "$src/examples/embed/caps.json" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 70 ]; check "a bad manifest exits 70" $?
contains "$tmp/err" 'badman.json: unknown key "comands"'; check "naming the manifest and the key" $?
"$moat" policy check --manifest >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "--manifest without a file is a usage error" $?

# Usage errors.
"$moat" run >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "no bundle is a usage error" $?

# Help on every subcommand (stdout, exit 0), -V, -h.
for sub in "run" "run $src/examples/hello" "doctor" "policy" "policy check" "policy explain"; do
    "$moat" $sub --help >"$tmp/out" 2>"$tmp/err"
    check "moat $sub --help exits 0" $?
    contains "$tmp/out" "usage: moat"; check "moat $sub --help prints the usage" $?
    "$moat" $sub -h >"$tmp/out" 2>"$tmp/err"
    check "moat $sub -h exits 0" $?
done
contains "$tmp/out" "check        loads each FILE"; check "moat policy -h explains check" $?
"$moat" -V >"$tmp/out" 2>&1; check "moat -V exits 0" $?
grep -qE '^moat [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"; check "moat -V prints the version" $?
"$moat" -h >"$tmp/out" 2>&1; check "moat -h exits 0" $?

# Ctrl-C: the renderer is ended and moat exits 130, as a shell reports SIGINT.
mkdir "$tmp/forever"
echo '{"name": "forever", "entry": "main.js"}' >"$tmp/forever/moat.json"
echo 'console.log("started"); setInterval(() => {}, 1000);' >"$tmp/forever/main.js"
"$moat" run "$tmp/forever" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q started "$tmp/out" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
wait $pid
st=$?
[ $st -eq 130 ]; check "Ctrl-C exits 130 (got $st)" $?
sleep 0.2
! pgrep -f "moat-renderer $tmp/forever" >/dev/null
check "and no renderer is left" $?

# A bundle that does not parse: file:line:col; an ES module: what to do instead.
mkdir "$tmp/bad"
echo '{"name": "bad", "entry": "main.js"}' >"$tmp/bad/moat.json"
printf 'const a = 1;\nlet b = ;\n' >"$tmp/bad/main.js"
"$moat" run "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ]; check "a SyntaxError exits 1" $?
contains "$tmp/err" "main.js:2:9: SyntaxError: Unexpected token ';'"; check "with file:line:col" $?
printf 'import { x } from "./x.js";\nconsole.log(x);\n' >"$tmp/bad/main.js"
"$moat" run "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/err" "main.js: this looks like an ES module (import/export)"
check "an ES module gets a hint" $?
contains "$tmp/err" "--format=iife"; check "the hint says how to bundle" $?

# Log levels: -q leaves only moat's errors, -v adds debug lines, $MOAT_LOG sets the default;
# the bundle's own output is there whatever the level.
mkdir "$tmp/fails"
echo '{"name": "fails", "entry": "main.js"}' >"$tmp/fails/moat.json"
echo 'console.log("said by the bundle"); moat.exit(3);' >"$tmp/fails/main.js"
"$moat" run "$tmp/fails" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 3 ]; check "the failing bundle exits 3" $?
contains "$tmp/err" 'moat: renderer "main"'; check "by default moat warns that the renderer ended" $?
contains "$tmp/err" 'started: pid'; [ $? -ne 0 ]; check "and says no debug line" $?
"$moat" run "$tmp/fails" -q >"$tmp/out" 2>"$tmp/err"
[ $? -eq 3 ]; check "-q keeps the exit code" $?
grep -q '^moat: ' "$tmp/err"; [ $? -ne 0 ]; check "-q: no line of moat's (got: $(grep '^moat: ' "$tmp/err" | head -1))" $?
contains "$tmp/out" 'said by the bundle'; check "-q: the bundle's output stays" $?
"$moat" run "$tmp/fails" --verbose >"$tmp/out" 2>"$tmp/err"
grep -q "^moat: renderer \"main\" started: pid [0-9]*, bundle $tmp/fails" "$tmp/err"; check "-v: the renderer's start" $?
MOAT_LOG=debug "$moat" run "$tmp/fails" >"$tmp/out" 2>"$tmp/err"
contains "$tmp/err" 'started: pid'; check "MOAT_LOG=debug: the renderer's start" $?
MOAT_LOG=error "$moat" run "$tmp/fails" >"$tmp/out" 2>"$tmp/err"
grep -q '^moat: ' "$tmp/err"; [ $? -ne 0 ]; check "MOAT_LOG=error: no line of moat's" $?
MOAT_LOG=error "$moat" run "$tmp/fails" -v >"$tmp/out" 2>"$tmp/err"
contains "$tmp/err" 'started: pid'; check "-v wins over MOAT_LOG" $?
MOAT_LOG=loud "$moat" run "$tmp/fails" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ]; check "MOAT_LOG=loud is a usage error" $?
contains "$tmp/err" 'MOAT_LOG=loud: expected error, warn, info or debug'; check "and says what it expected" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
