// SPDX-License-Identifier: MIT
// The JS side of rows 1-4 (bench/moat_ipc.c is the core side, which holds the
// clock: JavaScriptCore here has only Date.now(), in milliseconds). Each
// phase is announced with bench:phase so the core knows what it is timing.
(() => {
    'use strict';

    const phase = (name) => moat.invoke('bench:phase', name);

    // Row 1: one invoke at a time; the core times the gap between arrivals.
    async function pingLoop(n) {
        for (let i = 0; i < n; i++)
            await moat.invoke('bench:ping');
    }

    // Row 2: batches of 1,000 invokes in flight; bench:mark closes a batch.
    async function batches(n, size) {
        for (let b = 0; b < n; b++) {
            const calls = [];
            for (let i = 0; i < size; i++)
                calls.push(moat.invoke('bench:ping'));
            await Promise.all(calls);
            await moat.invoke('bench:mark');
        }
    }

    // Row 3: 16 MiB out and back, checked for length.
    async function echoLoop(buf, n) {
        for (let i = 0; i < n; i++) {
            const back = await moat.invoke('bench:echo', buf); // an ArrayBuffer, as in Tauri
            if (!(back instanceof ArrayBuffer) || back.byteLength !== buf.length)
                throw new Error(`echo came back as ${back && back.byteLength} bytes`);
        }
    }

    // Waits for one event from the core.
    function once(event) {
        return new Promise((resolve) => {
            const unlisten = moat.listen(event, (e) => {
                unlisten.then((fn) => fn());
                resolve(e.payload);
            });
        });
    }

    // Row 4: the core pings, the bundle answers each ping with an event.
    async function eventRoundTrips(n) {
        const unlisten = await moat.listen('bench:ev', (e) => moat.emit('bench:ev_ack', e.payload));
        const done = once('bench:ev_done');
        await moat.invoke('bench:ev_start', n);
        await done;
        unlisten();
    }

    // Row 4: the core floods events from another thread; acks every `batch`.
    async function eventFlood(batches, batch) {
        let count = 0;
        let finish;
        const finished = new Promise((resolve) => (finish = resolve));
        const unlisten = await moat.listen('bench:tick', () => {
            if (++count % batch === 0)
                moat.emit('bench:tick_ack', count);
            if (count === batches * batch)
                finish();
        });
        await moat.invoke('bench:flood_start', [batches, batch]);
        await finished;
        unlisten();
    }

    async function main() {
        await phase('warmup');
        await pingLoop(2000);
        await phase('invoke');
        await pingLoop(20000);

        await phase('warmup');
        await batches(5, 1000);
        await phase('throughput');
        await batches(40, 1000);

        const buf = new Uint8Array(16 << 20);
        for (let i = 0; i < buf.length; i++)
            buf[i] = (i * 7 + 3) & 255;
        await phase('warmup');
        await echoLoop(buf, 2);
        await phase('payload');
        await echoLoop(buf, 12);

        await phase('events');
        await eventRoundTrips(10500);
        await eventFlood(45, 1000);
        await phase('done');
    }

    main().then(() => moat.exit(0), (e) => {
        console.error(`bench suite failed: ${e.code || ''} ${e.message}`);
        moat.exit(1);
    });
})();
