// SPDX-License-Identifier: MIT
// The window-creation test (test_spawn.sh), from the real @tauri-apps/api:
// "main" makes a window with new WebviewWindow (its capability grants
// core:webview:allow-create-webview-window), which runs child.html as a
// renderer of its own under the label "child" and child's capability;
// a duplicate and a bad label are refused; child may not make windows;
// getAllWindows lists both.
import { invoke } from '@tauri-apps/api/core';
import { emit, listen } from '@tauri-apps/api/event';
import { WebviewWindow } from '@tauri-apps/api/webviewWindow';
import { getAllWindows, getCurrentWindow } from '@tauri-apps/api/window';

const label = getCurrentWindow().label;
const ask = (cmd) => invoke(cmd).then((v) => `ok(${v})`, () => 'denied');
const made = (w) => new Promise((resolve) => {
    w.once('tauri://created', () => resolve('created'));
    w.once('tauri://error', (e) => resolve(`error: ${e.payload}`));
});

console.log(`${label}: page ${location.pathname} version=${await ask('app:version')} name=${await ask('app:name')}`);
if (label === 'main') {
    const up = new Promise((resolve) => listen('child-up', resolve));
    const child = new WebviewWindow('child', { title: 'child window', width: 300, height: 200, url: 'child.html' });
    console.log(`main: new child: ${await made(child)}`);
    console.log(`main: another child: ${await made(new WebviewWindow('child', {}))}`);
    console.log(`main: bad label: ${await made(new WebviewWindow('no spaces', {}))}`);
    console.log(`main: other origin: ${await made(new WebviewWindow('away', { url: 'http://127.0.0.1:9/' }))}`);
    await up;
    const all = (await getAllWindows()).map((w) => w.label).sort();
    console.log(`main: all windows: ${all.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the test counts windows now
    // The child destroys itself when told; main hears tauri://destroyed for it, and
    // a listener on main's own window does not (events are routed by target, as in Tauri).
    const gone = new Promise((resolve) => child.once('tauri://destroyed', resolve));
    let own = 0, any = 0;
    await getCurrentWindow().listen('tauri://destroyed', () => own++);
    await listen('tauri://destroyed', () => any++); // target Any: every window's
    await emit('child-go');
    await gone;
    console.log(`main: child destroyed, windows now: ${(await getAllWindows()).map((w) => w.label).join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    console.log(`main: heard on its own window ${own}, on any window ${any}`);
    console.log('main: done');
} else {
    console.log(`child: grandchild: ${await made(new WebviewWindow('grandchild', {}))}`);
    await listen('child-go', () => getCurrentWindow().destroy());
    setInterval(() => emit('child-up'), 300);
}
