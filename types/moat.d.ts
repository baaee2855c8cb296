// SPDX-License-Identifier: MIT
// types/moat.d.ts: the `moat` global a Moat bundle runs with (renderer/host/prelude.js).
// Reference it from a bundle's sources (/// <reference path="moat.d.ts" />, or "types"/"files"
// in tsconfig.json); moat-host.d.ts adds console, timers and AbortController for a project
// without the DOM library. Installed under share/moat/types.

/** The error codes of ipc/PROTOCOL.md (one list: tests/ipc/test_codes.sh checks it). */
type MoatErrorCode =
    | 'denied'
    | 'unknown_command'
    | 'invalid_args'
    | 'not_found'
    | 'failed'
    | 'timeout'
    | 'cancelled'
    | 'renderer_gone'
    | 'limit_exceeded'
    | 'internal'
    | 'unsupported'
    | 'core_gone';

/** What a rejected invoke gives: `code` is one of the protocol's, or an embedder's own. */
interface MoatError extends Error {
    readonly name: 'MoatError';
    readonly code: MoatErrorCode | (string & {});
}

/** What a listener receives. */
interface MoatEvent<T = unknown> {
    readonly event: string;
    /** The listener's id, as `listen` got it from the core. */
    readonly id: number;
    readonly payload: T;
    /** The label of the renderer that emitted it; absent for the core's own events. */
    readonly sender?: string;
}

/** Ends a listener (and tells the core). */
type MoatUnlisten = () => Promise<void>;

/** Any AbortSignal (the host's own, or the DOM's). */
interface MoatAbortSignal {
    readonly aborted: boolean;
    addEventListener(type: 'abort', listener: () => void): void;
    removeEventListener(type: 'abort', listener: () => void): void;
}

interface MoatInvokeOptions {
    /** Aborting it cancels the call: it rejects with code "cancelled" (or the signal's reason). */
    signal?: MoatAbortSignal;
}

/** What crosses to the core: msgpack's values (binaries as typed arrays or ArrayBuffer). */
type MoatValue =
    | null
    | undefined
    | boolean
    | number
    | string
    | ArrayBufferView
    | ArrayBuffer
    | MoatChannel<any>
    | readonly MoatValue[]
    | { readonly [key: string]: MoatValue };

/** A stream a command feeds (Tauri's Channel): pass it inside a command's arguments. */
interface MoatChannel<T = unknown> {
    onmessage: (message: T) => void;
    onend: (() => void) | null;
    readonly id: number;
    toJSON(): string;
}

interface MoatChannelConstructor {
    new <T = unknown>(onmessage?: (message: T) => void): MoatChannel<T>;
}

/** Tauri's target for emitTo: a label, or {kind, label}. */
type MoatEventTarget =
    | string
    | { kind: 'Any' | 'App' }
    | { kind: 'Window' | 'Webview' | 'WebviewWindow' | 'AnyLabel'; label: string };

/**
 * Commands with declared argument and result types, by name: empty here. `moat types
 * MANIFEST` writes a .d.ts that adds the embedder's ({args, result} each), and invoke then
 * checks a call of one of them against its declaration.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
interface MoatCommands {}

/** A declared command's parameters after its name: args optional when nothing is required. */
type MoatTypedArgs<K extends keyof MoatCommands> = MoatCommands[K] extends { args: infer A }
    ? {} extends A
        ? [args?: A, options?: MoatInvokeOptions]
        : [args: A, options?: MoatInvokeOptions]
    : [args?: MoatValue, options?: MoatInvokeOptions];
type MoatTypedResult<K extends keyof MoatCommands> = MoatCommands[K] extends { result: infer R }
    ? R
    : any;
/** A command name that is not declared (a declared one must match its declaration). */
type MoatUntypedCommand<C extends string> = C extends keyof MoatCommands ? never : C;

interface Moat {
    /** This renderer's label (what the policy's "windows" match). */
    readonly label: string;
    /** Calls a declared command (MoatCommands): its arguments and result are typed. */
    invoke<K extends keyof MoatCommands & string>(
        cmd: K,
        ...rest: MoatTypedArgs<K>
    ): Promise<MoatTypedResult<K>>;
    /**
     * Calls a command; every call gets exactly one answer. Rejects with a MoatError. An answer
     * that is bytes is an ArrayBuffer (as Tauri's raw answers); bytes inside one, Uint8Arrays.
     */
    invoke<T = any, C extends string = string>(
        cmd: C & MoatUntypedCommand<C>,
        args?: MoatValue,
        options?: MoatInvokeOptions
    ): Promise<T>;
    /** Listens for an event (a call of core:event:listen: the policy gates it). */
    listen<T = any>(event: string, handler: (event: MoatEvent<T>) => void): Promise<MoatUnlisten>;
    /** The same, for the first event only. */
    once<T = any>(event: string, handler: (event: MoatEvent<T>) => void): Promise<MoatUnlisten>;
    /** Emits to the core and every renderer listening (this one too). */
    emit(event: string, payload?: MoatValue): Promise<void>;
    /** Emits to the renderers with the target label (or the app, or everyone). */
    emitTo(target: MoatEventTarget, event: string, payload?: MoatValue): Promise<void>;
    /** Ends the renderer now with code (default 0). */
    exit(code?: number): never;
    readonly Channel: MoatChannelConstructor;
}

declare const moat: Moat;
