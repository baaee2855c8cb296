// SPDX-License-Identifier: MIT
// Sends 1 MiB of patterned bytes both ways and checks every byte that comes back.
(async () => {
    const n = 1 << 20;
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++)
        bytes[i] = (i * 7 + 3) & 255;
    const back = await moat.invoke('test:bytes', bytes);
    let same = back instanceof Uint8Array && back.length === n;
    for (let i = 0; same && i < n; i++)
        same = back[i] === bytes[i];
    // A view into a larger buffer sends only its own bytes.
    const view = new Uint8Array(bytes.buffer, 16, 4);
    const viewBack = await moat.invoke('test:echo', view);
    await moat.emit('test:report', { same, length: back.length, view: Array.from(viewBack) });
})();
