// SPDX-License-Identifier: MIT
// The close test (test_close.sh): @tauri-apps/api's onCloseRequested. The
// first close is prevented (preventDefault): the window stays and answers;
// the second is not, so the API destroys the window (core:window:allow-destroy).
// In wm.html (window.MOAT_TEST_WM) the closes come from the test, as a
// window manager's close button sends them.
import { getCurrentWindow } from '@tauri-apps/api/window';

const win = getCurrentWindow();
let n = 0;
await win.onCloseRequested((e) => {
    n++;
    console.log(`close requested ${n}`);
    if (n === 1) {
        e.preventDefault();
        console.log('prevented');
    }
});
if (window.MOAT_TEST_WM) { // wm.html: the test closes the window as a window manager would
    console.log('waiting for the window manager');
} else {
    await win.close().then(() => console.log('close() answered'), (e) => console.log(`close() failed: ${e}`));
    await new Promise((r) => setTimeout(r, 500));
    console.log('waited');
    console.log(`still open after a prevented close: visible=${await win.isVisible()} title=${await win.title()}`);
    await win.close();
}
