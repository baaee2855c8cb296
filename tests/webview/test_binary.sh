#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_binary.sh WVBIN: binaries between a page and the core without base64
# (renderer/webview/rawipc.c). The page (binary/main.js) sends a 16 MiB
# Uint8Array to test:echo, binaries inside an args map, asks for a binary
# answer to a JSON invoke, writes and reads a binary file with plugin-fs's
# invokes (and reads it again as chunks through a Channel: ArrayBuffers),
# goes over the frame limit and sends what a hostile page would
# (a GET, a wrong type, a bad parts body, a window command, a token used twice,
# a request without the app's origin), and gets binaries in events and channel
# messages from the core (test:stream), in order.
# The embedder (wvbin.c) prints the length and hash of what the core saw;
# both sides' lines must agree, and the file on disk must hold the bytes.
# All of it twice: through the web process extension (renderer/webview/webext.c,
# the host's way when it has one), then with a host without it (ipc:// fetches).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/wvbin_lib.sh"
checks() {
    sent=$(line '\[main\] page sent: ')
    [ -n "$sent" ] || fail "the page sent nothing"
    expect "the core saw the 16 MiB" "$(line 'core saw: ' )" "$sent"
    expect "the page got it back" "$(line '\[main\] page got: ')" "ArrayBuffer $sent"
    read -r _ la ha lb hb <<<"$(line '\[main\] page parts: ')"
    expect "the core saw the parts" "$(line 'core parts: ')" "pair $la $ha $lb $hb"
    expect "the parts came back swapped" "$(line '\[main\] page parts back: ')" \
        "pair Uint8Array $lb $hb Uint8Array $la $ha"
    expect "a binary answer to a JSON invoke" "$(line '\[main\] page made: ')" "ArrayBuffer $(line 'core made: ')"
    expect "an empty binary answer" "$(line '\[main\] page made empty: ')" "ArrayBuffer 0"
    read -r name n h _ kind rn rh <<<"$(line '\[main\] fs: ')"
    [ -n "$name" ] || fail "no fs line"
    f=${TMPDIR:-/tmp}/$name
    [ -f "$f" ] || fail "plugin-fs wrote no $f"
    disk=$(python3 -c '
import sys
h = 0
d = open(sys.argv[1], "rb").read()
for x in d:
    h = (h * 31 + x) & 0xffffffff
print(len(d), h)' "$f")
    rm -f "$f"
    expect "the file on disk" "$disk" "$n $h"
    expect "readFile" "$kind $rn $rh" "ArrayBuffer $n $h"
    expect "readFile through a Channel" "$(line '\[main\] channel read: ')" "ArrayBuffer $n $h"
    # Binaries from the core (fetched by token, not base64): the bytes, their types, the order;
    # sent while the stash was full of unfetched answers, they waited for room and none was lost.
    case "$(line '\[main\] stash full: ')" in
    "limit_exceeded after "[1-9]*) ;;
    *) fail "the stash was not filled: $(line '\[main\] stash full: ')" ;;
    esac
    expect "messages while the stash was full" "$(line '\[main\] while the stash was full: ')" "0 messages"
    expect "the held answers" "$(line '\[main\] held answers fetched: ')" "200"
    expect_stream
    oversize=$(line '\[main\] oversize: ')
    case "$oversize" in
    limit_exceeded:*20971520*) echo "ok: oversize: $oversize" ;;
    *) fail "the 24 MiB body was not refused with limit_exceeded and the limit: $oversize" ;;
    esac
    expect "a call after the oversize one" "$(line '\[main\] after oversize: ')" "ArrayBuffer 3"
    expect "GET" "$(line '\[main\] GET: ')" "405 invalid_args"
    expect "text/plain" "$(line '\[main\] text/plain: ')" "415 invalid_args"
    expect "a bad parts body" "$(line '\[main\] bad parts: ')" "400 invalid_args"
    # A reference outside the bytes is no binary: the core gets the map as it is, and the command says so.
    expect "a reference past the end" "$(line '\[main\] bad reference: ')" "400 invalid_args"
    grep -q '^core saw: not a binary (msgpack type 7)$' "$WORK/out" || fail "the bad reference did not reach test:echo as a map"
    expect "a JSON length past any body" "$(line '\[main\] huge length: ')" "400 invalid_args"
    expect "a window command" "$(line '\[main\] window command: ')" "400 invalid_args"
    expect "an unknown answer token" "$(line '\[main\] unknown answer: ')" "404 not_found"
    expect "an answer token used twice" "$(line '\[main\] token twice: ')" "200 then 404"
    expect "a request without the app's origin" "$(line '\[main\] no origin: ')" "refused"
    grep -q 'refused an ipc:// request from origin (none)' "$WORK/out" "$WORK/err" ||
        fail "the host did not say it refused a request without an origin"
    ! grep -q '^core saw: 1 ' "$WORK/out" || fail "the window command's body reached test:echo"
}
run_wvbin "$1" "$here/binary"
route extension
checks
without_ext "$1"
run_wvbin "$1" "$here/binary"
route fetch
checks
echo "ok"
