// SPDX-License-Identifier: MIT
// 64 MiB of bytes as an argument and as a result, checked byte for byte.
(async () => {
    const n = 64 << 20;
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i += 4096)
        bytes[i] = (i >> 12) & 255;
    bytes[n - 1] = 77;
    const back = await moat.invoke('test:echo', bytes); // an ArrayBuffer, as in Tauri
    const got = new Uint8Array(back);
    let same = back instanceof ArrayBuffer && got.length === n && got[n - 1] === 77;
    for (let i = 0; same && i < n; i += 4096)
        same = got[i] === ((i >> 12) & 255);
    await moat.emit('test:report', { same, length: back.byteLength });
})();
