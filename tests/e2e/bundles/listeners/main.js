// SPDX-License-Identifier: MIT
// Listeners count against the renderer's memory budget: past it, listen is
// refused with limit_exceeded; unlistening gives the memory back.
(async () => {
    const unlisteners = [];
    let refused = '';
    for (let i = 0; i < 20000 && !refused; i++) {
        try {
            unlisteners.push(await moat.listen(`test:name-${i}`, () => {}));
        } catch (e) {
            refused = e.code;
        }
    }
    const accepted = unlisteners.length;
    for (const u of unlisteners) await u();
    let again = 0;
    for (let i = 0; i < accepted; i++) {
        const u = await moat.listen(`test:other-${i}`, () => {});
        await u();
        again++;
    }
    await moat.emit('test:report', { accepted, refused, again });
})();
