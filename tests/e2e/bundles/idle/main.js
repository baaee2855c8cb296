// SPDX-License-Identifier: MIT
// Nothing to do for half a second, then exit: the core's run loop should sleep meanwhile.
setTimeout(() => moat.exit(0), 500);
