// SPDX-License-Identifier: MIT
// Hears about other renderers ending.
moat.listen('moat://renderer-exited', (e) => {
    moat.emit('test:report', e.payload).then(() => moat.exit(0));
});
moat.invoke('test:ready');
