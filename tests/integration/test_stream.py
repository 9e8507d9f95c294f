"""Server-Sent Events: POST /api/v1/execute and /api/v2/execute with
Accept: text/event-stream, against the real server.

Checks the order and content of the events (start, stdout/stderr chunks,
violation, memory-warning, complete), that they arrive while the program
runs, that a UTF-8 character cut between two writes arrives whole, that
cases and compile stages name their stage and case, that bad input is a
plain JSON error, and that a client leaving mid-stream stops its run and
leaves the server serving.
"""

import http.client
import json
import socket
import time

import harness
from harness import test, check, eq, show
from test_server import shared, execute, ok_data, error_of, call, metric


def stream(path, body, timeout=60):
    """POSTs body and reads the event stream: (status, headers, [(t, name, data)])."""
    srv = shared()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Content-Type": "application/json",
                              "Accept": "text/event-stream"})
        r = conn.getresponse()
        headers = {k.lower(): v for k, v in r.getheaders()}
        if not headers.get("content-type", "").startswith("text/event-stream"):
            return r.status, headers, json.loads(r.read())
        events, name = [], None
        while True:
            line = r.readline()
            if not line:
                break
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((time.monotonic() - t0, name, json.loads(line[6:])))
        return r.status, headers, events
    finally:
        conn.close()


def names(events):
    return [e[1] for e in events]


@test
def sse_order_and_content():
    code = ("import sys, time\nprint('one', flush=True)\ntime.sleep(1.5)\n"
            "print('two', flush=True)\nsys.stderr.write('err\\n')\n")
    status, headers, ev = stream("/api/v1/execute", {"language": "python", "code": code})
    eq(status, 200, f"status ({show(str(ev))})")
    eq(headers.get("cache-control"), "no-store", "not cached by proxies")
    eq(names(ev)[0], "start", f"first event: {names(ev)}")
    eq(names(ev)[-1], "complete", f"last event: {names(ev)}")
    out = "".join(e[2]["data"] for e in ev if e[1] == "stdout")
    err = "".join(e[2]["data"] for e in ev if e[1] == "stderr")
    eq((out, err), ("one\ntwo\n", "err\n"), "the chunks add up to the output")
    check(all(e[2]["stage"] == "run" and e[2]["case"] is None for e in ev[:-1]),
          f"stage and case on every event: {ev}")
    done = ev[-1][2]["data"]
    eq((done["stdout"], done["status"], done["exitCode"]), ("one\ntwo\n", "OK", 0),
       "complete carries the whole v1 reply")
    first = next(e[0] for e in ev if e[1] == "stdout")
    check(ev[-1][0] - first > 1.0,
          f"'one' arrived while the program slept ({first:.2f} s), not with the end "
          f"({ev[-1][0]:.2f} s)")


@test
def sse_violation_and_memory_warning():
    code = ("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            "print(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())\n"
            "b = bytearray(110 << 20)\nprint('allocated')\n")
    status, _, ev = stream("/api/v2/execute", {
        "language": "python", "version": "*", "files": [{"content": code}],
        "run_memory_limit": 128 << 20})
    eq(status, 200, "status")
    viol = [e[2] for e in ev if e[1] == "violation"]
    eq([v["syscall"] for v in viol], ["mount"], f"one violation event for mount: {names(ev)}")
    warn = [e[2] for e in ev if e[1] == "memory-warning"]
    eq(len(warn), 1, f"one memory warning: {names(ev)}")
    check(warn[0]["memory"] >= 0.8 * warn[0]["limit"] and warn[0]["limit"] == 128 << 20,
          f"at 80 % of the limit: {warn[0]}")
    check(names(ev).index("violation") < names(ev).index("memory-warning") < len(ev) - 1,
          f"in the order they happened: {names(ev)}")
    eq(ev[-1][2]["run"]["stdout"], "-1 1\nallocated\n", "v2 complete: Piston's shape")


@test
def sse_utf8_cut_between_writes_arrives_whole():
    code = ("import os, time\nos.write(1, b'caf\\xc3')\ntime.sleep(0.3)\n"
            "os.write(1, b'\\xa9 ok\\n')\n")
    _, _, ev = stream("/api/v1/execute", {"language": "python", "code": code})
    chunks = [e[2]["data"] for e in ev if e[1] == "stdout"]
    eq("".join(chunks), "café ok\n", f"no U+FFFD for a cut character: {chunks}")


@test
def sse_compile_stage_and_cases():
    code = ('#include <stdio.h>\nint main(void) { int x; if (scanf("%d", &x) != 1) return 3;\n'
            '  printf("%d\\n", x * x); return 0; }\n')
    _, _, ev = stream("/api/v2/execute", {
        "language": "c", "version": "*", "files": [{"content": code}],
        "cases": [{"stdin": "3"}, {"stdin": "4"}]})
    starts = [(e[2]["stage"], e[2]["case"]) for e in ev if e[1] == "start"]
    check(starts in ([("compile", None), ("run", 0), ("run", 1)], [("run", 0), ("run", 1)]),
          f"a start per stage and case (compile only when not cached): {starts}")
    outs = [(e[2]["case"], e[2]["data"]) for e in ev if e[1] == "stdout"]
    eq(outs, [(0, "9\n"), (1, "16\n")], "each case's output names its case")
    eq([c["stdout"] for c in ev[-1][2]["cases"]], ["9\n", "16\n"], "complete has the cases")


@test
def sse_bad_request_is_plain_json():
    status, headers, body = stream("/api/v1/execute", {"language": "klingon", "code": "x"})
    eq(status, 400, f"status ({body})")
    check(headers.get("content-type", "").startswith("application/json"), f"JSON: {headers}")
    eq(body["error"]["code"], "unknown_language", "the usual error")


def cancelled_runs(srv):
    t = call(srv, "GET", "/metrics").body.decode()
    return metric(t, "kiln_runs_total", language="python", status="XX")


@test
def sse_client_leaving_stops_the_run():
    srv = shared()
    before = cancelled_runs(srv)
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    body = json.dumps({"language": "python", "code": "import time\nprint('x', flush=True)\n"
                       "time.sleep(30)\n"}).encode()
    s.sendall(b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Accept: text/event-stream\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    # The first stdout event, whatever it holds: print() may write "x" and
    # "\n" apart, and the supervisor may read them apart.
    got = b""
    deadline = time.monotonic() + 20
    while b"event: stdout" not in got and time.monotonic() < deadline:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    check(b"event: stdout" in got, f"the stream began: {show(got)}")
    s.close()
    t0 = time.monotonic()
    while cancelled_runs(srv) == before and time.monotonic() - t0 < 15:
        time.sleep(0.05)
    check(cancelled_runs(srv) > before,
          f"the abandoned run ended as cancelled (XX) within "
          f"{time.monotonic() - t0:.1f} s, not at its 30 s sleep")
    # The run is cancelled (the client went away); the warm slots serve on.
    for i in range(6):
        d = ok_data(execute(srv, {"language": "python", "code": f"print({i})"}), "after")
        eq(d["stdout"], f"{i}\n", "a run after the client left")
    check(time.monotonic() - t0 < 20, "served while the abandoned run was stopped")
