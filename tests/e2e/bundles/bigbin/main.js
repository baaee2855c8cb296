// SPDX-License-Identifier: MIT
// 64 MiB of bytes as an argument and as a result, checked byte for byte.
(async () => {
    const n = 64 << 20;
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i += 4096)
        bytes[i] = (i >> 12) & 255;
    bytes[n - 1] = 77;
    const back = await moat.invoke('test:echo', bytes);
    let same = back instanceof Uint8Array && back.length === n && back[n - 1] === 77;
    for (let i = 0; same && i < n; i += 4096)
        same = back[i] === ((i >> 12) & 255);
    await moat.emit('test:report', { same, length: back.length });
})();
