// SPDX-License-Identifier: MIT
// globals.js: the Web globals, printed one line per check. Run under Node and
// under `moat run`: the two outputs must be the same, byte for byte
// (tests/host/test_web.sh). Only what Node and the WHATWG specs agree on.
const out = (...a) => console.log(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
const tryIt = (name, f) => {
    try {
        out(name, f());
    } catch (e) {
        out(name, 'throws', e.name, e instanceof TypeError);
    }
};
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join(' ');

// TextEncoder / TextDecoder
const enc = new TextEncoder();
out('encoding', enc.encoding, new TextDecoder().encoding);
for (const s of ['', 'abc', 'é€𝄞', 'a\0b', '\ud800x', 'x\udc00', '\udbff\udfff'])
    out('encode', JSON.stringify(s), hex(enc.encode(s)));
out('encodeInto', enc.encodeInto('a€𝄞', new Uint8Array(5)));
const dec = (bytes, opt) => {
    try {
        return JSON.stringify(new TextDecoder('utf-8', opt).decode(new Uint8Array(bytes)));
    } catch (e) {
        return 'throws ' + e.name;
    }
};
for (const b of [[0x61, 0x62], [0xef, 0xbb, 0xbf, 0x61], [0xe2, 0x82], [0xe2, 0x82, 0x41], [0xf0, 0x9f, 0x98, 0x80],
    [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff, 0xfe], [0x61, 0, 0x62], [0xf0, 0x9f, 0x98]])
    out('decode', hex(b), dec(b), dec(b, { fatal: true }), dec(b, { ignoreBOM: true }));
const sd = new TextDecoder();
out('stream', JSON.stringify(sd.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + sd.decode(new Uint8Array([0xac]))));
out('decode views', new TextDecoder().decode(new Uint16Array([0x6968]).buffer), new TextDecoder().decode(new DataView(new Uint8Array([0x6f, 0x6b]).buffer)));
tryIt('bad label', () => new TextDecoder('x-no-such-encoding'));
out('labels', new TextDecoder('UTF8').encoding, new TextDecoder(' unicode-1-1-utf-8 ').encoding);

// atob / btoa
for (const s of ['', 'a', 'ab', 'abc', 'hello world', '\xff\xfe\x00'])
    out('btoa', JSON.stringify(s), btoa(s));
for (const s of ['', 'YQ==', 'YQ', 'Y Q = =', 'YWJj', 'aGVsbG8gd29ybGQ=', ' aGVs\nbG8= ', 'YQ=', 'Y', 'Y===', 'a!b=', 'YW=Jj', '////'])
    tryIt('atob ' + JSON.stringify(s), () => JSON.stringify(atob(s)));
tryIt('btoa wide', () => btoa('€'));
try {
    atob('*');
} catch (e) {
    out('atob error', e.name, e instanceof DOMException, e.code);
}

// crypto, performance
const r = crypto.getRandomValues(new Uint8Array(64));
out('random', r.length, r.some((x) => x !== 0), crypto.getRandomValues(new Uint32Array(4)) instanceof Uint32Array);
tryIt('random float', () => crypto.getRandomValues(new Float64Array(2)));
tryIt('random big', () => crypto.getRandomValues(new Uint8Array(65537)));
const uuids = new Set(Array.from({ length: 100 }, () => crypto.randomUUID()));
out('uuid', uuids.size, [...uuids].every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u)));
const t0 = performance.now();
out('performance', typeof t0, t0 >= 0, performance.now() >= t0, Math.abs(performance.timeOrigin + t0 - Date.now()) < 1000);

// structuredClone
const orig = { a: [1, { b: 2 }], d: new Date(0), m: new Map([[1, 'x']]), s: new Set([1]), re: /x/gi, u: new Uint8Array([1, 2]), n: null };
orig.self = orig;
const c = structuredClone(orig);
out('clone', c !== orig, c.self === c, c.a[1].b, c.d.getTime(), c.m.get(1), c.s.has(1), c.re.flags, Array.from(c.u), c.u.buffer !== orig.u.buffer);
const ce = structuredClone(new RangeError('boom'));
out('clone error', ce instanceof RangeError, ce.message);
tryIt('clone fn', () => structuredClone(() => 1));
try {
    structuredClone({ f() {} });
} catch (e) {
    out('clone fn error', e.name, e instanceof DOMException);
}

// Event, EventTarget, CustomEvent
const et = new EventTarget();
const seen = [];
const h = (e) => seen.push(`h:${e.type}:${e.target === et}:${e.eventPhase}`);
et.addEventListener('x', h);
et.addEventListener('x', h);
et.addEventListener('x', { handleEvent: (e) => seen.push('obj:' + e.detail) });
et.addEventListener('x', () => seen.push('once'), { once: true });
const ev = new CustomEvent('x', { detail: 7, cancelable: true });
et.addEventListener('x', (e) => e.preventDefault());
out('dispatch', et.dispatchEvent(ev), ev.defaultPrevented, ev.eventPhase, ev.currentTarget, ev.detail);
et.dispatchEvent(new CustomEvent('x'));
et.removeEventListener('x', h);
et.dispatchEvent(new Event('x'));
out('seen', seen);
const ev2 = new Event('y', { bubbles: true });
out('event', ev2.type, ev2.bubbles, ev2.cancelable, ev2.isTrusted, ev2.defaultPrevented, Event.AT_TARGET);
const stopper = new EventTarget();
const order = [];
stopper.addEventListener('s', (e) => (order.push(1), e.stopImmediatePropagation()));
stopper.addEventListener('s', () => order.push(2));
stopper.dispatchEvent(new Event('s'));
out('stopImmediate', order);
const plain = new EventTarget();
let onCalled = false;
plain.onx = () => (onCalled = true);
plain.dispatchEvent(new Event('x'));
out('on-attribute', onCalled);
const ac = new AbortController();
const sig = [];
et.addEventListener('z', () => sig.push('z'), { signal: ac.signal });
et.dispatchEvent(new Event('z'));
ac.abort();
et.dispatchEvent(new Event('z'));
out('signal', sig);

// URL
const urls = [
    ['https://example.com'], ['HTTPS://User:Pa ss@EXAMPLE.com:443/a/./b/../c?q=1 2#f g'],
    ['http://example.com:8080/p?x#y'], ['http://a/b/c/d;p?q'], ['g', 'http://a/b/c/d;p?q'],
    ['../g', 'http://a/b/c/d;p?q'], ['?y', 'http://a/b/c/d;p?q'], ['#s', 'http://a/b/c/d;p?q'],
    ['//g', 'http://a/b/c/d;p?q'], ['/./g', 'http://a/b/c/d;p?q'], ['../../../g', 'http://a/b/c/d;p?q'],
    ['file:///home/user/a%20b.txt'], ['file:///C:/x'], ['file:/tmp/x'], ['/tmp/y', 'file:///etc/x'],
    ['mailto:someone@example.com'], ['data:text/plain,hi there'], ['tauri://localhost/index.html'],
    ['asset://localhost/%2Fhome%2Fa'], ['http://[::1]:3000/x'], ['http://127.0.0.1/'], ['http://0x7f.1/'],
    ['https://ex.com/ü?ü#ü'], ['http://ex.com/a b'], ['http://ex.com\\a\\b'], ['ws://h:80/'], ['wss://h:443/'],
    ['http://ex.com/%7e'], ['https://ex.com/?a=b&c=d'], ['blob:https://ex.com/uuid'], ['  http://trim.me/  '],
    ['http://ex.com/a\tb\nc'], ['non-special://host/p'], ['http://EX.com./'],
    ['not a url'], [''], ['http://'], ['http://ex.com:99999/'], ['//x'], ['x', 'mailto:a'], ['http://a b/'],
];
for (const [u, b] of urls) {
    try {
        const x = b === undefined ? new URL(u) : new URL(u, b);
        out('url', JSON.stringify(u), x.href, x.protocol, x.username, x.password, x.host, x.hostname, x.port, x.pathname, x.search, x.hash, x.origin);
    } catch (e) {
        out('url', JSON.stringify(u), 'throws', e.name, e instanceof TypeError);
    }
}
const m = new URL('https://ex.com/a?x=1');
m.pathname = '/b c';
m.search = 'y=2 3';
m.hash = 'frag';
m.port = '8443';
m.hostname = 'other.org';
m.username = 'u@';
m.password = 'p';
out('setters', m.href, String(m), JSON.stringify({ m }));
m.protocol = 'http';
out('protocol', m.href);
m.href = 'http://new.example/';
out('href set', m.host);
out('canParse', URL.canParse('http://x'), URL.canParse('nope'), URL.canParse('/a', 'http://b'));
out('instanceof', new URL('file:///x') instanceof URL, new URL('file:///x').protocol !== 'file:');

// URLSearchParams
const p = new URLSearchParams('?a=1&b=2&a=3&c=%20x+y&d&=e');
out('params', p.get('a'), p.getAll('a'), p.get('c'), p.get('d'), p.get(''), p.has('b'), p.get('zz'), p.size);
p.append('e', 'ü &=+');
p.set('a', '9');
p.delete('b');
p.sort();
out('params str', p.toString(), [...p.keys()]);
out('params init', new URLSearchParams({ x: '1', y: 'a b' }).toString(), new URLSearchParams([['k', 'v'], ['k', 'w']]).toString());
const pu = new URL('https://ex.com/?q=1');
pu.searchParams.append('r', 'x y');
out('params url', pu.href, pu.search);
pu.search = '?z=0';
out('params live', pu.searchParams.get('z'), pu.searchParams.get('q'));
const fe = [];
new URLSearchParams('a=1&b=2').forEach((v, k) => fe.push(k + v));
out('forEach', fe);

// Blob, File, FormData
const blob = new Blob(['ab', new Uint8Array([0x63]), new Blob(['d'])], { type: 'Text/Plain' });
out('blob', blob.size, blob.type, blob.slice(1, 3).size, blob.slice(-2).size);
const file = new File(['x'], 'f.txt', { type: 'text/plain', lastModified: 42 });
out('file', file.name, file.size, file.type, file.lastModified, file instanceof Blob);
const fd = new FormData();
fd.append('a', '1');
fd.append('b', new Blob(['zz']), 'b.bin');
fd.set('a', '2');
out('formdata', fd.get('a'), fd.get('b').name, fd.get('b').size, fd.has('c'), [...fd.keys()]);

// Headers
const hd = new Headers({ 'Content-Type': 'text/plain', 'X-A': ' 1 ' });
hd.append('x-a', '2');
hd.append('Set-Cookie', 'a=1');
hd.append('Set-Cookie', 'b=2');
out('headers', hd.get('content-type'), hd.get('X-A'), hd.has('x-b'), [...hd], hd.getSetCookie());
out('headers pairs', [...new Headers([['b', '2'], ['a', '1']])], [...new Headers(new Headers({ q: 'r' }))]);
tryIt('header bad name', () => new Headers({ 'a b': 'x' }));
tryIt('header bad value', () => new Headers({ a: 'x\ny' }));

// Request, Response
const req = new Request('https://ex.com/api', { method: 'post', body: 'hi', headers: { 'X-T': '1' } });
out('request', req.url, req.method, req.headers.get('content-type'), req.headers.get('x-t'), req.bodyUsed);
tryIt('request get body', () => new Request('https://ex.com', { method: 'GET', body: 'x' }));
tryIt('request bad url', () => new Request('nope'));
const res = new Response('{"a":1}', { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' } });
out('response', res.status, res.ok, res.statusText, res.headers.get('content-type'), res.type, res.url);
tryIt('response status', () => new Response('', { status: 99 }));
out('response.json', Response.json({ x: 1 }).headers.get('content-type'), Response.error().type, Response.error().status);

(async () => {
    out('json', await res.json(), res.bodyUsed);
    try {
        await res.text();
    } catch (e) {
        out('used', e.name);
    }
    out('text', await new Response(new Uint8Array([0xe2, 0x82, 0xac])).text());
    out('arrayBuffer', Array.from(new Uint8Array(await new Response('ab').arrayBuffer())));
    out('blob text', await blob.text(), await new Response(blob).text(), Array.from(new Uint8Array(await blob.arrayBuffer())));
    out('params body', new Response(new URLSearchParams('a=b c')).headers.get('content-type'), await new Response(new URLSearchParams('a=b c')).text());
    const reader = new Response('stream me').body.getReader();
    const chunks = [];
    for (let r; !(r = await reader.read()).done;)
        chunks.push(...r.value);
    out('body reader', new TextDecoder().decode(new Uint8Array(chunks)));
    const rs = new ReadableStream({
        start(c) {
            c.enqueue(new TextEncoder().encode('one '));
            c.enqueue(new TextEncoder().encode('two'));
            c.close();
        },
    });
    out('stream response', await new Response(rs).text());
    out('request text', await req.text(), req.bodyUsed);
    out('clone', await new Response('c').clone().text());
    // MessageChannel
    const mc = new MessageChannel();
    const got = await new Promise((resolve) => {
        mc.port2.onmessage = (e) => resolve(e.data);
        mc.port1.postMessage({ hello: [1, 2] });
    });
    out('message', got);
    mc.port1.close();
    mc.port2.close();
})();
