// SPDX-License-Identifier: MIT
// A channel fed by a core command: every message, in order, then the end.
(async () => {
    const got = [];
    let ended = false;
    const channel = new moat.Channel((m) => got.push(m));
    channel.onend = () => { ended = true; };
    const result = await moat.invoke('test:stream', { count: 100, onEvent: channel });
    await moat.emit('test:report', { result, count: got.length, first: got[0], last: got[99],
                                     ordered: got.every((m, i) => m.i === i), ended });
})();
