"""Profiles and content policies against a real `kiln serve`.

A request names a profile; its run limits become the request's defaults, the
request may only lower them, and its content rules answer 403 naming the
rule. The server here adds a profile `class` from settings, as a config file
would.
"""

import base64
import threading

import harness
from harness import check, eq, test
from test_server import Server, error_of, execute, ok_data, piston

_server = None
_lock = threading.Lock()


def server():
    global _server
    with _lock:
        if _server is None:
            _server = Server("--set", r"profile.class.block=os\.system|subprocess",
                             "--set", "profile.class.block=__import__",
                             "--set", "profile.class.max_lines=5",
                             "--set", "profile.class.cpu_ms=500",
                             "--set", "profile.strict.mem_kib=32768", keep_alive=True)
        return _server


@test(timeout=120)
def profile_limits_become_the_defaults():
    srv = server()
    d = ok_data(execute(srv, {"language": "python", "code": "while True: pass",
                              "profile": "class"}), "class profile")
    eq(d["status"], "TO", "a loop under profile class")
    check(480 <= d["cpuTime"] <= 900, f"cpu time {d['cpuTime']} ms, for class's 500 ms")
    # strict's memory, changed by a setting to 32 MiB, stops 64 MiB.
    d = ok_data(execute(srv, {"language": "python", "profile": "strict",
                              "code": "b = bytearray(64 << 20)\nprint('HELD')"}), "strict memory")
    eq((d["status"], d["stdout"]), ("ML", ""), "64 MiB under strict's 32 MiB")
    d = ok_data(execute(srv, {"language": "python", "profile": "strict",
                              "code": "b = bytearray(8 << 20)\nprint('HELD')"}), "strict, small")
    eq((d["status"], d["stdout"]), ("OK", "HELD\n"), "8 MiB under strict's 32 MiB")


@test(timeout=120)
def request_may_tighten_but_not_loosen():
    srv = server()
    d = ok_data(execute(srv, {"language": "python", "code": "while True: pass",
                              "profile": "strict", "timeout": 300}), "tightened")
    eq(d["status"], "TO", "a loop under 300 ms")
    check(d["cpuTime"] < 700, f"cpu time {d['cpuTime']} ms, for the request's 300 ms")
    r = execute(srv, {"language": "python", "code": "print(1)", "profile": "strict",
                      "timeout": 5000})
    error_of(r, 400, "profile_exceeded", "v1 loosening strict's CPU time",
             "more than profile strict allows (1000)")
    r = piston(srv, {"language": "python", "version": "*", "profile": "strict",
                     "files": [{"content": "print(1)"}], "run_memory_limit": 64 << 20})
    error_of(r, 400, "profile_exceeded", "v2 loosening strict's memory",
             "run mem_kib 65536 KiB is more than profile strict allows (32768)")
    r = execute(srv, {"language": "python", "code": "print(1)", "profile": "lenient"})
    error_of(r, 400, "unknown_profile", "an unknown profile",
             "strict, moderate, permissive, class")
    r = execute(srv, {"language": "python", "code": "print(1)", "profile": 3})
    error_of(r, 400, "invalid_field", "a profile that is not a string")


@test(timeout=120)
def content_rules_answer_403_naming_the_rule():
    srv = server()
    r = execute(srv, {"language": "python", "profile": "class",
                      "code": "import os\nos.system('id')\n"})
    error_of(r, 403, "policy_violation", "os.system", r"rule 'block: os\.system|subprocess'")
    r = execute(srv, {"language": "python", "profile": "class",
                      "code": "m = __import__('os')\n"})
    error_of(r, 403, "policy_violation", "__import__", "rule 'block: __import__'")
    r = execute(srv, {"language": "python", "profile": "class", "code": "pass\n" * 6})
    error_of(r, 403, "policy_violation", "six lines", "rule 'max_lines: 5': the code is 6 lines")
    # A NUL byte before the match does not hide it (the rules see bytes).
    hidden = base64.b64encode(b"\0import os\nos.system('id')\n").decode()
    r = piston(srv, {"language": "python", "version": "*", "profile": "class",
                     "files": [{"content": hidden, "encoding": "base64"}]})
    error_of(r, 403, "policy_violation", "a rule behind a NUL", "block:")
    # A second file is checked too.
    r = piston(srv, {"language": "python", "version": "*", "profile": "class",
                     "files": [{"content": "import helper"},
                               {"name": "helper.py", "content": "import subprocess"}]})
    error_of(r, 403, "policy_violation", "a rule in a second file", "matches a file")
    # strict's size bound: 64 KiB of code.
    r = execute(srv, {"language": "python", "profile": "strict",
                      "code": "#" * (64 << 10) + "\n"})
    error_of(r, 403, "policy_violation", "65537 bytes", "rule 'max_code_bytes: 65536'")
    # Without a profile none of this applies, and the run is the jail's to contain.
    d = ok_data(execute(srv, {"language": "python", "code": "import os\nprint(os.system('true'))"}),
                "no profile")
    eq(d["status"], "OK", "os.system without a profile")
    # And a clean program under class runs.
    d = ok_data(execute(srv, {"language": "python", "profile": "class", "code": "print(6*7)"}),
                "clean code under class")
    eq(d["stdout"], "42\n", "clean code under class")


@test(timeout=60)
def bad_profile_settings_stop_the_server():
    for bad, want in ((["--set", "profile.x.block=("], "block '('"),
                      (["--set", "profile.x.colour=1"], "unknown field 'colour'"),
                      (["--set", "profile.Bad.cpu_ms=1"], "profile name 'Bad'"),
                      (["--set", "profile.x.cpu_ms=0"], "not a whole number in [1, 600000]")):
        try:
            Server(*bad).stop()
        except AssertionError as e:
            check(want in str(e), f"{bad}: the error should say {want!r}: {e}")
            continue
        raise AssertionError(f"{bad}: the server started")


@test(exclusive=True, timeout=60)
def profiles_server_stops_cleanly():
    with _lock:
        srv = _server
    if srv is not None:
        srv.stop()


# Its warm children have box uids, which test_containment's exclusive tests
# count as left over: like the shared server's, it stops first of the
# exclusive tests (the runner keeps harness.TESTS order for them).
harness.TESTS.insert(0, harness.TESTS.pop())
