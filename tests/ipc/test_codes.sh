#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_codes.sh SOURCE_DIR: the error codes are one list. ipc/PROTOCOL.md's table is it;
# the README's invoke row and the TypeScript declarations name exactly the same codes,
# and no code in the core's or the JS host's sources is missing from it.
set -u
src=$1
fails=0
# The codes of a text: every `word` (or 'word') that looks like a code, sorted, unique.
table=$(sed -n '/^  | code /,/^$/p' "$src/ipc/PROTOCOL.md" | grep -oE '^  \| `[a-z_]+`' |
    grep -oE '[a-z_]+' | sort -u)
compare() { # compare NAME LIST
    if [ "$table" != "$2" ]; then
        echo "FAIL $1 names other codes than PROTOCOL.md's table:"
        diff <(echo "$table") <(echo "$2") | sed 's/^/    /'
        fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}
[ "$(echo "$table" | wc -l)" -ge 10 ] && echo "ok   the table has $(echo "$table" | wc -l) codes" ||
    { echo "FAIL could not read PROTOCOL.md's table"; fails=$((fails + 1)); }

readme=$(grep -E '^\| `moat.invoke' "$src/README.md" | sed 's/.*`.code` is//; s/(each in.*//' |
    grep -oE '`[a-z_]+`' | tr -d '`' | sort -u)
compare "README's invoke row" "$readme"

dts=$src/types/moat.d.ts
if [ -f "$dts" ]; then
    codes=$(sed -n '/type MoatErrorCode =/,/;/p' "$dts" | grep -oE "'[a-z_]+'" | tr -d "'" | sort -u)
    compare "types/moat.d.ts MoatErrorCode" "$codes"
fi

# What the sources use: reject/fail calls in the core, MoatError in the JS host.
used=$( (grep -rhoE '(moat_call_reject|core_send_error|core_fsr_fail|end_call|core_call_cancel)\([^"]*"[a-z_]+"' \
        "$src/core" "$src/plugins" 2>/dev/null | grep -oE '"[a-z_]+"$' | tr -d '"'
    grep -rhoE "MoatError\('[a-z_]+'" "$src/renderer" | grep -oE "'[a-z_]+'" | tr -d "'"
    grep -rhoE '\? *"[a-z]+_[a-z_]+" *:' "$src/plugins/fs/fs.c" | grep -oE '"[a-z_]+"' | tr -d '"') |
    sort -u)
missing=$(comm -13 <(echo "$table") <(echo "$used"))
if [ -n "$missing" ]; then
    echo "FAIL codes used but not in PROTOCOL.md's table: $missing"
    fails=$((fails + 1))
else
    echo "ok   every code used ($(echo $used)) is in the table"
fi
exit $((fails > 0))
