// SPDX-License-Identifier: MIT
// test_binary_csp.sh's page: its <meta> CSP refuses ipc:, so the shim's first fetch fails and
// binaries cross the message handler as base64 from then on (as Tauri falls back to postMessage).
// Each line has the length and hash (h = h * 31 + byte) of what it sent or got; the embedder
// (wvbin.c) prints the same of what the core saw.
const { invoke } = window.__TAURI_INTERNALS__;
const hash = (u8) => {
    let h = 0;
    for (let i = 0; i < u8.length; i++) h = (Math.imul(h, 31) + u8[i]) >>> 0;
    return h;
};
const kind = (v) => (v instanceof ArrayBuffer ? 'ArrayBuffer' : v instanceof Uint8Array ? 'Uint8Array' : typeof v);
const log = (s) => console.log(s);
const refused = [];
document.addEventListener('securitypolicyviolation', (e) =>
    refused.push(`${e.effectiveDirective} ${e.blockedURI.split(':')[0]}`));

async function main() {
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 13 + (i >> 8)) & 255;
    log(`page sent: ${big.length} ${hash(big)}`);
    const back = await invoke('test:echo', big);
    log(`page got: ${kind(back)} ${back.byteLength} ${hash(new Uint8Array(back))}`);
    const a = big.subarray(0, 1000), b = big.subarray(5, 10);
    const r = await invoke('test:parts', { name: 'pair', a, b });
    log(`page parts back: ${r.name} ${kind(r.a)} ${r.a.length} ${hash(r.a)} ${kind(r.b)} ${r.b.length} ${hash(r.b)}`);
    const made = await invoke('test:make', { n: 3 << 20, seed: 5 });
    log(`page made: ${kind(made)} ${made.byteLength} ${hash(new Uint8Array(made))}`);
    const seen = [];
    await window.moat.listen('test:bin', (e) => seen.push(`bin ${kind(e.payload)} ${e.payload.length} ${hash(e.payload)}`));
    await window.moat.listen('test:json', (e) => seen.push(`json ${JSON.stringify(e.payload)}`));
    const msgs = [];
    await new Promise((resolve) => {
        const ch = new window.moat.Channel((m) => msgs.push(
            m instanceof ArrayBuffer ? `${kind(m)} ${m.byteLength} ${hash(new Uint8Array(m))}`
                : m.b ? `${m.name} ${kind(m.b)} ${m.b.length} ${hash(m.b)}` : JSON.stringify(m)));
        ch.onend = resolve;
        invoke('test:stream', { n: 1 << 20, seed: 3, channel: ch });
    });
    while (seen.length < 2) await new Promise((res) => setTimeout(res, 10));
    log(`events: ${seen.join(', then ')}`);
    log(`channel: ${msgs.join(', then ')}`);
    log(`refused: ${refused[0]}`);
    log('done');
}

main().catch((e) => console.error(`failed: ${e && e.code} ${e && e.message} ${e}`)).finally(() => window.moat.exit(0));
