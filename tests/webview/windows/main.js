// SPDX-License-Identifier: MIT
// Two windows, one bundle: each asks the same two commands and reports what
// its own capability gave it. "second" listens for renderers' ends and then
// keeps asking (and saying it is alive); "main" closes itself once it has
// heard "second" is listening.
const internals = window.__TAURI_INTERNALS__;
const label = internals.metadata.currentWindow.label;
const ask = (cmd) => internals.invoke(cmd).then((v) => `ok(${v})`, (e) => e.code);

async function report(n) {
    console.log(`${label} #${n}: version=${await ask('app:version')} name=${await ask('app:name')}`);
}

await report(0);
if (label === 'main') {
    await moat.listen('second-alive', () => moat.exit(0));
} else {
    await moat.listen('moat://renderer-exited', (e) =>
        console.log(`second saw ${e.payload.label} exit with code ${e.payload.code} (from ${e.sender ?? 'the core'})`));
    let heard = false; // an emit reaches its sender too, naming it
    await moat.listen('second-alive', (e) => {
        if (!heard) console.log(`second heard second-alive from ${e.sender}`);
        heard = true;
    });
    let n = 1;
    setInterval(() => report(n++).then(() => moat.emit('second-alive')), 300);
}
