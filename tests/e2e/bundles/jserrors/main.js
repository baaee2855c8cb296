// SPDX-License-Identifier: MIT
// Every rejection the JS side makes is a MoatError with a documented code
// (ipc/PROTOCOL.md), while __TAURI_INTERNALS__ rejects as Tauri does, with a
// string; and the globals plugin JS reads are there.
(async () => {
    const out = {};
    const why = (e) => [e && e.name, e && e.code];
    try {
        await moat.invoke('test:echo', 'x'.repeat(1 << 20)); // the test sets a 256 KiB frame limit
        out.big = ['resolved'];
    } catch (e) {
        out.big = [...why(e), /^limit_exceeded/.test(e.message) ? 'prefixed' : 'plain'];
    }
    try {
        await moat.invoke('test:hold', null, { signal: AbortSignal.timeout(20) });
        out.timeout = ['resolved'];
    } catch (e) {
        out.timeout = why(e);
    }
    try {
        await moat.invoke('test:echo', 1, { signal: AbortSignal.timeout(0) && AbortSignal.abort() });
    } catch (e) {
        out.early = why(e);
    }
    try {
        await moat.listen('x', 5);
    } catch (e) {
        out.listen = why(e);
    }
    try {
        await moat.invoke('test:echo', { s: '\ud800' });
    } catch (e) {
        out.surrogate = why(e);
    }
    try {
        await fetch('https://example.com/');
    } catch (e) {
        out.fetch = [...why(e), /http:fetch/.test(e.message) ? 'says why' : e.message];
    }
    try {
        await __TAURI_INTERNALS__.invoke('test:nope');
    } catch (e) {
        out.tauri = [typeof e, e.includes('test:nope') ? 'says why' : e];
    }
    out.after = await moat.invoke('test:echo', 'still fine');
    out.globals = [typeof self, self === globalThis, window === globalThis,
        __TAURI_INTERNALS__.plugins.path.sep + __TAURI_INTERNALS__.plugins.path.delimiter,
        __TAURI_OS_PLUGIN_INTERNALS__.platform, __TAURI_OS_PLUGIN_INTERNALS__.family,
        __TAURI_INTERNALS__.metadata.currentWebview.label];
    await moat.emit('test:report', out);
})();
