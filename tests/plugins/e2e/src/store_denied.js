// SPDX-License-Identifier: MIT
// plugin-store under a policy that grants less: prints RESULT {load, set, save} for test_store.sh.
import { load } from '@tauri-apps/plugin-store';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined ? 'ok' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}

async function main() {
    const out = {};
    let s = null;
    out.load = await attempt(async () => { s = await load('d.json', { autoSave: false }); return 'ok'; });
    out.set = s ? await attempt(() => s.set('k', 1)) : 'no store';
    out.save = s ? await attempt(() => s.save()) : 'no store';
    console.log('RESULT ' + JSON.stringify(out));
}

main();
