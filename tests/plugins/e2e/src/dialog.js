// SPDX-License-Identifier: MIT
// plugin-dialog through its official package, in two webview windows (test_dialog.sh drives the
// real GTK dialogs with xdotool): "main" opens a file, reads it and its sibling, tries a second
// chooser while the first is open, cancels one, answers message/ask/confirm, saves, then tells
// "other" the picked path, which "other" tries to read. Prints each step.
import { open, save, message, ask, confirm } from '@tauri-apps/plugin-dialog';
import { readTextFile } from '@tauri-apps/plugin-fs';
import { emit, listen } from '@tauri-apps/api/event';

const label = window.__TAURI_INTERNALS__.metadata.currentWindow.label;
const why = (e) => (typeof e === 'string' ? e : e && e.message) || String(e);
const read = (p) => readTextFile(p).then((t) => 'ok:' + t, (e) => 'err:' + why(e));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
    let first;
    try {
        first = open({ title: 'moat open', filters: [{ name: 'Text', extensions: ['txt'] }] });
        await sleep(1500);
        console.log('BUSY ' + (await open({ title: 'moat second' }).then((v) => 'answered ' + v, why)));
        const p = await first;
        console.log('OPEN ' + JSON.stringify(p));
        console.log('READ ' + (await read(p)));
        console.log('SIBLING ' + (await read(p.replace(/[^/]*$/, 'sibling.txt'))));
        console.log('CANCEL ' + JSON.stringify(await open({ title: 'moat cancel' })));
        console.log('MESSAGE ' + (await message('hello', { title: 'moat message', buttons: 'OkCancel' })));
        console.log('ASK ' + (await ask('sure?', { title: 'moat ask' })));
        console.log('CONFIRM ' + (await confirm('really?', { title: 'moat confirm' })));
        console.log('SAVE ' + JSON.stringify(await save({ title: 'moat save' })));
        console.log('TITLE ' + (await open({ title: 'x'.repeat(5000) }).then(String, why)));
        await emit('picked', p);
    } catch (e) {
        console.log('ERR ' + why(e));
    }
}

if (label === 'main') main();
else listen('picked', async (e) => console.log('OTHER ' + (await read(e.payload))));
