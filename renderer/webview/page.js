// SPDX-License-Identifier: MIT
// page.js: the page side of the webview host's IPC. The host injects
// `(page.js)(prelude.js, label)` at document start, before any page script, so
// the page gets the same `window.__TAURI_INTERNALS__` (and `moat`) as the JS
// renderer: prelude.js is one source for both, and this file is its `native`
// built over WebKit's reply-capable script message handler `moat`.
//
// Frames to the host are JSON strings. Invokes with binaries (Uint8Array,
// ArrayBuffer, typed arrays) carry the bytes as a body instead (the message
// handler turns a Uint8Array into an index-keyed object and loses big ones):
// through the web process extension (webext.c: __moatExt, the body and the
// answer as sealed memfds) when the host has one, else as fetches to
// ipc://localhost/<cmd> with the bytes as the body, as Tauri's IPC protocol sends them:
// one binary is the body itself (application/octet-stream); binaries inside
// args go as application/x-moat-parts, "N\n", N bytes of JSON where each is
// {"__moat_bin__": [offset, length]}, then their bytes. Answers come the same
// ways (renderer/webview/rawipc.c): a binary answer resolves to an
// ArrayBuffer, as in Tauri; one to a JSON invoke is fetched by its token, and
// so are events and channel messages with binaries (a channel message that is
// one binary is an ArrayBuffer, as Tauri's raw channel messages are; an
// event's binary payload a Uint8Array, as the JS renderer gives it).
// When the page's own CSP refuses ipc: (a <meta> without it in connect-src),
// the first refused fetch switches this page to the message handler for good,
// binaries as {"__moat_bin__": base64}, as Tauri falls back to postMessage.
// Nothing here is trusted: the core checks every frame.
(function (prelude, label) {
    'use strict';
    const handler = window.webkit.messageHandlers.moat; // captured before page scripts run
    // The web process extension (webext.c), when the host has one: bytes in one piece.
    const ext = window.__moatExt;
    delete window.__moatExt;
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

    function toBase64(u8) {
        if (typeof u8.toBase64 === 'function')
            return u8.toBase64();
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000)
            s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
        return btoa(s);
    }

    // The page's CSP refused an ipc:// fetch: from then on everything goes through the handler.
    let ipcRefused = false;

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

    // A body of a type rawipc.c serves, as a value.
    function fromBody(type, buf) {
        if (type === 'application/octet-stream')
            return buf;
        if (type === PARTS)
            return fromParts(buf);
        return JSON.parse(decoder.decode(buf));
    }

    // An ipc:// answer: [ok, value, code, message].
    async function fromResponse(r) {
        if (!r.ok) {
            const e = await r.json();
            return [false, null, e.code, e.message];
        }
        return [true, fromBody((r.headers.get('Content-Type') || '').split(';')[0], await r.arrayBuffer())];
    }

    // The URL names the command alone, so WebKit's preflight cache holds one entry per command.
    // A refused fetch (CSP: a TypeError before anything is sent) rejects with 'refused'.
    const ipcFetch = (path, headers, body) =>
        fetchIpc(IPC + path, { method: 'POST', body, headers }).then(fromResponse, (e) => {
            if (!(e instanceof TypeError))
                throw e;
            if (!ipcRefused)
                console.warn(`moat: ipc:// refused (${e.message}); binaries now cross the message handler as base64`);
            ipcRefused = true;
            return 'refused';
        });

    // Through the extension: [ok, value, code, message], or 'refused' when it could not send.
    const viaExt = (send) => new Promise((resolve) => {
        if (!send((ok, s, buf, message) => resolve(ok ? [true, fromBody(s, buf)] : [false, null, s, message])))
            resolve('refused');
    });
    const extInvoke = (cmd, id, type, body) =>
        ext ? viaExt((done) => ext.invoke(cmd, id, type, body, done)) : Promise.resolve('refused');

    // A stashed body (an answer, an event's, a channel message's) by its token: [ok, value, code, message].
    async function take(token) {
        let r = ext ? await viaExt((done) => ext.take(token, done)) : 'refused';
        if (r !== 'refused')
            return r;
        r = ipcRefused ? 'refused' : await ipcFetch('', { 'Moat-Answer': token }, null);
        if (r !== 'refused')
            return r;
        const b = JSON.parse(await post({ t: 'take', token }));
        return b.ok ? [true, fromBody(b.type, fromBase64(b.body).buffer)] : [false, null, b.code, b.message];
    }

    // args for the message handler, binaries as base64 (the fallback).
    const withBase64 = (args) => JSON.parse(JSON.stringify(args, function (key, v) {
        const raw = this[key];
        return isBin(raw) ? { [BIN]: toBase64(bytesOf(raw)) } : v;
    }));

    let nextId = 1;
    let hooks = null;
    const native = {
        label,
        invoke(cmd, args) {
            const id = nextId++;
            const done = (r) => hooks.response(id, r[0], r[1], r[2], r[3]);
            const failed = (e) => hooks.response(id, false, null, 'internal', String(e));
            const viaHandler = (args) => post({ t: 'invoke', id, cmd, args }).then((s) => {
                const r = JSON.parse(s);
                if (r.ok && typeof r.raw === 'string') // a binary answer: its bytes are fetched
                    return take(r.raw).then(done);
                hooks.response(id, r.ok, r.value, r.code, r.message);
            });
            try {
                if (!hasBin(args, 0)) {
                    viaHandler(args).catch(failed);
                } else if (ipcRefused && !ext) {
                    viaHandler(withBase64(args)).catch(failed);
                } else { // the bytes as the body, not as text
                    const [type, body] = toBody(args);
                    const viaFetch = () => (ipcRefused ? Promise.resolve('refused')
                        : ipcFetch(encodeURIComponent(cmd), { 'Content-Type': type, 'Moat-Id': String(id) }, body));
                    extInvoke(cmd, id, type, body)
                        .then((r) => (r === 'refused' ? viaFetch() : r))
                        .then((r) => (r === 'refused' ? viaHandler(withBase64(args)) : done(r)))
                        .catch(failed);
                }
            } catch (e) { // a cycle, a BigInt: the promise rejects as the JS host's would
                Promise.resolve().then(() => hooks.response(id, false, null, 'invalid_args', String(e)));
            }
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
    // every message it holds, and the page asks again. A message with
    // binaries has its body fetched (m.raw) before the messages after it run.
    async function fetchBody(m) {
        const [ok, v, code, message] = await take(m.raw);
        if (!ok)
            throw new Error(`a ${m.t}'s binaries were lost: ${code}: ${message}`);
        if (m.t === 'event')
            m.payload = v instanceof ArrayBuffer ? new Uint8Array(v) : v;
        else
            m.value = v;
    }

    function deliver(m) {
        if (m.t === 'event')
            hooks.event(m.event, m.payload, m.sender);
        else if (m.t === 'channel')
            hooks.channel(m.id, m.index, m.end, m.value);
        else if (m.t === 'callback')
            runCallback(m.id, m.data);
    }

    async function pump() {
        for (;;) {
            for (const m of JSON.parse(await post({ t: 'recv' }))) {
                if (m.t === 'lost')
                    return hooks.lost(m.message);
                try {
                    if (typeof m.raw === 'string')
                        await fetchBody(m);
                    deliver(m);
                } catch (e) {
                    native.print(2, `Uncaught ${hooks.format(e)}`);
                }
            }
        }
    }
    pump();

    // Uncaught errors reach the core's output with the label, as the JS renderer's do.
    window.addEventListener('error', (e) =>
        native.print(2, `Uncaught ${hooks.format(e.error !== undefined ? e.error : e.message)}`));
    window.addEventListener('unhandledrejection', (e) =>
        native.print(2, `Unhandled promise rejection: ${hooks.format(e.reason)}`));
})
