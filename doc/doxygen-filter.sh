#!/bin/sh
# doxygen-filter.sh FILE: the header with its comments as Doxygen sees them. A comment that
# opens a line ("/*" or "/* text") documents what follows it; a comment after a member on
# its line documents that member ("/*<"); the file's opening comment documents the file.
exec sed -e '1s|^/\*$|/** @file|' -e '1s|^/\* \(.*\)|/** @file \1|' \
    -e 's|^\([[:space:]]*\)/\*$|\1/**|' -e 's|^\([[:space:]]*\)/\* |\1/** |' \
    -e 's|\([;,][[:space:]]*\)/\* |\1/**< |' "$1"
