#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_spdx.sh SOURCE_DIR: every tracked file of the tree says its license (scripts/spdx
# --check), and the check can fail: in a scratch repository a file without the header is
# named and makes it exit 1, until scripts/spdx writes the header (after the shebang).
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$src/scripts/spdx" --check || fail "files of the tree without an SPDX header (above)"
echo "the tree: every tracked file has its SPDX header or a REUSE.toml annotation"
mkdir -p "$tmp/r/scripts"
cp "$src/scripts/spdx" "$tmp/r/scripts/" && cp "$src/REUSE.toml" "$tmp/r/"
printf '// SPDX-License-Identifier: MIT\nint a;\n' >"$tmp/r/a.c"
printf '#!/bin/sh\necho b\n' >"$tmp/r/b.sh"
git -C "$tmp/r" init -q && git -C "$tmp/r" add -A
out=$("$tmp/r/scripts/spdx" --check 2>&1) && fail "--check passed with b.sh lacking its header"
echo "$out" | grep -q '^b.sh: no SPDX-License-Identifier' || fail "--check did not name b.sh: $out"
echo "$out" | grep -q 'a.c' && fail "--check named a.c, which has its header"
"$tmp/r/scripts/spdx" || fail "scripts/spdx could not write the header"
[ "$(head -2 "$tmp/r/b.sh")" = "$(printf '#!/bin/sh\n# SPDX-License-Identifier: MIT')" ] ||
    fail "b.sh's header is not right after its shebang: $(head -3 "$tmp/r/b.sh")"
"$tmp/r/scripts/spdx" --check || fail "--check still fails after scripts/spdx"
echo "ok"
