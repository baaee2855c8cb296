// SPDX-License-Identifier: MIT
// Floods the core with events; the core must keep up and serve the next renderer.
for (let i = 0; i < 20000; i++) moat.emit("flood:event", { i, pad: "x".repeat(64) });
console.error("flooded");
