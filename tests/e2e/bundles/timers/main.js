// SPDX-License-Identifier: MIT
// Timers in numbers: 3,000 one-shot timers with pseudo-random delays, a third
// of them cleared (some from other timers' callbacks), intervals that end
// themselves, arguments, and refusals. Reported once the last one has run.
const N = 3000;
let seed = 7;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
const created = [];
const fired = [];
const wrong = [];
const ids = new Set();
for (let i = 0; i < N; i++) {
    const delay = rand(30);
    const id = setTimeout((a, b) => {
        fired.push(i);
        if (a !== i || b !== 'x')
            wrong.push(`timer ${i} got ${a}, ${b}`);
        if (i % 7 === 0 && i + 1 < N)
            clearTimeout(created[i + 1].id); // may already have fired: then nothing happens
    }, delay, i, 'x');
    if (typeof id !== 'number' || id < 1 || ids.has(id))
        wrong.push(`timer ${i} has id ${id}`);
    ids.add(id);
    created.push({ id, delay, cleared: false });
}
for (let i = 0; i < N; i += 3) {
    clearTimeout(created[i].id);
    created[i].cleared = true;
}
clearTimeout(created[1].id + 1e9); // not a timer
clearTimeout('1');                 // not an id
clearTimeout(undefined);

let ticks = 0;
const iv = setInterval((step) => {
    ticks += step;
    if (ticks === 5)
        clearInterval(iv);
}, 2, 1);

const refusals = [];
for (const bad of ['code as a string', null, 42])
    try {
        setTimeout(bad, 1);
    } catch (e) {
        refusals.push(e instanceof TypeError);
    }

setTimeout(() => {
    // Cleared timers never run; the others all ran once; equal delays ran in the order made.
    const ran = new Map();
    for (const i of fired)
        ran.set(i, (ran.get(i) || 0) + 1);
    let order = true;
    const lastOfDelay = new Map();
    for (const i of fired) {
        const d = created[i].delay;
        if (lastOfDelay.has(d) && lastOfDelay.get(d) > i)
            order = false;
        lastOfDelay.set(d, i);
    }
    let clearedRan = 0, missing = 0, twice = 0;
    for (let i = 0; i < N; i++) {
        const n = ran.get(i) || 0;
        if (created[i].cleared && n) clearedRan++;
        if (n > 1) twice++;
        const clearedByOther = i % 7 === 1 && !created[i].cleared;
        if (!created[i].cleared && !clearedByOther && n !== 1) missing++;
    }
    moat.emit('test:report', { fired: fired.length, clearedRan, missing, twice, order, ticks, wrong,
                               refusals });
}, 100);
