// SPDX-License-Identifier: MIT
// Who sent an event: a renderer's emit carries its label (this one's, as an
// emit reaches the sender too), the core's own events carry none.
(async () => {
    const seen = {};
    await moat.listen('test:mine', (e) => { seen.mine = e.sender; });
    await moat.listen('test:core', (e) => { seen.core = 'sender' in e ? e.sender : 'none'; });
    await moat.emit('test:mine', 1);
    await moat.invoke('test:poke'); // the core emits test:core before it answers
    await new Promise((resolve) => setTimeout(resolve, 100));
    await moat.emit('test:report', seen);
    moat.exit(0);
})();
