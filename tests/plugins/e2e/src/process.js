// SPDX-License-Identifier: MIT
// plugin-process through its official package: the first run counts itself in a store and
// relaunch()es; the second exit(7)s. Prints START n, and what each call answered.
import { invoke } from '@tauri-apps/api/core';
import { exit, relaunch } from '@tauri-apps/plugin-process';
import { load } from '@tauri-apps/plugin-store';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined || v === null ? 'ok' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}

async function main() {
    const s = await load('runs.json', { autoSave: false });
    const n = ((await s.get('n')) ?? 0) + 1;
    await s.set('n', n);
    await s.save();
    console.log('START ' + n);
    if (n === 1) {
        console.log('BADCODE ' + (await attempt(() => invoke('plugin:process|exit', { code: 'x' }))));
        console.log('BIGCODE ' + (await attempt(() => invoke('plugin:process|exit', { code: 2 ** 40 }))));
        console.log('RELAUNCH ' + (await attempt(() => relaunch())));
        await new Promise((r) => setTimeout(r, 2000)); // ended before this
        console.log('NOT RESTARTED');
    } else {
        console.log('EXIT ' + (await attempt(() => exit(7))));
        await new Promise((r) => setTimeout(r, 2000));
        console.log('NOT EXITED');
    }
}

main();
