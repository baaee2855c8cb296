// SPDX-License-Identifier: MIT
// The page of the webview rows (10-13), the same file in both programs:
// under Moat (bench/webview.c) it invokes commands through
// __TAURI_INTERNALS__ (page -> host -> core -> page); in the bare WebKitGTK
// program (bench/wv_bare.c) it posts strings to the same kind of
// reply-capable script message handler, answered in the UI process. Each
// side holds the clock and times the gaps between arrivals, as row 1 does.
const tauri = window.__TAURI_INTERNALS__;
const handler = tauri ? null : window.webkit.messageHandlers.bare;
const send = tauri
    ? (cmd, arg) => tauri.invoke(cmd, arg)
    : (cmd, arg) => handler.postMessage(arg === undefined ? cmd : arg);
const phase = (name) => (tauri ? send('bench:phase', name) : send(`bench:phase:${name}`));

// The bare side sends what Moat's shim sends for a Uint8Array: a fetch with the bytes as the
// body to ipc://localhost (renderer/webview/page.js), echoed by the UI process.
const echo = (u8) => tauri ? send('bench:echo', u8)
    : fetch('ipc://localhost/echo', { method: 'POST', body: u8, headers: { 'Content-Type': 'application/octet-stream' } })
        .then((r) => r.arrayBuffer());

async function pings(n) {
    for (let i = 0; i < n; i++)
        await send('bench:ping');
}

async function echoes(u8, n) {
    for (let i = 0; i < n; i++) {
        const back = await echo(u8); // an ArrayBuffer, as Tauri's invoke gives a raw answer
        if (!(back instanceof ArrayBuffer) || back.byteLength !== u8.length)
            throw new Error(`the echo came back as ${back && back.byteLength} bytes`);
        const b = new Uint8Array(back);
        for (let j = 0; j < u8.length; j += 4096) // the bytes, not just their number
            if (b[j] !== u8[j] || b[j + 4095] !== u8[j + 4095])
                throw new Error(`the echo differs at byte ${j}`);
    }
}

async function loops() {
    await phase('warmup');
    await pings(500);
    await phase('invoke');
    await pings(5000);
    const u8 = new Uint8Array(16 << 20);
    for (let i = 0; i < u8.length; i += 4096) {
        u8[i] = i >> 12;
        u8[i + 4095] = 255 - ((i >> 12) & 255);
    }
    await phase('warmup');
    await echoes(u8, 1);
    await phase('payload');
    await echoes(u8, 8);
    await phase('done');
}

await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
if (String(await send('bench:painted')) === 'true') {
    try {
        await loops();
    } catch (e) { // the bench program says what stopped the loops
        if (tauri) console.error(`the loops stopped: ${e}`);
        else await send(`bench:error:${e}`);
    }
}
await new Promise((resolve) => setTimeout(resolve, 500)); // settled, for the memory sample
await send('bench:idle');
if (tauri) window.moat.exit(0);
