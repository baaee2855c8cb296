// Nothing of the host leaks into the global object: no require, process, fetch, XHR, Worker.
const leaked = ["require", "process", "fetch", "XMLHttpRequest", "Worker", "WebSocket", "Deno", "Bun"].filter((n) => typeof globalThis[n] !== "undefined");
console.error(leaked.length ? "ESCAPED: " + leaked.join(",") : "blocked: no host globals");
