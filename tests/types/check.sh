#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check.sh OUT_DIR SOURCE_DIR MOAT: installs the pinned TypeScript (npm) into OUT_DIR and
# runs tsc --noEmit over types/*.d.ts, a bundle written in TypeScript (usage.ts), misuse
# that must be refused (misuse.ts) and examples/hello/main.js (checkJs). Then MOAT types
# declares examples/embed's and typed.json's commands: typed_usage.ts must compile with
# them, and typed_misuse.ts must fail with exactly the errors it marks. Exits 77
# (skipped) when npm is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 src=$2 moat=$3
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

# moat types: the declarations it writes accept what the schemas allow and nothing else.
"$moat" types "$src/examples/embed/permissions.json" "$here/typed.json" --output "$out/commands.d.ts"
typed_config() { # typed_config FILE.ts: a tsconfig of moat.d.ts, commands.d.ts and FILE
    cat >"$out/tsconfig.typed.json" <<JSON
{
  "compilerOptions": { "target": "es2022", "lib": ["es2022"], "types": [], "strict": true,
                       "noEmit": true },
  "files": ["$src/types/moat.d.ts", "$out/commands.d.ts", "$1"]
}
JSON
}
typed_config "$here/typed_usage.ts"
"$out/node_modules/.bin/tsc" -p "$out/tsconfig.typed.json"
echo "tsc: typed_usage.ts compiles with the declarations of moat types"

# expect_marked CONFIG FILE.ts: tsc on CONFIG must fail with exactly the errors FILE marks.
expect_marked() {
    local config=$1 file=$2 base st fails=0 line n want code text marked rest
    base=$(basename "$file")
    set +e
    "$out/node_modules/.bin/tsc" -p "$config" --pretty false >"$out/misuse.out" 2>&1
    st=$?
    set -e
    [ $st -ne 0 ] || { echo "FAIL tsc accepted $base"; exit 1; }
    # Each error as "LINE CODE message and its indented reasons", one line each.
    awk -v f="$base" 'index($0, f "(") == 0 && /^[^ ]/ { next }
         /\([0-9]+,[0-9]+\): error TS[0-9]+:/ {
             if (e) print e; split($0, p, /[(,]/); match($0, /TS[0-9]+/)
             e = p[2] " " substr($0, RSTART, RLENGTH) " " $0; next }
         /^ / { e = e " " $0 } END { if (e) print e }' "$out/misuse.out" >"$out/misuse.errors"
    while IFS= read -r line; do # what FILE marks: LINE:... // expect CODE[: TEXT]
        n=${line%%:*} want=${line##*// expect } code=${want%%:*} text=
        [ "$code" = "$want" ] || text=${want#*: }
        if ! grep -E "^$n $code " "$out/misuse.errors" | grep -qF -- "$text"; then
            echo "FAIL $base:$n: expected $code${text:+ ($text)}; tsc said:"
            grep -E "^$n " "$out/misuse.errors" || echo "    nothing"
            fails=$((fails + 1))
        fi
    done < <(grep -n '// expect TS' "$file")
    marked=$(grep -n '// expect TS' "$file" | cut -d: -f1)
    while read -r n rest; do
        grep -qx "$n" <<<"$marked" || { echo "FAIL unexpected: $base:$n $rest"; fails=$((fails + 1)); }
    done <"$out/misuse.errors"
    [ $fails -eq 0 ] || exit 1
    echo "tsc: $base fails with the $(wc -l <"$out/misuse.errors") errors it marks"
}
typed_config "$here/typed_misuse.ts"
expect_marked "$out/tsconfig.typed.json" "$here/typed_misuse.ts"

# The @moat/api package (types/api): its types under tsc, as a bundler project imports it.
api_config() { # api_config FILE.ts
    cat >"$out/tsconfig.api.json" <<JSON
{
  "compilerOptions": { "target": "es2022", "lib": ["es2022"], "types": [], "strict": true,
                       "noEmit": true, "module": "esnext", "moduleResolution": "bundler",
                       "paths": { "@moat/api": ["$src/types/api/index.d.ts"] } },
  "files": ["$out/commands.d.ts", "$1"]
}
JSON
}
api_config "$here/api_usage.ts"
"$out/node_modules/.bin/tsc" -p "$out/tsconfig.api.json"
echo "tsc: api_usage.ts compiles against @moat/api"
api_config "$here/api_misuse.ts"
expect_marked "$out/tsconfig.api.json" "$here/api_misuse.ts"

# ...and its code: esbuild bundles a bundle that imports it; moat run runs that bundle.
mkdir -p "$out/api-bundle"
echo '{ "name": "api", "entry": "main.js", "productName": "Api Probe", "identifier": "dev.moat.api" }' >"$out/api-bundle/moat.json"
"$out/node_modules/.bin/esbuild" "$here/api_run.js" --bundle --format=iife --log-level=warning \
    --alias:@moat/api="$src/types/api/index.js" --outfile="$out/api-bundle/main.js"
"$moat" run "$out/api-bundle" --policy "$src/examples/hello/caps.json" >"$out/api.out" 2>&1 ||
    { cat "$out/api.out"; echo "FAIL the @moat/api bundle exited $?"; exit 1; }
cat "$out/api.out"
grep -qx 'api: label=main name=Api Probe heard=7' "$out/api.out" ||
    { echo "FAIL the @moat/api bundle's invoke, listen, emit or label"; exit 1; }
grep -qx 'api: refused denied' "$out/api.out" || { echo "FAIL a denied invoke through @moat/api"; exit 1; }
