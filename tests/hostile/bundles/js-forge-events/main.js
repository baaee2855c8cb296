// SPDX-License-Identifier: MIT
// Speaking for the core: events under moat:// and tauri:// are the core's. A
// forged one is refused, and never reaches a listener (the sender's own here:
// an emit reaches the sender too).
const forged = ['moat://renderer-exited', 'moat://pong', 'tauri://close-requested'];
const heard = [];
(async () => {
    for (const name of forged)
        await moat.listen(name, (e) => heard.push(e.event));
    const codes = await Promise.all(forged.map((name) =>
        moat.emit(name, { label: 'other', pid: 4242, code: 0, reason: 'forged' })
            .then(() => 'sent', (e) => e.code)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = `${codes.filter((c) => c === 'denied').length} of ${forged.length} denied, ${heard.length} heard`;
    console.error(codes.every((c) => c === 'denied') && !heard.length ? `blocked: ${line}` : `ESCAPED: ${line}`);
    moat.exit(0);
})();
