// SPDX-License-Identifier: MIT
// web.js: the Web platform's globals that plugin JS and ordinary bundles use
// (URL, TextEncoder, crypto, Event, Blob, Headers, fetch, …), as the WHATWG
// specs define them, and what Tauri's JS reads besides invoke. The host
// evaluates this file as one function expression; prelude.js calls it with
// its internals. `native` is web_natives.c.
(function (native, internals) {
    'use strict';

    const { MoatError } = internals;
    const G = globalThis;
    const define = (name, value) =>
        Object.defineProperty(G, name, { value, writable: true, configurable: true, enumerable: false });

    class DOMException extends Error {
        constructor(message = '', name = 'Error') {
            super(message);
            Object.defineProperty(this, 'name', { value: String(name), configurable: true, writable: true });
        }
        get code() {
            const codes = { IndexSizeError: 1, NotFoundError: 8, NotSupportedError: 9,
                InvalidStateError: 11, SyntaxError: 12, InvalidCharacterError: 5,
                NetworkError: 19, AbortError: 20, TimeoutError: 23, DataCloneError: 25 };
            return codes[this.name] || 0;
        }
    }

    // ---- Encoding

    const isView = (v) => ArrayBuffer.isView(v) || v instanceof ArrayBuffer ||
        Object.prototype.toString.call(v) === '[object ArrayBuffer]';

    class TextEncoder {
        get encoding() {
            return 'utf-8';
        }
        encode(input = '') {
            return native.utf8Encode(String(input));
        }
        encodeInto(source, destination) {
            if (!(destination instanceof Uint8Array))
                throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
            let read = 0, written = 0;
            for (const ch of String(source)) {
                const bytes = native.utf8Encode(ch);
                if (written + bytes.length > destination.length)
                    break;
                destination.set(bytes, written);
                written += bytes.length;
                read += ch.length;
            }
            return { read, written };
        }
    }

    const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8',
        'x-unicode20utf8'];

    class TextDecoder {
        #fatal;
        #ignoreBOM;
        #pending = null; // bytes held back between stream: true calls
        constructor(label = 'utf-8', options = {}) {
            const l = String(label).trim().toLowerCase();
            if (!UTF8_LABELS.includes(l))
                throw new RangeError(`The "${label}" encoding is not supported`);
            this.#fatal = Boolean(options && options.fatal);
            this.#ignoreBOM = Boolean(options && options.ignoreBOM);
        }
        get encoding() {
            return 'utf-8';
        }
        get fatal() {
            return this.#fatal;
        }
        get ignoreBOM() {
            return this.#ignoreBOM;
        }
        decode(input, options = {}) {
            let bytes = input === undefined ? new Uint8Array(0) : toBytes(input, 'TextDecoder.decode');
            if (this.#pending) {
                const joined = new Uint8Array(this.#pending.length + bytes.length);
                joined.set(this.#pending);
                joined.set(bytes, this.#pending.length);
                bytes = joined;
                this.#pending = null;
            }
            if (options && options.stream) {
                // Hold back an incomplete sequence at the end for the next call.
                let cut = bytes.length;
                for (let i = Math.max(0, bytes.length - 3); i < bytes.length; i++) {
                    const b = bytes[i], need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
                    if (need && i + need > bytes.length) {
                        cut = i;
                        break;
                    }
                }
                this.#pending = cut < bytes.length ? bytes.slice(cut) : null;
                bytes = bytes.subarray(0, cut);
            }
            return native.utf8Decode(bytes, this.#fatal, this.#ignoreBOM);
        }
    }

    function toBytes(v, what) {
        if (v instanceof Uint8Array)
            return v;
        if (ArrayBuffer.isView(v))
            return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        if (isView(v))
            return new Uint8Array(v);
        throw new TypeError(`${what}: expected an ArrayBuffer or an ArrayBufferView`);
    }

    function btoa(data) {
        if (arguments.length === 0)
            throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present.");
        const r = native.btoa(String(data));
        if (r === null)
            throw new DOMException('Invalid character', 'InvalidCharacterError');
        return r;
    }

    function atob(data) {
        if (arguments.length === 0)
            throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present.");
        const r = native.atob(String(data));
        if (r === null)
            throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
        return r;
    }

    // ---- crypto, performance

    const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
        'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

    const crypto = {
        getRandomValues(array) {
            const kind = ArrayBuffer.isView(array) && Object.prototype.toString.call(array).slice(8, -1);
            if (!kind || !INTEGER_ARRAYS.includes(kind))
                throw new DOMException("The data argument must be an integer-type TypedArray", 'TypeMismatchError');
            if (array.byteLength > 65536)
                throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
            native.randomFill(array);
            return array;
        },
        randomUUID() {
            const r = new Uint8Array(16);
            native.randomFill(r);
            r[6] = (r[6] & 0x0f) | 0x40; // version 4
            r[8] = (r[8] & 0x3f) | 0x80; // variant 10
            const h = Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('');
            return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        },
    };

    const timeOrigin = Date.now() - native.now();
    const performance = {
        timeOrigin,
        now: () => native.now(),
        toJSON: () => ({ timeOrigin }),
    };

    // ---- structuredClone (the HTML spec's serializable types)

    function structuredClone(value, options) {
        void options;
        const seen = new Map();
        const clone = (v) => {
            if (typeof v === 'function' || typeof v === 'symbol')
                throw new DOMException(`${typeof v === 'symbol' ? 'Symbol()' : String(v)} could not be cloned.`, 'DataCloneError');
            if (v === null || typeof v !== 'object')
                return v;
            if (seen.has(v))
                return seen.get(v);
            const tag = Object.prototype.toString.call(v).slice(8, -1);
            let out;
            const keep = (o) => (seen.set(v, o), o);
            if (tag === 'Date')
                return keep(new Date(v.getTime()));
            if (tag === 'RegExp')
                return keep(new RegExp(v.source, v.flags));
            if (tag === 'Boolean' || tag === 'Number' || tag === 'String' || tag === 'BigInt')
                return keep(Object(v.valueOf()));
            if (tag === 'ArrayBuffer')
                return keep(v.slice(0));
            if (ArrayBuffer.isView(v)) {
                const buf = clone(v.buffer);
                const C = v.constructor;
                return keep(tag === 'DataView' ? new DataView(buf, v.byteOffset, v.byteLength)
                    : new C(buf, v.byteOffset, v.length));
            }
            if (tag === 'Map') {
                out = keep(new Map());
                for (const [k, x] of v)
                    out.set(clone(k), clone(x));
                return out;
            }
            if (tag === 'Set') {
                out = keep(new Set());
                for (const x of v)
                    out.add(clone(x));
                return out;
            }
            if (tag === 'Error') {
                const names = ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'];
                const C = names.includes(v.name) ? G[v.name] : Error;
                out = keep(Object.create(C.prototype));
                if ('message' in v)
                    Object.defineProperty(out, 'message', { value: String(v.message), writable: true, configurable: true });
                if (v.stack !== undefined)
                    Object.defineProperty(out, 'stack', { value: String(v.stack), writable: true, configurable: true });
                if ('cause' in v)
                    Object.defineProperty(out, 'cause', { value: clone(v.cause), writable: true, configurable: true });
                return out;
            }
            if (v instanceof Blob)
                return keep(v.slice(0, v.size, v.type));
            if (tag === 'Array') {
                out = keep(new Array(v.length));
                for (const k of Object.keys(v))
                    out[k] = clone(v[k]);
                return out;
            }
            if (tag !== 'Object')
                throw new DOMException(`${tag} object could not be cloned.`, 'DataCloneError');
            out = keep({});
            for (const k of Object.keys(v))
                out[k] = clone(v[k]);
            return out;
        };
        if (arguments.length === 0)
            throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
        return clone(value);
    }

    // ---- Event, EventTarget, CustomEvent (the DOM Standard, without a tree)

    class Event {
        #stop = false;
        #stopNow = false;
        #canceled = false;
        #passive = false;
        constructor(type, init = {}) {
            if (arguments.length === 0)
                throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
            Object.defineProperty(this, 'isTrusted', { value: false, enumerable: true });
            this._type = String(type);
            this._bubbles = Boolean(init && init.bubbles);
            this._cancelable = Boolean(init && init.cancelable);
            this._composed = Boolean(init && init.composed);
            this._target = null;
            this._current = null;
            this._phase = 0;
            this._timeStamp = performance.now();
        }
        get type() { return this._type; }
        get bubbles() { return this._bubbles; }
        get cancelable() { return this._cancelable; }
        get composed() { return this._composed; }
        get target() { return this._target; }
        get srcElement() { return this._target; }
        get currentTarget() { return this._current; }
        get eventPhase() { return this._phase; }
        get timeStamp() { return this._timeStamp; }
        get defaultPrevented() { return this.#canceled; }
        get returnValue() { return !this.#canceled; }
        get cancelBubble() { return this.#stop; }
        set cancelBubble(v) { if (v) this.#stop = true; }
        composedPath() { return this._current ? [this._current] : []; }
        preventDefault() {
            if (this._cancelable && !this.#passive)
                this.#canceled = true;
        }
        stopPropagation() { this.#stop = true; }
        stopImmediatePropagation() { this.#stop = this.#stopNow = true; }
        _stoppedNow() { return this.#stopNow; }
        _setPassive(p) { this.#passive = p; }
    }
    for (const [k, v] of Object.entries({ NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 })) {
        Object.defineProperty(Event, k, { value: v, enumerable: true });
        Object.defineProperty(Event.prototype, k, { value: v, enumerable: true });
    }

    class CustomEvent extends Event {
        #detail;
        constructor(type, init = {}) {
            super(type, init);
            this.#detail = init && init.detail !== undefined ? init.detail : null;
        }
        get detail() { return this.#detail; }
    }

    class EventTarget {
        #listeners = new Map(); // type -> [{callback, capture, once, passive, removed}]
        addEventListener(type, callback, options) {
            if (callback === null || callback === undefined)
                return;
            const o = typeof options === 'object' && options !== null ? options : { capture: Boolean(options) };
            const capture = Boolean(o.capture);
            type = String(type);
            if (o.signal && o.signal.aborted)
                return;
            if (!this.#listeners.has(type))
                this.#listeners.set(type, []);
            const list = this.#listeners.get(type);
            if (list.some((l) => l.callback === callback && l.capture === capture))
                return;
            const entry = { callback, capture, once: Boolean(o.once), passive: Boolean(o.passive), removed: false };
            list.push(entry);
            if (o.signal)
                o.signal.addEventListener('abort', () => this.removeEventListener(type, callback, { capture }));
        }
        removeEventListener(type, callback, options) {
            const capture = typeof options === 'object' && options !== null ? Boolean(options.capture) : Boolean(options);
            const list = this.#listeners.get(String(type));
            if (!list)
                return;
            const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
            if (i >= 0) {
                list[i].removed = true;
                list.splice(i, 1);
            }
        }
        dispatchEvent(event) {
            if (!(event instanceof Event))
                throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
            event._target = this;
            event._current = this;
            event._phase = 2;
            const list = (this.#listeners.get(event.type) || []).slice();
            for (const l of list) {
                if (l.removed)
                    continue;
                if (l.once)
                    this.removeEventListener(event.type, l.callback, { capture: l.capture });
                event._setPassive(l.passive);
                try {
                    if (typeof l.callback === 'function')
                        l.callback.call(this, event);
                    else if (l.callback && typeof l.callback.handleEvent === 'function')
                        l.callback.handleEvent(event);
                } catch (e) {
                    reportError(e);
                }
                event._setPassive(false);
                if (event._stoppedNow())
                    break;
            }
            // Of the interfaces here only MessagePort has an event handler attribute (onmessage).
            const handler = this instanceof MessagePort && event.type === 'message' ? this.onmessage : null;
            if (typeof handler === 'function' && !event._stoppedNow() && !list.some((l) => l.callback === handler)) {
                try {
                    handler.call(this, event);
                } catch (e) {
                    reportError(e);
                }
            }
            event._current = null;
            event._phase = 0;
            return !event.defaultPrevented;
        }
    }

    // An exception in a listener is reported, as a browser does, and the dispatch goes on.
    function reportError(e) {
        console.error('Uncaught', e);
    }

    // ---- MessageChannel

    class MessagePort extends EventTarget {
        constructor() {
            super();
            this._other = null;
            this._queue = [];
            this._started = false;
            this._closed = false;
            this._onmessage = null;
        }
        get onmessage() { return this._onmessage; }
        set onmessage(fn) {
            this._onmessage = fn;
            this.start();
        }
        postMessage(message) {
            const other = this._other;
            if (this._closed || !other || other._closed)
                return;
            other._queue.push(structuredClone(message));
            other._flush();
        }
        start() {
            this._started = true;
            this._flush();
        }
        close() {
            this._closed = true;
        }
        _flush() {
            if (!this._started)
                return;
            while (this._queue.length) {
                const data = this._queue.shift();
                setTimeout(() => {
                    if (this._closed)
                        return;
                    const e = new Event('message');
                    Object.defineProperty(e, 'data', { value: data });
                    Object.defineProperty(e, 'ports', { value: [] });
                    this.dispatchEvent(e);
                }, 0);
            }
        }
    }
    Object.defineProperty(MessagePort.prototype, 'onmessage', { enumerable: true });

    class MessageChannel {
        constructor() {
            this.port1 = new MessagePort();
            this.port2 = new MessagePort();
            this.port1._other = this.port2;
            this.port2._other = this.port1;
        }
    }

    // ---- URL and URLSearchParams (WHATWG URL; GLib's GUri splits, this serializes)

    const SPECIAL = { 'ftp:': 21, 'file:': null, 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

    // The percent-encode sets of the URL Standard, as predicates on a code point.
    const C0 = (c) => c < 0x20 || c > 0x7e;
    const FRAGMENT = (c) => C0(c) || ' "<>`'.includes(String.fromCharCode(c));
    const QUERY = (c) => C0(c) || ' "#<>'.includes(String.fromCharCode(c));
    const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
    const PATH = (c) => QUERY(c) || '?^`{}'.includes(String.fromCharCode(c));
    const USERINFO = (c) => PATH(c) || '/:;=@[\\]|'.includes(String.fromCharCode(c));
    const FORM = (c) => !(c >= 0x30 && c <= 0x39 || c >= 0x41 && c <= 0x5a || c >= 0x61 && c <= 0x7a ||
        '*-._'.includes(String.fromCharCode(c)));

    function encodeSet(s, inSet, spaceAsPlus) {
        let out = '';
        for (const ch of s) {
            const c = ch.codePointAt(0);
            if (spaceAsPlus && c === 0x20) {
                out += '+';
            } else if (c < 0x80 && !inSet(c)) {
                out += ch;
            } else {
                for (const b of native.utf8Encode(ch))
                    out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
            }
        }
        return out;
    }

    function percentDecode(s) {
        const bytes = native.utf8Encode(s);
        const out = [];
        const hex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
        for (let i = 0; i < bytes.length; i++) {
            if (bytes[i] === 0x25 && i + 2 < bytes.length + 0 && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
                out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
                i += 2;
            } else {
                out.push(bytes[i]);
            }
        }
        return native.utf8Decode(new Uint8Array(out), false, true);
    }

    // Removes "." and ".." segments (also their %2e forms), as the URL Standard's path state does.
    function normalizePath(path, special) {
        const segs = path.split('/');
        const out = [];
        const single = (s) => s === '.' || s.toLowerCase() === '%2e';
        const double = (s) => ['..', '.%2e', '%2e.', '%2e%2e'].includes(s.toLowerCase());
        for (let i = 1; i < segs.length; i++) {
            const s = segs[i], last = i === segs.length - 1;
            if (double(s)) {
                if (out.length && !(special === 'file:' && out.length === 1 && /^[A-Za-z]:$/.test(out[0])))
                    out.pop();
                if (last)
                    out.push('');
            } else if (single(s)) {
                if (last)
                    out.push('');
            } else {
                out.push(s);
            }
        }
        return '/' + out.join('/');
    }

    function failURL(input, base) {
        const e = new TypeError(`Invalid URL: ${input}${base !== undefined ? ` (base: ${base})` : ''}`);
        e.code = 'ERR_INVALID_URL';
        return e;
    }

    function parseHost(host, special, input, base) {
        if (host === '')
            return '';
        if (host.startsWith('['))
            return host.toLowerCase();
        if (!special)
            return encodeSet(host, C0);
        const h = percentDecode(host).toLowerCase();
        if (/[\u0000\t\n\r #/:<>?@[\\\]^|%]/.test(h) || /[^\x00-\x7f]/.test(h))
            throw failURL(input, base);
        // An IPv4 address in any of its forms is written as four decimals.
        const parts = h.split('.');
        if (parts[parts.length - 1] === '' && parts.length > 1)
            parts.pop();
        const num = (p) => /^0x[0-9a-f]*$/.test(p) ? parseInt(p.slice(2) || '0', 16)
            : /^0[0-7]+$/.test(p) ? parseInt(p.slice(1), 8) : /^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : NaN;
        const last = parts[parts.length - 1];
        if (parts.length <= 4 && last !== undefined && !Number.isNaN(num(last))) {
            const nums = parts.map(num);
            if (nums.some(Number.isNaN))
                throw failURL(input, base);
            let ip = nums[nums.length - 1];
            if (nums.slice(0, -1).some((n) => n > 255) || ip >= 256 ** (5 - nums.length))
                throw failURL(input, base);
            nums.slice(0, -1).forEach((n, i) => { ip += n * 256 ** (3 - i); });
            return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
        }
        return h;
    }

    // The record of a URL: scheme (with ':'), username, password, host (null when none), port, path, query, fragment.
    function parseURL(input, base) {
        let s = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
        const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
        let scheme = m ? m[1].toLowerCase() + ':' : null;
        let baseRec = null;
        if (base !== undefined) {
            baseRec = base instanceof URL ? base._rec : parseURL(base);
            if (!baseRec)
                return null;
        }
        if (!scheme) {
            if (!baseRec)
                return null;
            if (baseRec.opaque) {
                if (!s.startsWith('#'))
                    return null;
                return { ...baseRec, fragment: encodeSet(s.slice(1), FRAGMENT) };
            }
            scheme = baseRec.scheme;
        } else if (baseRec && scheme === baseRec.scheme && scheme in SPECIAL && !/^[^:]*:[/\\]/.test(s)) {
            s = s.slice(scheme.length); // "http:foo" relative to an http base
        } else {
            baseRec = scheme === (baseRec && baseRec.scheme) ? baseRec : null;
            if (!(scheme in SPECIAL) || /^[^:]*:[/\\]/.test(s) || !baseRec)
                baseRec = m ? null : baseRec;
        }
        const special = scheme in SPECIAL;
        if (special)
            s = s.replace(/\\/g, '/');
        if (m && !baseRec)
            s = s.slice(m[0].length);
        // Split off the fragment and the query first: they take their own encodings.
        let fragment = null, query = null;
        const hash = s.indexOf('#');
        if (hash >= 0) {
            fragment = encodeSet(s.slice(hash + 1), FRAGMENT);
            s = s.slice(0, hash);
        }
        const q = s.indexOf('?');
        if (q >= 0) {
            query = encodeSet(s.slice(q + 1), special ? SPECIAL_QUERY : QUERY);
            s = s.slice(0, q);
        }
        let username = '', password = '', host = null, port = null, path;
        let opaque = false;
        if (special && scheme !== 'file:' && !baseRec) {
            s = '//' + s.replace(/^\/*/, '');
        } else if (scheme === 'file:' && !baseRec) {
            s = s.startsWith('//') ? s : '//' + (s.startsWith('/') ? '' : '/') + s;
        }
        if (s.startsWith('//')) {
            let rest = s.slice(2);
            const end = rest.search(/\//);
            let auth = end >= 0 ? rest.slice(0, end) : rest;
            rest = end >= 0 ? rest.slice(end) : '';
            const at = auth.lastIndexOf('@');
            if (at >= 0) {
                const info = auth.slice(0, at);
                auth = auth.slice(at + 1);
                const colon = info.indexOf(':');
                username = encodeSet(colon >= 0 ? info.slice(0, colon) : info, USERINFO);
                password = colon >= 0 ? encodeSet(info.slice(colon + 1), USERINFO) : '';
                if (auth === '' && special)
                    throw failURL(input, base);
            }
            let hostPart = auth, portPart = '';
            const colon = auth.startsWith('[') ? auth.indexOf(':', auth.indexOf(']')) : auth.lastIndexOf(':');
            if (colon >= 0) {
                hostPart = auth.slice(0, colon);
                portPart = auth.slice(colon + 1);
                if (!/^[0-9]*$/.test(portPart) || Number(portPart) > 65535)
                    throw failURL(input, base);
            }
            if (special && scheme !== 'file:' && hostPart === '')
                throw failURL(input, base);
            host = parseHost(hostPart, special, input, base);
            if (scheme === 'file:' && host === 'localhost')
                host = '';
            port = portPart === '' || Number(portPart) === SPECIAL[scheme] ? null : Number(portPart);
            path = rest;
            if (scheme === 'file:' && (username || password || port !== null))
                throw failURL(input, base);
        } else if (baseRec) {
            ({ username, password, host, port } = baseRec);
            if (s === '') {
                path = baseRec.path;
                if (query === null)
                    query = baseRec.query;
            } else if (s.startsWith('/')) {
                path = s;
            } else {
                path = baseRec.path.replace(/[^/]*$/, '') + s;
            }
        } else if (s.startsWith('/')) {
            path = s;
        } else {
            opaque = true;
            path = encodeSet(s, C0);
        }
        // GLib's GUri checks what is left to check of the syntax of the whole.
        const checked = native.uriParse(scheme + (host !== null ? '//' + (host.startsWith('[') ? host : 'h') : '') +
            encodeSet(opaque ? path : path || '/', PATH).replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
        if (typeof checked === 'string')
            throw failURL(input, base);
        if (!opaque) {
            path = encodeSet(path, PATH);
            if (special || host !== null || path.startsWith('/'))
                path = normalizePath(path || '/', scheme);
            if (special && path === '')
                path = '/';
        }
        return { scheme, username, password, host, port, path, query, fragment, opaque, special };
    }

    function serialize(r, excludeFragment) {
        let out = r.scheme;
        if (r.host !== null) {
            out += '//';
            if (r.username || r.password)
                out += r.username + (r.password ? ':' + r.password : '') + '@';
            out += r.host + (r.port !== null ? ':' + r.port : '');
        } else if (!r.opaque && r.path.startsWith('//')) {
            out += '/.';
        }
        out += r.path;
        if (r.query !== null)
            out += '?' + r.query;
        if (!excludeFragment && r.fragment !== null)
            out += '#' + r.fragment;
        return out;
    }

    const urlRecords = new WeakMap();

    class URL {
        constructor(url, base) {
            if (arguments.length === 0)
                throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
            const rec = parseURL(String(url), base === undefined ? undefined : base instanceof URL ? base : String(base));
            if (!rec)
                throw failURL(url, base);
            urlRecords.set(this, rec);
            this._params = null;
        }
        get _rec() {
            return urlRecords.get(this);
        }
        static canParse(url, base) {
            try {
                new URL(url, base);
                return true;
            } catch {
                return false;
            }
        }
        static parse(url, base) {
            try {
                return new URL(url, base);
            } catch {
                return null;
            }
        }
        get href() { return serialize(this._rec); }
        set href(v) {
            const rec = parseURL(String(v));
            if (!rec)
                throw failURL(v);
            urlRecords.set(this, rec);
            if (this._params)
                this._params._reset(rec.query || '');
        }
        get origin() {
            const r = this._rec;
            if (r.scheme === 'blob:') {
                try {
                    return new URL(r.path).origin;
                } catch {
                    return 'null';
                }
            }
            return r.special && r.scheme !== 'file:' ? `${r.scheme}//${r.host}${r.port !== null ? ':' + r.port : ''}` : 'null';
        }
        get protocol() { return this._rec.scheme; }
        set protocol(v) {
            const s = String(v).replace(/:.*$/, '').toLowerCase() + ':';
            const r = this._rec;
            if (!/^[a-z][a-z0-9+.-]*:$/.test(s) || (s in SPECIAL) !== r.special ||
                (s === 'file:' && (r.username || r.password || r.port !== null)))
                return;
            r.scheme = s;
            if (r.port === SPECIAL[s])
                r.port = null;
        }
        get username() { return this._rec.username; }
        set username(v) {
            const r = this._rec;
            if (r.host && r.scheme !== 'file:')
                r.username = encodeSet(String(v), USERINFO);
        }
        get password() { return this._rec.password; }
        set password(v) {
            const r = this._rec;
            if (r.host && r.scheme !== 'file:')
                r.password = encodeSet(String(v), USERINFO);
        }
        get host() {
            const r = this._rec;
            return r.host === null ? '' : r.host + (r.port !== null ? ':' + r.port : '');
        }
        set host(v) {
            const r = this._rec;
            if (r.opaque)
                return;
            const t = parseURL(`${r.scheme}//${String(v)}`);
            if (t && t.host) {
                r.host = t.host;
                if (/:[0-9]/.test(String(v)))
                    r.port = t.port;
            }
        }
        get hostname() { return this._rec.host === null ? '' : this._rec.host; }
        set hostname(v) {
            const r = this._rec;
            if (r.opaque)
                return;
            const t = parseURL(`${r.scheme}//${String(v).replace(/:.*/, '')}`);
            if (t && t.host !== null)
                r.host = t.host;
        }
        get port() { return this._rec.port === null ? '' : String(this._rec.port); }
        set port(v) {
            const r = this._rec;
            if (r.host === null || r.host === '' || r.scheme === 'file:')
                return;
            const d = /^[0-9]*/.exec(String(v))[0];
            if (d === '' && String(v) !== '')
                return;
            if (d === '')
                r.port = null;
            else if (Number(d) <= 65535)
                r.port = Number(d) === SPECIAL[r.scheme] ? null : Number(d);
        }
        get pathname() { return this._rec.path; }
        set pathname(v) {
            const r = this._rec;
            if (r.opaque)
                return;
            let p = String(v);
            if (r.special)
                p = p.replace(/\\/g, '/');
            if (!p.startsWith('/') && (r.special || r.host !== null))
                p = '/' + p;
            r.path = normalizePath(encodeSet(p, PATH), r.scheme);
        }
        get search() {
            const q = this._rec.query;
            return q === null || q === '' ? '' : '?' + q;
        }
        set search(v) {
            const r = this._rec;
            let s = String(v);
            if (s.startsWith('?'))
                s = s.slice(1);
            r.query = String(v) === '' ? null : encodeSet(s, r.special ? SPECIAL_QUERY : QUERY);
            if (this._params)
                this._params._reset(r.query || '');
        }
        get searchParams() {
            if (!this._params) {
                this._params = new URLSearchParams(this._rec.query || '');
                this._params._url = this;
            }
            return this._params;
        }
        get hash() {
            const f = this._rec.fragment;
            return f === null || f === '' ? '' : '#' + f;
        }
        set hash(v) {
            let s = String(v);
            if (s.startsWith('#'))
                s = s.slice(1);
            this._rec.fragment = String(v) === '' ? null : encodeSet(s, FRAGMENT);
        }
        toString() { return this.href; }
        toJSON() { return this.href; }
    }
    for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port',
        'pathname', 'search', 'searchParams', 'hash'])
        Object.defineProperty(URL.prototype, k, { enumerable: true });

    function formDecode(s) {
        return percentDecode(s.replace(/\+/g, ' '));
    }

    class URLSearchParams {
        #list = [];
        constructor(init = '') {
            this._url = null;
            if (init instanceof URLSearchParams) {
                this.#list = init.#list.map(([k, v]) => [k, v]);
            } else if (typeof init === 'object' && init !== null) {
                if (typeof init[Symbol.iterator] === 'function') {
                    for (const pair of init) {
                        const p = [...pair];
                        if (p.length !== 2)
                            throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
                        this.#list.push([toUSV(p[0]), toUSV(p[1])]);
                    }
                } else {
                    for (const k of Object.keys(init))
                        this.#list.push([toUSV(k), toUSV(init[k])]);
                }
            } else {
                this._reset(String(init).replace(/^\?/, ''));
            }
        }
        _reset(query) {
            this.#list = [];
            for (const part of query.split('&')) {
                if (part === '')
                    continue;
                const eq = part.indexOf('=');
                this.#list.push(eq >= 0 ? [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]
                    : [formDecode(part), '']);
            }
        }
        #update() {
            if (this._url) {
                const s = this.toString();
                this._url._rec.query = s === '' ? null : s;
            }
        }
        get size() { return this.#list.length; }
        append(name, value) {
            this.#list.push([toUSV(name), toUSV(value)]);
            this.#update();
        }
        delete(name, value) {
            name = toUSV(name);
            this.#list = this.#list.filter(([k, v]) => !(k === name && (value === undefined || v === toUSV(value))));
            this.#update();
        }
        get(name) {
            const e = this.#list.find(([k]) => k === toUSV(name));
            return e ? e[1] : null;
        }
        getAll(name) {
            return this.#list.filter(([k]) => k === toUSV(name)).map(([, v]) => v);
        }
        has(name, value) {
            name = toUSV(name);
            return this.#list.some(([k, v]) => k === name && (value === undefined || v === toUSV(value)));
        }
        set(name, value) {
            name = toUSV(name);
            value = toUSV(value);
            const i = this.#list.findIndex(([k]) => k === name);
            if (i < 0) {
                this.#list.push([name, value]);
            } else {
                this.#list[i][1] = value;
                this.#list = this.#list.filter(([k], j) => j <= i || k !== name);
            }
            this.#update();
        }
        sort() {
            // Stable, by UTF-16 code units.
            this.#list = this.#list.map((e, i) => [e, i])
                .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([e]) => e);
            this.#update();
        }
        forEach(fn, thisArg) {
            for (const [k, v] of this.#list)
                fn.call(thisArg, v, k, this);
        }
        keys() { return this.#list.map(([k]) => k)[Symbol.iterator](); }
        values() { return this.#list.map(([, v]) => v)[Symbol.iterator](); }
        entries() { return this.#list.map(([k, v]) => [k, v])[Symbol.iterator](); }
        [Symbol.iterator]() { return this.entries(); }
        toString() {
            return this.#list.map(([k, v]) => encodeSet(k, FORM, true) + '=' + encodeSet(v, FORM, true)).join('&');
        }
    }

    const toUSV = (v) => {
        const s = String(v);
        return typeof s.toWellFormed === 'function' ? s.toWellFormed() : s;
    };

    // ---- Blob, File, FormData

    function blobPart(p) {
        if (p instanceof Blob)
            return p._bytes;
        if (isView(p))
            return toBytes(p, 'Blob').slice();
        return native.utf8Encode(toUSV(p));
    }

    class Blob {
        #bytes;
        #type;
        constructor(parts = [], options = {}) {
            if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function')
                throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
            const chunks = Array.from(parts, blobPart);
            const n = chunks.reduce((a, c) => a + c.length, 0);
            this.#bytes = new Uint8Array(n);
            let at = 0;
            for (const c of chunks) {
                this.#bytes.set(c, at);
                at += c.length;
            }
            const t = options && options.type !== undefined ? String(options.type) : '';
            this.#type = /^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : '';
        }
        get _bytes() { return this.#bytes; }
        get size() { return this.#bytes.length; }
        get type() { return this.#type; }
        slice(start = 0, end = this.size, type = '') {
            const rel = (x) => (x < 0 ? Math.max(this.size + x, 0) : Math.min(x, this.size));
            const b = new Blob([], { type });
            b.#bytes = this.#bytes.slice(rel(start), Math.max(rel(start), rel(end)));
            return b;
        }
        async arrayBuffer() { return this.#bytes.slice().buffer; }
        async bytes() { return this.#bytes.slice(); }
        async text() { return native.utf8Decode(this.#bytes, false, false); }
        stream() {
            const bytes = this.#bytes.slice();
            return new ReadableStream({
                start(c) {
                    if (bytes.length)
                        c.enqueue(bytes);
                    c.close();
                },
            });
        }
        get [Symbol.toStringTag]() { return 'Blob'; }
    }

    class File extends Blob {
        #name;
        #lastModified;
        constructor(parts, name, options = {}) {
            if (arguments.length < 2)
                throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
            super(parts, options);
            this.#name = toUSV(name);
            this.#lastModified = options && options.lastModified !== undefined ? Number(options.lastModified) : Date.now();
        }
        get name() { return this.#name; }
        get lastModified() { return this.#lastModified; }
        get [Symbol.toStringTag]() { return 'File'; }
    }

    class FormData {
        #list = [];
        constructor(form) {
            if (form !== undefined)
                throw new TypeError("Failed to construct 'FormData': there is no form element here");
        }
        #entry(name, value, filename) {
            name = toUSV(name);
            if (value instanceof Blob) {
                if (!(value instanceof File) || filename !== undefined)
                    value = new File([value], filename !== undefined ? filename : value instanceof File ? value.name : 'blob',
                        { type: value.type, lastModified: value.lastModified });
                return [name, value];
            }
            return [name, toUSV(value)];
        }
        append(name, value, filename) { this.#list.push(this.#entry(name, value, filename)); }
        delete(name) { this.#list = this.#list.filter(([k]) => k !== toUSV(name)); }
        get(name) {
            const e = this.#list.find(([k]) => k === toUSV(name));
            return e ? e[1] : null;
        }
        getAll(name) { return this.#list.filter(([k]) => k === toUSV(name)).map(([, v]) => v); }
        has(name) { return this.#list.some(([k]) => k === toUSV(name)); }
        set(name, value, filename) {
            const e = this.#entry(name, value, filename);
            const i = this.#list.findIndex(([k]) => k === e[0]);
            if (i < 0)
                this.#list.push(e);
            else
                this.#list = this.#list.filter(([k], j) => j <= i || k !== e[0]).map((x, j) => (j === i ? e : x));
        }
        forEach(fn, thisArg) {
            for (const [k, v] of this.#list)
                fn.call(thisArg, v, k, this);
        }
        keys() { return this.#list.map(([k]) => k)[Symbol.iterator](); }
        values() { return this.#list.map(([, v]) => v)[Symbol.iterator](); }
        entries() { return this.#list.map(([k, v]) => [k, v])[Symbol.iterator](); }
        [Symbol.iterator]() { return this.entries(); }
        get [Symbol.toStringTag]() { return 'FormData'; }
    }

    // ---- ReadableStream (a default reader over enqueued chunks: enough for Response.body)

    class ReadableStream {
        #queue = [];
        #closed = false;
        #error = null;
        #waiting = [];
        #locked = false;
        constructor(source = {}) {
            const controller = {
                enqueue: (chunk) => {
                    if (this.#closed)
                        throw new TypeError('Invalid state: Controller is already closed');
                    const w = this.#waiting.shift();
                    if (w)
                        w.resolve({ value: chunk, done: false });
                    else
                        this.#queue.push(chunk);
                },
                close: () => {
                    this.#closed = true;
                    this.#settle();
                },
                error: (e) => {
                    this.#error = { e };
                    this.#queue = [];
                    this.#settle();
                },
                get desiredSize() { return 1; },
            };
            this._pull = typeof source.pull === 'function' ? () => source.pull(controller) : null;
            this._cancel = typeof source.cancel === 'function' ? (r) => source.cancel(r) : null;
            if (typeof source.start === 'function') {
                try {
                    const r = source.start(controller);
                    if (r && typeof r.then === 'function')
                        r.then(null, controller.error);
                } catch (e) {
                    controller.error(e);
                }
            }
        }
        #settle() {
            while (this.#waiting.length && !this.#queue.length) {
                const w = this.#waiting.shift();
                if (this.#error)
                    w.reject(this.#error.e);
                else
                    w.resolve({ value: undefined, done: true });
            }
        }
        _read() {
            if (this.#queue.length)
                return Promise.resolve({ value: this.#queue.shift(), done: false });
            if (this.#error)
                return Promise.reject(this.#error.e);
            if (this.#closed)
                return Promise.resolve({ value: undefined, done: true });
            const p = new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
            if (this._pull)
                Promise.resolve().then(this._pull);
            return p;
        }
        get locked() { return this.#locked; }
        getReader() {
            if (this.#locked)
                throw new TypeError('ReadableStreamDefaultReader constructor can only accept readable streams that are not yet locked to a reader');
            this.#locked = true;
            const stream = this;
            let released = false;
            return {
                read: () => (released ? Promise.reject(new TypeError('Reader was released')) : stream._read()),
                releaseLock: () => {
                    released = true;
                    stream.#locked = false;
                },
                cancel: (reason) => stream.cancel(reason),
                get closed() {
                    return stream.#closed ? Promise.resolve() : new Promise(() => {});
                },
            };
        }
        async cancel(reason) {
            this.#queue = [];
            this.#closed = true;
            this.#settle();
            if (this._cancel)
                await this._cancel(reason);
        }
        async *[Symbol.asyncIterator]() {
            const reader = this.getReader();
            try {
                for (;;) {
                    const { value, done } = await reader.read();
                    if (done)
                        return;
                    yield value;
                }
            } finally {
                reader.releaseLock();
            }
        }
    }

    async function readAll(stream) {
        const chunks = [];
        for await (const c of stream)
            chunks.push(toBytes(c, 'ReadableStream'));
        return new Blob(chunks)._bytes;
    }

    // ---- Headers, Request, Response, fetch (the Fetch Standard's objects; no network here)

    const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
    const normalizeValue = (v) => String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');

    class Headers {
        #map = new Map(); // lower-case name -> [values]
        constructor(init) {
            if (init === undefined || init === null)
                return;
            if (init instanceof Headers) {
                for (const [k, v] of init.#map)
                    this.#map.set(k, v.slice());
            } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
                for (const pair of init) {
                    const p = [...pair];
                    if (p.length !== 2)
                        throw new TypeError("Failed to construct 'Headers': Invalid value");
                    this.append(p[0], p[1]);
                }
            } else if (typeof init === 'object') {
                for (const k of Object.keys(init))
                    this.append(k, init[k]);
            } else {
                throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
            }
        }
        static #check(name, value) {
            if (!TOKEN.test(name))
                throw new TypeError(`Headers: invalid header name "${name}"`);
            if (/[\0\n\r]/.test(value) || /[^\x00-\xff]/.test(value))
                throw new TypeError(`Headers: invalid value for header "${name}"`);
        }
        append(name, value) {
            name = String(name);
            value = normalizeValue(value);
            Headers.#check(name, value);
            const k = name.toLowerCase();
            if (!this.#map.has(k))
                this.#map.set(k, []);
            this.#map.get(k).push(value);
        }
        set(name, value) {
            name = String(name);
            value = normalizeValue(value);
            Headers.#check(name, value);
            this.#map.set(name.toLowerCase(), [value]);
        }
        get(name) {
            const v = this.#map.get(String(name).toLowerCase());
            return v ? v.join(', ') : null;
        }
        getSetCookie() { return (this.#map.get('set-cookie') || []).slice(); }
        has(name) { return this.#map.has(String(name).toLowerCase()); }
        delete(name) { this.#map.delete(String(name).toLowerCase()); }
        forEach(fn, thisArg) {
            for (const [k, v] of this.entries())
                fn.call(thisArg, v, k, this);
        }
        *entries() {
            for (const k of [...this.#map.keys()].sort()) {
                if (k === 'set-cookie')
                    for (const v of this.#map.get(k))
                        yield [k, v];
                else
                    yield [k, this.#map.get(k).join(', ')];
            }
        }
        *keys() {
            for (const [k] of this.entries())
                yield k;
        }
        *values() {
            for (const [, v] of this.entries())
                yield v;
        }
        [Symbol.iterator]() { return this.entries(); }
        get [Symbol.toStringTag]() { return 'Headers'; }
    }

    // A body as the Fetch Standard extracts it: bytes and the Content-Type it implies.
    function extractBody(body) {
        if (body === null || body === undefined)
            return { bytes: null, type: null };
        if (typeof body === 'string')
            return { bytes: native.utf8Encode(body), type: 'text/plain;charset=UTF-8' };
        if (body instanceof URLSearchParams)
            return { bytes: native.utf8Encode(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
        if (body instanceof Blob)
            return { bytes: body._bytes.slice(), type: body.type || null };
        if (isView(body))
            return { bytes: toBytes(body, 'body').slice(), type: null };
        if (body instanceof FormData) {
            const boundary = '----moatformdata' + crypto.randomUUID().replace(/-/g, '');
            const parts = [];
            const esc = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
            for (const [k, v] of body) {
                if (typeof v === 'string') {
                    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${esc(k)}"\r\n\r\n${v.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n')}\r\n`);
                } else {
                    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${esc(k)}"; filename="${esc(v.name)}"\r\nContent-Type: ${v.type || 'application/octet-stream'}\r\n\r\n`, v, '\r\n');
                }
            }
            parts.push(`--${boundary}--\r\n`);
            return { bytes: new Blob(parts)._bytes, type: `multipart/form-data; boundary=${boundary}` };
        }
        if (body instanceof ReadableStream)
            return { stream: body, bytes: null, type: null };
        return { bytes: native.utf8Encode(String(body)), type: 'text/plain;charset=UTF-8' };
    }

    // What Request and Response share: a body read once.
    class Body {
        _initBody(body, headers) {
            const b = extractBody(body);
            this._bytes = b.bytes;
            this._stream = b.stream || null;
            this._used = false;
            if (b.type && !headers.has('content-type'))
                headers.set('content-type', b.type);
        }
        get body() {
            if (!this._stream && this._bytes !== null) {
                const bytes = this._bytes;
                this._stream = new ReadableStream({
                    start(c) {
                        if (bytes.length)
                            c.enqueue(bytes.slice());
                        c.close();
                    },
                });
            }
            return this._stream;
        }
        get bodyUsed() { return this._used; }
        async _consume() {
            if (this._used)
                throw new TypeError('Body is unusable: Body has already been read');
            this._used = true;
            if (this._stream && (this._bytes === null || this._stream.locked))
                return readAll(this._stream);
            return this._bytes === null ? new Uint8Array(0) : this._bytes;
        }
        async arrayBuffer() { return (await this._consume()).slice().buffer; }
        async bytes() { return (await this._consume()).slice(); }
        async text() { return native.utf8Decode(await this._consume(), false, false); }
        async json() { return JSON.parse(await this.text()); }
        async blob() {
            return new Blob([await this._consume()], { type: this.headers.get('content-type') || '' });
        }
        async formData() {
            const type = this.headers.get('content-type') || '';
            if (type.startsWith('application/x-www-form-urlencoded')) {
                const fd = new FormData();
                for (const [k, v] of new URLSearchParams(await this.text()))
                    fd.append(k, v);
                return fd;
            }
            throw new TypeError('Could not parse content as FormData.');
        }
    }

    const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

    class Request extends Body {
        constructor(input, init = {}) {
            super();
            const from = input instanceof Request ? input : null;
            this._url = from ? from.url : new URL(String(input)).href;
            let method = init.method !== undefined ? String(init.method) : from ? from.method : 'GET';
            if (!TOKEN.test(method))
                throw new TypeError(`'${method}' is not a valid HTTP method.`);
            if (METHODS.includes(method.toUpperCase()))
                method = method.toUpperCase();
            if (['CONNECT', 'TRACE', 'TRACK'].includes(method.toUpperCase()))
                throw new TypeError(`'${method}' HTTP method is unsupported.`);
            this._method = method;
            this.headers = new Headers(init.headers !== undefined ? init.headers : from ? from.headers : undefined);
            const body = init.body !== undefined ? init.body : from ? from._bytes : null;
            if (body !== null && body !== undefined && (method === 'GET' || method === 'HEAD'))
                throw new TypeError('Request with GET/HEAD method cannot have body.');
            this._initBody(body, this.headers);
            this.signal = init.signal || (from && from.signal) || new AbortController().signal;
            this.redirect = init.redirect || (from ? from.redirect : 'follow');
            this.credentials = init.credentials || (from ? from.credentials : 'same-origin');
            this.mode = init.mode || (from ? from.mode : 'cors');
            this.cache = init.cache || (from ? from.cache : 'default');
            this.referrer = 'about:client';
            this.integrity = init.integrity || '';
            this.keepalive = Boolean(init.keepalive);
        }
        get url() { return this._url; }
        get method() { return this._method; }
        clone() {
            if (this._used)
                throw new TypeError('Request.clone: Body has already been consumed.');
            return new Request(this);
        }
        get [Symbol.toStringTag]() { return 'Request'; }
    }

    class Response extends Body {
        constructor(body = null, init = {}) {
            super();
            const status = init.status !== undefined ? Number(init.status) : 200;
            if (!Number.isInteger(status) || status < 200 || status > 599)
                throw new RangeError(`Failed to construct 'Response': The status provided (${init.status}) is outside the range [200, 599].`);
            if (body !== null && [101, 204, 205, 304].includes(status))
                throw new TypeError("Failed to construct 'Response': Response with null body status cannot have body");
            this._status = status;
            this._statusText = init.statusText !== undefined ? String(init.statusText) : '';
            this.headers = new Headers(init.headers);
            this._initBody(body, this.headers);
            this._type = 'default';
            this._url = '';
            this.redirected = false;
        }
        get status() { return this._status; }
        get ok() { return this._status >= 200 && this._status <= 299; }
        get statusText() { return this._statusText; }
        get type() { return this._type; }
        get url() { return this._url; }
        clone() {
            if (this._used)
                throw new TypeError('Response.clone: Body has already been consumed.');
            const r = new Response(this._bytes, { status: this._status, statusText: this._statusText, headers: this.headers });
            r._type = this._type;
            r._url = this._url;
            return r;
        }
        static error() {
            const r = new Response(null, { status: 200 });
            r._status = 0;
            r._type = 'error';
            return r;
        }
        static redirect(url, status = 302) {
            if (![301, 302, 303, 307, 308].includes(status))
                throw new RangeError(`Failed to execute 'redirect' on 'Response': Invalid status code`);
            return new Response(null, { status, headers: { location: new URL(String(url)).href } });
        }
        static json(data, init = {}) {
            const text = JSON.stringify(data);
            if (text === undefined)
                throw new TypeError('Value is not JSON serializable');
            const headers = new Headers(init.headers);
            if (!headers.has('content-type'))
                headers.set('content-type', 'application/json');
            return new Response(text, { ...init, headers });
        }
        get [Symbol.toStringTag]() { return 'Response'; }
    }

    // fetch is plugin-http's (the renderer has no socket): the core does the request, and
    // the http scope of the policy decides which URLs, as for @tauri-apps/plugin-http.
    // Its commands are invoked as that package invokes them; a failure is the MoatError
    // the core answered (code denied, failed, ...), an abort a DOMException AbortError.
    async function fetch(input, init = {}) {
        const req = new Request(input, init);
        const signal = req.signal;
        const abortError = () => new DOMException('The operation was aborted.', 'AbortError');
        const call = (cmd, args) => invokeTauri(`plugin:http|${cmd}`, args); // raw: MoatErrors
        if (signal.aborted)
            throw abortError();
        const data = await req.bytes();
        const clientConfig = { method: req.method, url: req.url, headers: [...req.headers],
            data: data.length ? data : null };
        if (req.redirect !== 'follow')
            clientConfig.maxRedirections = 0;
        const rid = await call('fetch', { clientConfig });
        const cancel = () => void call('fetch_cancel', { rid }).catch(() => {});
        signal.addEventListener('abort', cancel);
        let r;
        try {
            r = await call('fetch_send', { rid });
        } catch (e) {
            throw signal.aborted ? abortError() : e;
        }
        if (req.redirect === 'error' && [301, 302, 303, 307, 308].includes(r.status)) {
            void call('fetch_cancel_body', { rid: r.rid }).catch(() => {});
            throw new TypeError(`fetch(${req.url}): redirected, and redirect is "error"`);
        }
        let done = false;
        const drop = () => {
            if (!done)
                void call('fetch_cancel_body', { rid: r.rid }).catch(() => {});
            done = true;
        };
        const body = [101, 103, 204, 205, 304].includes(r.status) || req.method === 'HEAD' ? null : new ReadableStream({
            start(c) { signal.addEventListener('abort', () => { c.error(abortError()); drop(); }); },
            async pull(c) {
                let chunk;
                try {
                    chunk = toBytes(await call('fetch_read_body', { rid: r.rid }), 'fetch');
                } catch (e) {
                    done = true;
                    c.error(signal.aborted ? abortError() : e);
                    return;
                }
                // Each answer ends in a flag byte: 1 the end, 0 more to come.
                if (chunk[chunk.length - 1] === 1) {
                    done = true;
                    c.close();
                } else {
                    c.enqueue(chunk.slice(0, chunk.length - 1));
                }
            },
            cancel: drop,
        });
        if (!body)
            drop();
        const res = new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
        res._url = r.url;
        res.redirected = r.url !== req.url;
        res._type = 'basic';
        return res;
    }

    Object.assign(G, { self: G, globalThis: G });
    for (const [name, value] of Object.entries({
        DOMException, TextEncoder, TextDecoder, atob, btoa, crypto, performance, structuredClone,
        Event, CustomEvent, EventTarget, MessageChannel, MessagePort, URL, URLSearchParams,
        Blob, File, FormData, ReadableStream, Headers, Request, Response, fetch, reportError,
    }))
        define(name, value);
    Object.defineProperty(G, 'crypto', { value: crypto, enumerable: true, configurable: true });

    // ---- Tauri: raw invokes, errors as Tauri gives them, the path and os plugins' constants

    const tauri = internals.tauriInternals;
    const invokeTauri = tauri.invoke;

    // Tauri sends an ArrayBuffer, a typed array or a number[] as the raw body
    // (process-ipc-message-fn.js); here it crosses as {body: bin, headers: {name: value}}.
    function rawArgs(args, options) {
        const body = Array.isArray(args) ? Uint8Array.from(args) : toBytes(args, 'invoke');
        const headers = {};
        const h = options && options.headers;
        if (h) {
            const pairs = h instanceof Headers || Array.isArray(h) || typeof h[Symbol.iterator] === 'function'
                ? new Headers(h) : Object.entries(h);
            for (const [k, v] of pairs)
                headers[String(k).toLowerCase()] = String(v);
        }
        return { body, headers };
    }

    // Tauri's JSON replacer sends a Map as an object; so does this, at any depth.
    function mapsAsObjects(v, depth) {
        if (v === null || typeof v !== 'object' || depth > 32 || isView(v))
            return v;
        if (v instanceof Map)
            return Object.fromEntries([...v].map(([k, x]) => [String(k), mapsAsObjects(x, depth + 1)]));
        if (Array.isArray(v))
            return v.map((x) => mapsAsObjects(x, depth + 1));
        if (Object.getPrototypeOf(v) !== Object.prototype)
            return v;
        const out = {};
        for (const k of Object.keys(v))
            out[k] = mapsAsObjects(v[k], depth + 1);
        return out;
    }

    tauri.invoke = function invoke(cmd, args = {}, options) {
        const raw = (isView(args) || Array.isArray(args)) && !String(cmd).startsWith('plugin:event|');
        // A command answering bytes gives an ArrayBuffer already (convert.c), as Tauri's ipc::Response
        // does; Tauri rejects with the command's error value itself: a string, for Moat's errors.
        return invokeTauri(cmd, raw ? rawArgs(args, options) : mapsAsObjects(args, 0), options).catch(
            (e) => Promise.reject(e instanceof MoatError ? e.message : e));
    };
    tauri.plugins = Object.assign(tauri.plugins || {}, { path: Object.freeze({ sep: '/', delimiter: ':' }) });

    // What plugin-os's init script defines, with Rust's names (std::env::consts).
    const os = native.osInfo();
    Object.defineProperty(G, '__TAURI_OS_PLUGIN_INTERNALS__', {
        value: Object.freeze({ eol: '\n', os_type: 'linux', platform: 'linux', family: 'unix',
            version: os.version, arch: os.arch, exe_extension: '' }),
    });

    return { Blob, Headers, toBytes, isView };
})
