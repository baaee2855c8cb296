#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_notification.sh MOAT OUT_DIR FAKE_NOTIFY: the notification.js bundle
# (@tauri-apps/plugin-notification, pinned) in a webview window, with a private session bus
# (dbus-daemon) and a notification server on it (fake_notify.c) that records each Notify call:
# the page is granted (the policy allows notify), and the server received exactly the page's
# title and body, from the app's name. Without notification:allow-notify the page is told
# "denied", its notification is refused, and the server receives nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../webview/lib.sh"
moat=$1 out=$2 fake=$3
command -v dbus-daemon >/dev/null || fail "dbus-daemon is not installed (scripts/deps installs dbus)"
app=$WORK/notif
mkdir -p "$app"
cp "$out/project/dist-notification/main.js" "$app/main.js"
printf '<!doctype html>\n<html><head><meta charset="utf-8"><script src="/main.js"></script></head><body></body></html>\n' >"$app/index.html"
printf '{"kind": "webview", "productName": "Notif Check", "windows": [{"label": "main", "title": "notification", "width": 300, "height": 200}]}\n' >"$app/moat.json"
printf '{"identifier": "n", "windows": ["main"], "permissions": ["core:default", "notification:default"]}\n' >"$WORK/caps.json"
printf '{"identifier": "n", "windows": ["main"], "permissions": ["core:default", "notification:allow-is-permission-granted", "notification:allow-request-permission"]}\n' >"$WORK/denied.json"

dbus-daemon --session --nofork --nopidfile --print-address=3 3>"$WORK/bus" >/dev/null 2>"$WORK/dbus.err" &
PIDS+=("$!")
wait_for "$WORK/bus" unix: 10 || { cat "$WORK/dbus.err"; fail "no private session bus"; }
export DBUS_SESSION_BUS_ADDRESS=$(head -1 "$WORK/bus")
"$fake" "$WORK/notes" >"$WORK/fake.out" 2>&1 &
PIDS+=("$!")
wait_for "$WORK/fake.out" ready 10 || { cat "$WORK/fake.out"; fail "the fake notification server did not start"; }
start_xvfb

"$moat" run "$app" --policy "$WORK/caps.json" >"$WORK/out" 2>"$WORK/err" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out" SENT 60 || { cat "$WORK/out" "$WORK/err"; fail "the page sent nothing"; }
wait_for "$WORK/notes" summary 10 || { cat "$WORK/out" "$WORK/err"; fail "the server received no Notify"; }
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out" "$WORK/notes"
grep -q 'GRANTED true' "$WORK/out" || fail "isPermissionGranted was not true"
grep -q 'REQUEST granted' "$WORK/out" || fail "requestPermission was not granted"
python3 - "$WORK/notes" <<'PY' || fail "the notification received"
import json, sys
notes = [json.loads(l) for l in open(sys.argv[1])]
want = {'app': 'Notif Check', 'summary': 'Moat says hi', 'body': 'a body with ünïcode', 'icon': ''}
if notes != [want]:
    print('received', notes, 'expected', [want]); sys.exit(1)
print('ok   the server received', notes[0])
PY

# Denied: the policy grants the permission queries but not notify.
: >"$WORK/notes"
"$moat" run "$app" --policy "$WORK/denied.json" --audit "$WORK/audit" >"$WORK/out2" 2>"$WORK/err2" &
mpid=$!
PIDS+=("$mpid")
wait_for "$WORK/out2" SENT 60 || { cat "$WORK/out2" "$WORK/err2"; fail "the denied page did not run"; }
wait_for "$WORK/audit" notification:notify 10 || { cat "$WORK/out2" "$WORK/err2"; fail "no denied notify in the audit"; }
sleep 0.5
kill -INT "$mpid"
wait "$mpid"
cat "$WORK/out2"
grep -q 'GRANTED false' "$WORK/out2" || fail "isPermissionGranted was not false"
grep -q 'REQUEST denied' "$WORK/out2" || fail "requestPermission was not denied"
grep -q '"command":"notification:notify","decision":"deny"' "$WORK/audit" || fail "notify was not denied"
[ -s "$WORK/notes" ] && { cat "$WORK/notes"; fail "the server received a notification the policy denied"; }
echo "ok   denied: told denied, refused, nothing received"
no_violations
echo "ok"
