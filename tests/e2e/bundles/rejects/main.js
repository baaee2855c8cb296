// SPDX-License-Identifier: MIT
// A rejection nobody handles ends the renderer.
Promise.reject(new TypeError('nobody catches this'));
setTimeout(() => console.log('should not run'), 50);
