// SPDX-License-Identifier: MIT
// Calls the host's natives with hostile arguments: wrong types, huge ids, deep nesting.
let deep = [];
for (let i = 0; i < 100000; i++) deep = [deep];
const tries = [() => moat.invoke(deep), () => moat.invoke("app:version", deep), () => moat.emit(null), () => moat.invoke({ toString() { throw new Error("x"); } })];
let n = 0;
for (const t of tries) {
    try { const p = t(); if (p && p.catch) p.catch(() => {}); } catch (e) { n++; }
}
console.error("blocked: " + n + " threw");
