// SPDX-License-Identifier: MIT
// A payload over the frame limit (the test sets 64 KiB): refused, never delivered whole.
const report = (e) => console.error("blocked: " + e.message);
try {
    Promise.resolve(moat.emit("big:event", new Uint8Array(4 << 20))).then(() => console.error("ESCAPED: sent"), report);
} catch (e) {
    report(e);
}
