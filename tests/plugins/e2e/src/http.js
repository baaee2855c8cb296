// SPDX-License-Identifier: MIT
// plugin-http's fetch against local servers (test_http.sh writes their ports over the
// placeholders below): methods, headers, bodies, streaming, abort, redirects, and the
// URL scope, through the official package and as raw invokes a hostile page could send.
// Prints RESULT {...}.
import { fetch } from '@tauri-apps/plugin-http';
import { invoke } from '@tauri-apps/api/core';

const PORT = Number('__PORT__'), OTHER = Number('__OTHER__'), HOLE = Number('__HOLE__');
const base = `http://localhost:${PORT}`;

async function attempt(f) {
    try {
        return await f();
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e && e.message ? e.message : String(e)}`;
    }
}

// A raw fetch as the package sends it, without the renderer's URL parser in between.
async function raw(url, extra = {}) {
    const rid = await invoke('plugin:http|fetch', {
        clientConfig: { method: 'GET', url, headers: [], data: null, ...extra },
    });
    const res = await invoke('plugin:http|fetch_send', { rid });
    await invoke('plugin:http|fetch_cancel_body', { rid: res.rid });
    return `status ${res.status}`;
}

async function describe(res) {
    return { status: res.status, statusText: res.statusText, url: res.url,
        xtest: res.headers.get('x-test'), text: await res.text() };
}

async function basics(out) {
    out.get = await attempt(async () => describe(await fetch(`${base}/echo?q=1`)));
    out.postText = await attempt(async () => describe(await fetch(`${base}/echo`, {
        method: 'POST', body: 'hello body',
        headers: { 'X-Custom': 'yes', Cookie: 'stolen=1', Host: 'evil.example', 'Content-Type': 'text/plain' },
    })));
    out.putBytes = await attempt(async () => describe(await fetch(`${base}/echo`, {
        method: 'PUT', body: new Uint8Array([0, 1, 2, 255]),
    })));
    const form = new FormData();
    form.append('field', 'value one');
    out.postForm = await attempt(async () => describe(await fetch(`${base}/echo`, { method: 'POST', body: form })));
    out.postUrlencoded = await attempt(async () => describe(await fetch(`${base}/echo`, {
        method: 'POST', body: new URLSearchParams({ a: '1', b: 'two' }),
    })));
    out.deleteNoBody = await attempt(async () => describe(await fetch(`${base}/echo`, { method: 'DELETE' })));
    out.notFound = await attempt(async () => describe(await fetch(`${base}/status/404`)));
    out.json = await attempt(async () => (await fetch(`${base}/json`)).json());
    out.dataUrl = await attempt(async () => {
        const res = await fetch('data:text/plain;base64,aGVsbG8gZGF0YQ==');
        return `${res.status} ${res.headers.get('content-type')} ${await res.text()}`;
    });
}

async function streaming(out) {
    out.stream = await attempt(async () => {
        const res = await fetch(`${base}/stream`);
        const reader = res.body.getReader();
        let chunks = 0, total = 0, sum = 0;
        for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            chunks++;
            total += value.length;
            for (const b of value) sum = (sum + b) % 65521;
        }
        return { chunks, total, sum };
    });
    out.cancelBody = await attempt(async () => {
        const res = await fetch(`${base}/endless`);
        const reader = res.body.getReader();
        let got = 0;
        while (got < 200000) got += (await reader.read()).value.length;
        await reader.cancel();
        return got >= 200000 ? 'cancelled' : 'short';
    });
    out.abort = await attempt(async () => {
        const ctl = new AbortController();
        const t0 = Date.now();
        setTimeout(() => ctl.abort(), 200);
        try {
            await fetch(`${base}/slow`, { signal: ctl.signal });
            return 'not aborted';
        } catch (e) {
            return { error: String(e && e.message ? e.message : e), ms: Date.now() - t0 };
        }
    });
    out.connectTimeout = await attempt(async () => {
        const t0 = Date.now();
        try {
            await fetch(`http://localhost:${HOLE}/`, { connectTimeout: 300 });
            return 'connected';
        } catch (e) {
            return { error: String(e), ms: Date.now() - t0 };
        }
    });
}

async function redirects(out) {
    out.redirectIn = await attempt(async () => describe(await fetch(`${base}/redirect-in`)));
    out.redirectNone = await attempt(async () => (await fetch(`${base}/redirect-in`, { maxRedirections: 0 })).status);
    out.redirectOut = await attempt(async () => describe(await fetch(`${base}/redirect-out`)));
    out.redirectDenied = await attempt(async () => describe(await fetch(`${base}/redirect-private`)));
    out.redirectLoop = await attempt(async () => describe(await fetch(`${base}/loop/0`, { maxRedirections: 3 })));
    out.redirect303 = await attempt(async () => describe(await fetch(`${base}/see-other`, { method: 'POST', body: 'x' })));
}

async function scope(out) {
    out.denied = await attempt(() => raw(`${base}/private/secret`));
    out.outside = await attempt(() => raw(`http://localhost:${OTHER}/outside`));
    out.otherPath = await attempt(() => raw(`http://localhost/`));
    out.userinfo = await attempt(() => raw(`http://localhost:${PORT}@127.0.0.1:${OTHER}/userinfo`));
    out.userinfoAllowed = await attempt(() => raw(`http://someone@localhost:${PORT}/echo?userinfo`));
    out.caseHost = await attempt(() => raw(`http://LocalHost:${PORT}/echo?case`));
    out.idnLookalike = await attempt(() => raw(`http://loc\u03b1lhost:${OTHER}/idn`));
    out.idnFullwidth = await attempt(() => raw(`http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:${PORT}/echo?fullwidth`));
    out.ipv4 = await attempt(() => raw(`http://127.0.0.1:${PORT}/ipv4`));
    out.decimal = await attempt(() => raw(`http://2130706433:${PORT}/decimal`));
    out.hex = await attempt(() => raw(`http://0x7f.1:${PORT}/hex`));
    out.ipv6 = await attempt(() => raw(`http://[::1]:${PORT}/ipv6`));
    out.trailingDot = await attempt(() => raw(`http://localhost.:${PORT}/dot`));
    out.backslash = await attempt(() => raw(`http://localhost:${PORT}\\@127.0.0.1:${OTHER}/bs`));
    out.dotdot = await attempt(() => raw(`${base}/public/../private/secret`));
    out.encodedDots = await attempt(() => raw(`${base}/public/%2e%2e/private/secret`));
    out.file = await attempt(() => raw('file:///etc/passwd'));
    out.danger = await attempt(() => raw(`${base}/echo?danger`, { danger: { acceptInvalidCerts: true } }));
    out.proxy = await attempt(() => raw(`${base}/echo?proxied`, { proxy: { all: `http://127.0.0.1:${OTHER}` } }));
    out.proxyAllowed = await attempt(() => raw(`${base}/echo?viaproxy`, { proxy: { all: base } }));
    out.badHeader = await attempt(() => raw(`${base}/echo`, { headers: [['X-A', 'a\r\nInjected: 1']] }));
    out.otherRid = await attempt(() => invoke('plugin:http|fetch_read_body', { rid: 999999 }));
}

async function limits(out) {
    // More running fetches than a renderer may have: the extra one is refused, none hangs.
    const rids = [];
    for (let i = 0; i < 9; i++)
        rids.push(await invoke('plugin:http|fetch', { clientConfig: { method: 'GET', url: `${base}/slow?n=${i}`, headers: [], data: null } }));
    const sends = rids.map((rid) => invoke('plugin:http|fetch_send', { rid }).then(() => 'sent', (e) => String(e)));
    await new Promise((r) => setTimeout(r, 300));
    for (const rid of rids) await invoke('plugin:http|fetch_cancel', { rid }).catch(() => {});
    const results = await Promise.all(sends);
    out.limit = results.filter((r) => r.includes('fetches already')).length;
    out.limitCancelled = results.filter((r) => r.includes('Request cancelled')).length;
    // More fetches held than a renderer may hold: refused beyond the cap, until some are let go.
    const held = [];
    let refused = 0;
    for (let i = 0; i < 70; i++) {
        try {
            held.push(await invoke('plugin:http|fetch', { clientConfig: { method: 'GET', url: `${base}/echo?held`, headers: [], data: null } }));
        } catch (e) {
            refused += String(e).includes('fetches already');
        }
    }
    for (const rid of held) await invoke('plugin:http|fetch_cancel', { rid });
    out.held = { held: held.length, refused };
    out.afterRelease = await attempt(() => raw(`${base}/echo?after-release`));
}

async function main() {
    const out = {};
    await basics(out);
    await streaming(out);
    await redirects(out);
    await scope(out);
    await limits(out);
    out.globalFetch = await attempt(async () => describe(await globalThis.fetch(`${base}/echo?global`, {
        method: 'POST', body: 'from the global fetch', headers: { 'X-Global': '1' } })));
    out.globalStream = await attempt(async () => (await (await globalThis.fetch(`${base}/stream`)).arrayBuffer()).byteLength);
    out.globalDenied = await attempt(async () => (await globalThis.fetch(`${base}/private/x`)).status);
    out.globalAbort = await attempt(async () => {
        const ctl = new AbortController();
        setTimeout(() => ctl.abort(), 100);
        try {
            await globalThis.fetch(`${base}/slow?global`, { signal: ctl.signal });
            return 'not aborted';
        } catch (e) {
            return e.name;
        }
    });
    console.log('RESULT ' + JSON.stringify(out));
}

main();
