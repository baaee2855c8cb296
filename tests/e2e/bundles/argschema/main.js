// SPDX-License-Identifier: MIT
// Calls test:typed (args {name: string, n?: integer, tags?: string[], opts?: {quiet: boolean}},
// nothing else) right and wrong, and test:loose (schema from a manifest); prints each outcome.
(async () => {
    const calls = [
        ['test:typed', { name: 'ok-1', n: 3, tags: ['a'], opts: { quiet: true } }],
        ['test:typed', { name: 3 }],
        ['test:typed', {}],
        ['test:typed', { name: 'bad-extra', colour: 'red' }],
        ['test:typed', { name: 'bad-n', n: 1.5 }],
        ['test:typed', { name: 'bad-tag', tags: ['a', 2] }],
        ['test:typed', { name: 'bad-opts', opts: { quiet: 'yes' } }],
        ['test:typed', [1, 2]],
        ['test:typed', undefined],
        ['test:typed', { name: 'ok-2', n: 4.0 }],
        ['test:loose', { id: 7 }],
        ['test:loose', { id: 'seven' }],
    ];
    for (const [cmd, args] of calls) {
        try {
            console.log(`ok ${cmd} ${await moat.invoke(cmd, args)}`);
        } catch (e) {
            console.log(`refused ${cmd} ${e.code}: ${e.message}`);
        }
    }
})();
