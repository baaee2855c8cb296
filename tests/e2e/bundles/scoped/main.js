// SPDX-License-Identifier: MIT
// Writes where a deny entry refuses, and where no allow entry reaches; reports the codes.
(async () => {
    const dir = await moat.invoke('test:tmpdir');
    const codes = [];
    for (const path of [`${dir}/secret.txt`, '/moat-nowhere/x.txt', `${dir}/fine.txt`])
        try {
            await moat.invoke('fs:write_text_file', { path, data: 'x' });
            codes.push('ok');
        } catch (e) {
            codes.push(e.code);
        }
    moat.emit('test:report', { codes });
})();
