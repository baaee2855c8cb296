// SPDX-License-Identifier: MIT
// api_run.js: a headless bundle that uses @moat/api; check.sh bundles it with esbuild
// (--format=iife) and runs it under moat run, checking what it printed.
import { emit, exit, invoke, label, listen } from '@moat/api';

async function main() {
    const name = await invoke('plugin:app|name'); // Tauri's core:app:name: the bundle's productName
    const heard = new Promise((resolve) => listen('api:ping', (e) => resolve(e.payload.n)));
    await emit('api:ping', { n: 7 });
    console.log(`api: label=${label()} name=${name} heard=${await heard}`);
    try {
        await invoke('api:not-allowed');
    } catch (e) {
        console.log(`api: refused ${e.code}`);
    }
    exit(0);
}
main().catch((e) => {
    console.log(`api: failed ${e}`);
    exit(1);
});
