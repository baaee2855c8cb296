// SPDX-License-Identifier: MIT
// misuse.ts: each line under @ts-expect-error must be an error; if a declaration is too
// loose (or missing, then any), the directive is unused and tsc fails.
/// <reference path="../../types/moat.d.ts" />
/// <reference path="../../types/moat-host.d.ts" />

// @ts-expect-error a command is a string
moat.invoke(42);
// @ts-expect-error the label is read-only
moat.label = 'other';
// @ts-expect-error functions cannot be sent
moat.invoke('x', { f: () => 1 });
// @ts-expect-error symbols cannot be sent
moat.emit('x', Symbol('s'));
// @ts-expect-error a handler gets one MoatEvent, not a string
moat.listen('e', (e: string) => e);
// @ts-expect-error not a code of the protocol's list
const code: MoatErrorCode = 'nope';
// @ts-expect-error exit takes a number
moat.exit('1');
// @ts-expect-error a Window target needs its label
moat.emitTo({ kind: 'Window' }, 'e');
// @ts-expect-error listen answers with an unlisten function, not a number
const id: Promise<number> = moat.listen('e', () => {});
// @ts-expect-error the Channel's messages have the declared type
new moat.Channel<number>((m: string) => m);
export { code, id };
