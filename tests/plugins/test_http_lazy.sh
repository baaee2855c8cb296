#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_http_lazy.sh BINARY...: plugin-http opens libcurl on the first fetch (http_fetch.c),
# so neither the core's library nor the moat command loads it, or any library of it, at
# start; test_http checks that fetches still work.
set -u
for b in "$@"; do
    libs=$(ldd "$b") || { echo "FAIL ldd $b"; exit 1; }
    echo "$b: $(echo "$libs" | wc -l) libraries"
    if echo "$libs" | grep -E 'libcurl|libgnutls|libssh2|libldap|libkrb5'; then
        echo "FAIL $b loads libcurl (or what it brings) at start"
        exit 1
    fi
done
echo "ok: no libcurl at start"
