#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_install.sh BUILD_DIR SOURCE_DIR [CFLAGS]: installs the build into a throwaway prefix the
# loader does not know (no ldconfig, no LD_LIBRARY_PATH), runs examples/hello from there
# with every sandbox layer required (--strict), as root and as uid 65534, then moves
# the whole tree and runs it again; without its JS host, the moved tree must fail. In the
# moved tree, as the README says: examples/embed compiles through pkg-config and through
# the CMake package and runs (compiled and linked with CFLAGS: a sanitizer tree's), and
# the installed examples' "$schema" paths resolve.
set -u
build=$1 src=$2 cflags=${3:-}
fails=0
tmp=$(mktemp -d /tmp/moat-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
unset MOAT_RENDERER LD_LIBRARY_PATH
check() { # check NAME STATUS OUTPUT [APP]: examples/hello ran in moat (or APP) to its end
    if [ "$2" -ne 0 ] || ! grep -qF "hello from \"main\" in ${4:-moat}" <<<"$3" ||
        ! grep -qF done <<<"$3"; then
        echo "FAIL $1 (status $2):"; sed 's/^/    /' <<<"$3"; fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}
run() { # run PREFIX [as-nobody]: the example, from the installed tree
    local prefix=$1; shift
    "$@" "$prefix/bin/moat" run "$tmp/hello" --policy "$tmp/hello/caps.json" --strict 2>&1
}

cmake --install "$build" --prefix "$tmp/a/opt-moat" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL cmake --install"; exit 1; }
cp -r "$src/examples/hello" "$tmp/hello"
chmod -R a+rX "$tmp"
for f in bin/moat libexec/moat/moat-renderer lib/libmoat.so.0.1 lib/libmoat-client.so.0.1 \
    include/moat/moat.h include/moat/moat_renderer.h include/moat/moat_plugins.h \
    lib/cmake/moat/moat-config.cmake lib/pkgconfig/moat.pc lib/pkgconfig/moat-client.pc \
    share/moat/types/moat-host.d.ts share/doc/moat/CHANGELOG.md \
    share/man/man1/moat.1.gz share/man/man1/moat-run.1.gz share/man/man1/moat-policy.1.gz \
    share/man/man5/moat-policy.5.gz share/bash-completion/completions/moat \
    share/zsh/vendor-completions/_moat share/fish/vendor_completions.d/moat.fish \
    share/moat/types/moat.d.ts share/moat/schemas/policy.schema.json share/doc/moat/LICENSE \
    share/moat/schemas/capability.json share/moat/schemas/moat.json \
    share/doc/moat/examples/hello/main.js; do
    [ -f "$tmp/a/opt-moat/$f" ] || { echo "FAIL not installed: $f"; fails=$((fails + 1)); }
done
for page in "$src"/doc/man/*.[1-8]; do # every page, gzipped into its section
    f=share/man/man${page##*.}/$(basename "$page").gz
    zcmp -s "$tmp/a/opt-moat/$f" "$page" || { echo "FAIL not installed as it is: $f"; fails=$((fails + 1)); }
done
# No program or library, installed or in the build tree, has an empty RUNPATH (or RPATH)
# entry: the loader would look for its libraries in the current directory (CMake pads a
# build tree's RUNPATH with ':' when the install changes it).
for f in "$tmp"/a/opt-moat/bin/* "$tmp"/a/opt-moat/libexec/moat/* "$tmp"/a/opt-moat/lib/*.so* \
    "$build"/bin/* "$build"/lib/*.so*; do
    [ -f "$f" ] || continue
    r=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*(R[UN]*PATH).*\[\(.*\)\]$/\1/p')
    case ":$r:" in
    ::) ;;
    *::*) echo "FAIL $f: RUNPATH '$r' has an empty entry (the current directory)"; fails=$((fails + 1)) ;;
    esac
done
if ldconfig -p | grep -q "$tmp"; then echo "FAIL the loader knows $tmp"; fails=$((fails + 1)); fi

out=$(run "$tmp/a/opt-moat"); check "installed, as $(id -un)" $? "$out"
if [ "$(id -u)" -eq 0 ]; then
    out=$(run "$tmp/a/opt-moat" setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp)
    check "installed, as uid 65534" $? "$out"
fi

mkdir "$tmp/b"
mv "$tmp/a/opt-moat" "$tmp/b/elsewhere"
out=$(run "$tmp/b/elsewhere"); check "moved, as $(id -un)" $? "$out"
if [ "$(id -u)" -eq 0 ]; then
    out=$(run "$tmp/b/elsewhere" setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp)
    check "moved, as uid 65534" $? "$out"
fi

# An embedder's program against the moved tree: pkg-config (its prefix is the .pc file's
# place) and find_package(moat). Its own binary needs an RPATH (or ldconfig) to start.
moved=$tmp/b/elsewhere ex=$tmp/b/elsewhere/share/doc/moat/examples
for f in "$ex"/*/*.json; do
    schema=$(sed -n 's/.*"\$schema": *"\([^"]*\)".*/\1/p' "$f" | head -1)
    case $schema in "" | *://*) continue ;; esac # none, or a URL (a schema's own $schema)
    [ -f "$(dirname "$f")/$schema" ] ||
        { echo "FAIL ${f#"$moved"/}: \$schema $schema does not exist"; fails=$((fails + 1)); }
done
pc_flags=$(PKG_CONFIG_PATH=$moved/lib/pkgconfig pkg-config --cflags --libs moat 2>&1) &&
    cc -Wall -Werror $cflags -DEXAMPLES_DIR="\"$ex\"" -o "$tmp/embed-pc" "$ex/embed/main.c" $pc_flags \
        -Wl,-rpath,"$moved/lib" >"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; echo "$pc_flags"; }
out=$("$tmp/embed-pc" 2>&1); check "examples/embed through pkg-config" $? "$out" embed-example
mkdir "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(embed C)
find_package(moat REQUIRED)
add_executable(embed "$ex/embed/main.c")
target_compile_definitions(embed PRIVATE EXAMPLES_DIR="$ex")
target_link_libraries(embed PRIVATE moat::moat)
CMAKE
{ cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$moved" -DCMAKE_C_FLAGS="$cflags" &&
    cmake --build "$tmp/cm/b"; } \
    >"$tmp/cm.log" 2>&1 || cat "$tmp/cm.log"
out=$("$tmp/cm/b/embed" 2>&1); check "examples/embed through find_package(moat)" $? "$out" embed-example

# The JS host that ran was the tree's own: without it, the run fails.
rm "$tmp/b/elsewhere/libexec/moat/moat-renderer"
out=$(run "$tmp/b/elsewhere"); st=$?
if [ $st -eq 0 ]; then
    echo "FAIL without its moat-renderer the moved tree still ran (another one was found)"
    fails=$((fails + 1))
else
    echo "ok   without its moat-renderer the moved tree fails ($st)"
fi
exit $((fails > 0))
