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
        out.denied = e.code;
    }

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
