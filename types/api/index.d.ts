// SPDX-License-Identifier: MIT
// @moat/api: types of the `moat` global as module exports (see ../moat.d.ts, which this
// references: the package is installed beside it, under share/moat/types/api).
/// <reference path="../moat.d.ts" />

/** Calls a command (a declared one, see MoatCommands, with typed arguments and result). */
export declare const invoke: Moat['invoke'];
/** Listens for an event; resolves to the function that ends the listener. */
export declare const listen: Moat['listen'];
/** The same, for the first event only. */
export declare const once: Moat['once'];
/** Emits to the core and every renderer listening. */
export declare const emit: Moat['emit'];
/** Emits to the renderers with the target label (or the app, or everyone). */
export declare const emitTo: Moat['emitTo'];
/** Ends the renderer now with code (default 0). */
export declare const exit: Moat['exit'];
/** This renderer's label. */
export declare function label(): string;
/** A stream a command feeds: pass it inside a command's arguments. */
export declare const Channel: MoatChannelConstructor;
export type Channel<T = unknown> = MoatChannel<T>;

export type ErrorCode = MoatErrorCode;
export type Error = MoatError;
export type Event<T = unknown> = MoatEvent<T>;
export type EventTarget = MoatEventTarget;
export type InvokeOptions = MoatInvokeOptions;
export type UnlistenFn = MoatUnlisten;
export type Value = MoatValue;
