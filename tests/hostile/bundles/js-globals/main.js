// SPDX-License-Identifier: MIT
// Nothing of the host leaks into the global object: no require, process, XHR, Worker (fetch exists and rejects: tests/host/web/globals.js).
const leaked = ["require", "process", "XMLHttpRequest", "Worker", "WebSocket", "Deno", "Bun"].filter((n) => typeof globalThis[n] !== "undefined");
console.error(leaked.length ? "ESCAPED: " + leaked.join(",") : "blocked: no host globals");
