#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_init.sh MOAT SOURCE_DIR: `moat init` writes bundles that run. The vanilla one runs
# under its own capabilities; the tauri one is built with its pinned npm packages
# (@tauri-apps/api, esbuild) and runs in a webview window under Xvfb, when npm, Xvfb and
# moat-webview are there.
moat=$1 src=$2
. "$src/tests/webview/lib.sh"
pass=0 fail=0
check() { # check NAME STATUS
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
contains() { grep -qF -- "$2" "$1"; }
finish() { echo "$pass passed, $fail failed"; [ $fail -eq 0 ]; exit; }

# vanilla: moat.json, main.js, capabilities/default.json; it runs and is allowed what it does.
"$moat" init "$WORK/my-app" >"$WORK/out" 2>"$WORK/err"
check "moat init exits 0: $(cat "$WORK/err")" $?
contains "$WORK/out" "moat run $WORK/my-app --policy $WORK/my-app/capabilities"
check "it says how to run the bundle" $?
for f in moat.json main.js capabilities/default.json; do
    [ -s "$WORK/my-app/$f" ]; check "it wrote $f" $?
done
contains "$WORK/my-app/capabilities/default.json" '"$schema": "'; check "the capability names its schema" $?
"$moat" run "$WORK/my-app" --policy "$WORK/my-app/capabilities" >"$WORK/out" 2>"$WORK/err"
check "the bundle exits 0: $(cat "$WORK/err")" $?
contains "$WORK/out" 'my-app ("main") runs in moat '; check "it invoked app:name and app:version" $?
contains "$WORK/err" '[main] info: my-app is running'; check "and logged" $?
"$moat" run "$WORK/my-app" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 1 ]; check "without its capabilities it is denied (exit 1)" $?
"$moat" policy check --strict "$WORK/my-app/capabilities" >"$WORK/out" 2>&1
check "its policy passes moat policy check --strict: $(cat "$WORK/out")" $?
[ ! -s "$WORK/out" ]; check "with no warnings" $?

# A folder that is not empty is refused and left as it was.
cp "$WORK/my-app/main.js" "$WORK/main.js.before"
"$moat" init "$WORK/my-app" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 70 ]; check "a non-empty folder is refused (exit 70)" $?
contains "$WORK/err" "is not empty"; check "saying so: $(cat "$WORK/err")" $?
cmp -s "$WORK/main.js.before" "$WORK/my-app/main.js"; check "and left as it was" $?
mkdir "$WORK/has-dot" && touch "$WORK/has-dot/.git"
"$moat" init "$WORK/has-dot" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 70 ]; check "a folder with a dot file is not empty" $?
mkdir "$WORK/empty"
"$moat" init "$WORK/empty" >"$WORK/out" 2>"$WORK/err"; check "an empty folder is fine" $?
"$moat" init --template vue "$WORK/vue" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ]; check "an unknown template is a usage error" $?
contains "$WORK/err" 'expected vanilla or tauri'; check "naming the templates" $?
[ ! -e "$WORK/vue" ]; check "and writes nothing" $?
"$moat" init --help >"$WORK/out" 2>&1; check "moat init --help exits 0" $?
contains "$WORK/out" "usage: moat init"; check "and prints the usage" $?

# tauri: index.html, src/main.js on @tauri-apps/api, package.json, build.mjs (esbuild).
"$moat" init --template tauri "$WORK/web-app" >"$WORK/out" 2>"$WORK/err"
check "moat init --template tauri exits 0" $?
for f in moat.json index.html src/main.js package.json build.mjs capabilities/default.json; do
    [ -s "$WORK/web-app/$f" ]; check "it wrote $f" $?
done
pins=$(sed -n 's/.*"\(@tauri-apps\/api\|esbuild\)": "\([^"]*\)".*/\1@\2/p' "$src/tests/plugins/e2e/package.json" | sort)
mine=$(sed -n 's/.*"\(@tauri-apps\/api\|esbuild\)": "\([^"]*\)".*/\1@\2/p' "$WORK/web-app/package.json" | sort)
[ -n "$mine" ] && [ "$mine" = "$pins" ]; check "it pins the versions the tests use ($mine)" $?
command -v npm >/dev/null || { echo "npm is not installed: the tauri template is not built"; finish; }
(cd "$WORK/web-app" && npm install --no-audit --no-fund --loglevel=error && npm run build) \
    >"$WORK/npm.log" 2>&1
check "npm install && npm run build: $(tail -5 "$WORK/npm.log")" $?
contains "$WORK/web-app/dist/main.js" '__TAURI_INTERNALS__'; check "dist/main.js has Tauri's API in it" $?
[ -s "$WORK/web-app/dist/index.html" ]; check "dist/index.html is there" $?
if ! command -v Xvfb >/dev/null || [ ! -x "$(dirname "$moat")/moat-webview" ]; then
    echo "no Xvfb or moat-webview: the tauri bundle is not run"
    finish
fi
start_xvfb
"$moat" run "$WORK/web-app" --policy "$WORK/web-app/capabilities" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" 'web-app runs in ' 60
check "the window ran src/main.js: $(cat "$WORK/out" "$WORK/err" | tail -5)" $?
contains "$WORK/out" 'web-app runs in web-app '; check "getName answered the bundle's name" $?
wait_for "$WORK/err" 'info: web-app is running' 10; check "and log was invoked" $?
kill -INT "$mpid"
wait "$mpid"
st=$?
[ $st -eq 130 ]; check "Ctrl-C ends it with 130 (got $st)" $?
finish
