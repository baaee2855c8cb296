// SPDX-License-Identifier: MIT
// Waits for an answer that never comes: when the core goes away the invoke
// rejects, and the renderer exits.
moat.invoke('test:never').then(
    () => console.log('resolved'),
    (e) => console.log(`rejected ${e.code}`));
