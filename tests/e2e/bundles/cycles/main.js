// SPDX-License-Identifier: MIT
// Listens and unlistens many times; the core's count of its listeners must
// come back to where it started.
(async () => {
    const before = await moat.invoke('test:listeners');
    for (let i = 0; i < 20000; i++) {
        const unlisten = await moat.listen('test:cycle', () => {});
        await unlisten();
    }
    let got = 0;
    await moat.once('test:once', () => got++);
    await moat.emit('test:once', 1);
    await moat.emit('test:once', 2);
    const after = await moat.invoke('test:listeners');
    await moat.emit('test:report', { before, after, once: got });
})();
