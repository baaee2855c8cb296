// SPDX-License-Identifier: MIT
// plugin-store's 64 MiB cap through the official package: a store grown by 15 MiB values
// (as JSON: 2.5 Mi control characters, each written \u0001, so little crosses the IPC) takes
// four, refuses the fifth (and one in another store, the cap being the app's), keeps
// working, and saves what it holds; a seeded file over 64 MiB is not loaded.
// Prints RESULT {...} for test_store_cap.sh.
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
    const big = '\u0001'.repeat(5 << 19); // 15 MiB as JSON
    const s = await load('big.json', { autoSave: false });
    for (const k of ['a', 'b', 'c', 'd', 'e']) out['set_' + k] = await attempt(() => s.set(k, big));
    const other = await load('other.json', { autoSave: false });
    out.other = await attempt(() => other.set('o', '\u0001'.repeat(2 << 20)));
    out.small = await attempt(() => s.set('small', 'fits'));
    out.replace = await attempt(() => s.set('a', 'short now'));
    out.afterReplace = await attempt(() => other.set('o', '\u0001'.repeat(2 << 20)));
    out.length = await s.length();
    out.hasE = await s.has('e');
    out.save = await attempt(() => s.save());
    out.huge = await attempt(() => load('huge.json', { autoSave: false }));
    console.log('RESULT ' + JSON.stringify(out));
}

main();
