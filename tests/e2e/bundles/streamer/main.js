// SPDX-License-Identifier: MIT
// Reads a file larger than one frame may carry, as chunks through a Channel.
(async () => {
    const dir = await moat.invoke('test:tmpdir');
    const chunks = [];
    const channel = new moat.Channel((chunk) => chunks.push(chunk));
    const total = await moat.invoke('fs:read_file', { path: `${dir}/big.bin`, onChunk: channel });
    const sum = chunks.reduce((n, c) => n + c.length, 0);
    const last = chunks[chunks.length - 1];
    await moat.emit('test:report', { total, sum, chunks: chunks.length,
                                     firstByte: chunks[0][0], lastByte: last[last.length - 1] });
})();
