# shellcheck shell=bash
# apt.sh — sourced by the set-up scripts (bootstrap.sh, deps-libnode.sh,
# deps-npm.sh, install-languages.sh): which Debian packages are missing, and
# installing them. Not a script of its own.

# Prints those of the given packages that dpkg has not installed, one a line.
apt_missing() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            echo "$pkg"
    done
}

# apt_install WHO PKG...: installs the packages without their recommends.
# Needs root; otherwise exits 1 saying what is missing, WHO naming the caller.
apt_install() {
    local who="$1"
    shift
    if [ "$(id -u)" -ne 0 ]; then
        echo "$who: missing packages: $*; run as root to install them" >&2
        exit 1
    fi
    echo "$who: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
