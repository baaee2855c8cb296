// SPDX-License-Identifier: MIT
// Every request class the page has, towards the test's loopback listener
// (@PORT@ is put in by test_lockdown.sh). Each must fail; the listener is
// the judge of whether anything left.
const port = '@PORT@';
const http = `http://127.0.0.1:${port}`;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const event = (target, ok, bad, start) =>
    new Promise((resolve, reject) => {
        target[ok] = () => resolve(ok);
        target[bad] = () => reject(new Error(bad));
        start();
        setTimeout(() => reject(new Error('nothing happened')), 3000);
    });

const tries = {
    fetch: () => fetch(`${http}/fetch`).then((r) => r.text()),
    'fetch-no-cors': () => fetch(`${http}/no-cors`, { mode: 'no-cors' }).then((r) => r.type),
    'fetch-https': () => fetch(`https://127.0.0.1:${port}/https`).then((r) => r.text()),
    'fetch-file': () => fetch('file:///etc/passwd').then((r) => r.text()),
    'fetch-data-free-scheme': () => fetch(`ftp://127.0.0.1:${port}/ftp`).then((r) => r.text()),
    xhr: () => {
        const x = new XMLHttpRequest();
        return event(x, 'onload', 'onerror', () => {
            x.open('GET', `${http}/xhr`);
            x.send();
        });
    },
    websocket: () => new Promise((resolve, reject) => {
        const w = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        w.onopen = () => resolve('open');
        w.onerror = () => reject(new Error('websocket error'));
    }),
    img: () => {
        const i = new Image();
        return event(i, 'onload', 'onerror', () => (i.src = `${http}/img.png`));
    },
    'css-url': async () => {
        const d = document.createElement('div');
        d.style.cssText = `width:10px;height:10px;background-image:url(${http}/css-url.png)`;
        document.body.appendChild(d);
        await wait(500);
        throw new Error('(judged by the listener)');
    },
    'event-source': () => {
        const e = new EventSource(`${http}/es`);
        return event(e, 'onopen', 'onerror', () => {});
    },
    beacon: async () => {
        if (navigator.sendBeacon(`${http}/beacon`, 'x')) await wait(300);
        throw new Error('(judged by the listener)');
    },
    worker: () => new Promise((resolve, reject) => {
        const w = new Worker(`${http}/worker.js`);
        w.onerror = () => reject(new Error('worker error'));
        setTimeout(() => reject(new Error('no worker')), 1000);
    }),
    form: async () => {
        const f = document.createElement('form');
        f.action = `${http}/form`;
        f.method = 'POST';
        f.target = 'sink';
        document.body.appendChild(f);
        f.submit();
        await wait(500);
        throw new Error('(judged by the listener)');
    },
    'window-open': async () => {
        const w = window.open(`${http}/open`);
        if (w) return 'a window';
        throw new Error('window.open returned null');
    },
};

async function main() {
    for (const [name, t] of Object.entries(tries)) {
        try {
            const r = await t();
            console.log(`try ${name}: REACHED (${String(r).slice(0, 40)})`);
        } catch (e) {
            console.log(`try ${name}: refused (${e && e.message})`);
        }
    }
    // Last: navigating away. The page must stay.
    location.href = `${http}/navigate`;
    await wait(1000);
    console.log(`still at ${location.href}`);
    console.log('lockdown done');
}
main();
