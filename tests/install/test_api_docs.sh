#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_api_docs.sh DOXYGEN DOXYFILE SOURCE_DIR: the API docs (cmake/docs.cmake's Doxyfile)
# of the public headers with every warning an error: an undocumented public function,
# type, macro or member, or a broken doc command, fails here with Doxygen's file:line.
# Then the same run over a copy of moat_plugins.h that declares one function without a
# comment must fail naming it. Exits 77 (skipped) without doxygen (scripts/deps has it).
set -u
doxygen=$1 doxyfile=$2 src=$3
[ -n "$doxygen" ] && [ -x "$doxygen" ] || { echo "doxygen is not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# strict OUT [INPUT...]: Doxygen with the build's configuration, strict, into OUT; later
# settings override earlier ones. Its warnings are in OUT/warnings.log.
strict() {
    local out=$1
    shift
    mkdir -p "$out"
    {
        cat "$doxyfile"
        echo "OUTPUT_DIRECTORY = $out"
        echo "WARN_LOGFILE = $out/warnings.log"
        echo "WARN_IF_UNDOCUMENTED = YES"
        echo "WARN_AS_ERROR = FAIL_ON_WARNINGS"
        [ $# -eq 0 ] || echo "INPUT = $*"
    } | (cd "$out" && "$doxygen" - >"$out/doxygen.out" 2>&1)
}

if strict "$tmp/real" && [ ! -s "$tmp/real/warnings.log" ]; then
    echo "doxygen: the public headers are documented, no warnings"
else
    echo "FAIL doxygen warns about the public headers:"
    cat "$tmp/real/warnings.log" "$tmp/real/doxygen.out"
    fails=$((fails + 1))
fi
# A comment over several declarations documents each (doc/doxygen-filter.sh): the docs of
# moat_call_resolve_int are moat_call_resolve's.
grep -A1 '>moat_call_resolve_int</a>' "$tmp/real/html/moat_8h.html" 2>/dev/null |
    grep -q "Answers call and frees it" ||
    { echo "FAIL moat.h's page: moat_call_resolve_int lacks moat_call_resolve's text"; fails=$((fails + 1)); }

# The check can fail: one undocumented declaration among documented ones.
probe=$tmp/probe/moat_plugins.h
mkdir -p "$tmp/probe"
awk '/^#pragma GCC visibility pop/ { print "int moat_probe_undocumented(moat_app *app);\n" } { print }' \
    "$src/plugins/moat_plugins.h" >"$probe"
if strict "$tmp/probe" "$src/core/moat.h" "$src/renderer/moat_renderer.h" "$probe"; then
    echo "FAIL doxygen accepted an undocumented moat_probe_undocumented"
    fails=$((fails + 1))
elif ! grep -q "moat_probe_undocumented.*not documented" "$tmp/probe/warnings.log"; then
    echo "FAIL doxygen failed, but not naming moat_probe_undocumented:"
    cat "$tmp/probe/warnings.log"
    fails=$((fails + 1))
else
    echo "doxygen: an undocumented function fails: $(grep -m1 moat_probe "$tmp/probe/warnings.log" |
        sed "s|$tmp/probe/||")"
fi
[ $fails -eq 0 ]
