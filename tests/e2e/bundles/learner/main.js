// SPDX-License-Identifier: MIT
// What learn mode records: plain commands and fs commands on their paths.
(async () => {
    const dir = await moat.invoke('test:tmpdir');
    await moat.invoke('app:version');
    await moat.invoke('fs:write_text_file', { path: `${dir}/learned.txt`, data: 'learned text' });
    const text = new TextDecoder().decode(await moat.invoke('fs:read_text_file', { path: `${dir}/learned.txt` }));
    await moat.emit('test:report', { text });
})();
