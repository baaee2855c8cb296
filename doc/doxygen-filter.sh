#!/bin/sh
# SPDX-License-Identifier: MIT
# doxygen-filter.sh FILE: the header with its comments as Doxygen sees them, so the headers
# stay plain C. A comment that opens a line ("/*" or "/* text") documents what follows it;
# a comment after a member on its line documents that member ("/*<"); the file's opening
# comment documents the file. A comment at file level followed, without a blank line, by
# more than one declaration documents each of them: they become one member group
# (DISTRIBUTE_GROUP_DOC), as "Sets X. ... f(); g();" in the headers means. "#word" and
# "<word>" in a comment are text, not a link request or an HTML tag.
exec awk '
function code(s,    out, i, c) { # s without its comments and strings (incom: state)
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 2)
        if (incom) { if (c == "*/") { incom = 0; i++ }; continue }
        if (c == "/*") { incom = 1; i++; continue }
        c = substr(s, i, 1)
        if (c == "\"") { while (++i <= length(s) && substr(s, i, 1) != "\"") if (substr(s, i, 1) == "\\") i++; continue }
        out = out c
    }
    return out
}
function text(s,    out) { # comment text s with "#word" and "<word>" as text, not commands
    out = ""
    while (match(s, /[#<][A-Za-z]/)) { out = out substr(s, 1, RSTART - 1) "\\" substr(s, RSTART, 1); s = substr(s, RSTART + 1) }
    return out s
}
function braces(s,    t, o) { t = s; o = gsub(/\{/, "", t); t = s; return o - gsub(/\}/, "", t) }
function flush(    i) { # the pending unit: a comment and the declarations after it
    if (n == 0) return
    # On the lines that are there, so that warnings name the lines of the header; a group
    # that ends in a #define (whose line the comment would join) closes on the next line.
    if (decls > 1) unit[1] = "/** @{ */ " unit[1]
    if (decls > 1 && unit[n] !~ /^#/) unit[n] = unit[n] " /** @} */"
    else if (decls > 1) closing = 1
    for (i = 1; i <= n; i++) print unit[i]
    n = 0; decls = 0; open = 0
}
{
    line = $0
    if (NR == 1 && $0 ~ /^\/\/ SPDX-License-Identifier:/) spdx = 1 # the file comment follows it
    filecom = NR == 1 + spdx
    if (filecom) { sub(/^\/\*$/, "/** @file", line); sub(/^\/\* /, "/** @file ", line) }
    startcom = !incom && line ~ /^[ \t]*\/\*/
    wascom = incom
    if (wascom || startcom) line = text(line)
    else if (index(line, "/*")) line = substr(line, 1, index(line, "/*") - 1) text(substr(line, index(line, "/*")))
    if (startcom && line !~ /^[ \t]*\/\*\*/ && match(line, /^[ \t]*\/\*($| )/))
        line = substr(line, 1, index(line, "/*") + 1) "*" substr(line, index(line, "/*") + 2)
    if (line ~ /[;,][ \t]*\/\* /) { i = match(line, /[;,][ \t]*\/\* /); line = substr(line, 1, i + RLENGTH - 2) "*< " substr(line, i + RLENGTH) }
    c = code($0)
    if (cpp) { cpp = 0; if (c ~ /^extern[ \t]/ || c ~ /^\}[ \t]*$/) c = "" }
    if ($0 ~ /^#ifdef __cplusplus/) cpp = 1
    if (depth == 0 && !cont && (startcom && !wascom || $0 ~ /^[ \t]*$/ || ($0 ~ /^#/ && $0 !~ /^#define/))) flush()
    if (depth == 0 && startcom && !wascom && !filecom) open = 1
    if (closing && line !~ /^#/) line = "/** @} */ " line
    else if (closing) print "/** @} */"
    closing = 0
    if (open) unit[++n] = line; else print line
    if (!open) { depth += braces(c); next }
    if (cont) { cont = ($0 ~ /\\$/); next }
    if ($0 ~ /^#define/) { decls++; cont = ($0 ~ /\\$/); next }
    depth += braces(c)
    if (depth == 0 && c ~ /;[ \t]*$/) decls++
}
END { flush(); if (closing) print "/** @} */" }' "$1"
