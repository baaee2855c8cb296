// SPDX-License-Identifier: MIT
// plugin-notification through its official package, in a webview window (test_notification.sh):
// the permission as the policy gives it, then one notification. Prints each step.
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification';

const why = (e) => (typeof e === 'string' ? e : e && e.message) || String(e);

async function main() {
    try {
        console.log('GRANTED ' + (await isPermissionGranted()));
        console.log('REQUEST ' + (await requestPermission()));
        sendNotification({ title: 'Moat says hi', body: 'a body with ünïcode' });
        console.log('SENT');
    } catch (e) {
        console.log('ERR ' + why(e));
    }
}

main();
