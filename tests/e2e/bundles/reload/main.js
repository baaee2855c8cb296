// SPDX-License-Identifier: MIT
// Hot reload: a call checked under the old policy finishes under it; the next
// one meets the new policy; a broken file leaves the policy in force.
(async () => {
    const out = {};
    const held = moat.invoke('test:hold');
    await moat.invoke('test:swap');
    out.held = await held;
    try {
        await moat.invoke('test:hold');
        out.after = 'resolved';
    } catch (e) {
        out.after = e.code;
    }
    await moat.invoke('test:break');
    out.still = await moat.invoke('test:echo', 'still allowed');
    await moat.emit('test:report', out);
})();
