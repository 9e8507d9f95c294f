#!/usr/bin/env bash
# Unpacks Debian's libnode108 (Node 18, V8 10.2) and its headers into
# deps/libnode/ for src/runtime/v8.cc, and installs the libraries it loads.
#
# Why not `apt-get install libnode-dev`: next to a nodejs package from another
# vendor apt refuses it (libnode108 depends on node-acorn, which wants
# Debian's nodejs), so the two .debs are fetched with `apt-get download` and
# unpacked with `dpkg -x`.
# The same path is used on a plain Debian, for one layout everywhere.
# libnode.so.108's own dependencies are ordinary Debian libraries: apt
# installs those. libnode-dev's node.h includes uv.h, but kiln includes only
# the v8*.h and libplatform headers, which need nothing else: no libuv1-dev.
# Idempotent: does nothing when deps/libnode is complete. Needs root only
# when runtime libraries are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST="$ROOT/deps/libnode"
LIBDIR="$DEST/usr/lib/x86_64-linux-gnu"
# What libnode.so.108 links against (apt-cache show libnode108, Depends:),
# less the node-* JavaScript packages that only node's own loader uses.
RUNTIME_PKGS=(libbrotli1 libc-ares2 libicu72 libnghttp2-14 libssl3 libuv1 zlib1g libstdc++6)

. "$ROOT/scripts/apt.sh"
mapfile -t missing < <(apt_missing "${RUNTIME_PKGS[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install deps-libnode "${missing[@]}"
fi

if [ -e "$LIBDIR/libnode.so.108" ] && [ -e "$DEST/usr/include/node/v8.h" ] \
    && [ -e "$DEST/usr/include/node/libplatform/libplatform.h" ]; then
    exit 0
fi

command -v apt-get >/dev/null || { echo "deps-libnode: needs Debian's apt-get" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# _apt must be able to write the download folder (apt drops to it).
chmod 0777 "$tmp"
echo "deps-libnode: fetching libnode108 and libnode-dev into deps/libnode" >&2
if ! (cd "$tmp" && apt-get download -qq libnode108 libnode-dev >/dev/null 2>"$tmp/apt.err"); then
    # A stale package list names a version the mirror no longer has.
    [ "$(id -u)" -eq 0 ] && apt-get update -qq
    (cd "$tmp" && apt-get download -qq libnode108 libnode-dev >/dev/null) || {
        cat "$tmp/apt.err" >&2
        echo "deps-libnode: apt-get download libnode108 libnode-dev failed" >&2
        exit 1
    }
fi
rm -rf "$DEST.partial"
mkdir -p "$DEST.partial"
for deb in "$tmp"/*.deb; do
    dpkg -x "$deb" "$DEST.partial"
done
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
[ -e "$LIBDIR/libnode.so.108" ] || { echo "deps-libnode: $LIBDIR/libnode.so.108 missing after unpacking" >&2; exit 1; }
echo "deps-libnode: ready in $DEST" >&2
