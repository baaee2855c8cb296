#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_rogue_ext.sh WVBIN ROGUE: a compromised web process talking to the host
# the way moat-webext.so does, but wrong. A host copy loads ROGUE
# (rogueext.c) in its place; the page (rogueext/) sends extension messages with
# no fd, an unsealed memfd or one that may shrink, a pipe, two fds, a body over
# the frame limit, a host command, wrong types and params. Each gets its error
# from the host and nothing reaches the core's command; then a well-formed
# message and a normal invoke still work, so the host and core lived.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/wvbin_lib.sh"
without_ext "$1"
mkdir -p "$WORK/host/bin/webext"
cp "$2" "$WORK/host/bin/webext/moat-webext.so"
run_wvbin "$1" "$here/rogueext"
bad() { # WHAT CODE TEXT: the host's reply to a bad message
    expect "$1" "$(line "\[main\] $1: ")" "(false, '$2', '$3')"
}
fd="moat-invoke takes (sts) and one fd"
bad "no fd" invalid_args "$fd"
bad "wrong params" invalid_args "$fd"
bad "no params" invalid_args "$fd"
sealed="the body is not a memfd sealed against writes and shrinking"
bad "unsealed" invalid_args "$sealed"
bad "no shrink seal" invalid_args "$sealed"
bad "a pipe" invalid_args "$sealed"
bad "two fds" invalid_args "$fd"
# (GVariant's text quotes a string with a ' in it with ")
expect "over the limit" "$(line '\[main\] over the limit: ')" \
    "(false, 'limit_exceeded', \"the body is over the core's 20971520-byte frame limit\")"
bad "a window command" invalid_args "this command is carried out by the host: invoke it without binaries"
bad "a bad type" invalid_args \
    "the Content-Type is not application/octet-stream, application/json or application/x-moat-parts"
shape="the body is not what its Content-Type says (or too deep, or not one value)"
bad "bad parts" invalid_args "$shape"
bad "empty parts" invalid_args "$shape"
bad "an unknown token" not_found "no such answer (each is fetched once)"
bad "take with an fd" invalid_args "moat-take takes (s)"
case "$(line '\[main\] an unknown message: ')" in
error:*) echo "ok: an unknown message: $(line '\[main\] an unknown message: ')" ;;
*) fail "an unknown message was answered: $(line '\[main\] an unknown message: ')" ;;
esac
expect "well-formed" "$(line '\[main\] well-formed: ')" \
    "(true, 'application/octet-stream', '') + 5 bytes abc"
grep -q '^core saw: 5 ' "$WORK/out" || fail "the well-formed body did not reach test:echo"
[ "$(grep -c '^core saw: ' "$WORK/out")" -eq 2 ] ||
    fail "a bad message reached test:echo: $(grep '^core saw: ' "$WORK/out")"
expect "an invoke after them" "$(line '\[main\] after: ')" "ArrayBuffer 3"
route extension
echo "ok"
