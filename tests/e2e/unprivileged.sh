#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# unprivileged.sh PROGRAM [ARGS…]: runs a test program as uid/gid 65534, so
# that a suite run as root (as CI is) also proves Moat works for a normal
# user. Exits 77 (skipped) when not root or when that user cannot reach PROGRAM.
set -u
if [ "$(id -u)" -ne 0 ]; then
    echo "already unprivileged: the plain run covers it"
    exit 77
fi
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! "${as_nobody[@]}" test -x "$1" || ! "${as_nobody[@]}" test -r "$MOAT_SOURCE_DIR/README.md"; then
    echo "uid 65534 cannot reach $1 or the sources (a private checkout): skipped"
    exit 77
fi
exec "${as_nobody[@]}" env HOME=/tmp "$@"
