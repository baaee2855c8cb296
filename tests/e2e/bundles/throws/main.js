// SPDX-License-Identifier: MIT
// An uncaught exception in a timer ends the renderer with its stack.
function deep() {
    throw new Error('boom from the bundle');
}
setTimeout(() => deep(), 1);
