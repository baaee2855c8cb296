// SPDX-License-Identifier: MIT
// Limits answer the sender: too many requests in flight, and too many events
// per second, are refused with limit_exceeded naming the limit.
(async () => {
    const codes = (results) => results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason.code));
    const holds = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(() => moat.invoke('test:hold')));
    const emits = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => moat.emit('test:burst', i)));
    const rejected = emits.filter((r) => r.status === 'rejected');
    await moat.emit('test:report', {
        holds: codes(holds),
        emitted: emits.length - rejected.length,
        emitMessage: rejected.length ? rejected[0].reason.message : '',
    }).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1100)); // the bucket refills
        await moat.emit('test:report', { holds: codes(holds), emitted: emits.length - rejected.length,
                                         emitMessage: rejected.length ? rejected[0].reason.message : '' });
    });
})();
