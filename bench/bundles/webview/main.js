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

// The bare side gets what Moat's shim sends for a Uint8Array: its base64 (renderer/webview/page.js).
if (!tauri && typeof Uint8Array.fromBase64 !== 'function')
    throw new Error('this WebKit has no Uint8Array.fromBase64: the bare payload row needs it');
const toBase64 = (u8) => u8.toBase64();
const fromBase64 = (s) => Uint8Array.fromBase64(s);

async function pings(n) {
    for (let i = 0; i < n; i++)
        await send('bench:ping');
}

async function echoes(u8, n) {
    for (let i = 0; i < n; i++) {
        const back = tauri ? await send('bench:echo', u8) : fromBase64(await send('', toBase64(u8)));
        if (!(back instanceof Uint8Array) || back.length !== u8.length)
            throw new Error(`the echo came back as ${back && back.length} bytes`);
    }
}

async function loops() {
    await phase('warmup');
    await pings(500);
    await phase('invoke');
    await pings(5000);
    const u8 = new Uint8Array(16 << 20);
    for (let i = 0; i < u8.length; i += 4096)
        u8[i] = i >> 12;
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
