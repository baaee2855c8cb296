// SPDX-License-Identifier: MIT
// One of several renderers: reports every event it gets, with its label, and
// exits on test:bye.
moat.listen('test:hi', (e) => moat.emit('test:report', { label: moat.label, payload: e.payload }));
moat.listen('test:bye', () => moat.exit(0));
moat.invoke('test:ready');
