// SPDX-License-Identifier: MIT
// plugin-store through its official package: Store, LazyStore, getStore, change events,
// autosave's debounce (seen on disk through the fs plugin), a seeded file, a corrupt
// one, paths leaving $APPDATA, and a closed resource. Prints RESULT {...} for test_store.sh.
import { invoke } from '@tauri-apps/api/core';
import { load, getStore, LazyStore, Store } from '@tauri-apps/plugin-store';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined ? 'undefined' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const AppData = 14;
// read_text_file answers the bytes (an ArrayBuffer here), as Tauri's does; plugin-fs decodes them.
const onDisk = (path) => attempt(async () =>
    new TextDecoder().decode(await invoke('plugin:fs|read_text_file', { path, options: { baseDir: AppData } })));

async function main() {
    const out = {};
    // A file the test seeded: its values win over the defaults.
    const s = await load('settings.json', { autoSave: false, defaults: { theme: 'dark', size: 12 } });
    const keyEvents = [], allEvents = [];
    const un1 = await s.onKeyChange('theme', (v) => keyEvents.push(v === undefined ? 'undefined' : v));
    const un2 = await s.onChange((k, v) => allEvents.push([k, v === undefined ? 'undefined' : v]));
    out.seeded = await s.get('theme');
    out.default = await s.get('size');
    out.missing = await attempt(() => s.get('nope'));
    await s.set('theme', 'light2');
    await s.set('nested', { a: [1, 2, { b: null }], f: 1.5, t: true, s: 'é' });
    await s.set('gone', 1);
    out.hasGone = await s.has('gone');
    out.deleted = await s.delete('gone');
    out.deletedAgain = await s.delete('gone');
    out.hasGoneAfter = await s.has('gone');
    out.keys = (await s.keys()).sort();
    out.values = (await s.values()).length;
    out.entries = Object.fromEntries(await s.entries());
    out.length = await s.length();
    out.beforeSave = await onDisk('settings.json'); // autoSave false: still the seeded bytes
    out.save = await attempt(() => s.save());
    out.again = (await load('settings.json')).rid === s.rid;
    out.getStore = (await getStore('settings.json'))?.rid === s.rid;
    out.getStoreNone = await getStore('nothing.json');

    // reset: back to the defaults; clear: empty; each change an event.
    const r = await load('reset.json', { autoSave: false, defaults: { a: 1 } });
    await r.set('a', 2);
    await r.set('b', 3);
    await r.reset();
    out.afterReset = Object.fromEntries(await r.entries());
    await r.clear();
    out.afterClear = await r.length();

    // Autosave after 300 ms without changes: not on disk at once, on disk later.
    const d = await load('debounce.json', { autoSave: 300 });
    await d.set('x', 1);
    await sleep(150);
    await d.set('x', 2); // restarts the debounce
    out.debounceEarly = await onDisk('debounce.json');
    await sleep(700);
    out.debounceLate = await onDisk('debounce.json');

    // Default autosave (100 ms), not awaited: written when the app ends.
    const lazy = new LazyStore('sub/lazy.json');
    await lazy.set('lazy', 'yes');
    out.lazy = await lazy.get('lazy');

    // reload: what is on disk over the cache.
    const seeded = await load('reload.json', { autoSave: false });
    await seeded.set('local', 1);
    out.reload = await attempt(() => seeded.reload());
    out.afterReload = Object.fromEntries(await seeded.entries());
    await seeded.set('local', 2);
    out.reloadIgnore = await attempt(() => seeded.reload({ ignoreDefaults: true }));
    out.afterReloadIgnore = Object.fromEntries(await seeded.entries());

    // createNew: the file's values are not read.
    const fresh = await load('reload.json', { createNew: true, autoSave: false, defaults: { n: 0 } });
    out.createNew = Object.fromEntries(await fresh.entries());

    // plugin-store 2.0/2.1 sent the options beside the path.
    const flat = await invoke('plugin:store|load', { path: 'flat.json', autoSave: false, createNew: true });
    await invoke('plugin:store|set', { rid: flat, key: 'k', value: 1 });
    out.flat = await attempt(() => invoke('plugin:store|get', { rid: flat, key: 'k' }));

    out.noKey = await attempt(() => invoke('plugin:store|set', { rid: flat, value: 1 }));
    out.ridString = await attempt(() => invoke('plugin:store|get', { rid: String(flat), key: 'k' }));
    out.badAutoSave = await attempt(() => load('y.json', { autoSave: 'soon' }));
    out.noPath = await attempt(() => invoke('plugin:store|load', {}));

    out.corrupt = await attempt(() => load('corrupt.json'));
    out.escape = await attempt(() => load('../escape.json'));
    out.absolute = await attempt(() => load('/tmp/moat-store-absolute.json'));
    out.serializer = await attempt(() => load('x.json', { serializeFnName: 'mine' }));
    out.badRid = await attempt(() => new Store(4242).get('a'));

    // Resource.close (plugin:resources|close): the rid is gone, a later load reads the file again.
    const c = await load('closed.json', { autoSave: false });
    await c.set('k', 'v');
    out.close = await attempt(() => c.close());
    out.afterClose = await attempt(() => c.get('k'));
    out.reloaded = await (await load('closed.json')).has('k');

    un1();
    un2(); // listeners keep a renderer alive
    out.keyEvents = keyEvents;
    out.allEvents = allEvents.map((e) => e[0]);
    console.log('RESULT ' + JSON.stringify(out));
}

main();
