// SPDX-License-Identifier: MIT
// A frontend written against the official @tauri-apps/api v2 package, as a
// Tauri app would be; the suite bundles it with esbuild (--format=iife) and
// runs it unchanged in Moat's renderer.
import { invoke, Channel } from '@tauri-apps/api/core';
import { listen, once, emit, emitTo } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';

async function main() {
    const out = { label: getCurrentWindow().label };
    out.echo = await invoke('test:echo', { text: 'hi', n: 5 });
    try {
        await invoke('test:secret');
        out.denied = 'resolved';
    } catch (e) {
        // Tauri rejects with the error value itself, a string.
        out.denied = typeof e === 'string' && e.includes('is not allowed') ? 'denied' : `${typeof e}: ${e}`;
    }

    // A raw invoke (as plugin-fs's writeFile makes): the bytes as the body, headers beside them.
    const raw = await invoke('test:echo', new Uint8Array([1, 2, 250]), {
        headers: { Path: encodeURIComponent('/tmp/a b'), options: JSON.stringify({ append: true }) },
    });
    out.rawBody = Array.from(raw.body);
    out.rawHeaders = raw.headers;
    const pairs = await invoke('test:echo', [7, 8], { headers: new Headers([['X-One', '1']]) });
    out.pairs = [Array.from(pairs.body).join(','), pairs.headers['x-one']];
    // A Map crosses as an object, as Tauri's JSON replacer makes it.
    out.map = (await invoke('test:echo', { m: new Map([['k', 3]]) })).m;
    // An answer that is bytes arrives as an ArrayBuffer, as Tauri's ipc::Response does.
    const bytes = await invoke('test:bytes');
    out.bytes = [Object.prototype.toString.call(bytes), Array.from(new Uint8Array(bytes)).join(',')];

    const heard = [];
    const unlisten = await listen('tauri:ping', (e) => heard.push(`${e.event}:${e.payload.n}`));
    await emit('tauri:ping', { n: 1 });
    await emitTo('main', 'tauri:ping', { n: 2 });
    await emitTo('other', 'tauri:ping', { n: 3 }); // another label: not for us
    await unlisten();
    await emit('tauri:ping', { n: 4 }); // nobody listens any more
    out.heard = heard;

    let onceHits = 0;
    await once('tauri:once', () => onceHits++);
    await emit('tauri:once', 1);
    await emit('tauri:once', 2);
    out.once = onceHits;

    const got = [];
    const channel = new Channel();
    channel.onmessage = (m) => got.push(m.i);
    out.stream = await invoke('test:stream', { onEvent: channel });
    out.channel = got;
    await emit('test:report', out);
}

main();
