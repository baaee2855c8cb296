// SPDX-License-Identifier: MIT
// prelude.js: the bundle-facing runtime of the JS host. The host evaluates
// this file as one function expression and calls it with `native`, its C
// bindings; what it returns are the hooks the C event loop calls. Nothing here
// is trusted by the core: it only makes the protocol pleasant to use.
//
// Two faces, one implementation: `moat.*` and Tauri v2's
// `window.__TAURI_INTERNALS__` (what @tauri-apps/api talks to) share the
// invoke path, the callback registry, listeners and channels.
(function (native) {
    'use strict';

    const pending = new Map();   // request id -> {resolve, reject, cleanup}
    const callbacks = new Map(); // callback id -> function (Tauri's transformCallback)
    let refs = 0; // listeners and open channels keep the renderer alive, as Node's IPC channel does
    let nextCallback = 1;

    class MoatError extends Error {
        constructor(code, message) {
            super(message);
            this.name = 'MoatError';
            this.code = code;
        }
    }

    function formatError(e) {
        if (e instanceof Error) {
            let text = `${e.name}: ${e.message}`;
            if (e.stack)
                text += '\n' + e.stack.split('\n').map((l) => '    at ' + l).join('\n');
            return text;
        }
        return inspect(e, 0);
    }

    function inspect(v, depth) {
        if (typeof v === 'string')
            return depth === 0 ? v : JSON.stringify(v);
        if (v instanceof Error)
            return formatError(v);
        if (typeof v === 'function')
            return `[Function ${v.name || '(anonymous)'}]`;
        if (typeof v === 'bigint')
            return `${v}n`;
        if (typeof v !== 'object' || v === null)
            return String(v);
        if (depth > 4)
            return Array.isArray(v) ? '[Array]' : '[Object]';
        if (v instanceof Uint8Array)
            return `Uint8Array(${v.length})`;
        if (v instanceof ArrayBuffer)
            return `ArrayBuffer(${v.byteLength})`;
        if (Array.isArray(v))
            return '[' + v.map((x) => inspect(x, depth + 1)).join(', ') + ']';
        const keys = Object.keys(v);
        return '{' + keys.map((k) => `${k}: ${inspect(v[k], depth + 1)}`).join(', ') + '}';
    }

    function print(stream, args) {
        native.print(stream, Array.prototype.map.call(args, (a) => inspect(a, 0)).join(' '));
    }

    function fatal(prefix, e) {
        native.fatal(`${prefix} ${formatError(e)}`);
    }

    // ---- AbortController / AbortSignal (enough for fetch-style cancellation)

    class AbortSignal {
        #listeners = [];
        constructor() {
            this.aborted = false;
            this.reason = undefined;
            this.onabort = null;
        }
        addEventListener(type, fn) {
            if (type === 'abort' && typeof fn === 'function')
                this.#listeners.push(fn);
        }
        removeEventListener(type, fn) {
            this.#listeners = this.#listeners.filter((l) => l !== fn);
        }
        throwIfAborted() {
            if (this.aborted)
                throw this.reason;
        }
        _abort(reason) {
            if (this.aborted)
                return;
            this.aborted = true;
            this.reason = reason === undefined ? new MoatError('cancelled', 'aborted') : reason;
            const event = { type: 'abort', target: this };
            if (typeof this.onabort === 'function')
                this.onabort(event);
            for (const fn of this.#listeners.splice(0))
                fn(event);
        }
        static abort(reason) {
            const s = new AbortSignal();
            s._abort(reason);
            return s;
        }
        static timeout(ms) {
            const s = new AbortSignal();
            setTimeout(() => s._abort(new MoatError('timeout', 'signal timed out')), ms);
            return s;
        }
    }

    class AbortController {
        constructor() {
            this.signal = new AbortSignal();
        }
        abort(reason) {
            this.signal._abort(reason);
        }
    }

    // ---- invoke

    // Tauri's SERIALIZE_TO_IPC_FN: objects (a Channel, say) may say how they cross.
    const TO_IPC = '__TAURI_TO_IPC_KEY__';

    function toIpc(v, depth) {
        if (v === null || typeof v !== 'object' || depth > 32 || ArrayBuffer.isView(v) ||
            v instanceof ArrayBuffer)
            return v;
        if (typeof v[TO_IPC] === 'function')
            return v[TO_IPC]();
        if (Array.isArray(v))
            return v.map((x) => toIpc(x, depth + 1));
        if (Object.getPrototypeOf(v) !== Object.prototype)
            return typeof v.toJSON === 'function' ? v.toJSON() : v;
        const out = {};
        for (const k of Object.keys(v))
            out[k] = toIpc(v[k], depth + 1);
        return out;
    }

    // Listening goes through the core (so the policy gates it); the handler
    // callback is remembered here once the core has given the listener an id.
    function invoke(cmd, args, options) {
        const p = send(cmd, args, options);
        if (cmd !== 'plugin:event|listen')
            return p;
        return p.then((eventId) => {
            setListener(String(args.event), eventId, args.handler);
            return eventId;
        });
    }

    function send(cmd, args, options) {
        return new Promise((resolve, reject) => {
            const signal = options && options.signal;
            if (signal && signal.aborted)
                return reject(new MoatError(abortCode(signal), `${cmd} was aborted before it was sent`));
            let id;
            try {
                id = native.invoke(String(cmd), args === undefined ? null : toIpc(args, 0));
            } catch (e) {
                return reject(sendError(e)); // not sent: over the limit, or args that cannot cross
            }
            let cleanup = null;
            if (signal) {
                const onAbort = () => native.cancel(id);
                signal.addEventListener('abort', onAbort);
                cleanup = () => signal.removeEventListener('abort', onAbort);
            }
            pending.set(id, { resolve, reject, cleanup, signal });
        });
    }

    // AbortSignal.timeout() ends a call with `timeout`; any other abort with `cancelled`.
    function abortCode(signal) {
        return signal && signal.reason instanceof MoatError ? signal.reason.code : 'cancelled';
    }

    // native.invoke refuses with "limit_exceeded: …" (renderer/client.c) or a conversion TypeError.
    function sendError(e) {
        const m = /^limit_exceeded: ([^]*)$/.exec(e && e.message);
        const err = m ? new MoatError('limit_exceeded', m[1]) : new MoatError('invalid_args', String(e && e.message));
        err.cause = e;
        return err;
    }

    // ---- callbacks, listeners, channels (Tauri's model)

    function transformCallback(callback, once = false) {
        const id = nextCallback++;
        callbacks.set(id, (data) => {
            if (once)
                callbacks.delete(id);
            if (callback)
                return callback(data);
        });
        return id;
    }

    function runCallback(id, data) {
        const cb = callbacks.get(id);
        if (cb)
            cb(data);
    }

    const listeners = new Map(); // event name -> Map(listener id -> callback id)

    function setListener(event, eventId, handler) {
        if (!listeners.has(event))
            listeners.set(event, new Map());
        listeners.get(event).set(eventId, handler);
        native.setKeepAlive(++refs);
    }

    function unregisterListener(event, eventId) {
        const m = listeners.get(event);
        if (!m || !m.has(eventId))
            return;
        callbacks.delete(m.get(eventId));
        m.delete(eventId);
        if (m.size === 0)
            listeners.delete(event);
        native.setKeepAlive(--refs);
    }

    // Tauri's listen/emit run through invoke, so the policy gates them like any command.
    async function listen(event, handler, options) {
        if (typeof handler !== 'function')
            throw new MoatError('invalid_args', 'listen: handler must be a function');
        event = String(event);
        const target = options && options.target !== undefined ? options.target : { kind: 'Any' };
        const cb = transformCallback(handler);
        const eventId = await invoke('plugin:event|listen', { event, target, handler: cb });
        return async () => {
            unregisterListener(event, eventId);
            await invoke('plugin:event|unlisten', { event, eventId });
        };
    }

    // A stream from a core command (moat_call_channel): messages in order, then the end.
    class Channel {
        constructor(onmessage) {
            this.onmessage = onmessage || (() => {});
            this.onend = null;
            this.id = transformCallback((raw) => {
                if (!raw.end)
                    return this.onmessage(raw.message);
                callbacks.delete(this.id);
                native.setKeepAlive(--refs);
                if (typeof this.onend === 'function')
                    this.onend();
            });
            native.setKeepAlive(++refs);
        }
        [TO_IPC]() {
            return `__CHANNEL__:${this.id}`;
        }
        toJSON() {
            return this[TO_IPC]();
        }
    }

    const moat = Object.freeze({
        Channel,
        label: native.label,
        invoke,
        listen,
        async once(event, handler) {
            const unlisten = await listen(event, (e) => {
                unlisten();
                handler(e);
            });
            return unlisten;
        },
        emit: (event, payload) => invoke('plugin:event|emit', { event: String(event), payload }),
        emitTo: (target, event, payload) =>
            invoke('plugin:event|emit_to', { target, event: String(event), payload }),
        exit(code) {
            native.exit(code === undefined ? 0 : Number(code) | 0);
        },
    });

    // plugin-fs's writeFile/writeTextFile send the bytes as the raw body and
    // the path (encodeURIComponent'd) and options (JSON) as headers; here they
    // become the args map the fs commands take, {path, data, options}, so the
    // core and its scope check see the path as for any other command
    // (ipc/PROTOCOL.md). The body arrives raw (the webview page) or already
    // as web.js's {body, headers} (the JS host).
    const RAW_PATH_BODY = new Set(['plugin:fs|write_file', 'plugin:fs|write_text_file']);

    function pathBodyArgs(args, get) {
        const isBytes = (v) => ArrayBuffer.isView(v) || v instanceof ArrayBuffer || Array.isArray(v);
        let body = args, header = get;
        if (!isBytes(args)) {
            const h = args && args.headers;
            if (!args || !isBytes(args.body) || h === null || typeof h !== 'object')
                return args; // a regular args map ({path, data, options}): as it is
            body = args.body;
            header = (k) => (Object.prototype.hasOwnProperty.call(h, k.toLowerCase()) ? h[k.toLowerCase()] : null);
        }
        const path = header('path');
        const opts = header('options');
        let options;
        try {
            options = opts === null ? undefined : JSON.parse(opts);
        } catch (e) {
            options = undefined; // Tauri ignores options it cannot parse ("undefined")
        }
        let decoded = path;
        try {
            decoded = path === null ? undefined : decodeURIComponent(path);
        } catch (e) {
            decoded = path; // not valid percent-encoding: the core refuses it as it is
        }
        const data = body instanceof ArrayBuffer ? new Uint8Array(body)
            : Array.isArray(body) ? Uint8Array.from(body) : body;
        return options === undefined ? { path: decoded, data } : { path: decoded, data, options };
    }

    const label = native.label;
    const tauriInternals = {
        invoke(cmd, args = {}, options) {
            // emit2/emitTo2 name the event in headers and pass the payload as args.
            const h = options && options.headers;
            const get = (k) => (h && (typeof h.get === 'function' ? h.get(k) : h[k])) || null;
            const name = get('Tauri-Event-Name');
            if (name !== null && cmd === 'plugin:event|emit')
                args = { event: name, payload: args };
            else if (name !== null && cmd === 'plugin:event|emit_to')
                args = { event: name, payload: args, target: JSON.parse(get('Tauri-Event-Target')) };
            else if (RAW_PATH_BODY.has(cmd))
                args = pathBodyArgs(args, get);
            return invoke(cmd, args, options);
        },
        transformCallback,
        unregisterCallback: (id) => callbacks.delete(id),
        runCallback,
        callbacks,
        convertFileSrc: (path, protocol = 'asset') =>
            `${protocol}://localhost/${encodeURIComponent(path)}`,
        metadata: {
            currentWindow: { label },
            currentWebview: { windowLabel: label, label },
        },
    };

    // ---- timers and the rest of the global scope

    const console = Object.freeze({
        log: (...a) => print(1, a),
        info: (...a) => print(1, a),
        debug: (...a) => print(1, a),
        warn: (...a) => print(2, a),
        error: (...a) => print(2, a),
    });

    Object.assign(globalThis, {
        moat,
        console,
        isTauri: true,
        __TAURI_INTERNALS__: tauriInternals,
        __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener },
        // Timers are the host's own (renderer/host/timers.c), when it has them.
        ...(native.setTimeout && {
            setTimeout: native.setTimeout,
            setInterval: native.setInterval,
            clearTimeout: native.clearTimer,
            clearInterval: native.clearTimer,
        }),
    });

    // Web globals the scope lacks; a page (the webview host) keeps its own
    // `window` (read-only there), AbortController and queueMicrotask.
    const web = {
        window: globalThis,
        AbortController,
        AbortSignal,
        queueMicrotask(fn) {
            if (typeof fn !== 'function')
                throw new TypeError('queueMicrotask: callback must be a function');
            Promise.resolve().then(() => {
                try {
                    fn();
                } catch (e) {
                    fatal('Uncaught', e);
                }
            });
        },
    };
    for (const k of Object.keys(web))
        if (!(k in globalThis))
            globalThis[k] = web[k];

    // The Web globals and Tauri's raw invokes (renderer/host/web.js).
    if (native.web) native.web({ MoatError, invoke, tauriInternals, AbortSignal });

    // The hooks the C event loop calls. Exceptions thrown by bundle code in
    // them reach the host, which reports them and exits non-zero.
    return {
        response(id, ok, value, code, message) {
            const p = pending.get(id);
            if (!p)
                return;
            pending.delete(id);
            if (p.cleanup)
                p.cleanup();
            if (ok)
                p.resolve(value);
            else if (code === 'cancelled' && p.signal && p.signal.aborted)
                p.reject(new MoatError(abortCode(p.signal), message));
            else
                p.reject(new MoatError(code, message));
        },
        // sender: the label of the renderer that emitted it (absent: the core's own event).
        event(name, payload, sender) {
            const m = listeners.get(name);
            if (!m)
                return;
            for (const [eventId, cb] of [...m])
                if (m.has(eventId))
                    runCallback(cb, sender ? { event: name, id: eventId, payload, sender }
                                           : { event: name, id: eventId, payload });
        },
        // Channel frames, as Tauri's Channel expects them (index under both names).
        channel(id, index, end, value) {
            runCallback(id, end ? { id: index, index, end: true } : { id: index, index, message: value });
        },
        // The core is gone: nothing pending will ever be answered.
        lost(message) {
            for (const [id, p] of [...pending]) {
                pending.delete(id);
                p.reject(new MoatError('core_gone', message));
            }
        },
        rejection(promise, reason) {
            fatal('Unhandled promise rejection:', reason);
        },
        format: formatError,
    };
})
