#!/usr/bin/env bash
# Installs the Debian packages of chosen languages' toolchains, as their
# definitions name them (the `packages =` line of languages/NAME.lang).
#
#   scripts/install-languages.sh [--dry-run] [--dir DIR] [LANG ...]
#
# LANG is a language's name or alias; none, or "all", means every definition.
# Packages already installed are skipped, so the script is idempotent. Needs
# root for apt-get. `make languages LANGS="go rust"` calls it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here/../languages"
dry_run=0

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# The value of `key = value` in a definition, comments and blanks removed.
field() {
    awk -v key="$2" '
        { sub(/(^|[ \t])#.*/, "") }
        $0 ~ "^[ \t]*" key "[ \t]*=" {
            sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit
        }' "$1"
}

# The definition file whose name or alias is $1, or nothing.
find_definition() {
    local want="${1,,}" f word
    for f in "${all[@]}"; do
        for word in $(field "$f" name) $(field "$f" aliases); do
            if [ "$word" = "$want" ]; then
                echo "$f"
                return
            fi
        done
    done
}

langs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --dir) dir="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "install-languages: unknown option '$1'" >&2; usage >&2; exit 2 ;;
        all) ;;
        *) langs+=("$1") ;;
    esac
    shift
done

shopt -s nullglob
all=("$dir"/*.lang)
if [ "${#all[@]}" -eq 0 ]; then
    echo "install-languages: no *.lang files in $dir" >&2
    exit 2
fi
files=()
if [ "${#langs[@]}" -eq 0 ]; then
    files=("${all[@]}")
else
    for lang in "${langs[@]}"; do
        f="$(find_definition "$lang")"
        if [ -z "$f" ]; then
            echo "install-languages: no language '$lang' in $dir (see: kiln languages)" >&2
            exit 2
        fi
        files+=("$f")
    done
fi

wanted=()
for f in "${files[@]}"; do
    for pkg in $(field "$f" packages); do
        wanted+=("$pkg")
    done
done

. "$here/apt.sh"
mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u | grep .)
mapfile -t missing < <(apt_missing "${wanted[@]}")

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-languages: every package is installed (${#files[@]} languages)" >&2
    exit 0
fi
if [ "$dry_run" -eq 1 ]; then
    printf '%s\n' "${missing[@]}"
    exit 0
fi
apt_install install-languages "${missing[@]}"
