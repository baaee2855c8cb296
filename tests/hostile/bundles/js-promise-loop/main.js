// SPDX-License-Identifier: MIT
// An endless chain of promise jobs: the turn never returns to the event loop,
// though no single function runs long. The watchdog must stop it all the same.
const spin = () => Promise.resolve().then(spin);
spin();
