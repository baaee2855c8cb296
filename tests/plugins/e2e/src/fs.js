// SPDX-License-Identifier: MIT
// Every function of the official @tauri-apps/plugin-fs (2.6.0), as an app calls it, against
// Moat's fs plugin; test_fs_api.sh checks the answers (RESULT {...}) and the bytes on disk.
import * as fs from '@tauri-apps/plugin-fs';

const { BaseDirectory } = fs;
const AppData = BaseDirectory.AppData, Temp = BaseDirectory.Temp;
const o = { baseDir: AppData };

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined ? 'undefined' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : `${e.name}: ${e.message}`}`;
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const info = (s) => (typeof s === 'string' ? s : { isFile: s.isFile, isDirectory: s.isDirectory,
    isSymlink: s.isSymlink, size: s.size, mtime: s.mtime instanceof Date, mode: s.mode & 0o777 });

async function files(out) {
    // First run: $APPDATA itself does not exist yet.
    out.mkdir = await attempt(() => fs.mkdir('d/e', { ...o, recursive: true }));
    out.writeText = await attempt(() => fs.writeTextFile('d/t.txt', 'héllo\nwörld\r\nlast', o));
    out.append = await attempt(() => fs.writeTextFile('d/t.txt', '!', { ...o, append: true }));
    for (let i = 0; i < 300 && !(await fs.exists('d/link', o)); i++) // the test plants it
        await sleep(10);
    out.writeBytes = await attempt(() => fs.writeFile('d/b.bin', new Uint8Array([0, 1, 2, 255, 0]), o));
    out.createNew = await attempt(() => fs.writeFile('d/b.bin', new Uint8Array([9]), { ...o, createNew: true }));
    out.writeStream = await attempt(() => fs.writeFile('d/s.bin', new ReadableStream({
        start(c) { c.enqueue(new Uint8Array([65, 66])); c.enqueue(new Uint8Array([67])); c.close(); },
    }), o));
    out.readText = await attempt(() => fs.readTextFile('d/t.txt', o));
    out.readBytes = await attempt(async () => Array.from(await fs.readFile('d/b.bin', o)));
    out.readDir = await attempt(async () => (await fs.readDir('d', o)).map((e) => [e.name, e.isFile, e.isDirectory]).sort());
    out.exists = [await attempt(() => fs.exists('d/t.txt', o)), await attempt(() => fs.exists('d/zz', o))];
    out.stat = info(await attempt(() => fs.stat('d/t.txt', o)));
    out.lstat = info(await attempt(() => fs.lstat('d/link', o)));
    out.statLink = info(await attempt(() => fs.stat('d/link', o)));
    out.size = [await attempt(() => fs.size('d/t.txt', o)), await attempt(() => fs.size('d', o))];
    out.copy = await attempt(() => fs.copyFile('d/t.txt', 'd/copy.txt', { fromPathBaseDir: AppData, toPathBaseDir: AppData }));
    out.rename = await attempt(() => fs.rename('d/copy.txt', 'd/moved.txt', { oldPathBaseDir: AppData, newPathBaseDir: AppData }));
    out.truncate = await attempt(() => fs.truncate('d/moved.txt', 3, o));
    out.truncateAll = await attempt(() => fs.truncate('d/s.bin', 0, o));
    const lines = [];
    out.lines = await attempt(async () => {
        for await (const l of await fs.readTextFileLines('d/t.txt', o)) lines.push(l);
        return lines;
    });
    out.linesBreak = await attempt(async () => { // an early break closes the reader
        for await (const l of await fs.readTextFileLines('d/t.txt', o)) return l;
    });
    out.remove = await attempt(() => fs.remove('d/e', { ...o, recursive: true }));
    out.removed = await attempt(() => fs.exists('d/e', o));
    out.url = await attempt(() => fs.readTextFile(new URL('https://example.com/x')));
}

async function handles(out) {
    await fs.mkdir('h', o);
    out.create = await attempt(async () => {
        const f = await fs.create('h/new.txt', o);
        const n = await f.write(new TextEncoder().encode('abcdef'));
        await f.close();
        return [typeof f.rid, n];
    });
    out.open = await attempt(async () => {
        const f = await fs.open('h/new.txt', { ...o, read: true, write: true });
        const buf = new Uint8Array(4);
        const r1 = await f.read(buf);
        const first = new TextDecoder().decode(buf.subarray(0, r1));
        const pos = await f.seek(-2, fs.SeekMode.End);
        const r2 = await f.read(buf);
        const tail = new TextDecoder().decode(buf.subarray(0, r2));
        const eof = await f.read(buf);
        await f.seek(0, fs.SeekMode.Start);
        await f.write(new TextEncoder().encode('XY'));
        const st = await f.stat();
        await f.truncate(4);
        const cur = await f.seek(0, fs.SeekMode.Current);
        await f.close();
        return { first, pos, tail, eof, size: st.size, isFile: st.isFile, cur };
    });
    out.afterClose = await attempt(async () => {
        const f = await fs.open('h/new.txt', o);
        await f.close();
        return f.read(new Uint8Array(1));
    });
    out.append = await attempt(async () => {
        const f = await fs.open('h/new.txt', { ...o, append: true });
        await f.write(new Uint8Array([33]));
        await f.close();
    });
    out.openNoWrite = await attempt(() => fs.open('h/new.txt', { ...o, read: false, write: false }));
    out.createNewExists = await attempt(() => fs.open('h/new.txt', { ...o, write: true, createNew: true }));
    out.openMissing = await attempt(() => fs.open('h/none.txt', o));
}

async function watching(out) {
    const events = [];
    await fs.mkdir('w', o);
    const stop = await fs.watchImmediate('w', (e) => events.push(e), { ...o, recursive: true });
    await fs.writeTextFile('w/one.txt', '1', o);
    await fs.mkdir('w/sub', o);
    await sleep(100);
    await fs.writeTextFile('w/sub/two.txt', '2', o);
    // The test then writes w/secret.txt (denied: never reported) and w/planted.txt.
    await fs.writeTextFile('w/trigger.txt', 't', o);
    for (let i = 0; i < 300 && !events.some((e) => e.paths.some((p) => p.endsWith('/planted.txt'))); i++)
        await sleep(10);
    await sleep(50);
    stop();
    await sleep(100);
    const before = events.length;
    await fs.writeTextFile('w/after.txt', 'x', o);
    await sleep(200);
    out.watchEvents = events.map((e) => [Object.keys(e.type)[0], Object.values(e.type)[0].kind,
        e.paths.map((p) => p.replace(/^.*\/w\//, 'w/'))[0]]);
    out.watchShape = events.length ? [Array.isArray(events[0].paths), typeof events[0].attrs] : null;
    out.afterUnwatch = events.length - before;
    const stop2 = await fs.watch('w', () => {}, o); // debounced: accepted, then closed
    out.watchDebounced = typeof stop2;
    stop2();
    out.watchOutside = await attempt(() => fs.watchImmediate('/etc', () => {}));
}

async function denied(out) {
    out.deniedRead = await attempt(() => fs.readTextFile('d/secret.txt', o));
    out.outside = await attempt(() => fs.readTextFile('/etc/hostname'));
    out.copyOut = await attempt(() => fs.copyFile('d/t.txt', 'out.txt', { fromPathBaseDir: AppData, toPathBaseDir: Temp }));
    out.renameOut = await attempt(() => fs.rename('d/t.txt', 'out.txt', { oldPathBaseDir: AppData, newPathBaseDir: Temp }));
    out.escape = await attempt(() => fs.writeTextFile('../escaped.txt', 'x', o));
    // A scope attached to one command's permission grants that command only.
    out.tempRead = await attempt(() => fs.readTextFile('only-read.txt', { baseDir: Temp }));
    out.tempWrite = await attempt(() => fs.writeTextFile('only-read.txt', 'x', { baseDir: Temp }));
}

// Every BaseDirectory value of the package: a file written relative to each (the test reads
// where it landed), the bundle's own folder (Resource) only looked at.
async function bases(out) {
    await fs.mkdir('logs', o); // $APPLOG, inside $APPDATA
    out.bases = {};
    for (const [name, v] of Object.entries(BaseDirectory)) {
        if (typeof v !== 'number')
            continue;
        out.bases[name] = v === BaseDirectory.Resource
            ? await attempt(() => fs.exists('moat.json', { baseDir: v }))
            : await attempt(() => fs.writeTextFile(`bd-${name}.txt`, name, { baseDir: v }));
    }
}

async function main() {
    const out = {};
    await files(out);
    await bases(out);
    await handles(out);
    await watching(out);
    await denied(out);
    console.log('RESULT ' + JSON.stringify(out));
}

main().catch((e) => {
    console.error('uncaught', e);
    moat.exit(1);
});
