// SPDX-License-Identifier: MIT
// Cold start (row 5): answer one invoke, then exit once nothing is pending.
(() => {
    moat.invoke('app:version').then((v) => {
        if (typeof v !== 'string') moat.exit(1);
    });
})();
