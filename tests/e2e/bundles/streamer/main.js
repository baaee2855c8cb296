// SPDX-License-Identifier: MIT
// Reads a file larger than one frame may carry, as chunks through a Channel.
(async () => {
    const dir = await moat.invoke('test:tmpdir');
    const chunks = [];
    const channel = new moat.Channel((chunk) => chunks.push(chunk));
    const total = await moat.invoke('fs:read_file', { path: `${dir}/big.bin`, onChunk: channel });
    // Each chunk is an ArrayBuffer, as Tauri gives a raw Channel message.
    const buffers = chunks.filter((c) => c instanceof ArrayBuffer).length;
    const sum = chunks.reduce((n, c) => n + c.byteLength, 0);
    const first = new Uint8Array(chunks[0]), last = new Uint8Array(chunks[chunks.length - 1]);
    await moat.emit('test:report', { total, sum, chunks: chunks.length, buffers,
                                     firstByte: first[0], lastByte: last[last.length - 1] });
})();
