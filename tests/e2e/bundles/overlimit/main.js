// SPDX-License-Identifier: MIT
// An answer over the frame limit is refused by the core, not sent: the call
// rejects with limit_exceeded and the renderer goes on.
(async () => {
    let code = 'resolved', message = '';
    let small = 0, big = 0;
    const ch = new moat.Channel((m) => (m === 'small' ? small++ : big++));
    try {
        await moat.invoke('test:huge', { ch });
    } catch (e) {
        code = e.code;
        message = e.message;
    }
    const after = await moat.invoke('test:echo', 'still here');
    await moat.emit('test:report', { code, message, after, small, big });
})();
