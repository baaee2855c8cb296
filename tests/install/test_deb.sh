#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_deb.sh BUILD_DIR SOURCE_DIR: builds the .debs as a distribution would (a tree of its
# own under BUILD_DIR/deb: prefix /usr, no RUNPATH), checks them with lintian (errors fail),
# installs moat into a clean Debian 12 root made by debootstrap --variant=minbase (its
# dependencies from the Debian archive, by apt) and runs examples/hello there with chroot.
# Cached in BUILD_DIR/deb: the minbase root as a tarball and apt's downloaded packages.
set -u
build=$1 src=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP test_deb needs root (debootstrap, chroot)"; exit 77; }
for tool in debootstrap lintian; do
    command -v $tool >/dev/null || { echo "FAIL $tool is not installed (scripts/deps)"; exit 1; }
done
cache=$build/deb
mkdir -p "$cache/apt"
tree=$cache/tree
if ! { cmake -S "$src" -B "$tree" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
        -DMOAT_RELOCATABLE=OFF -DMOAT_TESTS=OFF -DMOAT_EXAMPLES=OFF &&
       cmake --build "$tree" -j2 && rm -f "$tree"/*.deb && (cd "$tree" && cpack -G DEB); } \
        >"$cache/build.log" 2>&1; then
    tail -40 "$cache/build.log"; echo "FAIL building the .debs"; exit 1
fi
fails=0
debs=("$tree"/*.deb)
lint=$(lintian --fail-on error "${debs[@]}" 2>&1); st=$?
sed 's/^/    lintian: /' <<<"$lint"
if [ $st -ne 0 ] || grep -q '^E: ' <<<"$lint"; then echo "FAIL lintian reports errors"; fails=$((fails + 1))
else echo "ok   lintian: no errors on ${#debs[@]} packages"; fi

tmp=$(mktemp -d /tmp/moat-deb-XXXXXX)
root=$tmp/root
cleanup() {
    for m in var/cache/apt/archives dev proc; do umount -l "$root/$m" 2>/dev/null; done
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
# Nothing is installed outside the components the .debs are made of (moat-desktop was).
DESTDIR=$tmp/unspecified cmake --install "$tree" --component Unspecified >/dev/null 2>&1
stray=$(cd "$tmp/unspecified" 2>/dev/null && find . ! -type d)
if [ -n "$stray" ]; then echo "FAIL installed, but in no .deb:"; sed 's/^/    /' <<<"$stray"
    fails=$((fails + 1)); else echo "ok   every installed file is in a component of a .deb"; fi
if [ ! -s "$cache/minbase.tar" ]; then
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian \
        >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; echo "FAIL debootstrap"; exit 1; }
    tar -C "$root" -cf "$cache/minbase.tar.part" . && mv "$cache/minbase.tar.part" "$cache/minbase.tar"
else
    mkdir "$root" && tar -C "$root" -xf "$cache/minbase.tar"
fi
cat >"$root/etc/apt/sources.list" <<'LIST'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" &&
    mount --bind "$cache/apt" "$root/var/cache/apt/archives" || { echo "FAIL mounting into the root"; exit 1; }
mkdir -p "$cache/apt/partial"
cp "$tree"/moat_*.deb "$tree"/libmoat-dev_*.deb "$root/tmp/"
# chroot, in a mount namespace of its own whose root the clean root becomes (pivot_root):
# the kernel refuses the sandbox's namespaces to a process that is merely chrooted.
in_root() {
    unshare --mount --propagation private -- sh -c 'mount --rbind "$0" "$0" && cd "$0" &&
        mkdir -p .host && pivot_root . .host && umount -l /.host && rmdir /.host &&
        exec chroot / env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"' \
        "$root" "$@"
}
if ! in_root sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends /tmp/moat_*.deb /tmp/libmoat-dev_*.deb' >"$tmp/apt.log" 2>&1; then
    tail -30 "$tmp/apt.log"; echo "FAIL apt-get install of the .debs in the clean root"; exit 1
fi
echo "ok   apt installed moat and libmoat-dev with their dependencies from the archive"
if in_root dpkg -s libwebkit2gtk-4.1-0 >/dev/null 2>&1; then
    echo "FAIL installing moat pulled WebKitGTK in"; fails=$((fails + 1)); fi
for f in /usr/bin/moat /usr/libexec/moat/moat-renderer /usr/share/man/man1/moat.1.gz \
    /usr/share/doc/moat/copyright /usr/include/moat/moat.h /usr/lib/x86_64-linux-gnu/pkgconfig/moat.pc \
    /usr/share/moat/schemas/capability.json /usr/share/doc/moat/schemas/moat.json; do
    [ -e "$root$f" ] || { echo "FAIL not installed: $f"; fails=$((fails + 1)); }
done
ex=/usr/share/doc/moat/examples/hello
out=$(in_root moat run $ex --policy $ex/caps.json --strict 2>&1); st=$?
if [ $st -ne 0 ] || ! grep -qF 'hello from "main" in moat' <<<"$out" || ! grep -qxF done <<<"$out"; then
    echo "FAIL examples/hello in the clean root (status $st):"; sed 's/^/    /' <<<"$out"; fails=$((fails + 1))
else
    echo "ok   examples/hello ran in the clean root with every sandbox layer (--strict)"
fi
out=$(in_root moat --version 2>&1)
grep -qF "$(sed -n 's/^#define MOAT_VERSION "\(.*\)"/\1/p' "$src/core/moat.h")" <<<"$out" ||
    { echo "FAIL moat --version in the root: $out"; fails=$((fails + 1)); }
exit $((fails > 0))
