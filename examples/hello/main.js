// SPDX-License-Identifier: MIT
// examples/hello: what a frontend bundle does in Moat. It invokes commands,
// receives an event from the core, emits one back, logs, and exits 0 once
// nothing is pending. Bundlers emit this shape with `format: "iife"`.
(() => {
    'use strict';

    async function main() {
        const name = await moat.invoke('app:name');
        const version = await moat.invoke('app:version');
        console.log(`hello from "${moat.label}" in ${name} ${version}`);
        await moat.invoke('log', { level: 'info', message: 'the bundle is running' });

        // greet belongs to the embedding example (examples/embed); `moat run` has no such command.
        try {
            console.log(await moat.invoke('greet', { name: moat.label }));
        } catch (e) {
            console.log(`greet: ${e.code} (examples/embed registers it)`);
        }

        // The core answers moat://ping with moat://pong and the same payload.
        const pong = new Promise((resolve) => {
            moat.listen('moat://pong', (event) => resolve(event)).then((unlisten) => {
                pong.then(unlisten);
            });
        });
        await moat.emit('moat://ping', { n: 42, bytes: new Uint8Array([1, 2, 3]) });
        const event = await pong;
        console.log(`event ${event.event}: n=${event.payload.n}, ${event.payload.bytes.length} bytes`);
        await moat.emit('hello:done', { ok: true });
        await new Promise((resolve) => setTimeout(resolve, 10));
        console.log('done');
    }

    main().catch((e) => {
        console.error(`hello failed: ${e.code || ''} ${e.message}`);
        moat.exit(1);
    });
})();
