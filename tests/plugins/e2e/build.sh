#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build.sh OUT_DIR: installs the pinned official packages (npm) into OUT_DIR and
# bundles each src/*.js with esbuild as a Tauri app's frontend is bundled, into
# OUT_DIR/project/dist-NAME (a Moat bundle inside a Tauri project whose
# src-tauri/tauri.conf.json says who the app is). Exits 77 without npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
command -v npm >/dev/null || { echo "npm is not installed: skipped"; exit 77; }
mkdir -p "$out/project/src-tauri"
if ! cmp -s "$here/package.json" "$out/package.json" || [ ! -x "$out/node_modules/.bin/esbuild" ]; then
    cp "$here/package.json" "$here/.npmrc" "$out/"
    (cd "$out" && npm install --no-audit --no-fund --loglevel=error)
fi
cat >"$out/project/src-tauri/tauri.conf.json" <<'JSON'
{
  "$schema": "https://schema.tauri.app/config/2",
  "productName": "Moat Check",
  "version": "1.2.3",
  "identifier": "org.example.moatcheck",
  "build": { "frontendDist": "../dist-core_api" },
  "app": { "windows": [{ "title": "Moat Check" }], "security": { "csp": null } }
}
JSON
for src in "$here"/src/*.js; do
    name=$(basename "$src" .js)
    mkdir -p "$out/project/dist-$name"
    cp "$src" "$out/$name.js"
    "$out/node_modules/.bin/esbuild" "$out/$name.js" --bundle --format=iife --log-level=warning \
        --outfile="$out/project/dist-$name/main.js"
    printf '{"name": "%s", "entry": "main.js"}\n' "$name" >"$out/project/dist-$name/moat.json"
done
echo "bundled into $out/project"
