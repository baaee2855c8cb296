#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_symbols.sh LIB... : each shared library exports moat_* and nothing else (every
# symbol versioned with its SONAME's node), and its SONAME follows the ABI policy.
set -u
fails=0
for lib in "$@"; do
    name=$(basename "$lib")
    syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDRBVW]/ {print $3}')
    n=$(grep -c . <<<"$syms")
    others=$(grep -v '^moat_' <<<"$syms" | grep -v '^MOAT_[0-9.]*$')
    if [ "$n" -lt 10 ] || [ -n "$others" ]; then
        echo "FAIL $name exports $n symbols, not only moat_*: $(echo $others | cut -c1-300)"
        fails=$((fails + 1))
    else
        echo "ok   $name exports $n symbols, all moat_*"
    fi
    soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    node=$(objdump -T "$lib" | awk '/ moat_/ {print $(NF-1)}' | sort -u)
    want=${soname#*.so.}
    if [ "$node" != "MOAT_$want" ]; then
        echo "FAIL $name: symbols versioned '$node', expected MOAT_$want (SONAME $soname)"
        fails=$((fails + 1))
    else
        echo "ok   $name: SONAME $soname, symbols at MOAT_$want"
    fi
done
exit $((fails > 0))
