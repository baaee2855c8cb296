#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_hostile.sh MOAT: the hostile-page suite (hostile/): a second window of
# the same app tries to read the first one's stores, open or reach it, leave
# the origin, and reach files and other schemes. The page must report every
# try refused, the loopback listener must see nothing, and only the two
# windows exist. test_degraded.sh runs it in the degraded mode too.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
/usr/bin/python3 "$here/listener.py" "$WORK/port" "$WORK/seen" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port=$(cat "$WORK/port")
[ -n "$port" ] || fail "the listener did not start"
mkdir "$WORK/app"
for f in index.html main.js moat.json; do sed "s/@PORT@/$port/g" "$here/hostile/$f" >"$WORK/app/$f"; done
start_xvfb
"$moat" run "$WORK/app" --policy "$here/hostile/caps.json" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" "hostile done" 90 || { cat "$WORK/out" "$WORK/err"; fail "the thief did not finish"; }
tree=$(xwininfo -root -tree)
sleep 1
kill -INT "$mpid" 2>/dev/null
wait "$mpid"
cat "$WORK/out" "$WORK/err"
no_violations
grep -q 'victim: secrets stored (localStorage true)' "$WORK/out" || fail "the victim did not store its secrets"
tries=$(grep -c 'hostile [A-Za-z-]*: ' "$WORK/out")
[ "$tries" -eq 21 ] || fail "$tries tries reported, expected 21"
if grep -q 'hostile [A-Za-z-]*: LEAKED' "$WORK/out"; then fail "a hostile try succeeded"; fi
grep -q "still at tauri://localhost/" "$WORK/out" || fail "the thief navigated away"
n=$(echo "$tree" | grep -c '"\(victim\|thief\) window"\|"tauri://localhost/"')
[ "$n" -eq 2 ] || { echo "$tree"; fail "$n app windows, expected the two (window.open made one?)"; }
if [ -s "$WORK/seen" ]; then
    cat "$WORK/seen"
    fail "the listener saw connections"
fi
echo "ok: $tries tries, all refused, the listener saw nothing"
