// SPDX-License-Identifier: MIT
// typed_misuse.ts: calls the generated declarations must refuse. check.sh compiles this
// file on its own and requires exactly the errors marked on their lines: "expect CODE"
// and, after a colon, text the error (or the overload's reason under it) must contain.
/// <reference path="../../types/moat.d.ts" />

async function wrong(): Promise<[number, string]> {
    await moat.invoke('greet', { name: 42 }); // expect TS2769: Type 'number' is not assignable to type 'string'.
    await moat.invoke('greet', { who: 'Ada' }); // expect TS2769: 'who' does not exist in type '{ name: string; }'
    await moat.invoke('greet'); // expect TS2345
    await moat.invoke('demo:add', { a: 1, b: '2' }); // expect TS2769: Type 'string' is not assignable to type 'number'.
    await moat.invoke('demo:add', { a: 1 }); // expect TS2769: Property 'b' is missing
    await moat.invoke('demo:tag', { names: [1] }); // expect TS2769: Type 'number' is not assignable to type 'string'.
    await moat.invoke('demo:tag', { names: [], deep: { on: 'yes' } }); // expect TS2769: Type 'string' is not assignable to type 'boolean'.
    await moat.invoke('demo:tag', { names: [], mode: 3 }); // expect TS2769: Type 'number' is not assignable to type 'string'.
    await moat.invoke('demo:opt', { 'max-age': '5' }); // expect TS2769: Type 'string' is not assignable to type 'number'.
    await moat.invoke('demo:opt', 'not an object'); // expect TS2769: not assignable to parameter of type '{ [key: string]: MoatValue; n?: number
    const n: number = await moat.invoke('greet', { name: 'Ada' }); // expect TS2322: Type 'string' is not assignable to type 'number'.
    const s: string = await moat.invoke('demo:add', { a: 1, b: 2 }); // expect TS2322: Type 'number' is not assignable to type 'string'.
    return [n, s];
}
export { wrong };
