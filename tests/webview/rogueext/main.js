// SPDX-License-Identifier: MIT
// test_rogue_ext.sh's page: a compromised web process (rogueext.c) sends the host
// the extension's messages wrong, one line each with the host's reply; then an
// invoke through page.js's fetch still works, as does a well-formed message.
const send = (name, params, fds, size) =>
    new Promise((resolve) => {
        if (!window.__rogue.send(name, params, fds, size, resolve)) resolve('not sent');
    });
const echo = (type) => `('test:echo', uint64 7, '${type}')`;
const cases = [
    ['no fd', 'moat-invoke', echo('application/octet-stream'), 'none', 0],
    ['wrong params', 'moat-invoke', "('test:echo',)", 'sealed', 3],
    ['no params', 'moat-invoke', '', 'sealed', 3],
    ['unsealed', 'moat-invoke', echo('application/octet-stream'), 'unsealed', 3],
    ['no shrink seal', 'moat-invoke', echo('application/octet-stream'), 'write-sealed', 3],
    ['a pipe', 'moat-invoke', echo('application/octet-stream'), 'pipe', 0],
    ['two fds', 'moat-invoke', echo('application/octet-stream'), 'two', 3],
    ['over the limit', 'moat-invoke', echo('application/octet-stream'), 'sealed', 21 << 20],
    ['a window command', 'moat-invoke', "('plugin:window|set_title', uint64 1, 'application/octet-stream')", 'sealed', 3],
    ['a bad type', 'moat-invoke', echo('text/plain'), 'sealed', 3],
    ['bad parts', 'moat-invoke', echo('application/x-moat-parts'), 'sealed', 30],
    ['empty parts', 'moat-invoke', echo('application/x-moat-parts'), 'sealed', 0],
    ['an unknown token', 'moat-take', "('00ff',)", 'none', 0],
    ['take with an fd', 'moat-take', "(uint64 3,)", 'sealed', 3],
    ['an unknown message', 'moat-other', '', 'none', 0],
    ['well-formed', 'moat-invoke', echo('application/octet-stream'), 'sealed', 5],
];

async function main() {
    for (const [what, ...args] of cases)
        console.log(`${what}: ${await send(...args)}`);
    const back = await window.__TAURI_INTERNALS__.invoke('test:echo', new Uint8Array([1, 2, 3]));
    console.log(`after: ${back instanceof ArrayBuffer ? 'ArrayBuffer' : typeof back} ${back.byteLength}`);
    console.log('done');
}

main().catch((e) => console.error(`failed: ${e && e.code} ${e && e.message} ${e}`)).finally(() => window.moat.exit(0));
