// SPDX-License-Identifier: MIT
// page.js: the page side of the webview host's IPC. The host injects
// `(page.js)(prelude.js, label)` at document start, before any page script, so
// the page gets the same `window.__TAURI_INTERNALS__` (and `moat`) as the JS
// renderer: prelude.js is one source for both, and this file is its `native`
// built over WebKit's reply-capable script message handler `moat`.
//
// Frames to the host are JSON strings. Invokes with binaries (Uint8Array,
// ArrayBuffer, typed arrays) are fetches to ipc://localhost/<cmd> with the
// bytes as the body instead, as Tauri's IPC protocol sends them (the message
// handler turns a Uint8Array into an index-keyed object and loses big ones):
// one binary is the body itself (application/octet-stream); binaries inside
// args go as application/x-moat-parts, "N\n", N bytes of JSON where each is
// {"__moat_bin__": [offset, length]}, then their bytes. Answers come the same
// ways (renderer/webview/rawipc.c): a binary answer resolves to an
// ArrayBuffer, as in Tauri; one to a JSON invoke is fetched by its token.
// Binaries inside an answer are Uint8Arrays. Events and channel frames still
// carry {"__moat_bin__": base64}: Uint8Arrays, except a channel message that
// is bytes, which is an ArrayBuffer as Tauri's raw channel messages are.
// Nothing here is trusted: the core checks every frame.
(function (prelude, label) {
    'use strict';
    const handler = window.webkit.messageHandlers.moat; // captured before page scripts run
    const post = (obj) => handler.postMessage(JSON.stringify(obj));
    const fetchIpc = window.fetch.bind(window);
    const BIN = '__moat_bin__';
    const IPC = 'ipc://localhost/';
    const PARTS = 'application/x-moat-parts';
    const encoder = new TextEncoder(), decoder = new TextDecoder();

    function fromBase64(s) {
        if (typeof Uint8Array.fromBase64 === 'function')
            return Uint8Array.fromBase64(s);
        const b = atob(s);
        const u8 = new Uint8Array(b.length);
        for (let i = 0; i < b.length; i++)
            u8[i] = b.charCodeAt(i);
        return u8;
    }

    const fromWire = (k, v) =>
        v !== null && typeof v === 'object' && typeof v[BIN] === 'string' ? fromBase64(v[BIN]) : v;

    // fromBase64's arrays own their whole buffer; a slice only if one ever does not.
    const bufferOf = (u8) => (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength
        ? u8.buffer : u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength));
    const isBin = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
    const bytesOf = (v) =>
        v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

    function hasBin(v, depth) {
        if (isBin(v))
            return true;
        if (v === null || typeof v !== 'object' || depth > 64)
            return false;
        for (const k of Object.keys(v))
            if (hasBin(v[k], depth + 1))
                return true;
        return false;
    }

    // args as a body: [Content-Type, body].
    function toBody(args) {
        if (isBin(args))
            return ['application/octet-stream', bytesOf(args)];
        const bins = [];
        let size = 0;
        const json = encoder.encode(JSON.stringify(args, function (key, v) {
            const raw = this[key]; // JSON.stringify calls toJSON first: views are caught on the holder
            if (!isBin(raw))
                return v;
            const u8 = bytesOf(raw);
            bins.push(u8);
            size += u8.byteLength;
            return { [BIN]: [size - u8.byteLength, u8.byteLength] };
        }));
        const head = encoder.encode(`${json.length}\n`);
        const body = new Uint8Array(head.length + json.length + size);
        body.set(head, 0);
        body.set(json, head.length);
        let at = head.length + json.length;
        for (const u8 of bins) {
            body.set(u8, at);
            at += u8.byteLength;
        }
        return [PARTS, body];
    }

    function fromParts(buf) {
        const u8 = new Uint8Array(buf);
        const nl = u8.indexOf(10);
        const n = Number(decoder.decode(u8.subarray(0, nl)));
        const base = nl + 1 + n;
        return JSON.parse(decoder.decode(u8.subarray(nl + 1, base)), (k, v) =>
            v !== null && typeof v === 'object' && Array.isArray(v[BIN])
                ? new Uint8Array(buf, base + v[BIN][0], v[BIN][1]) : v);
    }

    // An ipc:// answer: [ok, value, code, message].
    async function fromResponse(r) {
        const type = (r.headers.get('Content-Type') || '').split(';')[0];
        if (!r.ok) {
            const e = await r.json();
            return [false, null, e.code, e.message];
        }
        if (type === 'application/octet-stream')
            return [true, await r.arrayBuffer()];
        if (type === PARTS)
            return [true, fromParts(await r.arrayBuffer())];
        return [true, JSON.parse(await r.text(), fromWire)];
    }

    // The URL names the command alone, so WebKit's preflight cache holds one entry per command.
    const ipcFetch = (path, headers, body) =>
        fetchIpc(IPC + path, { method: 'POST', body, headers }).then(fromResponse);

    let nextId = 1;
    let hooks = null;
    const native = {
        label,
        invoke(cmd, args) {
            const id = nextId++;
            const done = (r) => hooks.response(id, r[0], r[1], r[2], r[3]);
            const failed = (e) => hooks.response(id, false, null, 'internal', String(e));
            let frame;
            try {
                if (hasBin(args, 0)) { // the bytes as the body, not as text
                    const [type, body] = toBody(args);
                    ipcFetch(encodeURIComponent(cmd), { 'Content-Type': type, 'Moat-Id': String(id) }, body).then(done, failed);
                    return id;
                }
                frame = post({ t: 'invoke', id, cmd, args });
            } catch (e) { // a cycle, a BigInt: the promise rejects as the JS host's would
                Promise.resolve().then(() => hooks.response(id, false, null, 'invalid_args', String(e)));
                return id;
            }
            frame.then((s) => {
                const r = JSON.parse(s, fromWire);
                if (r.ok && typeof r.raw === 'string') // a binary answer: its bytes are fetched
                    return ipcFetch('', { 'Moat-Answer': r.raw }, null).then(done);
                hooks.response(id, r.ok, r.value, r.code, r.message);
            }).catch(failed);
            return id;
        },
        cancel: (id) => void post({ t: 'cancel', id }),
        print: (stream, text) => void post({ t: 'print', stream, text: String(text) }),
        fatal: (text) => void post({ t: 'print', stream: 2, text: String(text) }),
        setKeepAlive() {}, // a window lives until it is closed
        exit: (code) => void post({ t: 'exit', code }),
    };
    hooks = prelude(native);
    // Captured before page scripts run: the host runs one listener's callback (tauri://destroyed
    // of the window it listens on) rather than every listener of a name.
    const runCallback = window.__TAURI_INTERNALS__.runCallback;

    // Events and channel frames: the host answers one outstanding 'recv' with
    // every message it holds, and the page asks again.
    function pump() {
        post({ t: 'recv' }).then((s) => {
            for (const m of JSON.parse(s, fromWire)) {
                try {
                    if (m.t === 'event')
                        hooks.event(m.event, m.payload, m.sender);
                    else if (m.t === 'channel') // a raw message is an ArrayBuffer, as in Tauri
                        hooks.channel(m.id, m.index, m.end, m.value instanceof Uint8Array ? bufferOf(m.value) : m.value);
                    else if (m.t === 'callback')
                        runCallback(m.id, m.data);
                    else if (m.t === 'lost')
                        return hooks.lost(m.message);
                } catch (e) {
                    native.print(2, `Uncaught ${hooks.format(e)}`);
                }
            }
            pump();
        });
    }
    pump();

    // Uncaught errors reach the core's output with the label, as the JS renderer's do.
    window.addEventListener('error', (e) =>
        native.print(2, `Uncaught ${hooks.format(e.error !== undefined ? e.error : e.message)}`));
    window.addEventListener('unhandledrejection', (e) =>
        native.print(2, `Unhandled promise rejection: ${hooks.format(e.reason)}`));
})
