// SPDX-License-Identifier: MIT
// plugin-dialog's open options through its official package, in two webview windows
// (test_dialog_picks.sh drives the GTK choosers with xdotool; paths.json, written by the test,
// names the files): defaultPath, multiple with a filter, directory with and without recursive,
// directory with multiple, a cancelled multiple, save with a defaultPath. After each pick "main" reads what the pick
// should open and what it should not, through plugin-fs and through the asset protocol
// (convertFileSrc); then it tells "other" its picks, which "other" tries the same way. Last, a
// second message dialog while one is showing, and an overlong message. Prints each step.
import { open, save, message } from '@tauri-apps/plugin-dialog';
import { readTextFile } from '@tauri-apps/plugin-fs';
import { convertFileSrc } from '@tauri-apps/api/core';
import { emit, listen } from '@tauri-apps/api/event';

const label = window.__TAURI_INTERNALS__.metadata.currentWindow.label;
const why = (e) => (typeof e === 'string' ? e : e && e.message) || String(e);
const read = (p) => readTextFile(p).then((t) => 'ok:' + t.trim(), (e) => 'err:' + why(e));
const asset = (p) =>
    fetch(convertFileSrc(p)).then(
        async (r) => (r.ok ? 'ok:' + (await r.text()).trim() : 'err:' + r.status),
        () => 'err:refused'
    );
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const show = (tag, v) => console.log(tag + ' ' + v);

// Each path of list through plugin-fs and the asset protocol, as "TAG path fs=… asset=…".
async function tryAll(tag, f, list) {
    for (const rel of list) {
        const p = f + '/' + rel;
        show(tag, `${rel} fs=${await read(p)} asset=${await asset(p)}`);
    }
}

async function main() {
    const f = (await (await fetch('paths.json')).json()).files;
    try {
        const one = await open({ title: 'moat one', defaultPath: f + '/one/pick.txt' });
        show('ONE', JSON.stringify(one));
        await tryAll('MAIN', f, ['one/pick.txt', 'one/sibling.txt']);
        const multi = await open({
            title: 'moat multi',
            multiple: true,
            defaultPath: f + '/multi',
            filters: [{ name: 'Text', extensions: ['txt'] }],
        });
        show('MULTI', JSON.stringify(multi));
        await tryAll('MAIN', f, ['multi/a.txt', 'multi/b.txt', 'multi/c.png']);
        const dir = await open({ title: 'moat dir', directory: true, defaultPath: f + '/dir' });
        show('DIR', JSON.stringify(dir));
        await tryAll('MAIN', f, ['dir/in.txt', 'dir/sub/deep.txt', 'dir/secret.txt', 'outside.txt']);
        const rdir = await open({
            title: 'moat rdir',
            directory: true,
            recursive: true,
            defaultPath: f + '/rdir',
        });
        show('RDIR', JSON.stringify(rdir));
        await tryAll('MAIN', f, ['rdir/in.txt', 'rdir/sub/deep.txt']);
        const dirs = await open({
            title: 'moat dirs',
            directory: true,
            multiple: true,
            defaultPath: f + '/pair',
        });
        show('DIRS', JSON.stringify(dirs));
        await tryAll('MAIN', f, ['pair/x/in.txt', 'pair/y/in.txt']);
        show('MCANCEL', JSON.stringify(await open({ title: 'moat mcancel', multiple: true })));
        // save: a path not there yet, which the test then makes; the page waits for it.
        const saved = await save({ title: 'moat save', defaultPath: f + '/one/new.txt' });
        show('SAVE', JSON.stringify(saved));
        for (let i = 0; i < 80 && !(await read(saved)).startsWith('ok:'); i++) await sleep(250);
        await tryAll('MAIN', f, ['one/new.txt']);
        await emit('picked', f);
        const first = message('first', { title: 'moat msg1' });
        await sleep(1500);
        show('MSGBUSY', await message('second', { title: 'moat msg2' }).then((v) => 'answered ' + v, why));
        show('MSG1', await first);
        show('MSGLONG', await message('x'.repeat(70000), { title: 'moat long' }).then(String, why));
        show('MSGTITLE', await message('hi', { title: 'x'.repeat(2000) }).then(String, why));
        show('MSGAFTER', await message('again', { title: 'moat msg3' }));
    } catch (e) {
        show('ERR', why(e));
    }
}

if (label === 'main') main();
else
    listen('picked', async (e) => {
        await tryAll('OTHER', e.payload, ['one/pick.txt', 'one/new.txt', 'multi/a.txt', 'dir/in.txt', 'rdir/sub/deep.txt']);
        show('OTHERDONE', 'yes');
    });
