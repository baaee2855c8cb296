// SPDX-License-Identifier: MIT
// typed_usage.ts: calls of the commands `moat types` declared from examples/embed and
// typed.json, each as its schema allows; the annotations pin the generated types.
/// <reference path="../../types/moat.d.ts" />

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function pin<T extends true>(): T | void {}

async function typed(): Promise<void> {
    const greeting = await moat.invoke('greet', { name: 'Ada' });
    pin<Same<typeof greeting, string>>();
    const sum = await moat.invoke('demo:add', { a: 1, b: 2.5 });
    pin<Same<typeof sum, number>>();
    const tags = await moat.invoke('demo:tag', { names: ['x'], mode: null, deep: { on: true } });
    pin<Same<typeof tags, string[]>>();
    await moat.invoke('demo:tag', { names: [] });
    await moat.invoke('demo:opt');
    await moat.invoke('demo:opt', { n: 3, other: 'an open object takes more' });
    await moat.invoke('demo:opt', { 'max-age': 5 }); // not an identifier: quoted
    const pong = await moat.invoke('demo:ping');
    pin<Same<typeof pong, string>>();
    const other = await moat.invoke('app:version'); // undeclared: any
    pin<Same<typeof other, any>>();
}
export { typed };
