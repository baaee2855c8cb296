// SPDX-License-Identifier: MIT
// Memory (row 6): says it is ready, then stays alive until the core says go.
(() => {
    moat.listen('bench:go', () => moat.exit(0)).then(() => moat.invoke('bench:ready'));
})();
