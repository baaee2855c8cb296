// SPDX-License-Identifier: MIT
// The hostile-page suite (test_hostile.sh; @PORT@ is the test's loopback
// listener). "main" keeps secrets in every store a page has; "thief", another
// window of the same app, tries to read them, to leave the origin, to open
// windows and to reach files and other schemes. Each try prints
// "hostile NAME: refused (…)" or "hostile NAME: LEAKED …".
const label = window.__TAURI_INTERNALS__.metadata.currentWindow.label;
const http = 'http://127.0.0.1:@PORT@';
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const SECRET = 'moat-secret-4242';

function idb(write) {
    return new Promise((resolve, reject) => {
        const req = indexedDB.open('vault', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('s');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
            const tx = req.result.transaction('s', write ? 'readwrite' : 'readonly');
            const st = tx.objectStore('s');
            const r = write ? st.put(SECRET, 'k') : st.get('k');
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
        };
    });
}

async function victim() {
    localStorage.setItem('secret', SECRET);
    sessionStorage.setItem('secret', SECRET);
    document.cookie = `secret=${SECRET}; path=/`;
    await idb(true);
    const caches_ok = typeof caches !== 'undefined';
    if (caches_ok) await (await caches.open('vault')).put('/secret', new Response(SECRET)).catch(() => {});
    const bc = new BroadcastChannel('vault');
    setInterval(() => bc.postMessage(SECRET), 100);
    console.log(`victim: secrets stored (localStorage ${localStorage.getItem('secret') === SECRET})`);
    // Until the thief hears it: it may start listening after the first one.
    setInterval(() => moat.emit('victim-ready'), 300);
}

const leaked = (v) => typeof v === 'string' && (v.includes(SECRET) || v.includes('root:'));
async function attempt(name, fn) {
    try {
        const v = await fn();
        console.log(leaked(v) ? `hostile ${name}: LEAKED ${String(v).slice(0, 60)}` : `hostile ${name}: refused (got ${JSON.stringify(v === undefined ? null : v).slice(0, 60)})`);
    } catch (e) {
        console.log(`hostile ${name}: refused (${e && e.name ? e.name : e})`);
    }
}
const text = (url) => fetch(url).then((r) => r.text());
const frame = (src) => new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.src = src;
    document.body.appendChild(f);
    setTimeout(() => {
        let t = null;
        try { t = f.contentDocument ? f.contentDocument.documentElement.outerHTML : null; } catch (e) { t = null; }
        resolve(t);
    }, 800);
});

async function thief() {
    // Another window's data: every store the victim wrote.
    await attempt('localStorage', () => localStorage.getItem('secret'));
    await attempt('sessionStorage', () => sessionStorage.getItem('secret'));
    await attempt('cookie', () => document.cookie);
    await attempt('indexedDB', () => idb(false));
    await attempt('cache-storage', async () => (await (await caches.open('vault')).match('/secret'))?.text());
    await attempt('broadcast-channel', () => new Promise((resolve) => {
        const bc = new BroadcastChannel('vault');
        bc.onmessage = (e) => resolve(e.data);
        setTimeout(() => resolve(null), 1000);
    }));
    await attempt('window-open-named', () => {
        const w = window.open('tauri://localhost/', 'main');
        return w ? (w.localStorage ? w.localStorage.getItem('secret') : 'a window') : null;
    });
    await attempt('opener', () => (window.opener ? 'an opener' : null));
    // Files and other schemes.
    await attempt('fetch-file', () => text('file:///etc/passwd'));
    await attempt('iframe-file', () => frame('file:///etc/passwd'));
    await attempt('fetch-dotdot', () => text('tauri://localhost/../../../../../../etc/passwd'));
    await attempt('fetch-encoded-dotdot', () => text('tauri://localhost/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd'));
    await attempt('fetch-double-slash', () => text('tauri://localhost//etc/passwd'));
    await attempt('fetch-other-host', () => text('tauri://otherhost/index.html'));
    await attempt('fetch-asset', () => text('asset://localhost/etc/passwd'));
    await attempt('fetch-moat', () => text('moat://localhost/'));
    await attempt('iframe-http', () => frame(`${http}/iframe`));
    // Navigation away, in the top frame: refused, the page stays.
    for (const [n, url] of [['navigate-http', `${http}/nav`], ['navigate-file', 'file:///etc/passwd'],
        ['navigate-data', 'data:text/html,<p>away</p>'], ['navigate-about', 'about:blank']]) {
        await attempt(n, async () => {
            location.href = url;
            await wait(700);
            return location.href.startsWith('tauri://localhost/') ? null : `LEAKED: now at ${location.href}`;
        });
    }
    console.log(`still at ${location.href}`);
    console.log('hostile done');
}

if (label === 'main') await victim();
else {
    let started = false;
    await moat.listen('victim-ready', () => {
        if (!started) (started = true), thief();
    });
}
