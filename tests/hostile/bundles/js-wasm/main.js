// SPDX-License-Identifier: MIT
// WebAssembly, run hot enough to tier up: without the JIT it must stay interpreted,
// with no executable memory (the filter would end the renderer otherwise).
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11]);
let sum = 0;
if (typeof WebAssembly === "object") {
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    for (let i = 0; i < 200000; i++) sum += f();
}
console.error("blocked: no executable memory; interpreted " + sum);
