// SPDX-License-Identifier: MIT
// plugin-clipboard-manager through its official package, in a webview window (test_clipboard.sh):
// writes text, then reads until the test's own X client has put something else there, writes
// HTML, and clears once the test asks for it through the clipboard itself. Prints each step.
import { writeText, readText, writeHtml, clear } from '@tauri-apps/plugin-clipboard-manager';

const TEXT = 'moat clipboard: héllo ✓ 42';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const why = (e) => (typeof e === 'string' ? e : e && e.message) || String(e);

async function until(pred) {
    for (let i = 0; i < 300; i++) {
        let t = null;
        try { t = await readText(); } catch (e) { /* empty or foreign: not yet */ }
        if (t !== null && pred(t)) return t;
        await sleep(100);
    }
    throw new Error('timed out waiting for the clipboard');
}

async function main() {
    try {
        await writeText(TEXT);
        console.log('WROTE');
        const t = await until((t) => t !== TEXT);
        console.log('READ ' + JSON.stringify(t));
        await writeHtml('<b>bold moat</b>', 'plain moat');
        console.log('HTML');
        await until((t) => t === 'clear now');
        await clear();
        console.log('CLEARED');
    } catch (e) {
        console.log('ERR ' + why(e));
    }
}

main();
