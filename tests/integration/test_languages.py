"""Every language's own programs, through the real server's /api/v2/execute.

tests/languages/NAME/ holds, for the language NAME:
  ok.EXT      prints OK
  echo.EXT    prints each argument on its own line, then copies stdin
              (echo.expected, when present, is the output instead: SQL sees
              no arguments)
  ce.EXT      does not compile: CE, with the compiler's message (compiled
              languages only)
  exit3.EXT   exits with code 3

Each file is a test of its own, `languages.NAME.KIND`. A language whose
toolchain is not installed is skipped, saying how to install it; an installed
one must pass. They use the shared server, which stops before the exclusive
tests that count box processes; at most -j tests run at once anyway.
"""

import os
import re
import threading

from harness import check, eq, kiln_json, skip, test
from test_server import call, piston, shared

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(os.path.dirname(HERE), "languages")

ECHO_ARGS = ["alpha", "beta gamma"]
ECHO_STDIN = "one\ntwo\n"
ECHO_OUT = "alpha\nbeta gamma\none\ntwo\n"
# "1.19.8", "8.7", "25.2.3": what a toolchain prints, not a constant.
VERSION = re.compile(r"\d+(\.\d+)+")

_lock = threading.Lock()
_catalogue = None
_served = None


def catalogue():
    """name -> the language's entry of `kiln languages --json`, installed or not;
    an installed one must also be one of the server's /api/v2/runtimes."""
    global _catalogue
    with _lock:
        if _catalogue is None:
            rc, doc, err = kiln_json("languages")
            eq(rc, 0, f"kiln languages --json: exit status ({err!r})")
            langs = doc["languages"]
            _catalogue = {lang["name"]: lang for lang in langs}
    return _catalogue


def served():
    """The languages of the shared server's /api/v2/runtimes, asked once."""
    global _served
    with _lock:
        if _served is None:
            _served = {r["language"] for r in call(shared(), "GET", "/api/v2/runtimes").json}
    return _served


def runnable(name):
    lang = catalogue().get(name)
    check(lang is not None, f"tests/languages/{name}/ names no language of languages/")
    if not lang.get("available"):
        skip(f"{name}: {lang.get('missing')} is not installed (make languages LANGS={name})")
    check(name in served(), f"{name} is installed but not in /api/v2/runtimes")
    return lang


def submit(name, path, **fields):
    with open(path, encoding="utf-8") as f:
        body = {"language": name, "version": "*", "files": [{"content": f.read()}]}
    body.update(fields)
    # A cold JVM compiler (kotlinc, scalac) takes seconds of CPU.
    r = piston(shared(), body, timeout=170)
    eq(r.status, 200, f"{name}: HTTP status ({r})")
    check(VERSION.fullmatch(r.json.get("version", "")),
          f"{name}: version {r.json.get('version')!r} is not a toolchain's version number")
    return r.json


def compiled_ok(name, reply):
    comp = reply.get("compile")
    if comp is not None:
        eq(comp["code"], 0, f"{name}: compile exit code (stderr {comp['stderr'][:2000]!r})")
    check("run" in reply, f"{name}: no run stage: {reply}")
    return reply["run"]


def describe(run):
    return (f"stdout {run['stdout'][:500]!r}, stderr {run['stderr'][:1500]!r}, "
            f"code {run['code']}, signal {run['signal']}, status {run.get('status')}, "
            f"message {run.get('message')!r}")


def check_ok(name, path):
    run = compiled_ok(name, submit(name, path))
    eq((run["stdout"], run["code"], run["signal"]), ("OK\n", 0, None),
       f"{name}: hello world ({describe(run)})")


def check_echo(name, path):
    expected = ECHO_OUT
    alt = os.path.join(os.path.dirname(path), "echo.expected")
    if os.path.exists(alt):
        with open(alt, encoding="utf-8") as f:
            expected = f.read()
    run = compiled_ok(name, submit(name, path, args=ECHO_ARGS, stdin=ECHO_STDIN))
    eq((run["stdout"], run["code"]), (expected, 0), f"{name}: echo ({describe(run)})")


def check_ce(name, path):
    reply = submit(name, path)
    comp = reply.get("compile")
    check(comp is not None, f"{name}: a compile error without a compile stage: {reply}")
    check(comp["code"] not in (0, None) or comp.get("status") is not None,
          f"{name}: the compiler accepted a broken program ({comp})")
    check("run" not in reply, f"{name}: a run after a failed compile: {reply}")
    check(comp["stdout"].strip() or comp["stderr"].strip(),
          f"{name}: a compile error without the compiler's message ({comp})")


def check_exit3(name, path):
    run = compiled_ok(name, submit(name, path))
    eq((run["code"], run["signal"]), (3, None), f"{name}: exit code ({describe(run)})")


CHECKS = {"ok": check_ok, "echo": check_echo, "ce": check_ce, "exit3": check_exit3}


def register(name, kind, path):
    def body():
        lang = runnable(name)
        if kind == "ce":
            check(lang.get("compiled"), f"{name}: a ce test for a language without a compiler")
        CHECKS[kind](name, path)

    test(body, name=f"languages.{name}.{kind}", timeout=180)


def register_all():
    for name in sorted(os.listdir(PROGRAMS)):
        folder = os.path.join(PROGRAMS, name)
        if not os.path.isdir(folder):
            continue
        kinds = {}
        for entry in sorted(os.listdir(folder)):
            kind, _, ext = entry.partition(".")
            if kind in CHECKS and ext != "expected":
                kinds[kind] = os.path.join(folder, entry)
        for kind in ("ok", "echo", "exit3"):
            if kind not in kinds:
                raise RuntimeError(f"tests/languages/{name}/ has no {kind} program")
        for kind, path in kinds.items():
            register(name, kind, path)


@test(timeout=180)
def every_definition_has_tests():
    """A language added to languages/ without programs here is a failure."""
    missing = sorted(set(catalogue()) - set(os.listdir(PROGRAMS)))
    eq(missing, [], "languages without tests/languages/NAME/")
    for name, lang in catalogue().items():
        has_ce = any(e.startswith("ce.") for e in os.listdir(os.path.join(PROGRAMS, name)))
        eq(has_ce, bool(lang.get("compiled")), f"{name}: a ce program exactly when compiled")


register_all()
