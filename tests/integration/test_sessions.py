"""Sessions (/api/v1/sessions) and interpret mode against a real `kiln serve`.

A session is a jailed process of its own, kept across cells: state stays
from cell to cell and never crosses to another session; a session ends at
its memory limit, its idle timeout, its lifetime, an exit, or a DELETE, and
the next call says why (410). The server here has API keys (sessions are
seen only by the key that opened them), three sessions in all and two per
key, so that both bounds are reached.
"""

import os
import tempfile
import threading
import time

import harness
from harness import check, eq, test
from test_server import Server, call, error_of, execute, ok_data, piston, shared, wait_for

KEYS = ("sess-key-alpha-1234", "sess-key-beta-5678")
_server = None
_lock = threading.Lock()
# The tests here share the server's three session slots: one at a time
# (beside the other modules' tests).
_serial = threading.Lock()


def serial(fn):
    def run():
        with _serial:
            return fn()
    run.__name__ = fn.__name__
    return run


def server():
    global _server
    with _lock:
        if _server is None:
            d = tempfile.mkdtemp(prefix="kiln-sessions-")
            path = os.path.join(d, "keys")
            with open(path, "w") as f:
                f.write("\n".join(KEYS) + "\n")
            _server = Server("--keys", path, "--sessions", 3, "--sessions-per-key", 2,
                             "--session-max-idle-s", 600, keep_alive=True)
        return _server


def auth(i):
    return {"Authorization": f"Bearer {KEYS[i]}"}


def req(method, path, body=None, key=0, **kw):
    return call(server(), method, path, body, headers=auth(key), **kw)


def open_session(key=0, **fields):
    r = req("POST", "/api/v1/sessions", {"language": "python", **fields}, key)
    eq(r.status, 201, f"open a session ({r})")
    return r.json["data"]["id"]


def cell(sid, code, key=0, **fields):
    return req("POST", f"/api/v1/sessions/{sid}/execute", {"code": code, **fields}, key)


def cell_data(sid, code, key=0, **fields):
    return ok_data(cell(sid, code, key, **fields), f"cell {code!r}")


def value(sid, code, key=0, **fields):
    d = cell_data(sid, code, key, **fields)
    eq(d["status"], "OK", f"cell {code!r}: {d['stderr']}")
    return d["result"]


def delete(sid, key=0, graceful=False):
    return req("DELETE", f"/api/v1/sessions/{sid}" + ("?graceful=1" if graceful else ""), key=key)


@test(timeout=180)
@serial
def sessions_keep_state_across_cells_never_across_sessions():
    a = open_session(language="python")
    b = open_session(language="javascript")
    try:
        value(a, "import math\nx = 40\ndef f(n):\n    return n + 2")
        eq(value(a, "f(x)"), 42, "a function and a variable of an earlier cell")
        eq(value(a, "math.floor(2.5) + x"), 42, "an import of an earlier cell")
        eq(value(a, "open('/box/kept.txt', 'w').write('kept')"), 4, "a file written")
        eq(value(a, "open('/box/kept.txt').read()"), "kept", "the file, a cell later")
        d = cell_data(a, "print('out'); 1/0")
        eq((d["status"], d["stdout"]), ("RE", "out\n"), "an error in a cell")
        check("ZeroDivisionError" in d["stderr"], f"the traceback: {d['stderr']!r}")
        check(d["session"]["alive"], "an error leaves the session alive")
        eq(value(a, "x"), 40, "state after the error")
        value(b, "let n = 40; function add(a, b) { return a + b }")
        eq(value(b, "add(n, 2)"), 42, "javascript: a let and a function of an earlier cell")
        eq(value(b, "const v = await Promise.resolve(n); v + 2"), 42, "top-level await")
        eq(value(b, "return [1,2,3,4,5].reduce((s,n)=>s+n*n,0)"), 55, "top-level return")
        d = cell_data(b, "console.log(typeof x, typeof f)")
        eq(d["stdout"], "undefined undefined\n", "javascript sees nothing of the python session")
        # Each session is a process of its own, under a uid of its own.
        pa = value(a, "import os; [os.getuid(), open('/proc/self/stat').read().split()[0]]")
        d = cell_data(b, "console.log(require('fs').existsSync('/box/kept.txt'))")
        eq(d["stdout"], "false\n", "the python session's file is not in the javascript one")
        c = open_session(language="python", key=1)
        try:
            pc = value(c, "import os; [os.getuid(), open('/proc/self/stat').read().split()[0]]",
                       key=1)
            check(pa[0] != pc[0], f"two sessions share a uid: {pa} {pc}")
            d = cell_data(c, "x", key=1)
            check(d["status"] == "RE" and "NameError" in d["stderr"],
                  f"a second python session sees the first one's x: {d}")
        finally:
            eq(delete(c, key=1).status, 200, "delete")
        # A one-shot run sees nothing of a session either.
        d = ok_data(call(server(), "POST", "/api/v1/execute",
                         {"language": "python", "code": "import os; print(os.path.exists("
                          "'/box/kept.txt'), 'x' in globals())"}, headers=auth(0)), "execute")
        eq(d["stdout"], "False False\n", "a one-shot run beside a session")
    finally:
        delete(a)
        delete(b)


@test(timeout=180)
@serial
def session_status_list_and_ownership():
    sid = open_session(idleTimeout=120, maxLifetime=600, memoryLimit=128)
    try:
        value(sid, "y = 1")
        cell(sid, "raise ValueError('x')")
        r = req("GET", f"/api/v1/sessions/{sid}")
        eq(r.status, 200, f"status ({r})")
        st = r.json["data"]
        eq((st["id"], st["state"], st["executionCount"], st["idleTimeout"], st["maxLifetime"]),
           (sid, "idle", 2, 120, 600), "status fields")
        eq(st["limits"]["memory"], 128 << 20, "the session's memory limit")
        check(st["memoryUsed"] > 0, f"memory in use: {st['memoryUsed']}")
        eq(st["metrics"]["byStatus"], {"OK": 1, "RE": 1}, "cells by status")
        check(st["metrics"]["p50Ms"] is not None, "percentiles once cells ran")
        ids = [s["id"] for s in req("GET", "/api/v1/sessions").json["data"]]
        check(sid in ids, f"the list of its key has it: {ids}")
        ids = [s["id"] for s in req("GET", "/api/v1/sessions", key=1).json["data"]]
        check(sid not in ids, "another key's list shows it")
        for method, path in (("GET", f"/api/v1/sessions/{sid}"),
                             ("POST", f"/api/v1/sessions/{sid}/execute"),
                             ("DELETE", f"/api/v1/sessions/{sid}")):
            r = req(method, path, {"code": "y"} if method == "POST" else None, key=1)
            error_of(r, 404, "session_not_found", f"{method} with another key")
        r = call(server(), "GET", f"/api/v1/sessions/{sid}")
        error_of(r, 401, "unauthorized", "no key at all")
        eq(value(sid, "y"), 1, "untouched by the other key")
    finally:
        delete(sid)


@test(timeout=180)
@serial
def session_bad_input():
    for body, status, code, has in (
            ({"language": "c"}, 400, "mode_unsupported", "warm languages"),
            ({"language": "cobol-99"}, 400, "unknown_language", None),
            ({}, 400, "missing_field", "language"),
            ({"language": "python", "idleTimeout": 100000}, 400, "invalid_field", "at most 600"),
            ({"language": "python", "profile": "strict", "memoryLimit": 1024}, 400,
             "profile_exceeded", None)):
        r = req("POST", "/api/v1/sessions", body)
        error_of(r, status, code, f"open with {body}", has)
    sid = open_session()
    try:
        error_of(cell(sid, None), 400, "missing_field", "a cell without code")
        r = req("POST", f"/api/v1/sessions/{sid}/execute", {"code": "1", "context": "x"})
        eq(r.status, 200, "a string is a JSON value for context")
        error_of(req("PUT", f"/api/v1/sessions/{sid}"), 405, "method_not_allowed", "PUT")
        error_of(req("POST", f"/api/v1/sessions/{sid}/other", {}), 404, "not_found", "other")
        error_of(req("GET", "/api/v1/sessions/nope"), 404, "session_not_found", "unknown id")
    finally:
        delete(sid)


@test(timeout=180)
@serial
def session_ends_with_a_reason():
    sid = open_session(memoryLimit=64)
    d = cell_data(sid, "b = bytearray(200 << 20)")
    eq(d["status"], "ML", "200 MiB in a 64 MiB session")
    check(not d["session"]["alive"], "the session ended with its memory")
    error_of(cell(sid, "1"), 410, "session_ended", "a cell after ML", "memory limit")
    st = req("GET", f"/api/v1/sessions/{sid}").json["data"]
    eq(st["state"], "ended", "state after ML")
    check("memory limit" in st["endedReason"], f"endedReason: {st['endedReason']}")
    delete(sid)

    sid = open_session(idleTimeout=1)
    value(sid, "z = 1")
    time.sleep(2.5)
    error_of(cell(sid, "z"), 410, "session_ended", "a cell after the idle timeout",
             "idle for more than 1 s")
    delete(sid)

    sid = open_session(maxLifetime=2)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 6:  # used all the time: the lifetime ends it anyway
        r = cell(sid, "1")
        if r.status == 410:
            break
        time.sleep(0.3)
    error_of(r, 410, "session_ended", "a cell past the lifetime", "maximum lifetime of 2 s")
    check(time.monotonic() - t0 < 4, "the lifetime was not kept")
    delete(sid)

    sid = open_session(language="javascript")
    d = cell_data(sid, "process.exit(3)")
    eq((d["status"], d["exitCode"]), ("RE", 3), "process.exit in a cell")
    error_of(cell(sid, "1"), 410, "session_ended", "after process.exit", "exited with code 3")
    delete(sid)


@test(timeout=180)
@serial
def javascript_time_limit_keeps_the_session():
    sid = open_session(language="javascript", timeout=500)
    try:
        value(sid, "let kept = 'yes'")
        d = cell_data(sid, "for (;;) {}")
        eq(d["status"], "TO", "an endless loop")
        check(d["session"]["alive"], "V8 stopped the cell itself: the session lives")
        eq(value(sid, "kept"), "yes", "state after a stopped cell")
    finally:
        delete(sid)
    sid = open_session(language="python", timeout=500)
    d = cell_data(sid, "while True: pass")
    eq(d["status"], "TO", "python: an endless loop")
    check(not d["session"]["alive"], "python's cell is killed with its session")
    delete(sid)


def _long_cell(sid, code, out):
    t0 = time.monotonic()
    out["resp"] = cell(sid, code)
    out["secs"] = time.monotonic() - t0


@test(timeout=180)
@serial
def delete_kills_a_running_cell_or_waits_for_it():
    sid = open_session()
    out = {}
    t = threading.Thread(target=_long_cell, args=(sid, "import time\ntime.sleep(30)", out))
    t.start()
    deadline = time.monotonic() + 10
    while req("GET", f"/api/v1/sessions/{sid}").json["data"]["state"] != "running":
        check(time.monotonic() < deadline, "the cell never ran")
        time.sleep(0.05)
    t0 = time.monotonic()
    eq(delete(sid).status, 200, "delete while a cell runs")
    t.join(15)
    check(not t.is_alive() and out["secs"] < 10, f"the cell outlived its session: {out}")
    check(time.monotonic() - t0 < 5, "the delete took too long")
    d = ok_data(out["resp"], "the killed cell")
    check(d["status"] != "OK" and "deleted" in (d["message"] or ""), f"the killed cell: {d}")
    error_of(req("GET", f"/api/v1/sessions/{sid}"), 404, "session_not_found", "after delete")

    sid = open_session()
    out = {}
    t = threading.Thread(target=_long_cell,
                         args=(sid, "import time\ntime.sleep(1.0)\n'finished'", out))
    t.start()
    deadline = time.monotonic() + 10
    while req("GET", f"/api/v1/sessions/{sid}").json["data"]["state"] != "running":
        check(time.monotonic() < deadline, "the cell never ran")
        time.sleep(0.02)
    t0 = time.monotonic()
    eq(delete(sid, graceful=True).status, 200, "graceful delete")
    check(time.monotonic() - t0 >= 0.5, "the graceful delete did not wait for the cell")
    t.join(15)
    d = ok_data(out["resp"], "the cell a graceful delete waited for")
    eq((d["status"], d["result"]), ("OK", "finished"), "the cell ran to its end")


@test(timeout=180)
@serial
def session_limits_per_key_and_in_all():
    a1, a2 = open_session(key=0), open_session(key=0)
    b1 = None
    try:
        r = req("POST", "/api/v1/sessions", {"language": "python"}, key=0)
        error_of(r, 429, "session_limit", "a third session of one key", "2 sessions")
        b1 = open_session(key=1)
        r = req("POST", "/api/v1/sessions", {"language": "python"}, key=1)
        error_of(r, 429, "session_limit", "a fourth session of the server", "3 session slots")
        eq(value(a1, "'a1'"), "a1", "the others still work")
    finally:
        for sid, key in ((a1, 0), (a2, 0), (b1, 1)):
            if sid:
                delete(sid, key=key)
    # Freed slots open again.
    sid = open_session(key=1)
    eq(value(sid, "'fresh' if 'x' not in globals() else 'stale'", key=1), "fresh", "a reused slot")
    delete(sid, key=1)


@test(timeout=120)
def interpret_mode_in_both_apis():
    srv = shared()
    for lang, code, ctx, want, text in (
            ("javascript", "return [1,2,3,4,5].reduce((s,n)=>s+n*n,0)", None, 55, "55"),
            ("javascript", "const r = await Promise.resolve(context.n);\nr * 2", {"n": 21}, 42,
             "42"),
            ("javascript", "({a: [1, 'x']})", None, {"a": [1, "x"]}, "{ a: [ 1, 'x' ] }"),
            ("javascript", "(function f() {})", None, None, "[Function: f]"),
            ("typescript", "const s: string = 'ts';\ns + '!'", None, "ts!", "'ts!'"),
            ("typescript", "interface P { x: number }\nconst p: P = { x: context.x };\np",
             {"x": 3}, {"x": 3}, "{ x: 3 }"),
            ("python", "sum(n * n for n in context['numbers'])", {"numbers": [1, 2, 3, 4, 5]}, 55,
             "55"),
            ("python", "import asyncio\nawait asyncio.sleep(0)\n{'a': (1, 2)}", None,
             {"a": [1, 2]}, "{'a': (1, 2)}"),
            ("python", "float('inf')", None, None, "inf")):
        body = {"language": lang, "code": code, "mode": "interpret"}
        if ctx is not None:
            body["context"] = ctx
        d = ok_data(execute(srv, body), f"{lang} {code!r}")
        eq((d["status"], d["result"], d["resultText"]), ("OK", want, text), f"{lang} {code!r}")
        v2 = {"language": lang, "version": "*", "files": [{"content": code}], "mode": "interpret"}
        if ctx is not None:
            v2["context"] = ctx
        r = piston(srv, v2)
        eq(r.status, 200, f"v2 {lang} ({r})")
        eq((r.json["run"]["result"], r.json["run"]["result_text"]), (want, text), f"v2 {code!r}")
    d = ok_data(execute(srv, {"language": "python", "code": "print('side')\n1/0",
                              "mode": "interpret"}), "an error")
    eq((d["status"], d["stdout"], d["result"], d["resultText"]), ("RE", "side\n", None, None),
       "an error has no value")
    check("ZeroDivisionError" in d["stderr"] and "<kiln>" not in d["stderr"],
          f"the traceback is the program's: {d['stderr']!r}")
    d = ok_data(execute(srv, {"language": "python", "code": "print(1)"}), "script mode")
    check("result" not in d, "script mode has no result field")
    error_of(execute(srv, {"language": "c", "code": "int main(){}", "mode": "interpret"}),
             400, "mode_unsupported", "interpret mode for c", "warm languages")
    error_of(execute(srv, {"language": "python", "code": "1", "context": {}}), 400,
             "invalid_field", "context without interpret mode", "context")
    error_of(execute(srv, {"language": "python", "code": "1", "mode": "repl"}), 400,
             "invalid_field", "an unknown mode", "mode")


def uid_processes(uid):
    """Host pids of box processes running as uid."""
    return [pid for pid, u, _ in harness.box_processes() if u == uid]


FORGE = r"""
import os, socket
fds = {}
for fd in os.listdir('/proc/self/fd'):
    try:
        fds[int(fd)] = os.readlink(f'/proc/self/fd/{fd}')
    except OSError:
        pass
for fd, target in fds.items():
    if target.startswith('/memfd:value'):
        os.write(fd, b'forged\0{"not": json')
for fd, target in fds.items():
    if target.startswith('socket:'):
        s = socket.socket(fileno=fd)
        for msg in (b'\x0c\0\0\0\x10\0\0\0' + b'\0' * 16, b'garbage', b'\xff' * 70000):
            try:
                s.send(msg)
            except OSError:
                pass
        s.detach()
"""


@test(timeout=180)
@serial
def session_attacks_stay_in_their_session():
    bystander = open_session(key=1)
    try:
        value(bystander, "kept = 'bystander'", key=1)
        # Forged messages on the child's channel and a forged value: only
        # the attacker's own session can suffer, and the value's JSON is
        # checked, so a reply never carries what the program wrote as JSON.
        sid = open_session()
        r = cell(sid, FORGE)
        eq(r.status, 200, f"the forging cell's reply ({r})")
        d = r.json["data"]
        check(d["result"] is None, f"a forged value came back as JSON: {d['result']!r}")
        check(d["resultText"] in (None, "forged"), f"the forged value's text: {d['resultText']!r}")
        r = cell(sid, "1 + 1")
        check(r.status in (200, 410), f"the cell after the forgery ({r})")
        delete(sid)
        # A daemon left by a cell dies with its session.
        sid = open_session()
        uid = value(sid, "import os, time\nif os.fork() == 0:\n    os.setsid()\n"
                         "    time.sleep(300)\n    os._exit(0)\nos.getuid()")
        check(len(uid_processes(uid)) >= 2, "the daemon is not running")
        eq(value(sid, "'still here'"), "still here", "the session beside its daemon")
        eq(delete(sid).status, 200, "delete")
        wait_for(lambda: not uid_processes(uid), 5, f"the processes of uid {uid} to end with "
                 "their session")
        # A fork bomb in a session stops at its process limit.
        sid = open_session(profile="strict")
        d = cell_data(sid, "import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
                           "            import time; time.sleep(60); os._exit(0)\n        n += 1\n"
                           "except OSError:\n    pass\nn")
        check(d["status"] in ("OK", "RE", "TO"), f"the fork bomb: {d['status']}")
        if d["status"] == "OK":
            check(d["result"] < 16, f"{d['result']} processes forked under strict's 16")
        delete(sid)
        eq(value(bystander, "kept", key=1), "bystander", "the other session, after it all")
        eq(call(server(), "GET", "/api/v1/health").status, 200, "health")
    finally:
        delete(bystander, key=1)


@test(exclusive=True, timeout=60)
def sessions_server_stops_cleanly():
    with _lock:
        srv = _server
    if srv is not None:
        srv.stop()


# Its warm children have box uids, which test_containment's exclusive tests
# count as left over: like the shared server's, it stops first of the
# exclusive tests (the runner keeps harness.TESTS order for them).
harness.TESTS.insert(0, harness.TESTS.pop())
