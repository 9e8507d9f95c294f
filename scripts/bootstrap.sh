#!/usr/bin/env bash
# Installs what kiln needs to build and test, and nothing that is already there.
# Idempotent: every step first checks whether its work is done. Called by the
# Makefile's `deps` target; safe to run by hand. Needs root for apt-get.
set -euo pipefail

# Debian packages the build links against, and the tools the tests drive.
BUILD_PKGS=(gcc g++ make pkg-config libseccomp-dev libcjson-dev
            libmicrohttpd-dev libcmocka-dev libpython3.11-dev libwslay-dev nettle-dev
            libsqlite3-dev libhiredis-dev libcurl4-openssl-dev)
# Toolchains of the starter languages (python, javascript via node, c, cpp, bash).
LANG_PKGS=(python3 bash)
# What the submissions' tests start: a Redis the nodes share (redis-server,
# with redis-cli) and the load balancer of docs/deployment.md (haproxy).
TEST_PKGS=(redis-server haproxy)
# The fuzz targets (make fuzz, and their smoke in make check): clang, and
# libFuzzer with the sanitizer runtimes (libclang-rt-14-dev), which clang's
# packages only recommend and apt-get below does not install.
FUZZ_PKGS=(clang libclang-rt-14-dev)

. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
mapfile -t missing < <(apt_missing "${BUILD_PKGS[@]}" "${LANG_PKGS[@]}" "${TEST_PKGS[@]}" "${FUZZ_PKGS[@]}")
# node may come from Debian's nodejs or from another vendor's package; either serves.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install bootstrap "${missing[@]}"
fi

# The V8 runtime: Debian's libnode108 unpacked into deps/libnode, and the npm
# packages it embeds bundled into deps/js (each script is idempotent).
bash "$(dirname "${BASH_SOURCE[0]}")/deps-libnode.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/deps-npm.sh"
