// SPDX-License-Identifier: MIT
// plugin-http under scope entries written as plain strings (Tauri's http scope takes
// "https://..." as short for {"url": "https://..."}). test_http_string.sh writes the port.
// Prints RESULT {...}.
import { fetch } from '@tauri-apps/plugin-http';

const base = `http://localhost:${Number('__PORT__')}`;

async function attempt(f) {
    try {
        return await f();
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e && e.message ? e.message : String(e)}`;
    }
}

async function main() {
    const out = {};
    out.allowed = await attempt(async () => (await fetch(`${base}/echo?s=1`)).status);
    out.denied = await attempt(async () => (await fetch(`${base}/private/s`)).status);
    out.outside = await attempt(async () => (await fetch(`http://127.0.0.1:${Number('__OTHER__')}/echo?s=2`)).status);
    console.log('RESULT ' + JSON.stringify(out));
}

main();
