// SPDX-License-Identifier: MIT
// Invokes an allowed, a denied and an unknown command and reports each outcome.
(async () => {
    const out = {};
    out.version = await moat.invoke('app:version');
    out.echo = await moat.invoke('test:echo', { int: 7, neg: -3, big: 2 ** 40, float: 2.5,
                                                 list: [true, false, null, 'x'], text: 'héllo' });
    for (const cmd of ['test:secret', 'no:such_command']) {
        try {
            await moat.invoke(cmd);
            out[cmd] = 'resolved';
        } catch (e) {
            out[cmd] = { code: e.code, message: e.message, isError: e instanceof Error };
        }
    }
    await moat.emit('test:report', out);
})();
