// SPDX-License-Identifier: MIT
// api_misuse.ts: uses of @moat/api the package's types must refuse; check.sh requires exactly
// the errors marked on their lines ("expect CODE", then text the error must contain).
import { emitTo, exit, invoke, label, listen } from '@moat/api';

export async function wrong(): Promise<void> {
    await invoke(42); // expect TS2769
    await invoke('demo:add', { a: 1, b: '2' }); // expect TS2769: Type 'string' is not assignable to type 'number'.
    await listen('tick', 'not a function'); // expect TS2345
    await emitTo({ kind: 'Window' }, 'x'); // expect TS2345: 'label'
    exit('1'); // expect TS2345
    const n: number = label(); // expect TS2322
    void n;
}
