#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_binary_csp.sh WVBIN: a page whose own <meta> CSP has no ipc: in connect-src
# (binarycsp/): the shim's fetch to ipc://localhost is refused, and binaries still
# cross, through the message handler as base64 (renderer/webview/page.js's fallback,
# as Tauri's ipc-protocol.js falls back to postMessage): a 1 MiB echo, binaries
# inside args, a binary answer to a JSON invoke, binary events and channel messages,
# each compared with what the core (wvbin.c) saw or sent. That is with a host
# without its web process extension; with it (first), the page's CSP does not
# apply to the extension's messages, as it does not to Tauri's postMessage,
# and the same binaries cross without a fetch.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/wvbin_lib.sh"
checks() {
    sent=$(line '\[main\] page sent: ')
    [ -n "$sent" ] || fail "the page sent nothing"
    expect "the core saw the 1 MiB" "$(line 'core saw: ')" "$sent"
    expect "the page got it back" "$(line '\[main\] page got: ')" "ArrayBuffer $sent"
    read -r _ la ha lb hb <<<"$(line 'core parts: ')"
    expect "the parts came back swapped" "$(line '\[main\] page parts back: ')" \
        "pair Uint8Array $lb $hb Uint8Array $la $ha"
    expect "a binary answer to a JSON invoke" "$(line '\[main\] page made: ')" "ArrayBuffer $(line 'core made: ')"
    expect_stream
}
run_wvbin "$1" "$here/binarycsp"
route extension
expect "nothing refused by the page's CSP" "$(line '\[main\] refused: ')" "undefined"
checks
without_ext "$1"
run_wvbin "$1" "$here/binarycsp"
route fetch
expect "the page's CSP refused ipc:" "$(line '\[main\] refused: ')" "connect-src ipc"
grep -q 'ipc:// refused' "$WORK/out" "$WORK/err" || fail "the shim did not say it fell back"
checks
echo "ok"
