// prelude.js: the bundle-facing runtime of the JS host. The host evaluates
// this file as one function expression and calls it with `native`, its C
// bindings; what it returns are the hooks the C event loop calls. Nothing here
// is trusted by the core: it only makes the protocol pleasant to use.
(function (native) {
    'use strict';

    const pending = new Map();   // request id -> {resolve, reject}
    const listeners = new Map(); // event name -> Map(listener id -> handler)
    const timers = new Map();    // timer id -> {fn, args, repeat}
    let nextListener = 1;
    let nextTimer = 1;

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

    function countListeners() {
        let n = 0;
        for (const m of listeners.values())
            n += m.size;
        native.setListenerCount(n);
    }

    function unlistenById(event, id) {
        const m = listeners.get(event);
        if (m && m.delete(id)) {
            if (m.size === 0)
                listeners.delete(event);
            countListeners();
        }
    }

    const moat = Object.freeze({
        label: native.label,
        invoke(cmd, args) {
            return new Promise((resolve, reject) => {
                const id = native.invoke(String(cmd), args === undefined ? null : args);
                pending.set(id, { resolve, reject });
            });
        },
        listen(event, handler) {
            if (typeof handler !== 'function')
                return Promise.reject(new TypeError('moat.listen: handler must be a function'));
            event = String(event);
            const id = nextListener++;
            if (!listeners.has(event))
                listeners.set(event, new Map());
            listeners.get(event).set(id, handler);
            countListeners();
            return Promise.resolve(() => unlistenById(event, id));
        },
        emit(event, payload) {
            try {
                native.emit(String(event), payload === undefined ? null : payload);
                return Promise.resolve();
            } catch (e) {
                return Promise.reject(e);
            }
        },
        exit(code) {
            native.exit(code === undefined ? 0 : Number(code) | 0);
        },
    });

    function addTimer(fn, ms, args, repeat) {
        if (typeof fn !== 'function')
            throw new TypeError('timer callback must be a function');
        const id = nextTimer++;
        timers.set(id, { fn, args, repeat });
        native.timerStart(id, Math.max(0, Number(ms) || 0), repeat);
        return id;
    }

    function clearTimer(id) {
        if (timers.delete(id))
            native.timerStop(id);
    }

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
        window: globalThis,
        setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
        setInterval: (fn, ms, ...args) => addTimer(fn, ms, args, true),
        clearTimeout: clearTimer,
        clearInterval: clearTimer,
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
    });

    // The hooks the C event loop calls. Exceptions thrown by bundle code in
    // them reach the host, which reports them and exits non-zero.
    return {
        response(id, ok, value, code, message) {
            const p = pending.get(id);
            if (!p)
                return;
            pending.delete(id);
            if (ok)
                p.resolve(value);
            else
                p.reject(new MoatError(code, message));
        },
        event(name, payload) {
            const m = listeners.get(name);
            if (!m)
                return;
            for (const [id, handler] of [...m]) {
                if (m.has(id))
                    handler({ event: name, id, payload });
            }
        },
        timer(id) {
            const t = timers.get(id);
            if (!t)
                return;
            if (!t.repeat)
                timers.delete(id);
            t.fn(...t.args);
        },
        rejection(promise, reason) {
            fatal('Unhandled promise rejection:', reason);
        },
        format: formatError,
    };
})
