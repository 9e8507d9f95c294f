"""Compile once, run many: test cases, the compiled-artifact cache, multi-file programs.

Against the real server (both APIs) and the real CLI: every case is a fresh
process with its own stdin and result; a program sent again skips its
compilation (compile.cached) and still runs from an untouched copy; the
cache key covers sources, names and compile limits.
"""

import os
import re
import secrets
import tempfile

import harness
from harness import test, kiln, kiln_json, check, eq, show, tmpdir_files
from test_server import shared, piston, execute, ok_data, error_of, call

SUM_C = ('#include <stdio.h>\n'
         'int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 3;\n'
         '  printf("%ld\\n", a + b); return 0; }\n')

# Creates a file in its working directory and /tmp, then reports whether an
# earlier run's files were there: each case must start from a fresh box.
FRESH_C = ('#include <stdio.h>\n#include <unistd.h>\n'
           'int main(void) { char w[64] = ""; if (scanf("%63s", w) != 1) return 3;\n'
           '  int seen = access("left.txt", F_OK) == 0 || access("/tmp/left.txt", F_OK) == 0;\n'
           '  FILE *f = fopen("left.txt", "w"), *g = fopen("/tmp/left.txt", "w");\n'
           '  if (f) fclose(f); if (g) fclose(g);\n'
           '  printf("%s %s %d\\n", w, seen ? "seen" : "fresh", (int)getpid());\n'
           '  return 0; }\n')


def token():
    """Makes every program unique to its test run, so that the cache starts cold."""
    return secrets.token_hex(6)


def v2_cases(code, inputs, lang="c", **extra):
    body = {"language": lang, "version": "*", "files": [{"content": code}],
            "cases": [{"stdin": s} for s in inputs]}
    body.update(extra)
    return piston(shared(), body)


@test
def v2_cases_compile_once_run_each():
    code = f"// {token()}\n" + SUM_C
    r = v2_cases(code, ["1 2\n", "40 2\n", "oops\n"])
    eq(r.status, 200, f"status ({r})")
    cases = r.json.get("cases")
    check(isinstance(cases, list) and len(cases) == 3, f"three case results: {r}")
    got = [(c["stdout"], c["code"], c["status"]) for c in cases]
    eq(got, [("3\n", 0, None), ("42\n", 0, None), ("", 3, "RE")], "each case's own result")
    eq(r.json["compile"]["code"], 0, "compiled once")
    eq(r.json["compile"]["cached"], False, "the first submission compiles")
    eq((r.json["run"]["code"], r.json["run"]["status"]), (3, "RE"),
       "run is the case that decided the status (the first that was not OK)")


@test
def v2_cases_each_a_fresh_process():
    code = f"// {token()}\n" + FRESH_C
    r = v2_cases(code, ["a\n", "b\n", "c\n"])
    eq(r.status, 200, f"status ({r})")
    lines = [c["stdout"].split() for c in r.json["cases"]]
    eq([(w[0], w[1]) for w in lines], [("a", "fresh"), ("b", "fresh"), ("c", "fresh")],
       "no case sees the files of the one before")
    eq(r.json["run"]["stdout"].split()[0], "c", "all OK: run is the last case")


@test
def v2_cases_warm_python_and_exec_bash():
    r = v2_cases("import sys\nx = sys.stdin.read().strip()\nprint(int(x) * 2)\n"
                 "raise SystemExit(int(x) % 2)", ["2", "3", "4"], lang="python")
    eq(r.status, 200, f"status ({r})")
    eq([(c["stdout"], c["code"]) for c in r.json["cases"]], [("4\n", 0), ("6\n", 1), ("8\n", 0)],
       "warm python: one child per case")
    check("compile" not in r.json, "no compile stage for python")
    r = v2_cases('read -r x; echo "$((x+1))"', ["1\n", "9\n"], lang="bash")
    eq([c["stdout"] for c in r.json["cases"]], ["2\n", "10\n"], "bash cases")


@test
def v2_cases_limits_apply_per_case():
    code = (f"// {token()}\n#include <stdio.h>\nint main(void) {{ int n = 0;\n"
            "  if (scanf(\"%d\", &n) != 1) return 3; if (n) for (;;) ; puts(\"done\"); }\n")
    r = v2_cases(code, ["0", "1", "0"], run_cpu_time=300)
    eq([c["status"] for c in r.json["cases"]], [None, "TO", None],
       "a case at its time limit does not end the others")
    eq(r.json["run"]["status"], "TO", "run is the case that hit the limit")


@test
def v2_cases_compile_error_runs_nothing():
    r = v2_cases(f"// {token()}\nint main(void) {{ return x; }}", ["1", "2"])
    eq(r.status, 200, f"status ({r})")
    check("run" not in r.json and "cases" not in r.json, f"no runs after a compile error: {r}")
    check("error" in r.json["compile"]["stderr"], "the compiler's message")


@test
def v1_cases():
    r = execute(shared(), {"language": "c", "code": f"// {token()}\n" + SUM_C,
                           "cases": [{"stdin": "2 2"}, {"stdin": "5 5"}]})
    d = ok_data(r, "v1 cases")
    eq([c["stdout"] for c in d["cases"]], ["4\n", "10\n"], "v1 case outputs")
    eq((d["output"], d["status"]), ("10", "OK"), "top level: the deciding (last) case")


@test
def cases_bad_requests():
    srv = shared()
    base = {"language": "c", "version": "*", "files": [{"content": SUM_C}]}
    for cases, what in (([], "empty"), ([{"stdin": "1"}] * 65, "65 cases"), ("1 2", "a string"),
                        ([{"stdin": 5}], "a number as stdin"), (["1 2"], "a bare string case")):
        r = piston(srv, dict(base, cases=cases), check_schema=False)
        error_of(r, 400, "invalid_field", f"cases: {what}", "cases")
    r = piston(srv, dict(base, cases=[{"stdin": "1 2"}], stdin="3 4"), check_schema=False)
    error_of(r, 400, "invalid_field", "stdin and cases together", "exclude")


@test
def cache_second_submission_skips_compilation():
    code = f"// {token()}\n" + SUM_C
    first = v2_cases(code, ["1 1"])
    second = v2_cases(code, ["2 2"])
    eq((first.json["compile"]["cached"], second.json["compile"]["cached"]), (False, True),
       "the same program sent again comes from the cache")
    eq(second.json["compile"]["wall_time"], 0, "nothing compiled the second time")
    eq(second.json["cases"][0]["stdout"], "4\n", "the cached program runs")
    other = v2_cases(code + "\n", ["1 1"])
    eq(other.json["compile"]["cached"], False, "one byte more is another program")
    renamed = piston(shared(), {"language": "c", "version": "*", "stdin": "1 1",
                                "files": [{"name": "other.c", "content": code}]})
    eq(renamed.json["compile"]["cached"], False, "another file name is another key")
    tighter = v2_cases(code, ["1 1"], compile_memory_limit=200 << 20)
    eq(tighter.json["compile"]["cached"], False, "other compile limits are another key")
    r = call(shared(), "GET", "/metrics", check_schema=False)
    hits = re.search(rb'kiln_artifact_cache_lookups_total\{result="hit"\} (\d+)', r.body)
    check(hits and int(hits.group(1)) >= 1, f"/metrics counts cache hits: {show(r.body, 300)}")


@test
def cache_copy_is_untouchable_by_runs():
    # The program replaces its own binary and source in the box with junk; the
    # next submission of the same program must run the cached original.
    code = (f"// {token()}\n#include <stdio.h>\n#include <sys/stat.h>\n#include <unistd.h>\n"
            "int main(void) { unlink(\"main\"); unlink(\"main.c\");\n"
            "  FILE *f = fopen(\"main\", \"w\"); if (f) { fputs(\"#!/bin/sh\\necho TAMPERED\\n\", f);"
            " fclose(f); }\n  chmod(\"main\", 0755); puts(\"original\"); return 0; }\n")
    for i in range(3):
        r = v2_cases(code, ["", ""])
        eq([c["stdout"] for c in r.json["cases"]], ["original\n", "original\n"],
           f"submission {i + 1}: every case runs the compiled original")
    eq(r.json["compile"]["cached"], True, "from the cache")


@test
def cli_cases_and_multi_file_folders():
    with tempfile.TemporaryDirectory() as d:
        paths = tmpdir_files(d, {
            "app/main.py": "from lib.util import double\nimport sys\n"
                           "print(double(int(sys.stdin.read())))\n",
            "app/lib/__init__.py": "",
            "app/lib/util.py": "def double(x):\n    return 2 * x\n",
            "in1": "4", "in2": "21",
        })
        main, init, util, in1, in2 = paths
        rc, res, err = kiln_json("run", main, init, util, "--case", in1, "--case", in2)
        eq(rc, 0, f"exit status ({show(err)})")
        eq([c["stdout"] for c in res["cases"]], ["8\n", "42\n"],
           "files below the entry's folder keep their subfolders; one run per --case")
        check(res["run"] is None, "no single run with cases")
        rc, out, err = kiln("run", main, init, util, "--case", in1, "--case", in2)
        eq(out, b"8\n42\n", "plain output: each case's stdout in order")
        check(b"kiln: case 1: OK" in err and b"kiln: case 2: OK" in err,
              f"a line per case on stderr: {show(err)}")
        bad = os.path.join(d, "bad")
        with open(bad, "w") as f:
            f.write("x")
        rc, out, err = kiln("run", main, init, util, "--case", in1, "--case", bad)
        check(rc == 1 and b"kiln: case 2: RE" in err, f"the failing case decides: {rc} {show(err)}")
