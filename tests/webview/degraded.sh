#!/bin/sh
# SPDX-License-Identifier: MIT
# degraded.sh ARGS…: runs $MOAT_REAL ARGS… where no user namespace can be made
# inside the webview host's: in a user namespace of its own whose
# max_user_namespaces is 1 (the host's is the one). Tests only: this is how
# the suite gets the degraded mode on a machine that has the full one.
exec unshare -U -r sh -c 'echo 1 >/proc/sys/user/max_user_namespaces && exec "$0" "$@"' "$MOAT_REAL" "$@"
