#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_dialog_picks.sh MOAT OUT_DIR: the dialog_picks.js bundle (@tauri-apps/plugin-dialog,
# pinned) in two webview windows, the asset protocol enabled with no scope but a deny entry;
# xdotool drives the GTK choosers on the test's own Xvfb. Each pick answers what Tauri's
# answers (a path, string[] for multiple, null for a cancelled multiple), defaultPath opens the
# chooser where it says (open's and save's), a filter hides what it does not match (select-all picks only the .txt
# files), and each pick opens exactly what Tauri's opens, to that window only: plugin-fs reads a
# picked file, a picked folder's children, and its subfolders only with recursive; the asset
# protocol serves the same, but a folder always recursively (as Tauri's Scopes::allow_directory
# gets options.directory), and never what the config denies. Then message dialogs: a second one
# while one shows, an overlong message and title, each refused with its code's message.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../webview/lib.sh"
. "$here/dialog_lib.sh"
moat=$1 out=$2
command -v xdotool >/dev/null || fail "xdotool is not installed (scripts/deps installs it)"
app=$WORK/dlg
mkdir -p "$app" "$WORK/files"
files=$(cd "$WORK/files" && pwd -P)
for f in one/pick.txt one/sibling.txt multi/a.txt multi/b.txt multi/c.png dir/in.txt \
    dir/sub/deep.txt dir/secret.txt outside.txt rdir/in.txt rdir/sub/deep.txt pair/x/in.txt \
    pair/y/in.txt; do
    mkdir -p "$(dirname "$files/$f")"
    echo "$f" >"$files/$f" # each file says its own name: the page prints what it got
done
cp "$out/project/dist-dialog_picks/main.js" "$app/main.js"
printf '<!doctype html>\n<html><head><meta charset="utf-8"><script src="/main.js"></script></head><body></body></html>\n' >"$app/index.html"
cat >"$app/moat.json" <<JSON
{"kind": "webview",
 "windows": [{"label": "main", "title": "picks main", "width": 300, "height": 200},
             {"label": "other", "title": "picks other", "width": 300, "height": 200}],
 "security": {"assetProtocol": {"enable": true,
                                "scope": {"allow": [], "deny": ["$files/dir/secret.txt"]}}}}
JSON
printf '{"files": "%s"}\n' "$files" >"$app/paths.json"
printf '{"identifier": "c", "windows": ["main", "other"], "permissions": ["core:default", "dialog:default", "fs:allow-read-text-file", "moat:allow-asset"]}\n' >"$WORK/caps.json"
start_xvfb

"$moat" run "$app" --policy "$WORK/caps.json" --audit "$WORK/audit" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
# expect LINE WHAT: the page printed exactly LINE.
expect() {
    grep -qxF -- "$1" "$WORK/out" || { cat "$WORK/out"; fail "$2 (expected: $1)"; }
}
# seen TAG WHAT: waits for the page's line starting with TAG.
seen() {
    wait_for "$WORK/out" "$1 " 60 || { cat "$WORK/out" "$WORK/err"; fail "$2"; }
}
# both FILE FS ASSET: what main got for FILE through plugin-fs and the asset protocol.
both() {
    local line
    line=$(grep -F "MAIN $1 " "$WORK/out") || { cat "$WORK/out"; fail "main did not try $1"; }
    case "$2" in
    ok) [[ $line == *" fs=ok:$1 "* ]] || fail "plugin-fs did not read $1: $line" ;;
    *) [[ $line == *" fs=err:"*"outside the scope"* ]] || fail "plugin-fs read $1: $line" ;;
    esac
    case "$3" in
    ok) [[ $line == *" asset=ok:$1" ]] || fail "the asset protocol did not serve $1: $line" ;;
    *) [[ $line == *" asset=err:"* ]] || fail "the asset protocol served $1: $line" ;;
    esac
}

press 'moat one' key Return # defaultPath selects the file: Return picks it
seen ONE "open() with a defaultPath got no answer"
expect "ONE \"$files/one/pick.txt\"" "open() did not answer defaultPath's file as a string"
wait_for "$WORK/out" 'MAIN one/sibling.txt' 30 || fail "main did not try the sibling"
both one/pick.txt ok ok
both one/sibling.txt no no
echo "ok   defaultPath: its file, a string; readable and served; its sibling neither"

press 'moat multi' key ctrl+a # in multi/, whose c.png the Text filter hides
sleep 0.3
xdotool key Return
seen MULTI "open({multiple}) got no answer"
expect "MULTI [\"$files/multi/a.txt\",\"$files/multi/b.txt\"]" "select-all under a txt filter"
wait_for "$WORK/out" 'MAIN multi/c.png' 30 || fail "main did not try c.png"
both multi/a.txt ok ok
both multi/b.txt ok ok
both multi/c.png no no
echo "ok   multiple + filters: string[] of the .txt files only; each readable and served, c.png neither"

press 'moat dir' key Return # a folder chooser in dir/: Return picks dir itself
seen DIR "open({directory}) got no answer"
expect "DIR \"$files/dir\"" "open({directory}) did not answer the folder as a string"
wait_for "$WORK/out" 'MAIN outside.txt' 30 || fail "main did not try outside.txt"
both dir/in.txt ok ok
both dir/sub/deep.txt no ok
line=$(grep -F 'MAIN dir/secret.txt ' "$WORK/out")
[[ $line == *" fs=ok:dir/secret.txt asset=err:"* ]] || fail "the config's deny entry did not win over the pick: $line"
both outside.txt no no
echo "ok   directory: its children readable, its subfolder not (fs) but served (asset, as Tauri); the config's deny wins"

press 'moat rdir' key Return
seen RDIR "open({directory, recursive}) got no answer"
expect "RDIR \"$files/rdir\"" "open({directory, recursive}) did not answer the folder"
wait_for "$WORK/out" 'MAIN rdir/sub/deep.txt' 30 || fail "main did not try rdir/sub"
both rdir/in.txt ok ok
both rdir/sub/deep.txt ok ok
echo "ok   directory + recursive: its subfolder readable too"

press 'moat dirs' key ctrl+a
sleep 0.3
xdotool key Return
seen DIRS "open({directory, multiple}) got no answer"
expect "DIRS [\"$files/pair/x\",\"$files/pair/y\"]" "open({directory, multiple}) did not answer string[]"
wait_for "$WORK/out" 'MAIN pair/y/in.txt' 30 || fail "main did not try pair/y"
both pair/x/in.txt ok ok
both pair/y/in.txt ok ok
echo "ok   directory + multiple: string[] of both folders"

press 'moat mcancel' key Escape
seen MCANCEL "a cancelled open({multiple}) got no answer"
expect 'MCANCEL null' "a cancelled open({multiple}) did not answer null"
echo "ok   a cancelled multiple: null"

press 'moat save' key Return # defaultPath names a file not there yet: Return saves it
seen SAVE "save() with a defaultPath got no answer"
expect "SAVE \"$files/one/new.txt\"" "save() did not answer defaultPath's file"
[ -e "$files/one/new.txt" ] && fail "the save dialog made the file"
echo one/new.txt >"$files/one/new.txt" # what the app would write there
wait_for "$WORK/out" 'MAIN one/new.txt' 60 || { cat "$WORK/out"; fail "main did not try the saved file"; }
both one/new.txt ok ok
echo "ok   save with a defaultPath: that path, readable and served once written (as Tauri adds it to both scopes)"

wait_for "$WORK/out" OTHERDONE 60 || { cat "$WORK/out" "$WORK/err"; fail "the other window did not try main's picks"; }
for f in one/pick.txt one/new.txt multi/a.txt dir/in.txt rdir/sub/deep.txt; do
    line=$(grep -F "OTHER $f " "$WORK/out") || fail "other did not try $f"
    [[ $line == *" fs=err:"*"outside the scope"*" asset=err:"* ]] || fail "the other window got main's pick $f: $line"
done
grep '"command":"moat:asset","decision":"deny"' "$WORK/audit" | grep -qF "$files/one/pick.txt" ||
    { cat "$WORK/audit"; fail "the other window's refused asset was not audited"; }
echo "ok   the other window: none of main's picks, through plugin-fs or the asset protocol"

seen MSGBUSY "a second message dialog got no answer"
grep -q '^MSGBUSY .*dialog:message: a message dialog is already open for this window' "$WORK/out" ||
    { cat "$WORK/out"; fail "a second message dialog was not refused"; }
xdotool search --name '^moat msg2$' >/dev/null && fail "the second message dialog was shown"
press 'moat msg1' key Return
seen MSG1 "the first message dialog got no answer"
expect 'MSG1 Ok' "the first message dialog's answer"
seen MSGTITLE "an overlong title got no answer"
grep -q '^MSGLONG .*dialog:message: message must be at most 65536 bytes' "$WORK/out" ||
    { cat "$WORK/out"; fail "an overlong message was not refused"; }
grep -q '^MSGTITLE .*dialog:message: title must be at most 1024 bytes' "$WORK/out" ||
    { cat "$WORK/out"; fail "an overlong title was not refused"; }
press 'moat msg3' key Return
seen MSGAFTER "a message dialog after the first closed got no answer"
expect 'MSGAFTER Ok' "a message dialog after the first closed"
echo "ok   message: a second one while one shows refused ($(grep ^MSGBUSY "$WORK/out" | cut -c1-90)…), overlong ones refused, the next one shown"
grep -q '^ERR' "$WORK/out" && { cat "$WORK/out"; fail "the page saw an error"; }
kill -INT "$mpid"
wait "$mpid"
no_violations
echo "ok"
