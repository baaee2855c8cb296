// SPDX-License-Identifier: MIT
// A Tauri frontend using @tauri-apps/api's app and path modules as Tauri apps do.
// It prints one line, RESULT {...}, which test_core_api.sh checks.
import { getName, getVersion, getIdentifier, getTauriVersion } from '@tauri-apps/api/app';
import * as path from '@tauri-apps/api/path';
import { invoke } from '@tauri-apps/api/core';

const dirs = ['appConfigDir', 'appDataDir', 'appLocalDataDir', 'appCacheDir', 'appLogDir',
    'audioDir', 'cacheDir', 'configDir', 'dataDir', 'localDataDir', 'documentDir',
    'downloadDir', 'pictureDir', 'publicDir', 'videoDir', 'resourceDir', 'tempDir',
    'desktopDir', 'executableDir', 'fontDir', 'homeDir', 'runtimeDir', 'templateDir'];

async function attempt(f) {
    try {
        return await f();
    } catch (e) {
        return typeof e === "string" ? `error ${e}` : `error ${e.code}: ${e.message}`; // Tauri rejects with the message
    }
}

async function main() {
    const out = {};
    out.name = await attempt(getName);
    out.version = await attempt(getVersion);
    out.identifier = await attempt(getIdentifier);
    out.tauriVersion = await attempt(getTauriVersion);
    for (const d of dirs) out[d] = await attempt(() => path[d]());
    out.resolveResource = await attempt(() => path.resolveResource('icons/a.png'));
    out.join = await attempt(() => path.join('a', 'b/', '../c', './d'));
    out.joinAbs = await attempt(() => path.join('/x', '/y'));
    out.normalize = await attempt(() => path.normalize('/a/./b/../c/'));
    out.dirname = await attempt(() => path.dirname('/a/b/c.txt'));
    out.dirnameRoot = await attempt(() => path.dirname('/'));
    out.extname = await attempt(() => path.extname('/a/b/c.tar.gz'));
    out.extnameNone = await attempt(() => path.extname('/a/.bashrc'));
    out.basename = await attempt(() => path.basename('/a/b/c.txt', '.txt'));
    out.isAbsolute = await attempt(() => path.isAbsolute('/x'));
    out.isRelative = await attempt(() => path.isAbsolute('x/y'));
    out.resolve = await attempt(() => path.resolve('/a', 'b', '../c'));
    // Allowed by core:default but needing a window: a clear error.
    out.title = await attempt(() => invoke('plugin:window|title', { label: 'main' }));
    // Not allowed: denied, whether it exists or not.
    out.setTitle = await attempt(() => invoke('plugin:window|set_title', { label: 'main', value: 'x' }));
    out.ghost = await attempt(() => invoke('plugin:window|no_such_thing'));
    console.log('RESULT ' + JSON.stringify(out));
}

main();
