// SPDX-License-Identifier: MIT
// Row 9: 100,000 setTimeout timers at once, delays 0-9 ms, until the last has
// run; bench_timers (the core) holds the clock between bench:timers_start and
// bench:timers_done. node_baselines.js `timers` runs the same in Node.
(() => {
    'use strict';
    const N = 100000;

    function wave(n) {
        return new Promise((resolve) => {
            let left = n;
            const fire = () => {
                if (--left === 0)
                    resolve();
            };
            for (let i = 0; i < n; i++)
                setTimeout(fire, i % 10);
        });
    }

    async function main() {
        const rounds = await moat.invoke('bench:timers_rounds');
        for (let r = 0; r < rounds; r++) {
            await moat.invoke('bench:timers_start');
            await wave(N);
            await moat.invoke('bench:timers_done');
        }
    }

    main().catch((e) => {
        console.error(`bench timers: ${e.stack || e}`);
        moat.exit(1);
    });
})();
