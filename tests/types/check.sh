#!/usr/bin/env bash
# check.sh OUT_DIR SOURCE_DIR: installs the pinned TypeScript (npm) into OUT_DIR and runs
# tsc --noEmit over types/*.d.ts, a bundle written in TypeScript (usage.ts), misuse that
# must be refused (misuse.ts) and examples/hello/main.js (checkJs). Exits 77 (skipped)
# when npm is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 src=$2
command -v npm >/dev/null || { echo "npm is not installed: skipped"; exit 77; }
mkdir -p "$out"
if ! cmp -s "$here/package.json" "$out/package.json" || [ ! -x "$out/node_modules/.bin/tsc" ]; then
    cp "$here/package.json" "$here/.npmrc" "$out/"
    (cd "$out" && npm install --no-audit --no-fund --loglevel=error)
fi
cat >"$out/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "es2022", "lib": ["es2022"], "types": [], "strict": true, "noEmit": true,
    "allowJs": true, "checkJs": true, "useUnknownInCatchVariables": false,
    "noUnusedLocals": false, "skipLibCheck": false, "isolatedModules": false
  },
  "files": ["$src/types/moat.d.ts", "$src/types/moat-host.d.ts", "$here/usage.ts",
            "$here/misuse.ts", "$src/examples/hello/main.js"]
}
JSON
"$out/node_modules/.bin/tsc" -p "$out/tsconfig.json"
echo "tsc: types/moat.d.ts, usage.ts, misuse.ts and examples/hello check"
