#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_degraded.sh MOAT: where no user namespace can be made inside the
# webview host's (degraded.sh makes it so), moat doctor says "degraded",
# `moat run --strict` refuses to start, and otherwise the lockdown test
# and hostile tests pass with WebKit's sandbox off and Landlock file rules on the host.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
export MOAT_REAL=$1
"$here/degraded.sh" doctor >"$WORK/doctor" 2>&1
cat "$WORK/doctor"
grep -q '^  webview *degraded: no user namespace inside' "$WORK/doctor" || fail "moat doctor does not say degraded"
"$MOAT_REAL" doctor | grep -q '^  webview *full:' || fail "moat doctor does not say full outside degraded.sh"
mkdir "$WORK/app" && echo '<title>x</title>' >"$WORK/app/index.html"
start_xvfb
timeout 60 "$here/degraded.sh" run --strict "$WORK/app" >"$WORK/out" 2>&1
rc=$?
cat "$WORK/out"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "moat run --strict exited $rc in the degraded mode"
grep -q -- "--strict refuses" "$WORK/out" || fail "no reason from --strict"
WV_EXPECT_DEGRADED=1 "$here/test_lockdown.sh" "$here/degraded.sh" || fail "the lockdown test in the degraded mode"
"$here/test_hostile.sh" "$here/degraded.sh" || fail "the hostile suite in the degraded mode"
echo "ok"
