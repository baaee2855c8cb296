// SPDX-License-Identifier: MIT
// Listeners registered one await after another, the last well after the top
// level ended: each still gets the events the core sent before it listened,
// in order.
const got = { a: [], b: [], c: [] };
const keep = (name) => (e) => got[name].push(e.payload);
(async () => {
    await moat.listen('test:a', keep('a'));
    await moat.listen('test:b', keep('b'));
    await moat.invoke('test:echo', 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await moat.listen('test:c', keep('c'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await moat.emit('test:report', got);
    moat.exit(0); // its listeners would keep it alive
})();
