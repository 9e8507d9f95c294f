#!/usr/bin/env bash
# Installs the npm packages of package-lock.json and bundles the two that
# kiln's V8 runtime embeds into one script, deps/js/vendor.js:
#   sucrase                 TypeScript -> JavaScript (types stripped; ESM imports -> require)
#   node-inspect-extracted  Node's util.inspect and util.format, for console.log
# esbuild (a devDependency) does the bundling: sucrase is CommonJS spread over
# ~90 files with a few dependencies, and a bundler resolves that reliably;
# the result is an IIFE that sets globalThis.__kilnVendor and needs no loader.
# The Makefile embeds deps/js/vendor.js into the binary (src/runtime/v8.cc
# runs it once per zygote).
#
# Idempotent: npm ci runs only when package-lock.json changed since the last
# install, the bundle only when one of its inputs changed. Needs node and npm
# (installed from Debian when missing, which needs root). Install scripts of
# the packages are not run (--ignore-scripts): none of the three needs one.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=deps/js/vendor.js
ENTRY=src/runtime/js/vendor-entry.js

pkgs=()
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
if [ "${#pkgs[@]}" -gt 0 ]; then
    . "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
    apt_install deps-npm "${pkgs[@]}"
fi

# npm writes node_modules/.package-lock.json on every install.
if [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps-npm: npm ci" >&2
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    touch node_modules/.package-lock.json
fi

if [ -e "$OUT" ] && [ "$OUT" -nt package-lock.json ] && [ "$OUT" -nt "$ENTRY" ] \
    && [ "$OUT" -nt "${BASH_SOURCE[0]}" ]; then
    exit 0
fi
mkdir -p deps/js
# ascii: V8 then keeps the source as a one-byte string pointing into the binary.
# es2021 and neutral: V8 10.2 runs it; nothing of Node is assumed.
node node_modules/esbuild/bin/esbuild "$ENTRY" --bundle --format=iife \
    --platform=neutral --main-fields=main,module --target=es2021 --charset=ascii \
    --minify-whitespace --minify-syntax --legal-comments=none --log-level=warning \
    --outfile="$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "deps-npm: bundled $OUT ($(wc -c <"$OUT") bytes)" >&2
