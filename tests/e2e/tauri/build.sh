#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build.sh OUT_DIR: installs the pinned @tauri-apps/api, plugin-fs, plugin-os
# and esbuild (npm) into OUT_DIR and bundles src/app.js into OUT_DIR/bundle and
# src/plugins.js into OUT_DIR/plugins, Moat bundles. Exits 77 (skipped) when
# npm is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
command -v npm >/dev/null || { echo "npm is not installed: skipped"; exit 77; }
mkdir -p "$out/bundle" "$out/plugins"
if ! cmp -s "$here/package.json" "$out/package.json" || [ ! -x "$out/node_modules/.bin/esbuild" ]; then
    cp "$here/package.json" "$here/.npmrc" "$out/"
    (cd "$out" && npm install --no-audit --no-fund --loglevel=error)
fi
# Bundled from inside OUT_DIR, where node_modules is.
cp "$here/src/app.js" "$out/app.js"
"$out/node_modules/.bin/esbuild" "$out/app.js" --bundle --format=iife --log-level=warning \
    --outfile="$out/bundle/main.js"
printf '{"name": "tauri-compat", "entry": "main.js"}\n' >"$out/bundle/moat.json"
cp "$here/src/plugins.js" "$out/plugins.js"
"$out/node_modules/.bin/esbuild" "$out/plugins.js" --bundle --format=iife --log-level=warning \
    --outfile="$out/plugins/main.js"
printf '{"name": "tauri-plugins", "entry": "main.js"}\n' >"$out/plugins/moat.json"
echo "bundled $out/bundle/main.js and $out/plugins/main.js"
