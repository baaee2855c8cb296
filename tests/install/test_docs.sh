#!/usr/bin/env bash
# test_docs.sh MOAT SOURCE_DIR: the man pages render without warnings, the completions
# parse, and every option `moat run --help` lists is in moat-run.1 and the bash completion
# (an option added to the CLI without them fails here, naming it).
set -u
moat=$1 src=$2
fails=0
for page in "$src"/doc/man/*.[15]; do
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    if [ -n "$warnings" ]; then echo "FAIL $page: $warnings"; fails=$((fails + 1)); fi
done
bash -n "$src/doc/completions/moat.bash" || { echo "FAIL moat.bash does not parse"; fails=$((fails + 1)); }
opts=$("$moat" run --help | sed -n '/^run /,/^doctor /p' | grep -oE '^  --[a-z-]+' | tr -d ' ' | sort -u)
[ -n "$opts" ] || { echo "FAIL could not read moat run --help"; fails=$((fails + 1)); }
for o in $opts; do
    grep -qF -- "${o//-/\\-}" "$src/doc/man/moat-run.1" ||
        { echo "FAIL moat run $o is not in doc/man/moat-run.1"; fails=$((fails + 1)); }
    grep -qF -- "$o" "$src/doc/completions/moat.bash" ||
        { echo "FAIL moat run $o is not in doc/completions/moat.bash"; fails=$((fails + 1)); }
done
[ $fails -eq 0 ] && echo "ok   man pages, completions, and the $(echo $opts | wc -w) options of moat run"
exit $((fails > 0))
