// SPDX-License-Identifier: MIT
// The host's event loop: timers, microtasks, promise jobs and console streams,
// reported in the order they ran.
const order = [];
setTimeout(() => order.push('timeout 200'), 200); // after the ticks even on a loaded machine
setTimeout(() => order.push('timeout 0'), 0);
const cancelled = setTimeout(() => order.push('cancelled'), 5);
clearTimeout(cancelled);
let ticks = 0;
const interval = setInterval(() => {
    order.push('tick ' + ++ticks);
    if (ticks === 3)
        clearInterval(interval);
}, 1);
queueMicrotask(() => order.push('microtask'));
Promise.resolve().then(() => order.push('promise'));
order.push('sync');
console.log('to stdout', 42, { a: [1, 'x'] });
console.warn('to stderr');
setTimeout(() => {
    moat.emit('test:report', {
        order,
        window: window === globalThis,
        label: moat.label,
        types: [typeof setTimeout, typeof moat.invoke, typeof queueMicrotask],
    });
}, 300);
