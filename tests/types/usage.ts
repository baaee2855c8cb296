// SPDX-License-Identifier: MIT
// usage.ts: what a bundle written in TypeScript does; each line must type-check, and the
// annotations pin what the declarations say (a wrong one makes this file fail).
/// <reference path="../../types/moat.d.ts" />
/// <reference path="../../types/moat-host.d.ts" />

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

async function main(): Promise<void> {
    const label: string = moat.label;
    const version = await moat.invoke<string>('app:version');
    assertType<Equal<typeof version, string>>();
    const untyped = await moat.invoke('app:name');
    assertType<Equal<typeof untyped, any>>();
    await moat.invoke('fs:write_file', { path: '/tmp/x', data: new Uint8Array([1, 2]), n: null });
    const ac = new AbortController();
    const call = moat.invoke('slow', undefined, { signal: ac.signal });
    ac.abort();
    try {
        await call;
    } catch (e) {
        const err = e as MoatError;
        const code: string = err.code;
        if (err.code === 'cancelled' || err.code === 'core_gone') console.log(code, label);
    }
    const unlisten = await moat.listen<{ n: number }>('tick', (event) => {
        assertType<Equal<typeof event, MoatEvent<{ n: number }>>>();
        const n: number = event.payload.n;
        const id: number = event.id;
        console.log(event.event, n, id);
    });
    assertType<Equal<typeof unlisten, MoatUnlisten>>();
    await unlisten();
    await moat.once('once', () => {});
    await moat.emit('hello', { ok: true, list: [1, 'two', null] });
    await moat.emitTo('main', 'hello');
    await moat.emitTo({ kind: 'WebviewWindow', label: 'main' }, 'hello', 1);
    const channel = new moat.Channel<number>((m) => {
        const x: number = m;
        console.log(x);
    });
    channel.onend = () => console.log('end');
    await moat.invoke('stream', { onChunk: channel });
    const t = setTimeout((a: string) => console.log(a), 10, 'x');
    clearTimeout(t);
    queueMicrotask(() => {});
    const never: never = moat.exit(0);
    return never;
}
main();

// The Web globals (types/moat-host.d.ts).
async function web(): Promise<void> {
    const bytes: Uint8Array = new TextEncoder().encode('x');
    const text: string = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const url = new URL('file:///tmp/x');
    url.searchParams.append('a', text);
    const id: string = crypto.randomUUID();
    const t: number = performance.now();
    const copy = structuredClone({ a: [1] });
    assertType<Equal<typeof copy, { a: number[] }>>();
    const h = new Headers({ 'content-type': 'text/plain' });
    const res = new Response(new Blob([bytes, 'y']), { status: 201, headers: h });
    const body: string = await res.text();
    const target = new EventTarget();
    target.addEventListener('x', (e: CustomEvent<number>) => console.log(e.detail), { once: true });
    target.dispatchEvent(new CustomEvent('x', { detail: 1 }));
    try {
        await fetch(new Request(url.href, { method: 'POST', body: new FormData() }));
    } catch (e) {
        if ((e as MoatError).code === 'unsupported') console.log(id, t, body, btoa(atob('eA==')));
    }
    console.log(__TAURI_OS_PLUGIN_INTERNALS__.platform, self === globalThis);
}
void web;
