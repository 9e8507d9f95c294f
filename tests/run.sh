#!/usr/bin/env bash
# kiln's test driver.
#
#   bash tests/run.sh unit BUILD                  cmocka unit tests in BUILD/tests/unit/test_*
#   bash tests/run.sh integration BUILD           python3 tests/integration/run.py --kiln BUILD/kiln
#   bash tests/run.sh fuzz FUZZ_BUILD             libFuzzer targets over their seeds and regressions
#   bash tests/run.sh all BUILD [BUILD2 ...]      unit then integration, for each build folder,
#                                                 then the fuzz smoke (build/fuzz) once
#
# Prints each suite's results and ends with exactly one closing line
# `N passed, N failed, N skipped` (the sum over every suite). Exits non-zero
# when anything failed or when no test ran.
#
# Environment: KILN_TEST_ARGS  extra arguments for the integration runner
#              (e.g. "-k containment -j 1").
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

TOTAL_PASS=0
TOTAL_FAIL=0
TOTAL_SKIP=0
FAILED_SUITES=()

usage() {
    echo "usage: bash tests/run.sh unit|integration BUILD | fuzz FUZZ_BUILD |" \
         "all BUILD [BUILD ...]" >&2
    exit 2
}

# Suite summaries are written so they do NOT look like the closing line.
summary() { # name pass fail skip
    echo "# ${1}: passed ${2}, failed ${3}, skipped ${4}"
}

add() { # pass fail skip
    TOTAL_PASS=$((TOTAL_PASS + $1))
    TOTAL_FAIL=$((TOTAL_FAIL + $2))
    TOTAL_SKIP=$((TOTAL_SKIP + $3))
}

# One cmocka binary: count TAP lines. cmocka 1.1.5 prints `ok N - name`,
# `not ok N - name` and `not ok N # SKIP name`; `# ...` lines are comments
# (including its group summary `# ok - group`).
run_unit_binary() { # binary label
    local bin=$1 label=$2 out rc counts p f s plan
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
    rc=$?
    counts=$(printf '%s\n' "$out" | awk '
        /^(not )?ok([ \t]|$)/ && /#[ \t]*SKIP/ { s++; next }
        /^ok([ \t]|$)/                         { p++; next }
        /^not ok([ \t]|$)/                     { f++; next }
        /^[0-9]+\.\.[0-9]+/                    { split($0, a, "\\.\\."); plan += a[2] }
        END { printf "%d %d %d %d\n", p, f, s, plan }')
    read -r p f s plan <<<"$counts"
    # show failures and diagnostics, not every passing line
    printf '%s\n' "$out" | awk '!/^(ok |1\.\.|# ok - )/ && NF { print "    " $0 }'
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        if [ "$rc" -gt 128 ]; then
            echo "    not ok - $label crashed (signal $((rc - 128)))"
        else
            echo "    not ok - $label exited $rc without reporting a TAP failure"
        fi
        f=$((f + 1))
    elif [ "$rc" -eq 0 ] && [ "$((p + f + s))" -lt "$plan" ]; then
        echo "    not ok - $label reported $((p + f + s)) of $plan planned tests"
        f=$((f + 1))
    fi
    summary "unit $label" "$p" "$f" "$s"
    add "$p" "$f" "$s"
    UNIT_PASS=$((UNIT_PASS + p)); UNIT_FAIL=$((UNIT_FAIL + f)); UNIT_SKIP=$((UNIT_SKIP + s))
}

run_unit() { # build
    local build=$1 dir="$1/tests/unit" bin found=0
    UNIT_PASS=0; UNIT_FAIL=0; UNIT_SKIP=0
    echo "== unit tests ($build)"
    for bin in "$dir"/test_*; do
        [ -f "$bin" ] && [ -x "$bin" ] || continue
        case "$bin" in *.c|*.o|*.d) continue ;; esac
        found=1
        run_unit_binary "$bin" "$build/$(basename "$bin")"
    done
    if [ "$found" -eq 0 ]; then
        echo "    not ok - no unit test binaries in $dir (build them: make $dir/test_...)"
        UNIT_FAIL=1
        add 0 1 0
    fi
    summary "unit tests $build" "$UNIT_PASS" "$UNIT_FAIL" "$UNIT_SKIP"
    [ "$UNIT_FAIL" -eq 0 ] || FAILED_SUITES+=("unit:$build")
}

run_integration() { # build
    local build=$1 out rc line p=0 f=0 s=0 args
    echo "== integration tests ($build)"
    if [ ! -x "$build/kiln" ]; then
        echo "FAIL setup: $build/kiln is missing (run make first)"
        summary "integration tests $build" 0 1 0
        add 0 1 0
        FAILED_SUITES+=("integration:$build")
        return
    fi
    # shellcheck disable=SC2206
    args=(${KILN_TEST_ARGS:-})
    out=$(mktemp)
    # stream the runner's lines, but keep its closing line out of the output
    # (only the driver's own closing line may look like one)
    python3 tests/integration/run.py --kiln "$build/kiln" ${args[@]+"${args[@]}"} 2>&1 |
        awk -v keep="$out" '/^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { print > keep; next }
                            { print; fflush() }'
    rc=${PIPESTATUS[0]}
    line=$(tail -n 1 "$out")
    rm -f "$out"
    if [ -n "$line" ]; then
        read -r p f s <<<"$(echo "$line" | awk '{ print $1, $3, $5 }')"
    fi
    if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
        echo "FAIL integration runner: exited $rc (no test ran, or the runner itself broke)"
        f=$((f + 1))
    fi
    summary "integration tests $build" "$p" "$f" "$s"
    add "$p" "$f" "$s"
    [ "$f" -eq 0 ] || FAILED_SUITES+=("integration:$build")
}

# The fuzz smoke: every target of fuzz/ (fuzz/fuzz_*.c, built by `make
# fuzz-build` into FUZZ_BUILD) runs each file of fuzz/corpus/T and
# fuzz/regressions/T once, one process per file, so that a crash or a leak
# (LeakSanitizer reports at exit) names its input. One test per input file.
# A missing binary fails: clang comes with scripts/bootstrap.sh, not by luck.
run_fuzz_input() { # binary input target
    local out rc
    out=$("$1" -timeout=10 -rss_limit_mb=2048 "$2" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        FUZZ_PASS=$((FUZZ_PASS + 1))
        return
    fi
    echo "    not ok - fuzz $3: $2 (exit $rc)"
    # what broke: the sanitizer's or the invariant's line and the top frames
    printf '%s\n' "$out" | grep -E 'ERROR|runtime error|invariant broken|^ +#[0-3] ' |
        head -n 8 | sed 's/^/      /'
    FUZZ_FAIL=$((FUZZ_FAIL + 1))
}

run_fuzz() { # fuzz build folder
    local dir=$1 src t bin input n start
    FUZZ_PASS=0; FUZZ_FAIL=0
    echo "== fuzz smoke ($dir)"
    start=$(date +%s)
    for src in fuzz/fuzz_*.c; do
        t=$(basename "$src" .c) bin="$dir/$t" n=0
        if [ ! -x "$bin" ]; then
            echo "    not ok - fuzz $t: $bin is missing (make fuzz-build; it needs clang and"
            echo "      libclang-rt-14-dev, which scripts/bootstrap.sh installs)"
            FUZZ_FAIL=$((FUZZ_FAIL + 1))
            continue
        fi
        for input in "fuzz/corpus/$t"/* "fuzz/regressions/$t"/*; do
            [ -f "$input" ] || continue
            n=$((n + 1))
            run_fuzz_input "$bin" "$input" "$t"
        done
        if [ "$n" -eq 0 ]; then
            echo "    not ok - fuzz $t: no inputs in fuzz/corpus/$t or fuzz/regressions/$t"
            FUZZ_FAIL=$((FUZZ_FAIL + 1))
        fi
    done
    echo "# fuzz smoke took $(($(date +%s) - start)) s"
    summary "fuzz smoke $dir" "$FUZZ_PASS" "$FUZZ_FAIL" 0
    add "$FUZZ_PASS" "$FUZZ_FAIL" 0
    [ "$FUZZ_FAIL" -eq 0 ] || FAILED_SUITES+=("fuzz:$dir")
}

[ $# -ge 2 ] || usage
mode=$1
shift
case "$mode" in
    unit)
        [ $# -eq 1 ] || usage
        run_unit "$1"
        ;;
    integration)
        [ $# -eq 1 ] || usage
        run_integration "$1"
        ;;
    fuzz)
        [ $# -eq 1 ] || usage
        run_fuzz "$1"
        ;;
    all)
        for build in "$@"; do
            run_unit "$build"
            run_integration "$build"
        done
        run_fuzz build/fuzz # one clang build, whatever the gcc builds
        ;;
    *)
        usage
        ;;
esac

if [ "${#FAILED_SUITES[@]}" -gt 0 ]; then
    echo "# failed suites: ${FAILED_SUITES[*]}"
fi
if [ $((TOTAL_PASS + TOTAL_FAIL)) -eq 0 ]; then
    echo "# no test ran"
fi
echo "${TOTAL_PASS} passed, ${TOTAL_FAIL} failed, ${TOTAL_SKIP} skipped"
if [ "$TOTAL_FAIL" -ne 0 ] || [ $((TOTAL_PASS + TOTAL_FAIL)) -eq 0 ]; then
    exit 1
fi
exit 0
