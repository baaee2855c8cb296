// SPDX-License-Identifier: MIT
// plugin-log through its official package: each level with its options, records back through
// attachLogger/attachConsole (log://log), a forged line, a bad level, enough records to rotate
// the file, and Moat's own `log` command beside it. Prints RESULT {...} for test_log.sh.
import { invoke } from '@tauri-apps/api/core';
import { attachConsole, attachLogger, trace, debug, info, warn, error } from '@tauri-apps/plugin-log';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined || v === null ? 'ok' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}

async function main() {
    const out = { seen: [] };
    let unlisten = [];
    out.attach = await attempt(async () => {
        unlisten.push(await attachLogger((r) => out.seen.push(r)));
        unlisten.push(await attachConsole());
    });
    out.trace = await attempt(() => trace('t-record'));
    out.debug = await attempt(() => debug('d-record', { file: 'main.js', line: 3 }));
    out.info = await attempt(() => info('hello', { keyValues: { user: 'ann' } }));
    out.warn = await attempt(() => warn('careful'));
    out.error = await attempt(() => error('broken'));
    out.forged = await attempt(() => info('a\n[2020-01-01][00:00:00][webview][ERROR] FORGED\x1b[31m'));
    out.badLevel = await attempt(() => invoke('plugin:log|log', { level: 9, message: 'x' }));
    out.badKv = await attempt(() => invoke('plugin:log|log', { level: 3, message: 'x', keyValues: { n: 1 } }));
    out.moatLog = await attempt(() => invoke('log', { level: 'info', message: 'moat builtin' }));
    if (out.info === 'ok')
        for (let i = 0; i < 400; i++)
            await info(`bulk ${i} ` + 'x'.repeat(80));
    await new Promise((r) => setTimeout(r, 300)); // the events arrive after the answers
    for (const u of unlisten) u();
    out.seen = out.seen.filter((r) => !r.message.includes('bulk '));
    console.log('RESULT ' + JSON.stringify(out));
}

main();
