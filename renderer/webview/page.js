// page.js: the page side of the webview host's IPC. The host injects
// `(page.js)(prelude.js, label)` at document start, before any page script, so
// the page gets the same `window.__TAURI_INTERNALS__` (and `moat`) as the JS
// renderer: prelude.js is one source for both, and this file is its `native`
// built over WebKit's reply-capable script message handler `moat`.
//
// Frames to the host are JSON strings; binaries (Uint8Array, ArrayBuffer,
// typed arrays) cross as {"__moat_bin__": base64}, because the message
// handler turns a Uint8Array into an index-keyed object (and loses big ones).
// Nothing here is trusted: the core checks every frame.
(function (prelude, label) {
    'use strict';
    const handler = window.webkit.messageHandlers.moat; // captured before page scripts run
    const post = (obj) => handler.postMessage(JSON.stringify(obj, toWire));
    const BIN = '__moat_bin__';

    function toBase64(u8) {
        if (typeof u8.toBase64 === 'function')
            return u8.toBase64();
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000)
            s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
        return btoa(s);
    }

    function fromBase64(s) {
        if (typeof Uint8Array.fromBase64 === 'function')
            return Uint8Array.fromBase64(s);
        const b = atob(s);
        const u8 = new Uint8Array(b.length);
        for (let i = 0; i < b.length; i++)
            u8[i] = b.charCodeAt(i);
        return u8;
    }

    // JSON.stringify calls toJSON first, so views are caught on the holder.
    function toWire(key, v) {
        const raw = this[key];
        if (raw instanceof ArrayBuffer)
            return { [BIN]: toBase64(new Uint8Array(raw)) };
        if (ArrayBuffer.isView(raw))
            return { [BIN]: toBase64(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) };
        return v;
    }

    const fromWire = (k, v) =>
        v !== null && typeof v === 'object' && typeof v[BIN] === 'string' ? fromBase64(v[BIN]) : v;

    let nextId = 1;
    let hooks = null;
    const native = {
        label,
        invoke(cmd, args) {
            const id = nextId++;
            let frame;
            try {
                frame = post({ t: 'invoke', id, cmd, args });
            } catch (e) { // a cycle, a BigInt: the promise rejects as the JS host's would
                Promise.resolve().then(() => hooks.response(id, false, null, 'invalid_args', String(e)));
                return id;
            }
            frame.then((s) => {
                const r = JSON.parse(s, fromWire);
                hooks.response(id, r.ok, r.value, r.code, r.message);
            }, (e) => hooks.response(id, false, null, 'internal', String(e)));
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
                    else if (m.t === 'channel')
                        hooks.channel(m.id, m.index, m.end, m.value);
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
