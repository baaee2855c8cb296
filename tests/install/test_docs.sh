#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_docs.sh MOAT SOURCE_DIR: the man pages render without a groff warning, moat(1)
# names every other page, and every option `moat --help` and `moat SUB --help` list is in
# that subcommand's man page and its bash, zsh and fish completions (an option added to the
# CLI without them fails here, naming it). Then the check runs once more on a moat whose
# `run --help` lists an option no page has, and must fail naming it.
set -u
moat=$1 src=$2
man=$src/doc/man comp=$src/doc/completions
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# The options a help text lists: -x or --word, not inside a word (ARGS-JSON, non-empty).
options() { grep -oE -- '(^|[^A-Za-z0-9_.-])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[^-]+//' | sort -u; }
# A page's source as text: \- is -, font and break escapes dropped.
plain() { sed -e 's/\\-/-/g' -e 's/\\[%&]//g' -e 's/\\f[BIRP]//g' "$1"; }
# Is option $1 a whole word of standard input?
has() { grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|$)"; }
# The case branch "    SUB)" of a bash or zsh completion, up to its ";;".
branch() { sed -n "/^    $2)/,/;;/p" "$1"; }
# fish: the options completed once SUB is seen, as --long and -s.
fish_opts() {
    grep -F "__fish_seen_subcommand_from $1'" "$comp/moat.fish" |
        sed -nE 's/.* -l ([a-z-]+).*/--\1/p; s/.* -s ([A-Za-z]).*/-\1/p'
}

for page in "$man"/*.[1-8]; do
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$warnings" ] || fail "$page: $warnings"
    name=$(basename "$page")
    [ "$name" = moat.1 ] || plain "$man/moat.1" | sed -n '/^.SH SEE ALSO/,$p' |
        grep -qF ".BR ${name%.*} (${name##*.})" ||
        fail "moat.1 SEE ALSO does not name ${name%.*}(${name##*.})"
done
bash -n "$comp/moat.bash" || fail "moat.bash does not parse"

# moat --help: each option in moat.1 or in the page of the subcommand it belongs to.
top=$("$moat" --help | options)
[ -n "$top" ] || fail "could not read moat --help"
all_pages=$(for p in "$man"/*.[1-8]; do plain "$p"; done)
for o in $top; do
    plain "$man/moat.1" | has "$o" || echo "$all_pages" | has "$o" ||
        fail "moat --help lists $o; no page in doc/man has it"
    grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" "$comp/moat.bash" ||
        fail "moat --help lists $o; doc/completions/moat.bash does not"
done
for o in -h --help -V --version; do
    echo "$top" | grep -qx -- "$o" || fail "moat --help does not list $o"
    grep -E "^complete -c moat -s" "$comp/moat.fish" | sed -nE 's/.* -s ([A-Za-z]) -l ([a-z-]+).*/-\1 --\2/p' |
        tr ' ' '\n' | grep -qx -- "$o" || fail "doc/completions/moat.fish does not complete $o"
done

# moat SUB --help: each option in SUB's page; the long ones of its synopsis (the text up to
# the first empty line; the rest may name another subcommand's) in each shell's completion.
count=0
for entry in run:moat-run.1 policy:moat-policy.1 init:moat-init.1 types:moat-types.1 \
    doctor:moat.1; do
    sub=${entry%%:*} page=$man/${entry#*:}
    out=$("$moat" "$sub" --help) || fail "moat $sub --help exits $?"
    opts=$(echo "$out" | options)
    synopsis=$(echo "$out" | sed '/^$/q' | options)
    [ -n "$opts" ] || fail "could not read moat $sub --help"
    for o in $opts; do
        count=$((count + 1))
        plain "$page" | has "$o" || fail "moat $sub --help lists $o; doc/man/${page##*/} does not"
        case $o in --help | -?) continue ;; esac
        echo "$synopsis" | grep -qx -- "$o" || continue
        branch "$comp/moat.bash" "$sub" | has "$o" ||
            fail "moat $sub $o is not in doc/completions/moat.bash"
        branch "$comp/_moat" "$sub" | has "$o" || fail "moat $sub $o is not in doc/completions/_moat"
        fish_opts "$sub" | grep -qx -- "$o" || fail "moat $sub $o is not in doc/completions/moat.fish"
    done
done

if [ "${TEST_DOCS_INNER:-}" = 1 ]; then exit $((fails > 0)); fi

# The check can fail: a moat whose run --help lists one more option.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/moat" <<SH
#!/bin/sh
"$moat" "\$@"; rc=\$?
[ "\$1" = run ] && echo "  --made-up-option  in no page"
exit \$rc
SH
chmod +x "$tmp/moat"
TEST_DOCS_INNER=1 "$0" "$tmp/moat" "$src" >"$tmp/out" 2>&1 && fail "an undocumented option passed"
grep -qF "moat run --help lists --made-up-option; doc/man/moat-run.1 does not" "$tmp/out" ||
    fail "the undocumented option was not named: $(cat "$tmp/out")"

[ $fails -eq 0 ] && echo "ok   $(ls "$man" | wc -l) man pages, completions, and $count options of 5 subcommands"
exit $((fails > 0))
