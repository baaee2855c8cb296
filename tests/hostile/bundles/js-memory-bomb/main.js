// SPDX-License-Identifier: MIT
// Keeps allocating reachable memory: the core's memory limit must end it.
const hoard = [];
for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
