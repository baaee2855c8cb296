// SPDX-License-Identifier: MIT
// A handler on the worker pool blocks until another command has run: it can
// only be unblocked if the loop goes on serving while it waits. Another one
// waits for the core's warning that it is slow to answer.
(async () => {
    const blocked = moat.invoke('test:blocker');
    await moat.invoke('test:unblock');
    const blocker = await blocked;
    const late = await moat.invoke('test:late');
    await moat.emit('test:report', { blocker, late });
})();
