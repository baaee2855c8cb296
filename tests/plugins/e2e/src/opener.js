// SPDX-License-Identifier: MIT
// plugin-opener through its official package, and raw invokes a hostile page could send.
// test_opener.sh writes the folder over __HOME__ and reads what its fake opener saw.
// Prints RESULT {...}: what each call answered ('ok' or 'error ...').
import { openPath, openUrl, revealItemInDir } from '@tauri-apps/plugin-opener';
import { invoke } from '@tauri-apps/api/core';

const HOME = '__HOME__';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined || v === null ? 'ok' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e && e.message ? e.message : String(e)}`;
    }
}

const cases = {
    urlOk: () => openUrl('https://example.com/docs/a?b=1#c'),
    urlMailto: () => openUrl('mailto:someone@example.com'),
    urlDenied: () => openUrl('https://example.com/docs/private/x'),
    urlDeniedCase: () => openUrl('https://EXAMPLE.COM/docs/Private/x'),
    urlDots: () => openUrl('https://example.com/docs/../admin'),
    urlOutside: () => openUrl('https://other.example/'),
    urlUpperScheme: () => openUrl('HTTPS://other.example/'),
    urlTrusted: () => openUrl('https://trusted.example/ok'),
    urlUserinfo: () => openUrl('https://trusted.example@evil.example/'),
    urlUserinfoEncoded: () => openUrl('https://trusted.example%40evil.example/'),
    urlJavascript: () => openUrl('javascript:alert(1)'),
    urlJavascriptCase: () => openUrl('JavaScript:alert(1)'),
    urlFile: () => openUrl('file:///etc/passwd'),
    urlSpace: () => openUrl('https://example.com/docs/a b'),
    urlOption: () => openUrl('--help'),
    withDefaultEntry: () => openUrl('https://example.com/docs/a', 'fakebrowser'),
    withOk: () => openUrl('https://apps.example/x', 'fakebrowser'),
    withOther: () => openUrl('https://apps.example/x', 'otherbrowser'),
    withPath: () => openUrl('https://apps.example/x', '/bin/sh'),
    pathOk: () => openPath(`${HOME}/docs/report.txt`),
    pathSecret: () => openPath(`${HOME}/docs/secret/key.txt`),
    pathSecretCase: () => openPath(`${HOME}/docs/SECRET/key.txt`),
    pathOutside: () => openPath(`${HOME}/other.txt`),
    pathLink: () => openPath(`${HOME}/docs/link.txt`),
    pathDots: () => openPath(`${HOME}/docs/../other.txt`),
    pathRelative: () => openPath('docs/report.txt'),
    pathMissing: () => openPath(`${HOME}/docs/missing.txt`),
    pathFileUrl: () => openPath(`file://${HOME}/docs/report.txt`),
    reveal: () => revealItemInDir(`${HOME}/docs/report.txt`),
    revealMany: () => revealItemInDir([`${HOME}/docs/report.txt`, `${HOME}/docs/secret/key.txt`]),
    revealTwo: () => revealItemInDir([`${HOME}/docs/sub/b.txt`, `${HOME}/docs/report.txt`]),
    revealOutside: () => revealItemInDir(`${HOME}/other.txt`),
    rawUrlNumber: () => invoke('plugin:opener|open_url', { url: 5 }),
    rawWithNumber: () => invoke('plugin:opener|open_url', { url: 'https://example.com/docs/a', with: 1 }),
    rawPaths: () => invoke('plugin:opener|reveal_item_in_dir', { paths: 'x' }),
};

async function main() {
    const only = '__ONLY__'.split(',').filter((s) => s && s !== '__ONLY__');
    const out = {};
    for (const [k, f] of Object.entries(cases))
        if (!only.length || only.includes(k)) out[k] = await attempt(f);
    console.log('RESULT ' + JSON.stringify(out));
}

main();
