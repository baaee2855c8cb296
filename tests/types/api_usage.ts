// SPDX-License-Identifier: MIT
// api_usage.ts: a bundle's sources written against the @moat/api package (types/api):
// check.sh compiles it with the declarations `moat types` wrote, so declared commands are typed.
import { Channel, emit, emitTo, exit, invoke, label, listen, once } from '@moat/api';
import type { Error as MoatErr, ErrorCode, Event, UnlistenFn } from '@moat/api';

export async function main(): Promise<void> {
    const name: string = await invoke<string>('app:name');
    const sum: number = await invoke('demo:add', { a: 1, b: 2 });
    const un: UnlistenFn = await listen<{ n: number }>('tick', (e: Event<{ n: number }>) => {
        const n: number = e.payload.n;
        void n;
    });
    await un();
    await once('x', () => {});
    await emit('hello', { name, sum });
    await emitTo('other', 'hello');
    await emitTo({ kind: 'WebviewWindow', label: 'main' }, 'hello');
    const ch = new Channel<number>((m) => {
        const k: number = m;
        void k;
    });
    await invoke('stream', { ch });
    const l: string = label();
    try {
        await invoke('nope', undefined, {});
    } catch (e) {
        const err = e as MoatErr;
        const c: ErrorCode | string = err.code;
        void c;
    }
    if (l === 'never') exit(1);
}
