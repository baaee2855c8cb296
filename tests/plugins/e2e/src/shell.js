// SPDX-License-Identifier: MIT
// plugin-shell through its official package, for test_shell.sh: each line is NAME <what the
// call answered>, as JSON. The scope names (echo-test, cat-test, mark-*, ...) come from the
// capability file the test writes; the effects (files the programs write) are checked there.
import { invoke } from '@tauri-apps/api/core';
import { Command, open } from '@tauri-apps/plugin-shell';
import { relaunch } from '@tauri-apps/plugin-process';
import { load } from '@tauri-apps/plugin-store';

async function attempt(f) {
    try {
        const v = await f();
        return v === undefined || v === null ? 'ok' : v;
    } catch (e) {
        return `error ${typeof e === 'string' ? e : e.message}`;
    }
}
const show = (name, v) => console.log(name + ' ' + JSON.stringify(v));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const exec = (program, args, options) => attempt(() => Command.create(program, args, options).execute());

// Spawns, collects events until close (or ms), returns {pid, stdout, stderr, close, errors}.
async function spawnAll(program, args, options, feed) {
    const cmd = Command.create(program, args, options);
    const got = { stdout: [], stderr: [], errors: [], close: null };
    const closed = new Promise((resolve) => {
        cmd.on('close', (p) => { got.close = p; resolve(); });
        cmd.on('error', (e) => got.errors.push(e));
    });
    cmd.stdout.on('data', (l) => got.stdout.push(l));
    cmd.stderr.on('data', (l) => got.stderr.push(l));
    const child = await cmd.spawn();
    got.pid = typeof child.pid;
    if (feed) await feed(child, got);
    await Promise.race([closed, sleep(10000)]);
    return got;
}

async function firstRun() {
    show('EXEC', await exec('echo-test', ['hello', 'world']));
    show('EXEC_STRING', await exec('echo-test', 'single'));
    show('EXEC_RAW', await exec('echo-test', ['hi'], { encoding: 'raw' }));
    show('SPAWN', await attempt(() => spawnAll('echo-test', ['one\ntwo\r\nthree'])));
    show('CAT', await attempt(() => spawnAll('cat-test', [], {}, async (child, got) => {
        await child.write('ping\n');
        await child.write([112, 111, 110, 103, 10]); // "pong\n" as bytes
        for (let i = 0; i < 100 && got.stdout.length < 2; i++) await sleep(20);
        await child.kill();
    })));
    show('SPAWN_RAW', await attempt(() => spawnAll('echo-test', ['hi'], { encoding: 'raw' })));
    show('STDIN_STUCK', await attempt(async () => {
        const child = await Command.create('late', []).spawn(); // never reads its stdin
        const t0 = Date.now();
        const r = await attempt(() => child.write('z'.repeat(300000)));
        await child.kill();
        return { r, waited: Date.now() - t0 >= 4000 };
    }));
    show('STDIN_OTHER', await attempt(() => invoke('plugin:shell|stdin_write', { pid: 1, buffer: 'x' })));
    show('KILL_OTHER', await attempt(() => invoke('plugin:shell|kill', { cmd: 'killChild', pid: 1 })));
    show('OPEN_FILE', await attempt(() => open('file:///etc/passwd')));
    show('OPEN_SMB', await attempt(() => open('smb://host/share')));
    show('OPEN_HTTPS', await attempt(() => open('https://example.com/moat')));
    show('OPEN_WITH_BAD', await attempt(() => open('https://example.com/', 'sh')));

    // the scope: what ran is checked by test_shell.sh in the marker file
    show('MARK_ANY', await exec('mark-any', ['a b', '--x;y', '$(id)']));
    show('MARK_WORD', await exec('mark-word', ['abc']));
    show('WORD_NEWLINE', await exec('mark-word', ['abc\nrm']));
    show('WORD_TRAILING_NL', await exec('mark-word', ['abc\n']));
    show('WORD_SEMI', await exec('mark-word', ['--foo; rm']));
    show('WORD_EXTRA', await exec('mark-word', ['abc', 'extra']));
    show('WORD_MISSING', await exec('mark-word', []));
    show('WORD_STRING', await attempt(() =>
        invoke('plugin:shell|execute', { program: 'mark-word', args: 'abc', options: {} })));
    show('ALT_OK', await exec('mark-alt', ['def']));
    show('ALT_PREFIX', await exec('mark-alt', ['abcXYZ']));
    show('ALT_SUFFIX', await exec('mark-alt', ['XYZdef']));
    show('DIGITS_SUFFIX', await exec('mark-digits', ['123abc']));
    show('RAW_PREFIX', await exec('mark-raw', ['abc-anything']));
    show('FIXED', await exec('mark-fixed', ['EVIL', 'ok']));
    show('NOARGS', await exec('mark-none', ['x']));
    show('NOARGS_OK', await exec('mark-none', []));
    show('DENIED', await exec('mark-denied', []));
    show('NOT_GRANTED_SPAWN', await attempt(() => spawnAll('mark-exec-only', [])));
    const names = ['/bin/sh', '../x', 'sh', 'mark', 'MARK-ANY', 'mark-any/'];
    for (let i = 0; i < names.length; i++) show('NOSCOPE' + i, await exec(names[i], []));
    show('EXEC_SH_DOCS', await exec('exec-sh', ['-c', "echo 'Hello World!'"]));
    show('EXEC_SH', await exec('exec-sh', ['-c', 'printenv']));
    show('SIDECAR', await attempt(() => Command.sidecar('mark-any', []).execute()));

    // environment and working directory
    show('ENV', await exec('env-test', [], { env: { FOO: 'bar' } }));
    show('ENV_NULL', await exec('env-test', [], { env: null }));
    show('ENV_LD', await exec('env-test', [], { env: { LD_PRELOAD: '/tmp/x.so' } }));
    show('ENV_PATH', await exec('env-test', [], { env: { PATH: '/tmp' } }));
    show('ENV_BADNAME', await exec('env-test', [], { env: { 'A=B': 'x' } }));
    show('CWD', await exec('pwd-test', [], { cwd: '/' }));
    show('CWD_RELATIVE', await exec('pwd-test', [], { cwd: 'tmp' }));
    show('CWD_MISSING', await exec('pwd-test', [], { cwd: '/nonexistent/dir' }));
    show('CWD_FILE', await exec('pwd-test', [], { cwd: '/etc/passwd' }));

    // malformed arguments
    const raw = (cmd, args) => attempt(() => invoke('plugin:shell|' + cmd, args));
    show('BAD_PROGRAM', await raw('execute', { program: 5, args: [], options: {} }));
    show('BAD_ARGS', await raw('execute', { program: 'echo-test', args: [1, 2], options: {} }));
    show('BAD_ARGS_MAP', await raw('execute', { program: 'echo-test', args: { a: 1 }, options: {} }));
    show('BAD_OPTIONS', await raw('execute', { program: 'echo-test', args: [], options: 'x' }));
    show('BAD_ENCODING', await exec('echo-test', ['x'], { encoding: 'klingon' }));
    show('NUL_ARG', await exec('echo-test', ['a\u0000b']));
    show('HUGE_COUNT', await exec('echo-test', new Array(2000).fill('x')));
    show('HUGE_ARG', await exec('echo-test', ['y'.repeat(200000)]));
    show('BAD_PID', await raw('kill', { cmd: 'killChild', pid: 'x' }));
    show('BAD_BUFFER', await raw('stdin_write', { pid: 1, buffer: [300] }));
    show('SPAWN_NO_CHANNEL', await raw('spawn', { program: 'cat-test', args: [], options: {} }));
    show('BIG_OUTPUT', await exec('big-output', []));

    // bounds: children at once, and many in a row
    const kids = [];
    let refused = '';
    for (let i = 0; i < 40; i++) {
        const r = await attempt(() => Command.create('cat-test', []).spawn());
        if (typeof r === 'string') refused = r;
        else kids.push(r);
    }
    show('CAP', { running: kids.length, refused });
    for (const k of kids) await k.kill();
    await sleep(300);
    let okRuns = 0;
    for (let i = 0; i < 300; i++) {
        const r = await exec('echo-test', ['n' + i]);
        if (r.stdout === 'n' + i + '\n') okRuns++;
    }
    show('MANY', okRuns);
    // an execute given up on: its program is killed
    show('ABORTED', await attempt(() => invoke('plugin:shell|execute',
        { program: 'late-exec', args: [], options: {} }, { signal: AbortSignal.timeout(500) })));
    await sleep(300);
    show('ABORTED_AFTER', await exec('late-exec-alive', []));
    const burst = await Promise.all(Array.from({ length: 1000 }, () =>
        attempt(() => Command.create('cat-test', []).spawn())));
    const started = burst.filter((r) => typeof r !== 'string');
    show('BURST', {
        ok: started.length,
        capped: burst.filter((r) => typeof r === 'string' && r.includes('more than 32 programs')).length,
    });
    for (const k of started) await k.kill();
    await sleep(300);
    show('AFTER_BURST', await exec('echo-test', ['still']));

    // output that is no UTF-8: an error by default, replaced under encoding utf-8, bytes raw
    show('BYTES_EXEC', await exec('bytes', []));
    show('BYTES_LOSSY', await exec('bytes', [], { encoding: 'utf-8' }));
    show('LATIN_EXEC', await exec('latin', [], { encoding: 'windows-1252' }));
    show('LATIN_SPAWN', await attempt(() => spawnAll('latin', [], { encoding: 'ISO-8859-1' })));
    show('BYTES_SPAWN', await attempt(() => spawnAll('bytes', [])));

    // a child of this renderer outlives it only until it ends: relaunch and look
    const late = await Command.create('late', []).spawn();
    const s = await load('shell.json', { autoSave: false });
    await s.set('late', late.pid);
    await s.save();
    show('RELAUNCH', await attempt(() => relaunch()));
    await sleep(3000);
}

async function secondRun(pid) {
    await sleep(500);
    show('LATE_AFTER', await exec('alive', [String(pid)]));
    await Command.create('late', []).spawn(); // ends with this renderer, at the end of the run
}

async function main() {
    const s = await load('shell.json', { autoSave: false });
    const pid = await s.get('late');
    if (pid === undefined || pid === null) await firstRun();
    else await secondRun(pid);
    console.log('DONE');
}

main();
