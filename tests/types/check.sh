#!/usr/bin/env bash
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

typed_config "$here/typed_misuse.ts"
set +e
"$out/node_modules/.bin/tsc" -p "$out/tsconfig.typed.json" --pretty false >"$out/misuse.out" 2>&1
st=$?
set -e
[ $st -ne 0 ] || { echo "FAIL tsc accepted typed_misuse.ts"; exit 1; }
# Each error as "LINE CODE message and its indented reasons", one line each.
awk '/typed_misuse\.ts\([0-9]+,[0-9]+\): error TS[0-9]+:/ {
         if (e) print e; split($0, p, /[(,]/); match($0, /TS[0-9]+/)
         e = p[2] " " substr($0, RSTART, RLENGTH) " " $0; next }
     /^ / { e = e " " $0 } END { if (e) print e }' "$out/misuse.out" >"$out/misuse.errors"
fails=0
while IFS= read -r line; do # what typed_misuse.ts marks: LINE:... // expect CODE[: TEXT]
    n=${line%%:*} want=${line##*// expect } code=${want%%:*} text=
    [ "$code" = "$want" ] || text=${want#*: }
    if ! grep -E "^$n $code " "$out/misuse.errors" | grep -qF -- "$text"; then
        echo "FAIL typed_misuse.ts:$n: expected $code${text:+ ($text)}; tsc said:"
        grep -E "^$n " "$out/misuse.errors" || echo "    nothing"
        fails=$((fails + 1))
    fi
done < <(grep -n '// expect TS' "$here/typed_misuse.ts")
marked=$(grep -n '// expect TS' "$here/typed_misuse.ts" | cut -d: -f1)
while read -r n rest; do
    grep -qx "$n" <<<"$marked" || { echo "FAIL unexpected: typed_misuse.ts:$n $rest"; fails=$((fails + 1)); }
done <"$out/misuse.errors"
[ $fails -eq 0 ] || exit 1
echo "tsc: typed_misuse.ts fails with the $(wc -l <"$out/misuse.errors") errors it marks"
