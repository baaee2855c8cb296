// SPDX-License-Identifier: MIT
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

// ---- The Web globals (renderer/host/web.js), as the WHATWG specs define them.

declare var self: typeof globalThis;

type BufferSource = ArrayBuffer | ArrayBufferView;

interface TextEncoder {
    readonly encoding: 'utf-8';
    encode(input?: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };
interface TextDecoder {
    readonly encoding: 'utf-8';
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
    decode(input?: BufferSource, options?: { stream?: boolean }): string;
}
declare var TextDecoder: {
    prototype: TextDecoder;
    new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

declare function atob(data: string): string;
declare function btoa(data: string): string;
declare function structuredClone<T = any>(value: T, options?: unknown): T;
declare function reportError(e: unknown): void;

type IntegerTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array |
    Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
declare var crypto: {
    getRandomValues<T extends IntegerTypedArray>(array: T): T;
    randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
};
declare var performance: { readonly timeOrigin: number; now(): number; toJSON(): unknown };

interface DOMException extends Error {
    readonly code: number;
}
declare var DOMException: { prototype: DOMException; new (message?: string, name?: string): DOMException };

interface EventInit {
    bubbles?: boolean;
    cancelable?: boolean;
    composed?: boolean;
}
interface Event {
    readonly type: string;
    readonly target: EventTarget | null;
    readonly currentTarget: EventTarget | null;
    readonly eventPhase: number;
    readonly bubbles: boolean;
    readonly cancelable: boolean;
    readonly composed: boolean;
    readonly defaultPrevented: boolean;
    readonly isTrusted: boolean;
    readonly timeStamp: number;
    preventDefault(): void;
    stopPropagation(): void;
    stopImmediatePropagation(): void;
    composedPath(): EventTarget[];
}
declare var Event: {
    prototype: Event;
    new (type: string, init?: EventInit): Event;
    readonly NONE: 0;
    readonly CAPTURING_PHASE: 1;
    readonly AT_TARGET: 2;
    readonly BUBBLING_PHASE: 3;
};
interface CustomEvent<T = any> extends Event {
    readonly detail: T;
}
declare var CustomEvent: {
    prototype: CustomEvent;
    new <T>(type: string, init?: EventInit & { detail?: T }): CustomEvent<T>;
};
type EventListenerOrObject = ((event: any) => void) | { handleEvent(event: any): void };
interface EventTarget {
    addEventListener(type: string, listener: EventListenerOrObject | null,
        options?: boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }): void;
    removeEventListener(type: string, listener: EventListenerOrObject | null,
        options?: boolean | { capture?: boolean }): void;
    dispatchEvent(event: Event): boolean;
}
declare var EventTarget: { prototype: EventTarget; new (): EventTarget };

interface MessagePort extends EventTarget {
    onmessage: ((event: Event & { readonly data: any }) => void) | null;
    postMessage(message: unknown): void;
    start(): void;
    close(): void;
}
declare var MessageChannel: {
    prototype: { readonly port1: MessagePort; readonly port2: MessagePort };
    new (): { readonly port1: MessagePort; readonly port2: MessagePort };
};

interface URL {
    href: string;
    readonly origin: string;
    protocol: string;
    username: string;
    password: string;
    host: string;
    hostname: string;
    port: string;
    pathname: string;
    search: string;
    readonly searchParams: URLSearchParams;
    hash: string;
    toString(): string;
    toJSON(): string;
}
declare var URL: {
    prototype: URL;
    new (url: string | URL, base?: string | URL): URL;
    canParse(url: string | URL, base?: string | URL): boolean;
    parse(url: string | URL, base?: string | URL): URL | null;
};
interface URLSearchParams extends Iterable<[string, string]> {
    readonly size: number;
    append(name: string, value: string): void;
    delete(name: string, value?: string): void;
    get(name: string): string | null;
    getAll(name: string): string[];
    has(name: string, value?: string): boolean;
    set(name: string, value: string): void;
    sort(): void;
    forEach(fn: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: unknown): void;
    keys(): IterableIterator<string>;
    values(): IterableIterator<string>;
    entries(): IterableIterator<[string, string]>;
    toString(): string;
}
declare var URLSearchParams: {
    prototype: URLSearchParams;
    new (init?: string | URLSearchParams | Record<string, string> | Iterable<[string, string]>): URLSearchParams;
};

type BlobPart = BufferSource | Blob | string;
interface Blob {
    readonly size: number;
    readonly type: string;
    slice(start?: number, end?: number, contentType?: string): Blob;
    arrayBuffer(): Promise<ArrayBuffer>;
    bytes(): Promise<Uint8Array>;
    text(): Promise<string>;
    stream(): ReadableStream<Uint8Array>;
}
declare var Blob: { prototype: Blob; new (parts?: Iterable<BlobPart>, options?: { type?: string }): Blob };
interface File extends Blob {
    readonly name: string;
    readonly lastModified: number;
}
declare var File: {
    prototype: File;
    new (parts: Iterable<BlobPart>, name: string, options?: { type?: string; lastModified?: number }): File;
};
type FormDataEntryValue = File | string;
interface FormData extends Iterable<[string, FormDataEntryValue]> {
    append(name: string, value: string | Blob, filename?: string): void;
    delete(name: string): void;
    get(name: string): FormDataEntryValue | null;
    getAll(name: string): FormDataEntryValue[];
    has(name: string): boolean;
    set(name: string, value: string | Blob, filename?: string): void;
    forEach(fn: (value: FormDataEntryValue, key: string, parent: FormData) => void, thisArg?: unknown): void;
    keys(): IterableIterator<string>;
    values(): IterableIterator<FormDataEntryValue>;
    entries(): IterableIterator<[string, FormDataEntryValue]>;
}
declare var FormData: { prototype: FormData; new (): FormData };

interface ReadableStreamDefaultReader<R = any> {
    read(): Promise<{ done: false; value: R } | { done: true; value: undefined }>;
    releaseLock(): void;
    cancel(reason?: unknown): Promise<void>;
    readonly closed: Promise<void>;
}
interface ReadableStreamController<R> {
    enqueue(chunk: R): void;
    close(): void;
    error(e?: unknown): void;
    readonly desiredSize: number | null;
}
interface ReadableStream<R = any> extends AsyncIterable<R> {
    readonly locked: boolean;
    getReader(): ReadableStreamDefaultReader<R>;
    cancel(reason?: unknown): Promise<void>;
}
declare var ReadableStream: {
    prototype: ReadableStream;
    new <R = any>(source?: {
        start?(controller: ReadableStreamController<R>): unknown;
        pull?(controller: ReadableStreamController<R>): unknown;
        cancel?(reason?: unknown): unknown;
    }): ReadableStream<R>;
};

type HeadersInit = Headers | Record<string, string> | Iterable<[string, string]>;
interface Headers extends Iterable<[string, string]> {
    append(name: string, value: string): void;
    delete(name: string): void;
    get(name: string): string | null;
    getSetCookie(): string[];
    has(name: string): boolean;
    set(name: string, value: string): void;
    forEach(fn: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void;
    keys(): IterableIterator<string>;
    values(): IterableIterator<string>;
    entries(): IterableIterator<[string, string]>;
}
declare var Headers: { prototype: Headers; new (init?: HeadersInit): Headers };
type BodyInit = string | BufferSource | Blob | FormData | URLSearchParams | ReadableStream;
interface Body {
    readonly body: ReadableStream<Uint8Array> | null;
    readonly bodyUsed: boolean;
    arrayBuffer(): Promise<ArrayBuffer>;
    bytes(): Promise<Uint8Array>;
    blob(): Promise<Blob>;
    formData(): Promise<FormData>;
    json(): Promise<any>;
    text(): Promise<string>;
}
interface RequestInit {
    method?: string;
    headers?: HeadersInit;
    body?: BodyInit | null;
    signal?: AbortSignal;
    redirect?: string;
    credentials?: string;
    mode?: string;
    cache?: string;
    integrity?: string;
    keepalive?: boolean;
}
interface Request extends Body {
    readonly url: string;
    readonly method: string;
    readonly headers: Headers;
    readonly signal: AbortSignal;
    clone(): Request;
}
declare var Request: { prototype: Request; new (input: string | URL | Request, init?: RequestInit): Request };
interface ResponseInit {
    status?: number;
    statusText?: string;
    headers?: HeadersInit;
}
interface Response extends Body {
    readonly status: number;
    readonly ok: boolean;
    readonly statusText: string;
    readonly headers: Headers;
    readonly type: string;
    readonly url: string;
    readonly redirected: boolean;
    clone(): Response;
}
declare var Response: {
    prototype: Response;
    new (body?: BodyInit | null, init?: ResponseInit): Response;
    error(): Response;
    redirect(url: string | URL, status?: number): Response;
    json(data: unknown, init?: ResponseInit): Response;
};
/** plugin-http's fetch, done by the core under the policy's http scope; rejects with a MoatError (denied, failed, ...) or an AbortError. */
declare function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;

/** What @tauri-apps/plugin-os reads (Rust's names for this machine). */
declare var __TAURI_OS_PLUGIN_INTERNALS__: {
    readonly eol: string;
    readonly os_type: string;
    readonly platform: string;
    readonly family: string;
    readonly version: string;
    readonly arch: string;
    readonly exe_extension: string;
};
