// SPDX-License-Identifier: MIT
// Binaries of many sizes (around the 64 KiB bulk threshold and up to a few
// MiB), alone, several in flight at once and several in one value, echoed
// and checked byte for byte.
(async () => {
    const make = (n, seed) => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++)
            b[i] = (i * 31 + seed) & 255;
        return b;
    };
    // An answer that is bytes is an ArrayBuffer (as in Tauri); bytes inside a value or an
    // event's payload are Uint8Arrays.
    const same = (b, n, seed, Kind = Uint8Array) => {
        if (!(b instanceof Kind) || b.byteLength !== n)
            return false;
        b = new Uint8Array(b);
        for (let i = 0; i < n; i++)
            if (b[i] !== ((i * 31 + seed) & 255))
                return false;
        return true;
    };
    let ok = 0;
    const bad = [];
    const sizes = [10, 65535, 65536, 70000, 1 << 20, 3 << 20, 5 << 20];
    for (let k = 0; k < sizes.length; k++) {
        const back = await moat.invoke('test:echo', make(sizes[k], k));
        if (same(back, sizes[k], k, ArrayBuffer)) ok++; else bad.push(sizes[k]);
    }
    const inflight = await Promise.all([1, 2, 3, 4].map((k) => moat.invoke('test:echo', make(300000 * k, k))));
    inflight.forEach((b, i) => same(b, 300000 * (i + 1), i + 1, ArrayBuffer) ? ok++ : bad.push(`in flight ${i}`));
    const o = await moat.invoke('test:echo', { a: make(100000, 7), b: make(200000, 8), s: 'x', n: [make(5, 9)] });
    if (same(o.a, 100000, 7) && same(o.b, 200000, 8) && o.s === 'x' && same(o.n[0], 5, 9)) ok++; else bad.push('object');
    // An event's payload, out through core:event:emit and back to this listener.
    let hear;
    const heard = new Promise((resolve) => (hear = resolve));
    const unlisten = await moat.listen('test:bigev', (e) => hear(e.payload));
    await moat.emit('test:bigev', { b: make(2 << 20, 11) });
    const ev = await heard;
    unlisten(); // a listener would keep the renderer running
    if (same(ev && ev.b, 2 << 20, 11)) ok++; else bad.push('event');
    await moat.emit('test:report', { ok, bad: bad.join(',') });
})();
