"""The `kiln` command line contract: commands, exit codes, --json, files, stdin, args."""

import json
import os
import re
import subprocess
import tempfile

import harness
from harness import (test, kiln, kiln_json, check, eq, show, run_stage, describe,
                     tmpdir_files)

EXIT_CE, EXIT_OL, EXIT_ML, EXIT_TO, EXIT_XX = 121, 122, 123, 124, 125
STATUSES = {"OK", "RE", "SG", "TO", "ML", "OL", "CE", "XX"}

HELLO = {
    "python": ("hello.py", 'print("hello from python")\n', "hello from python\n"),
    "javascript": ("hello.js", 'console.log("hello from " + "javascript");\n',
                   "hello from javascript\n"),
    "c": ("hello.c", '#include <stdio.h>\nint main(void){printf("hello from c\\n");return 0;}\n',
          "hello from c\n"),
    "cpp": ("hello.cpp", '#include <iostream>\nint main(){std::cout << "hello from cpp" << std::endl;}\n',
            "hello from cpp\n"),
    "bash": ("hello.sh", 'echo "hello from bash"\n', "hello from bash\n"),
}


def host_version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except OSError:
        return None
    m = re.search(r"\d+\.\d+(\.\d+)?", r.stdout + r.stderr)
    return m.group(0) if m else None


def no_kiln_line(err, what):
    check(b"kiln:" not in err, f"{what}: unexpected kiln: line on stderr {show(err)}")


def last_line_is_kiln(err, what):
    ls = [l for l in err.decode("utf-8", "replace").splitlines() if l.strip()]
    check(ls and ls[-1].startswith("kiln:"),
          f"{what}: stderr must end with one 'kiln: reason' line, got {show(err)}")
    check(sum(1 for l in ls if l.startswith("kiln:")) == 1,
          f"{what}: expected exactly one kiln: line, got {show(err)}")


# ------------------------------------------------------------------ --help etc.

@test
def version_prints_version():
    rc, out, err = kiln("--version")
    eq(rc, 0, "kiln --version exit code")
    check(re.search(rb"kiln", out, re.I) and re.search(rb"\d+\.\d+", out),
          f"--version should print 'kiln' and a version number, got {show(out)}")


@test
def help_documents_exit_codes():
    rc, out, err = kiln("--help")
    eq(rc, 0, "kiln --help exit code")
    text = out.decode("utf-8", "replace")
    for code in ("121", "122", "123", "124", "125"):
        check(code in text, f"--help does not mention exit code {code}: {show(out, 2000)}")
    for cmd in ("run", "eval", "languages", "check"):
        check(re.search(rf"\b{cmd}\b", text), f"--help does not mention command {cmd!r}")


@test
def run_help_lists_options():
    rc, out, err = kiln("run", "--help")
    eq(rc, 0, "kiln run --help exit code")
    text = out.decode("utf-8", "replace")
    for opt in ("--time", "--wall", "--mem", "--procs", "--output", "--fsize", "--stdin",
                "--json", "--lang"):
        check(opt in text, f"run --help does not mention {opt}: {show(out, 2000)}")


@test
def no_arguments_is_usage_error():
    rc, out, err = kiln()
    eq(rc, EXIT_XX, "kiln with no arguments")
    check(err.strip(), "kiln with no arguments: expected a usage message on stderr")


@test
def unknown_command_is_usage_error():
    rc, out, err = kiln("frobnicate")
    eq(rc, EXIT_XX, "kiln frobnicate")
    check(b"frobnicate" in err, f"message should name the unknown command: {show(err)}")


@test
def unknown_option_is_usage_error():
    rc, out, err = kiln("eval", "-l", "python", "--no-such-option", "print(1)")
    eq(rc, EXIT_XX, "unknown option exit code")
    check(b"no-such-option" in err, f"message should name the option: {show(err)}")
    eq(out, b"", "stdout for a usage error")


@test
def run_without_file_is_usage_error():
    rc, out, err = kiln("run")
    eq(rc, EXIT_XX, "kiln run with no FILE")
    check(err.strip(), "expected a message on stderr")


@test
def bad_limit_value_is_usage_error():
    rc, out, err = kiln("eval", "-l", "python", "--time", "abc", "print(1)")
    eq(rc, EXIT_XX, "--time abc exit code")
    rc, out, err = kiln("eval", "-l", "python", "--mem", "-5", "print(1)")
    eq(rc, EXIT_XX, "--mem -5 exit code")


# ------------------------------------------------------------------ eval / run

@test
def eval_python_prints():
    rc, out, err = kiln("eval", "-l", "python", "print(6*7)")
    eq((rc, out), (0, b"42\n"), "(exit code, stdout)")
    eq(err, b"", "stderr")


@test
def eval_javascript_prints():
    rc, out, err = kiln("eval", "-l", "javascript", "console.log(6*7)")
    eq((rc, out), (0, b"42\n"), "(exit code, stdout)")
    eq(err, b"", "stderr")


@test
def eval_bash_prints():
    rc, out, err = kiln("eval", "-l", "bash", "echo $((6*7))")
    eq((rc, out), (0, b"42\n"), "(exit code, stdout)")


@test
def eval_c_compiles_and_runs():
    rc, out, err = kiln("eval", "-l", "c",
                        '#include <stdio.h>\nint main(void){printf("%d\\n", 6*7);return 0;}\n')
    eq((rc, out), (0, b"42\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def eval_cpp_compiles_and_runs():
    rc, out, err = kiln("eval", "-l", "cpp",
                        '#include <iostream>\nint main(){std::cout << 6*7 << "\\n";}\n')
    eq((rc, out), (0, b"42\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def language_aliases():
    for alias, code in (("py", "print(1)"), ("python3", "print(1)"), ("js", "console.log(1)"),
                        ("sh", "echo 1"), ("c++", '#include <cstdio>\nint main(){std::puts("1");}\n')):
        rc, out, err = kiln("eval", "-l", alias, code)
        eq((rc, out), (0, b"1\n"), f"-l {alias}: (exit code, stdout); stderr={show(err)}")


@test
def run_detects_language_from_extension():
    with tempfile.TemporaryDirectory() as d:
        for lang, (name, src, want) in HELLO.items():
            path, = tmpdir_files(d, {name: src})
            rc, out, err = kiln("run", path)
            eq((rc, out), (0, want.encode()), f"kiln run {name}: (exit code, stdout); stderr={show(err)}")
            no_kiln_line(err, f"kiln run {name}")


@test
def run_lang_option_overrides_extension():
    with tempfile.TemporaryDirectory() as d:
        path, = tmpdir_files(d, {"prog.txt": "print('by -l')\n"})
        rc, out, err = kiln("run", "-l", "python", path)
        eq((rc, out), (0, b"by -l\n"), f"(exit code, stdout); stderr={show(err)}")
        rc, out, err = kiln("run", path)
        eq(rc, EXIT_XX, "run of a .txt file without -l (no language can be chosen)")


@test
def run_options_after_file():
    # options may follow FILE (as in the issue: kiln run sum.py --time 2000 --mem 128)
    with tempfile.TemporaryDirectory() as d:
        path, = tmpdir_files(d, {"sum.py": "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\n"})
        rc, out, err = kiln("run", path, "--time", "2000", "--mem", "128", stdin=b"5 6 7\n")
        eq((rc, out), (0, b"18\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def run_multiple_files():
    with tempfile.TemporaryDirectory() as d:
        main, helper, data = tmpdir_files(d, {
            "main.py": "import helper\nprint(helper.twice(open('data.txt').read().strip()))\n",
            "helper.py": "def twice(s):\n    return s + s\n",
            "data.txt": "ab\n",
        })
        rc, out, err = kiln("run", main, helper, data)
        eq((rc, out), (0, b"abab\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def run_c_with_header_file():
    # the extra files sit beside the entry point: a header is found by #include "..."
    with tempfile.TemporaryDirectory() as d:
        main, hdr = tmpdir_files(d, {
            "main.c": '#include <stdio.h>\n#include "lib.h"\nint main(void){printf("%d\\n", triple(14));return 0;}\n',
            "lib.h": "static inline int triple(int x) { return 3 * x; }\n",
        })
        rc, out, err = kiln("run", main, hdr)
        eq((rc, out), (0, b"42\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def missing_file_is_error():
    rc, out, err = kiln("run", "/nonexistent/kiln-test/missing.py")
    eq(rc, EXIT_XX, "run of a missing file")
    check(b"missing.py" in err, f"message should name the missing file: {show(err)}")
    eq(out, b"", "stdout")


@test
def unknown_language_is_error():
    rc, out, err = kiln("eval", "-l", "cobolx", "DISPLAY 'x'.")
    eq(rc, EXIT_XX, "eval -l cobolx")
    check(b"cobolx" in err, f"message should name the unknown language: {show(err)}")
    check(err.startswith(b"kiln:") or b"kiln" in err, f"message should come from kiln: {show(err)}")
    eq(out, b"", "stdout")


@test
def unknown_language_json():
    rc, out, err = kiln("eval", "--json", "-l", "cobolx", "x")
    eq(rc, EXIT_XX, "eval --json -l cobolx")
    # either a JSON object with status XX, or no JSON at all and a message on stderr
    if out.strip():
        res = json.loads(out)
        eq(res.get("status"), "XX", "status of --json usage error")
    else:
        check(b"cobolx" in err, f"message should name the language: {show(err)}")


# ------------------------------------------------------------------ exit codes

@test
def exit_code_passes_through():
    rc, out, err = kiln("eval", "-l", "python", "import sys; print('x'); sys.exit(3)")
    eq((rc, out), (3, b"x\n"), "(exit code, stdout)")
    no_kiln_line(err, "RE run")


@test
def exit_code_passes_through_bash_and_c():
    rc, _, err = kiln("eval", "-l", "bash", "exit 7")
    eq(rc, 7, "bash exit 7")
    rc, _, err = kiln("eval", "-l", "c", "int main(void){return 9;}\n")
    eq(rc, 9, f"C return 9; stderr={show(err)}")


@test
def signal_exit_code():
    rc, out, err = kiln("eval", "-l", "python", "import os,signal,sys; sys.stdout.flush(); os.kill(os.getpid(), signal.SIGKILL)")
    eq(rc, 128 + 9, "program killed by SIGKILL")
    last_line_is_kiln(err, "SG run")


@test
def signal_json():
    rc, res, err = kiln_json("eval", "-l", "c", "int main(void){volatile int *p = 0; return *p;}\n")
    eq(rc, 128 + 11, f"segfaulting C program exit code; {describe(res)}")
    st = run_stage(res)
    eq((res["status"], st["status"], st["signal"]), ("SG", "SG", 11), "(status, run.status, run.signal)")


@test
def stdout_stderr_separate_and_unchanged():
    code = ("import sys\n"
            "sys.stdout.buffer.write(b'out\\x00\\xff\\xfe line\\r\\n')\n"
            "sys.stdout.flush()\n"
            "sys.stderr.buffer.write(b'err \\x01 text\\n')\n")
    rc, out, err = kiln("eval", "-l", "python", code)
    eq(rc, 0, "exit code")
    eq(out, b"out\x00\xff\xfe line\r\n", "stdout bytes")
    eq(err, b"err \x01 text\n", "stderr bytes")


@test
def large_output_under_limit_unchanged():
    code = "import sys\nfor i in range(20000):\n    sys.stdout.write('%08d abcdefghijklmnopqrstuvwxyz\\n' % i)\n"
    want = "".join("%08d abcdefghijklmnopqrstuvwxyz\n" % i for i in range(20000)).encode()
    rc, out, err = kiln("eval", "-l", "python", "--output", "4096", code)
    eq(rc, 0, f"exit code; stderr={show(err)}")
    eq(len(out), len(want), "stdout length")
    check(out == want, "stdout differs from what the program wrote")


# ------------------------------------------------------------------ stdin, args

@test
def stdin_is_passed():
    rc, out, err = kiln("eval", "-l", "python", "import sys; print(sys.stdin.read().upper(), end='')",
                        stdin=b"hello\nworld\n")
    eq((rc, out), (0, b"HELLO\nWORLD\n"), "(exit code, stdout)")


@test
def stdin_file_option():
    with tempfile.TemporaryDirectory() as d:
        inp, = tmpdir_files(d, {"in.txt": "3 4\n"})
        rc, out, err = kiln("eval", "-l", "python", "--stdin", inp,
                            "a,b=map(int,input().split()); print(a*b)")
        eq((rc, out), (0, b"12\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def stdin_empty_by_default():
    rc, out, err = kiln("eval", "-l", "python", "import sys; print(repr(sys.stdin.read()))")
    eq((rc, out), (0, b"''\n"), "(exit code, stdout) with /dev/null as kiln's stdin")


@test
def large_stdin():
    data = b"".join(b"%07d\n" % i for i in range(200000))  # 1.6 MB
    rc, out, err = kiln("eval", "-l", "python",
                        "import sys,hashlib; d=sys.stdin.buffer.read(); print(len(d), hashlib.sha256(d).hexdigest())",
                        stdin=data)
    import hashlib
    eq((rc, out.decode()), (0, f"{len(data)} {hashlib.sha256(data).hexdigest()}\n"),
       f"(exit code, stdout); stderr={show(err)}")


@test
def args_after_double_dash():
    rc, out, err = kiln("eval", "-l", "python", "import sys; print(sys.argv[1:])",
                        "--", "a", "b c", "--json", "-l", "")
    eq((rc, out), (0, b"['a', 'b c', '--json', '-l', '']\n"), f"(exit code, stdout); stderr={show(err)}")


@test
def args_for_run_bash_and_c():
    with tempfile.TemporaryDirectory() as d:
        sh, c = tmpdir_files(d, {
            "args.sh": 'echo "$#:$1:$2"\n',
            "args.c": '#include <stdio.h>\nint main(int c,char**v){for(int i=1;i<c;i++)printf("[%s]",v[i]);puts("");return 0;}\n',
        })
        rc, out, err = kiln("run", sh, "--", "x y", "z")
        eq((rc, out), (0, b"2:x y:z\n"), f"bash args; stderr={show(err)}")
        rc, out, err = kiln("run", c, "--", "one", "two words")
        eq((rc, out), (0, b"[one][two words]\n"), f"C args; stderr={show(err)}")


# ------------------------------------------------------------------ compile errors

@test
def compile_error_c():
    with tempfile.TemporaryDirectory() as d:
        path, = tmpdir_files(d, {"bad.c": "int main(void){ return undeclared_thing_xyz; }\n"})
        rc, out, err = kiln("run", path)
        eq(rc, EXIT_CE, f"compile error exit code; stderr={show(err)}")
        check(b"undeclared_thing_xyz" in err and b"error" in err,
              f"stderr should carry gcc's message: {show(err, 1000)}")
        last_line_is_kiln(err, "CE run")
        eq(out, b"", "stdout of a CE run")


@test
def compile_error_json():
    rc, res, err = kiln_json("eval", "-l", "cpp", "int main() { this is not cpp; }\n")
    eq(rc, EXIT_CE, "compile error exit code with --json")
    eq(res.get("status"), "CE", "status")
    eq(res.get("run"), None, "run stage after a compile error")
    comp = res.get("compile")
    check(isinstance(comp, dict), f"compile stage missing: {show(json.dumps(res))}")
    check("error" in comp.get("stderr", "") + comp.get("stdout", ""),
          f"compile stage should carry g++'s message: {show(json.dumps(comp))}")
    check(comp.get("status") in ("CE", "RE"), f"compile stage status {comp.get('status')!r}")
    check(comp.get("exit_code") != 0, "compile stage exit code should be non-zero")


@test
def compile_warning_is_not_error():
    rc, out, err = kiln("eval", "-l", "c", "#include <stdio.h>\nint main(void){int unused; printf(\"w\\n\"); return 0;}\n")
    eq((rc, out), (0, b"w\n"), f"(exit code, stdout); stderr={show(err)}")


# ------------------------------------------------------------------ --json

def check_stage(st, where):
    check(isinstance(st, dict), f"{where}: stage is not an object")
    types = {"status": str, "exit_code": int, "signal": int, "stdout": str, "stdout_truncated": bool,
             "stderr": str, "stderr_truncated": bool, "cpu_ms": int, "wall_ms": int,
             "memory_kib": int, "message": str}
    for k, t in types.items():
        check(k in st, f"{where}: field {k!r} missing: {show(json.dumps(st))}")
        check(isinstance(st[k], t) and not (t is int and isinstance(st[k], bool)),
              f"{where}: field {k!r} should be {t.__name__}, got {st[k]!r}")
    check(st["status"] in STATUSES, f"{where}: unknown status {st['status']!r}")
    for k in ("cpu_ms", "wall_ms", "memory_kib"):
        check(st[k] >= 0, f"{where}: {k} negative: {st[k]}")


@test
def json_fields_python():
    rc, res, err = kiln_json("eval", "-l", "python", "import sys; print('hi'); print('warn', file=sys.stderr)")
    eq(rc, 0, "exit code")
    for k in ("status", "language", "version", "compile", "run"):
        check(k in res, f"top-level field {k!r} missing: {show(json.dumps(res))}")
    eq(res["status"], "OK", "status")
    eq(res["language"], "python", "language")
    want = host_version(["/usr/bin/python3", "--version"])
    eq(res["version"], want, "version (python3 --version on this host)")
    eq(res["compile"], None, "compile stage of an interpreted language")
    st = res["run"]
    check_stage(st, "run")
    eq((st["status"], st["exit_code"], st["signal"]), ("OK", 0, 0), "(status, exit_code, signal)")
    eq((st["stdout"], st["stderr"]), ("hi\n", "warn\n"), "(stdout, stderr)")
    eq((st["stdout_truncated"], st["stderr_truncated"]), (False, False), "truncated flags")
    check(st["memory_kib"] > 0, f"memory_kib should be > 0 for a python run, got {st['memory_kib']}")
    check(st["wall_ms"] < 10000, f"wall_ms implausible: {st['wall_ms']}")
    check(st["cpu_ms"] <= st["wall_ms"] + 50, f"cpu_ms {st['cpu_ms']} > wall_ms {st['wall_ms']} for one thread")


@test
def json_fields_c():
    rc, res, err = kiln_json("eval", "-l", "c", '#include <stdio.h>\nint main(void){puts("c!");return 4;}\n')
    eq(rc, 4, "exit code")
    eq((res.get("status"), res.get("language")), ("RE", "c"), "(status, language)")
    want = host_version(["gcc", "-dumpfullversion"])
    check(isinstance(res.get("version"), str) and res["version"],
          f"version should be gcc's version string ({want}), got {res.get('version')!r}")
    check_stage(res["compile"], "compile")
    eq((res["compile"]["status"], res["compile"]["exit_code"]), ("OK", 0), "compile (status, exit_code)")
    check_stage(res["run"], "run")
    eq((res["run"]["status"], res["run"]["exit_code"], res["run"]["stdout"]), ("RE", 4, "c!\n"),
       "run (status, exit_code, stdout)")


@test
def json_javascript_version():
    # javascript is the warm V8 runtime: its version is V8's (10.2, from
    # Debian's libnode108), told by the runtime itself
    rc, res, err = kiln_json("eval", "-l", "js", "console.log(typeof process, process.versions.v8)")
    eq(rc, 0, f"exit code; {describe(res)}")
    eq(res.get("language"), "javascript", "language")
    check(re.fullmatch(r"10\.2\.\d+\.\d+", res.get("version") or ""),
          f"version should be V8 10.2's, got {res.get('version')!r}")
    out = run_stage(res)["stdout"]
    check(out.startswith(f"object {res['version']}"), f"stdout: process.versions.v8 should agree: {out!r}")


@test
def json_node_version():
    # node is the node binary, run per request: its version is node --version
    rc, res, err = kiln_json("eval", "-l", "node", "console.log(require('os').EOL === '\\n')")
    eq(rc, 0, f"exit code; {describe(res)}")
    eq(res.get("language"), "node", "language")
    eq(res.get("version"), host_version(["node", "--version"]), "version (node --version, without the v)")
    eq(run_stage(res)["stdout"], "true\n", "stdout")


@test
def json_exit_codes_match_plain():
    rc, res, err = kiln_json("eval", "-l", "python", "raise SystemExit(5)")
    eq((rc, res.get("status"), run_stage(res)["exit_code"]), (5, "RE", 5), "(rc, status, exit_code)")
    rc, res, err = kiln_json("eval", "-l", "python", "--wall", "300", "import time; time.sleep(5)")
    eq((rc, res.get("status")), (EXIT_TO, "TO"), "(rc, status) of a wall time-out")
    check(run_stage(res)["message"], "message should explain a TO")


@test
def json_nothing_else_on_stdout():
    rc, out, err = kiln("eval", "--json", "-l", "python", "print('{not json')")
    eq(rc, 0, "exit code")
    res = json.loads(out)  # the whole stdout is one JSON document
    eq(run_stage(res)["stdout"], "{not json\n", "program stdout inside JSON")


@test
def json_option_after_file():
    # as in the issue: kiln run prog.js --json
    with tempfile.TemporaryDirectory() as d:
        path, = tmpdir_files(d, {"prog.js": "console.log(1+1)\n"})
        rc, out, err = kiln("run", path, "--json")
        eq(rc, 0, f"exit code; stderr={show(err)}")
        res = json.loads(out)
        eq((res.get("status"), res.get("language"), run_stage(res)["stdout"]), ("OK", "javascript", "2\n"),
           "(status, language, stdout)")


# ------------------------------------------------------------------ languages, check

LANGS = {"python": False, "javascript": False, "typescript": False, "node": False, "c": True,
         "cpp": True, "bash": False}


@test
def languages_table():
    rc, out, err = kiln("languages")
    eq(rc, 0, "kiln languages exit code")
    text = out.decode()
    for name in LANGS:
        check(re.search(rf"^\s*{re.escape(name)}\b", text, re.M),
              f"languages table lacks a row for {name}: {show(out, 2000)}")


@test
def languages_json():
    rc, res, err = kiln_json("languages")
    eq(rc, 0, "exit code")
    check(isinstance(res.get("languages"), list), f"no languages list: {show(json.dumps(res))}")
    by = {l.get("name"): l for l in res["languages"]}
    for name, compiled in LANGS.items():
        check(name in by, f"language {name} missing from {sorted(by)}")
        l = by[name]
        for k, t in (("aliases", list), ("version", str), ("available", bool), ("compiled", bool)):
            check(isinstance(l.get(k), t), f"{name}.{k} should be {t.__name__}: {l.get(k)!r}")
        eq(l["available"], True, f"{name}.available (its toolchain is installed here)")
        eq(l["compiled"], compiled, f"{name}.compiled")
        check(re.match(r"\d+\.\d+", l["version"]), f"{name}.version {l['version']!r}")
    for name, alias in (("python", "py"), ("javascript", "js"), ("typescript", "ts"), ("cpp", "c++"),
                        ("bash", "sh")):
        check(alias in by[name]["aliases"], f"{alias} not among {name}'s aliases {by[name]['aliases']}")
    eq(by["python"]["version"], host_version(["/usr/bin/python3", "--version"]), "python version")


@test
def check_json():
    rc, res, err = kiln_json("check")
    check(isinstance(res.get("ok"), bool), f"check: 'ok' should be a bool: {show(json.dumps(res))}")
    checks = res.get("checks")
    check(isinstance(checks, list) and len(checks) >= 5, f"check: expected a list of checks, got {checks!r}")
    for c in checks:
        check(isinstance(c.get("name"), str) and c["name"], f"check entry without name: {c!r}")
        check(isinstance(c.get("ok"), bool), f"check entry {c.get('name')}: ok not a bool")
        check(isinstance(c.get("detail"), str), f"check entry {c.get('name')}: detail not a string")
    eq(res["ok"], all(c["ok"] for c in checks), "ok should be the AND of the checks")
    if res["ok"]:
        eq(rc, 0, "kiln check exit code when every protection is active")


@test
def check_all_active_here():
    # this machine (root, Debian 12, cgroup v1) supports every protection of the jail
    rc, res, err = kiln_json("check")
    bad = [f"{c.get('name')}: {c.get('detail')}" for c in res.get("checks", []) if not c.get("ok")]
    check(not bad and res.get("ok") is True, f"protections reported inactive on this host: {bad}")
    eq(rc, 0, "kiln check exit code")
    names = " ".join(c.get("name", "") for c in res["checks"]).lower()
    for word in ("seccomp", "cgroup"):
        check(word in names, f"kiln check should report on {word}: names are {names!r}")


@test
def check_plain():
    rc, out, err = kiln("check")
    check(rc in (0, 1), f"kiln check exit code {rc}")
    check(out.strip(), "kiln check printed nothing")


@test
def stdin_terminal_means_empty():
    # kiln's stdin is a terminal: the program gets an empty stdin, kiln does not wait for input
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([harness.KILN, "eval", "-l", "python",
                              "import sys; print(repr(sys.stdin.read()))"],
                             stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise AssertionError("kiln waited for input on a terminal stdin")
        eq((p.returncode, out), (0, b"''\n"), f"(exit code, stdout); stderr={show(err)}")
    finally:
        os.close(master)
        os.close(slave)


@test
def stdin_file_missing_is_error():
    rc, out, err = kiln("eval", "-l", "python", "--stdin", "/nonexistent/kiln-input.txt", "print(1)")
    eq(rc, EXIT_XX, "--stdin of a missing file")
    check(b"kiln-input.txt" in err, f"message should name the file: {show(err)}")
    eq(out, b"", "stdout")


@test
def memory_limit_plain_exit_code_and_reason():
    rc, out, err = kiln("eval", "-l", "python", "--mem", "48",
                        "x = []\nwhile True:\n    x.append(b'\\x01' * (4 << 20))\n")
    eq(rc, EXIT_ML, f"exit code of a memory-limit stop; stderr={show(err)}")
    last_line_is_kiln(err, "ML run")
