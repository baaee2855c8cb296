#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_silent.sh MOAT: a webview host that never says hello is given 30 s from
# its exec, not the 10 s of the other renderers (WebKit's host maps ~100
# libraries before it can say hello; a cold start in CI once took over 10 s),
# and is then ended with where it was waiting. The stand-in host (named by
# MOAT_WEBVIEW, in the jail like the real one) only sleeps.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
moat=$1
start_xvfb
mkdir -p "$WORK/host/bin" "$WORK/app"
printf '#!/bin/sh\nexec sleep 120\n' >"$WORK/host/bin/silent"
chmod +x "$WORK/host/bin/silent"
printf '<!doctype html>\n<title>never loaded</title>\n' >"$WORK/app/index.html"
start=$(date +%s)
MOAT_WEBVIEW="$WORK/host/bin/silent" timeout 120 "$moat" run "$WORK/app" >"$WORK/out" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
cat "$WORK/out"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "moat run exited $rc (124: it was not ended at all)"
grep -q 'did not complete the handshake within 30000 ms of its start (process state S, waiting in' \
    "$WORK/out" || fail "the silent host was not ended for the 30 s handshake deadline"
[ "$elapsed" -ge 29 ] || fail "the silent host was ended after ${elapsed} s, before its deadline"
echo "ok: ended after ${elapsed} s"
