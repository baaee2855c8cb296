// SPDX-License-Identifier: MIT
// Waits for the core's go-ahead, then proves the connection still works.
moat.listen('test:go', async () => {
    const version = await moat.invoke('app:version');
    await moat.emit('test:report', { version });
    moat.exit(0);
});
