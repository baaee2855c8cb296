// SPDX-License-Identifier: MIT
// Sends 1 MiB of patterned bytes both ways and checks every byte that comes back.
// A command answering bytes resolves to an ArrayBuffer, as Tauri's invoke does.
(async () => {
    const n = 1 << 20;
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++)
        bytes[i] = (i * 7 + 3) & 255;
    const back = await moat.invoke('test:bytes', bytes);
    const got = new Uint8Array(back);
    let same = back instanceof ArrayBuffer && got.length === n;
    for (let i = 0; same && i < n; i++)
        same = got[i] === bytes[i];
    // A view into a larger buffer sends only its own bytes.
    const view = new Uint8Array(bytes.buffer, 16, 4);
    const viewBack = await moat.invoke('test:echo', view);
    // Inside a map, bytes stay a Uint8Array (as the webview page gives them).
    const nested = await moat.invoke('test:echo', { b: view });
    await moat.emit('test:report', {
        same, length: back.byteLength, type: Object.prototype.toString.call(back),
        view: Array.from(new Uint8Array(viewBack)), viewType: Object.prototype.toString.call(viewBack),
        nestedType: Object.prototype.toString.call(nested.b), nested: Array.from(nested.b),
    });
})();
