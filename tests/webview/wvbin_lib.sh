# SPDX-License-Identifier: MIT
# wvbin_lib.sh: sourced (after lib.sh) by the tests that run a page under the
# wvbin embedder. run_wvbin WVBIN DIR runs the page in DIR (copied) on a
# private Xvfb and checks that it finished (again for each call, on the same
# display); without_ext makes the next runs use a host without its web process
# extension; line and expect read its output;
# expect_stream checks what test:stream sent (binary events and channel
# messages, in order) against the hashes the core printed.
run_wvbin() {
    [ -n "${DISPLAY_OURS:-}" ] || { start_xvfb && DISPLAY_OURS=1; }
    rm -rf "$WORK/app"
    cp -r "$2" "$WORK/app"
    timeout 120 "$1" "$WORK/app" "$here/binary/policy.json" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    cat "$WORK/out"
    grep -v '^{' "$WORK/err"
    [ "$rc" -eq 0 ] || fail "wvbin exited $rc"
    ! grep -q 'Sanitizer' "$WORK/out" "$WORK/err" || fail "a sanitizer reported an error (build-asan)"
    grep -q '^\[main\] done$' "$WORK/out" || fail "the page did not finish"
}
# without_ext WVBIN: a copy of the webview host beside WVBIN with no webext/ folder beside
# it, as MOAT_WEBVIEW: binaries then cross ipc:// fetches (or base64), not moat-webext.so.
without_ext() {
    mkdir -p "$WORK/host/bin"
    cp "$(dirname "$1")/moat-webview" "$WORK/host/bin/"
    export MOAT_WEBVIEW="$WORK/host/bin/moat-webview"
}
# route WANTED: which way the last run's binaries crossed, "extension" or "fetch".
route() {
    local got=fetch
    grep -q 'binaries cross through the web process extension' "$WORK/out" "$WORK/err" && got=extension
    expect "the binaries' route" "$got" "$1"
}
line() { sed -n "s|^$1||p" "$WORK/out" | head -1; }
expect() { # WHAT GOT WANTED
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
    echo "ok: $1: $2"
}
expect_stream() {
    local sn sh sh1000
    read -r sn sh sh1000 <<<"$(line 'core streamed: ')"
    [ -n "$sn" ] || fail "test:stream did not run"
    expect "events, binary then JSON" "$(line '\[main\] events: ')" \
        "bin Uint8Array $sn $sh, then json {\"after\":\"bin\"}"
    expect "channel messages in order" "$(line '\[main\] channel: ')" \
        "ArrayBuffer $sn $sh, then {\"k\":2}, then x Uint8Array 1000 $sh1000"
}
