#!/usr/bin/env bash
# Runs libFuzzer targets one after the other and prints what each did.
#
#   bash fuzz/run.sh FUZZ_DIR SECONDS TARGET...      (what `make fuzz` runs)
#
# Each target T (FUZZ_DIR/T, built by `make fuzz-build`) starts from
# fuzz/corpus/T and fuzz/regressions/T; the inputs it finds go to the scratch
# folder FUZZ_DIR/corpus/T (libFuzzer writes into the first folder it is
# given), a crashing input to FUZZ_DIR/crashes/T/, its whole log to
# FUZZ_DIR/logs/T.log. Nothing is written under fuzz/: keeping inputs is a
# decision (see the Makefile's fuzzing section for -merge=1).
# Exits non-zero if any target crashed or broke an invariant.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

[ $# -ge 3 ] || { echo "usage: bash fuzz/run.sh FUZZ_DIR SECONDS TARGET..." >&2; exit 2; }
dir=$1 seconds=$2
shift 2

# Inputs longer than this are not tried: enough for every field and
# mistake of a request body or a definition, small enough to stay fast.
max_len() {
    case $1 in
        fuzz_json_*) echo 4096 ;;
        fuzz_lang) echo 2048 ;;
        *) echo 1024 ;;
    esac
}

# The dictionary of tokens the parser knows (JSON fields, .lang keys).
dict_of() {
    case $1 in
        fuzz_json_*) echo fuzz/dict/json.dict ;;
        fuzz_lang) echo fuzz/dict/lang.dict ;;
    esac
}

# One value of libFuzzer's closing report, or "?".
stat() { # log name
    awk -v k="stat::$2:" '$1 == k { v = $2 } END { print (v == "" ? "?" : v) }' "$1"
}

# One field of the last status line libFuzzer printed ("#N  pulse  cov: C ft: F
# corp: U/B ..."; a run ended by -max_total_time prints no DONE line).
done_field() { # log field
    awk -v f="$2" '/^#[0-9]+[ \t]/ { line = $0 }
        END { n = split(line, w, " "); for (i = 1; i < n; i++) if (w[i] == f ":") v = w[i + 1];
              print (v == "" ? "?" : v) }' "$1"
}

failed=0
FORMAT='%-14s %8s %10s %8s %6s %7s %10s %5s  %s\n'
# shellcheck disable=SC2059
printf "$FORMAT" target seconds execs exec/s cov ft corpus new result
for t in "$@"; do
    bin="$dir/$t" log="$dir/logs/$t.log"
    if [ ! -x "$bin" ]; then
        echo "$t: $bin is missing (make fuzz-build)" >&2
        failed=1
        continue
    fi
    mkdir -p "$dir/corpus/$t" "$dir/crashes/$t" "$dir/logs"
    seeds=()
    for d in "fuzz/corpus/$t" "fuzz/regressions/$t"; do
        [ -d "$d" ] && seeds+=("$d")
    done
    dict=$(dict_of "$t")
    start=$(date +%s)
    "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/crashes/$t/" \
        ${dict:+-dict="$dict"} "$dir/corpus/$t" ${seeds[@]+"${seeds[@]}"} \
        >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    result=ok
    if [ "$rc" -ne 0 ]; then
        failed=1
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        result="CRASH (exit $rc) ${artifact:-no input written}; log $log"
    fi
    # shellcheck disable=SC2059
    printf "$FORMAT" "$t" "$took" \
        "$(stat "$log" number_of_executed_units)" "$(stat "$log" average_exec_per_sec)" \
        "$(done_field "$log" cov)" "$(done_field "$log" ft)" "$(done_field "$log" corp)" \
        "$(stat "$log" new_units_added)" "$result"
done
exit "$failed"
