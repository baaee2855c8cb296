// SPDX-License-Identifier: MIT
// The core emits before this bundle has loaded: the events wait, in order.
const got = [];
moat.listen('test:early', (e) => {
    got.push(e.payload);
    if (got.length === 3)
        moat.emit('test:report', { got }).then(() => moat.exit(0));
});
