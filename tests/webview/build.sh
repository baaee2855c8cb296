#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build.sh OUT_DIR: installs the pinned @tauri-apps/api and esbuild (npm) into
# OUT_DIR and builds app/src into OUT_DIR/dist: index.html, an ES module, CSS
# and a PNG (made here by ImageMagick), as `vite build` would lay them out.
# Exits 77 (skipped) when npm is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
command -v npm >/dev/null || { echo "npm is not installed: skipped"; exit 77; }
mkdir -p "$out/dist/assets"
if ! cmp -s "$here/app/package.json" "$out/package.json" || [ ! -x "$out/node_modules/.bin/esbuild" ]; then
    cp "$here/app/package.json" "$here/app/.npmrc" "$out/"
    (cd "$out" && npm install --no-audit --no-fund --loglevel=error)
fi
cp "$here/app/src/main.js" "$out/main.js"
"$out/node_modules/.bin/esbuild" "$out/main.js" --bundle --format=esm --log-level=warning \
    --outfile="$out/dist/assets/main.js"
cp "$here/app/src/index.html" "$out/dist/index.html"
cp "$here/app/src/style.css" "$out/dist/assets/style.css"
convert -size 100x100 'xc:rgb(255,0,255)' "$out/dist/assets/img.png"
# The close test's app (test_close.sh), from the same pinned package.
mkdir -p "$out/close"
cp "$here/app/close/main.js" "$out/close-main.js"
"$out/node_modules/.bin/esbuild" "$out/close-main.js" --bundle --format=esm --log-level=warning \
    --outfile="$out/close/main.js"
cp "$here/app/close/index.html" "$out/close/index.html"
mkdir -p "$out/close-wm"
cp "$out/close/main.js" "$out/close-wm/main.js"
sed 's|<title>close test</title>|<title>close wm test</title><script>window.MOAT_TEST_WM = true;</script>|' \
    "$here/app/close/index.html" >"$out/close-wm/index.html"
# The window-creation test's app (test_spawn.sh): index.html and child.html, one module.
mkdir -p "$out/spawn"
cp "$here/app/spawn/main.js" "$out/spawn-main.js"
"$out/node_modules/.bin/esbuild" "$out/spawn-main.js" --bundle --format=esm --log-level=warning \
    --outfile="$out/spawn/main.js"
cp "$here/app/spawn/index.html" "$out/spawn/index.html"
cp "$here/app/spawn/index.html" "$out/spawn/child.html"
cp "$here/app/spawn/moat.json" "$out/spawn/moat.json"
# The window-events test's app (test_winev.sh).
mkdir -p "$out/winev"
cp "$here/app/winev/main.js" "$out/winev-main.js"
"$out/node_modules/.bin/esbuild" "$out/winev-main.js" --bundle --format=esm --log-level=warning \
    --outfile="$out/winev/main.js"
cp "$here/app/winev/index.html" "$here/app/winev/moat.json" "$out/winev/"
echo "built $out/dist, $out/close, $out/spawn and $out/winev"
