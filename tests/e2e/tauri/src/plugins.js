// SPDX-License-Identifier: MIT
// A frontend using the official plugin packages (@tauri-apps/plugin-os,
// @tauri-apps/plugin-fs) and @tauri-apps/api's path constants, bundled as a
// Tauri app bundles them. Each line printed is checked by test_plugins.sh;
// each fs call must get as far as sending its command (the core's audit log
// shows it arriving), whatever the answer.
import { platform, family, type, eol, exeExtension, arch, version } from '@tauri-apps/plugin-os';
import { sep, delimiter } from '@tauri-apps/api/path';
import * as fs from '@tauri-apps/plugin-fs';

const line = (k, v) => console.log(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);

async function call(name, f) {
    try {
        const v = await f();
        line(name, `resolved ${v instanceof Uint8Array ? 'Uint8Array' : typeof v}`);
    } catch (e) {
        line(name, `rejected ${typeof e}`); // Tauri rejects with the error value, a string
    }
}

async function main() {
    line('os', [platform(), family(), type(), eol(), exeExtension(), typeof arch(), arch().length > 0,
        typeof version()]);
    line('path', [sep(), delimiter()]);
    const file = new URL('file:///tmp/moat-plugins-test.txt');
    await call('writeTextFile', () => fs.writeTextFile('notes.txt', 'héllo', { baseDir: fs.BaseDirectory.AppData }));
    await call('writeFile', () => fs.writeFile(file, new Uint8Array([1, 2, 3])));
    await call('readTextFile', () => fs.readTextFile('notes.txt', { baseDir: fs.BaseDirectory.AppData }));
    await call('readFile', () => fs.readFile(file));
    await call('exists', () => fs.exists(file));
    await call('mkdir', () => fs.mkdir('sub', { baseDir: fs.BaseDirectory.AppData, recursive: true }));
    await call('stat', () => fs.stat(file));
    try {
        await fs.readFile(new URL('https://example.com/x'));
        line('http URL', 'resolved');
    } catch (e) {
        line('http URL', `${e.name}: ${e.message}`); // plugin-fs's own check, before sending
    }
    line('done', 'no exception before sending');
}

main().catch((e) => {
    console.error('uncaught', e);
    moat.exit(1);
});
