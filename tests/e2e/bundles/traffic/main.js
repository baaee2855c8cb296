// SPDX-License-Identifier: MIT
// Endless traffic: 128 invokes always in flight, answered by the core from
// another thread, until the core kills this renderer.
function keepOneGoing(i) {
    moat.invoke('test:async', i).then(() => keepOneGoing(i), () => {});
}
for (let i = 0; i < 128; i++)
    keepOneGoing(i);
setInterval(() => moat.invoke('test:echo', 'tick').catch(() => {}), 1);
