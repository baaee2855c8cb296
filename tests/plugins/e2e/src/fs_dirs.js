// SPDX-License-Identifier: MIT
// The fs commands under Tauri's base directories other than the first five, with the
// app's identifier from its tauri.conf.json. Prints RESULT {...} for test_fs_dirs.sh.
import { invoke } from '@tauri-apps/api/core';

async function attempt(f) {
    try {
        return await f();
    } catch (e) {
        return typeof e === "string" ? `error ${e}` : `error ${e.code}: ${e.message}`; // Tauri rejects with the message
    }
}

const AppConfig = 13, Document = 6, AppLog = 17;

async function main() {
    const out = {};
    // First run: the app's own folder does not exist yet; mkdir recursive makes it.
    out.mkdir = await attempt(() => invoke('plugin:fs|mkdir', { path: 'notes', options: { baseDir: AppConfig, recursive: true } }));
    out.write = await attempt(() => invoke('plugin:fs|write_text_file', { path: 'notes/a.txt', data: 'in appconfig', options: { baseDir: AppConfig } }));
    // The bytes, as Tauri answers them (an ArrayBuffer); plugin-fs's readTextFile decodes them.
    out.readDoc = await attempt(async () => new TextDecoder().decode(await invoke('plugin:fs|read_text_file', { path: 'r.txt', options: { baseDir: Document } })));
    out.escape = await attempt(() => invoke('plugin:fs|read_text_file', { path: '../secret.txt', options: { baseDir: Document } }));
    out.link = await attempt(() => invoke('plugin:fs|read_text_file', { path: 'link.txt', options: { baseDir: Document } }));
    out.missing = await attempt(() => invoke('plugin:fs|read_text_file', { path: 'sub/nope.txt', options: { baseDir: Document } }));
    out.outside = await attempt(() => invoke('plugin:fs|write_text_file', { path: 'x.txt', data: 'no', options: { baseDir: AppLog } }));
    console.log('RESULT ' + JSON.stringify(out));
}

main();
