// SPDX-License-Identifier: MIT
// @moat/api: the `moat` global (renderer/host/prelude.js) as an ES module, for bundlers.
// Every function reads the global when called, so importing it outside Moat is harmless.
const moat = () => {
    if (typeof globalThis.moat === 'undefined') throw new Error('@moat/api: not running under Moat (no moat global)');
    return globalThis.moat;
};

export const invoke = (cmd, args, options) => moat().invoke(cmd, args, options);
export const listen = (event, handler) => moat().listen(event, handler);
export const once = (event, handler) => moat().once(event, handler);
export const emit = (event, payload) => moat().emit(event, payload);
export const emitTo = (target, event, payload) => moat().emitTo(target, event, payload);
export const exit = (code) => moat().exit(code);
export const label = () => moat().label;
/** new Channel(onmessage): the global's constructor, looked up when first used. */
export function Channel(onmessage) {
    return new (moat().Channel)(onmessage);
}
