// SPDX-License-Identifier: MIT
// The asset protocol (convertFileSrc): paths.json (written by test_asset.sh)
// names files inside the config's scope and outside it; each becomes an
// <img> at its own place, and a larger file comes back through fetch in
// several pieces. What loaded is printed; what failed is hidden, so the
// screenshot shows only what was served.
const { convertFileSrc } = window.__TAURI_INTERNALS__;
const paths = await (await fetch('paths.json')).json();

const load = (name, x) =>
    new Promise((resolve) => {
        const img = document.createElement('img');
        img.style.cssText = `position:absolute;left:${x}px;top:0;width:100px;height:100px`;
        img.onload = () => resolve(`${name}: loaded ${img.naturalWidth}x${img.naturalHeight}`);
        img.onerror = () => {
            img.style.display = 'none';
            resolve(`${name}: error`);
        };
        img.src = convertFileSrc(paths[name]);
        document.body.appendChild(img);
    });

console.log(`url: ${convertFileSrc(paths.inside)}`);
for (const [name, x] of [['inside', 0], ['outside', 120], ['escape', 240], ['denied', 360]])
    console.log(await load(name, x));

try {
    const r = await fetch(convertFileSrc(paths.big));
    const b = new Uint8Array(await r.arrayBuffer());
    let h = 0;
    for (const v of b) h = (Math.imul(h, 31) + v) >>> 0;
    console.log(`big: ${r.status} ${r.headers.get('content-type')} ${b.length} ${h}`);
} catch (e) {
    console.log(`big: error ${e}`);
}
// Ranges, as a <video> seeking asks for them: within the first piece, the
// last bytes, one that crosses the 1 MiB pieces, and one past the end.
for (const range of ['bytes=100-199', 'bytes=-10', 'bytes=2000000-', 'bytes=9999999-']) {
    try {
        const r = await fetch(convertFileSrc(paths.big), { headers: { Range: range } });
        const b = new Uint8Array(await r.arrayBuffer());
        let h = 0;
        for (const v of b) h = (Math.imul(h, 31) + v) >>> 0;
        console.log(`range ${range}: ${r.status} ${r.headers.get('content-range')} ${b.length} ${h}`);
    } catch (e) {
        console.log(`range ${range}: error ${e}`);
    }
}
requestAnimationFrame(() => requestAnimationFrame(() => console.log('painted')));
