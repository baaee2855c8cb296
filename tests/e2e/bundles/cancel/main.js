// SPDX-License-Identifier: MIT
// Cancellation and timeouts: an aborted invoke and a slow command both end
// with one rejection naming why.
(async () => {
    const out = {};
    const ac = new AbortController();
    const held = moat.invoke('test:hold', null, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    try {
        await held;
        out.aborted = 'resolved';
    } catch (e) {
        out.aborted = e.code;
    }
    try {
        await moat.invoke('test:echo', 1, { signal: AbortSignal.abort() });
        out.early = 'resolved';
    } catch (e) {
        out.early = e.code;
    }
    try {
        await moat.invoke('test:slow');
        out.slow = 'resolved';
    } catch (e) {
        out.slow = e.code;
    }
    out.after = await moat.invoke('test:echo', 'still fine');
    await moat.emit('test:report', out);
})();
