// types/moat-host.d.ts: the rest of the JS host's global scope, for a project compiled
// without the DOM library (with it, these come from lib.dom.d.ts: leave this file out).

interface Console {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    debug(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
}
declare var console: Console;

declare function setTimeout(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function setInterval(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;
declare function queueMicrotask(callback: () => void): void;

interface AbortSignal extends MoatAbortSignal {
    readonly reason: unknown;
    onabort: ((event: { type: 'abort'; target: AbortSignal }) => void) | null;
    throwIfAborted(): void;
}
declare var AbortSignal: {
    prototype: AbortSignal;
    abort(reason?: unknown): AbortSignal;
    timeout(ms: number): AbortSignal;
};
interface AbortController {
    readonly signal: AbortSignal;
    abort(reason?: unknown): void;
}
declare var AbortController: { prototype: AbortController; new (): AbortController };

declare var window: typeof globalThis;
