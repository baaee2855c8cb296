// SPDX-License-Identifier: MIT
// plugin-os through its official package: the synchronous values (window.__TAURI_OS_PLUGIN_INTERNALS__)
// and the commands, also invoked by name as plugin-os 2.0 did. Prints RESULT {...} for test_os.sh.
import { invoke } from '@tauri-apps/api/core';
import { platform, arch, version, family, type, eol, exeExtension, locale, hostname } from '@tauri-apps/plugin-os';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined ? 'undefined' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}

async function main() {
    const out = { platform: platform(), arch: arch(), version: version(), family: family(), type: type(),
        eol: eol(), exeExtension: exeExtension() };
    out.locale = await attempt(() => locale());
    out.hostname = await attempt(() => hostname());
    for (const c of ['platform', 'arch', 'version', 'family', 'os_type', 'exe_extension'])
        out['cmd_' + c] = await attempt(() => invoke('plugin:os|' + c));
    console.log('RESULT ' + JSON.stringify(out));
}

main();
