// SPDX-License-Identifier: MIT
// test_binary.sh's page: binaries to commands and back over ipc:// (renderer/webview/rawipc.c),
// and from the core in events and channel messages (fetched by token, in order).
// Each line it prints has the length and hash (h = h * 31 + byte) of what it sent or got;
// the embedder (wvbin.c) prints the same of what the core saw, and the script compares.
const { invoke } = window.__TAURI_INTERNALS__;
const hash = (u8) => {
    let h = 0;
    for (let i = 0; i < u8.length; i++) h = (Math.imul(h, 31) + u8[i]) >>> 0;
    return h;
};
const kind = (v) => (v instanceof ArrayBuffer ? 'ArrayBuffer' : v instanceof Uint8Array ? 'Uint8Array' : typeof v);
const bytes = (n, seed) => {
    const u8 = new Uint8Array(n);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift: every byte value, zeros too
        u8[i] = x & 255;
    }
    return u8;
};
const log = (s) => console.log(s);
const code = async (p) => {
    try {
        await p;
        return 'resolved';
    } catch (e) {
        return `${e.code}: ${e.message}`;
    }
};

async function main() {
    // 16 MiB to a command and back.
    const big = bytes(16 << 20, 7);
    log(`page sent: ${big.length} ${hash(big)}`);
    const t0 = performance.now();
    const back = await invoke('test:echo', big);
    const ms = performance.now() - t0;
    log(`page got: ${kind(back)} ${back.byteLength} ${hash(new Uint8Array(back))}`);
    log(`echo of 16 MiB: ${ms.toFixed(1)} ms`);

    // Binaries inside an args map, and inside the answer.
    const a = bytes(100000, 3), b = bytes(5, 9);
    log(`page parts: pair ${a.length} ${hash(a)} ${b.length} ${hash(b)}`);
    const r = await invoke('test:parts', { name: 'pair', a, b: b.buffer });
    log(`page parts back: ${r.name} ${kind(r.a)} ${r.a.length} ${hash(r.a)} ${kind(r.b)} ${r.b.length} ${hash(r.b)}`);

    // A binary answer to a JSON invoke (fetched by its token).
    const made = await invoke('test:make', { n: 3 << 20, seed: 5 });
    log(`page made: ${kind(made)} ${made.byteLength} ${hash(new Uint8Array(made))}`);
    const none = await invoke('test:make', { n: 0, seed: 1 });
    log(`page made empty: ${kind(none)} ${none.byteLength}`);

    // plugin-fs writeFile / readFile as @tauri-apps/plugin-fs invokes them.
    const name = `moat-wvbin-${Date.now()}.bin`;
    const data = bytes(300000, 11);
    await invoke('plugin:fs|write_file', data,
        { headers: { path: encodeURIComponent(name), options: JSON.stringify({ baseDir: 12 }) } });
    const read = await invoke('plugin:fs|read_file', { path: name, options: { baseDir: 12 } });
    log(`fs: ${name} ${data.length} ${hash(data)} read ${kind(read)} ${read.byteLength} ${hash(new Uint8Array(read))}`);
    // The same file through a Channel (onChunk): a message that is bytes is an ArrayBuffer, as
    // Tauri's raw channel messages are.
    const chunks = [];
    await new Promise((resolve) => {
        const ch = new window.moat.Channel((m) => chunks.push(m));
        ch.onend = resolve;
        invoke('plugin:fs|read_file', { path: name, options: { baseDir: 12 }, onChunk: ch });
    });
    const streamed = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    chunks.reduce((at, c) => (streamed.set(new Uint8Array(c), at), at + c.byteLength), 0);
    log(`channel read: ${[...new Set(chunks.map(kind))].join()} ${streamed.length} ${hash(streamed)}`);

    // Binaries from the core in events and channel messages, in the order sent: test:stream
    // emits test:bin (1 MiB) then test:json, and sends 1 MiB, {k: 2}, {name, b: 1000 bytes}.
    const seen = [];
    await window.moat.listen('test:bin', (e) => seen.push(`bin ${kind(e.payload)} ${e.payload.length} ${hash(e.payload)}`));
    await window.moat.listen('test:json', (e) => seen.push(`json ${JSON.stringify(e.payload)}`));
    // First the stash is filled with answers nobody fetches yet (as the token test below does
    // by hand): the binary messages wait for room, then go once those are fetched.
    const held = [];
    for (let i = 0; i < 80; i++) {
        const r = JSON.parse(await window.webkit.messageHandlers.moat.postMessage(
            JSON.stringify({ t: 'invoke', id: 90000 + i, cmd: 'test:make', args: { n: 10, seed: 1 } })));
        if (!r.ok) {
            log(`stash full: ${r.code} after ${held.length}`);
            break;
        }
        held.push(r.raw);
    }
    const msgs = [];
    const ended = new Promise((resolve) => {
        const ch = new window.moat.Channel((m) => msgs.push(
            m instanceof ArrayBuffer ? `${kind(m)} ${m.byteLength} ${hash(new Uint8Array(m))}`
                : m.b ? `${m.name} ${kind(m.b)} ${m.b.length} ${hash(m.b)}` : JSON.stringify(m)));
        ch.onend = resolve;
        invoke('test:stream', { n: 1 << 20, seed: 3, channel: ch });
    });
    await new Promise((r) => setTimeout(r, 500));
    log(`while the stash was full: ${seen.length + msgs.length} messages`);
    const statuses = new Set();
    for (const token of held)
        statuses.add((await fetch('ipc://localhost/', { method: 'POST', headers: { 'Moat-Answer': token } })).status);
    log(`held answers fetched: ${[...statuses].join(' ')}`);
    await ended;
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 10));
    log(`events: ${seen.join(', then ')}`);
    log(`channel: ${msgs.join(', then ')}`);

    // Over the core's frame limit (20 MiB here): refused, and the next call works.
    log(`oversize: ${await code(invoke('test:echo', new Uint8Array(24 << 20)))}`);
    const after = await invoke('test:echo', new Uint8Array([1, 2, 3]));
    log(`after oversize: ${kind(after)} ${after.byteLength}`);

    // What a page may send by hand: refused with a status and a reason.
    const raw = async (init, path = 'test%3Aecho') => {
        try {
            const res = await fetch(`ipc://localhost/${path}`, init);
            return `${res.status} ${(await res.json()).code}`;
        } catch (e) {
            return `error ${e}`;
        }
    };
    log(`GET: ${await raw({ method: 'GET' })}`);
    log(`text/plain: ${await raw({ method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } })}`);
    log(`bad parts: ${await raw({ method: 'POST', body: '99\n{}', headers: { 'Content-Type': 'application/x-moat-parts' } })}`);
    const ref = new TextEncoder().encode('23\n{"__moat_bin__":[2,10]}abc'); // a slice past the end
    log(`bad reference: ${await raw({ method: 'POST', body: ref, headers: { 'Content-Type': 'application/x-moat-parts' } })}`);
    log(`huge length: ${await raw({ method: 'POST', body: '99999999999999999999\n{}', headers: { 'Content-Type': 'application/x-moat-parts' } })}`);
    log(`window command: ${await raw({ method: 'POST', body: new Uint8Array(1), headers: { 'Content-Type': 'application/octet-stream' } }, 'plugin%3Awindow%7Cclose')}`);
    log(`unknown answer: ${await raw({ method: 'POST', headers: { 'Moat-Answer': 'ffff' } }, '')}`);
    // A token is served once.
    const s = await window.webkit.messageHandlers.moat.postMessage(
        JSON.stringify({ t: 'invoke', id: 99999, cmd: 'test:make', args: { n: 10, seed: 1 } }));
    const token = JSON.parse(s).raw;
    const status = async (init) => (await fetch('ipc://localhost/', init)).status;
    const init = { method: 'POST', headers: { 'Moat-Answer': token } };
    log(`token twice: ${await status(init)} then ${await status(init)}`);

    // A request without the app's origin (an <img> sends none; no page of another origin can
    // load in the window): the host refuses it before anything reaches the core.
    log(`no origin: ${await new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('refused');
        img.src = 'ipc://localhost/test%3Aecho';
    })}`);
    log('done');
}

main().catch((e) => console.error(`failed: ${e && e.code} ${e && e.message}`)).finally(() => window.moat.exit(0));
