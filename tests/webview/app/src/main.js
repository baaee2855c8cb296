// SPDX-License-Identifier: MIT
// The test app: an ES module (esbuild --format=esm) from the real @tauri-apps/api.
import { invoke } from '@tauri-apps/api/core';
import { listen, emit } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';

const mark = (id, ok) => document.getElementById(id).classList.add(ok ? 'ok' : 'bad');

async function main() {
    const label = getCurrentWindow().label;
    const version = await invoke('app:version');
    console.log(`version from the core: ${version} (window ${label})`);
    mark('ipc', typeof version === 'string' && /^\d+\.\d+\.\d+/.test(version));

    let resolveGot;
    const got = new Promise((resolve) => (resolveGot = resolve));
    await listen('wv-ping', (e) => resolveGot(e.payload));
    await emit('wv-ping', { n: 42, s: 'hi' });
    const payload = await got;
    console.log(`event back: ${JSON.stringify(payload)}`);
    mark('event', payload.n === 42 && payload.s === 'hi');

    // The window API: the core decides, the host carries out.
    const win = getCurrentWindow();
    await win.setTitle(`moat webview ${label} ${version}`);
    console.log(`title(): ${await win.title()}`);
    const size = await win.innerSize();
    console.log(`innerSize(): ${size.width}x${size.height}`);
    let hidden = 'no error';
    try {
        await win.hide(); // not granted: the window stays
    } catch (e) {
        hidden = e.code;
    }
    console.log(`hide: ${hidden}, visible: ${await win.isVisible()}`);
    let denied = 'no error';
    try {
        await invoke('app:name');
    } catch (e) {
        denied = e.code;
    }
    console.log(`app:name: ${denied}`);
    // plugin-fs's writeTextFile as it invokes it: the bytes as the raw body, path and options
    // in headers (the shim makes {path, data, options} of them); read_text_file answers bytes (an ArrayBuffer).
    const name = `moat-webview-fs-${Date.now()}.txt`;
    const Temp = 12;
    await window.__TAURI_INTERNALS__.invoke('plugin:fs|write_text_file', new TextEncoder().encode('from the webview: é'),
        { headers: { path: encodeURIComponent(name), options: JSON.stringify({ baseDir: Temp }) } });
    const back = await invoke('plugin:fs|read_text_file', { path: name, options: { baseDir: Temp } });
    console.log(`fs raw write: ${name} ${back instanceof ArrayBuffer} ${new TextDecoder().decode(back)}`); // raw answers are ArrayBuffers, as in Tauri
    requestAnimationFrame(() => requestAnimationFrame(() => console.log('painted')));
}

main().catch((e) => {
    console.error(`failed: ${e && e.message}`);
    mark('ipc', false);
});
