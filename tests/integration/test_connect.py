"""GET /api/v2/connect: interactive runs over a WebSocket, against the real
server.

Checks that output arrives while the program waits for its next line of
stdin (an answer comes before the next question is sent), compile and run
stages, eof, signals (SIGINT raising KeyboardInterrupt, a trapped SIGTERM,
SIGKILL), the JavaScript runtime's whole-stdin reading, security events,
every protocol error and its close code, refused handshakes, the bounds a
client could otherwise push on the server (message size, unread stdin, the
init wait), and that a client leaving mid-run cancels its run while the
server serves on.
"""

import json
import os
import socket
import tempfile
import threading
import time

import harness
from harness import test, check, eq, show
from test_server import Server, shared, call, execute, ok_data
from test_stream import cancelled_runs
import wsclient
from wsclient import WS, output


def connect():
    return WS(shared().port)


def init(w, language, code, **more):
    body = {"type": "init", "language": language, "version": "*",
            "files": [{"content": code}]}
    body.update(more)
    w.send(body)


def line_of(w):
    """Data messages until stdout so far ends a line: the chunks a program's
    print makes are its own business."""
    got = []
    w.recv_until(lambda m: got.append(m) or output(got).endswith("\n"))
    return output(got)


def kind(msgs):
    return [m.get("type") for m in msgs]


def exit_of(msgs):
    ex = [m for m in msgs if m.get("type") == "exit"]
    eq(len(ex), 1, f"one exit message: {msgs}")
    return ex[0]


@test
def connect_python_answers_before_the_next_line():
    w = connect()
    try:
        init(w, "python", "name = input()\nprint('hi', name, flush=True)\n"
                          "n = int(input())\nprint(n * 2)\n")
        first = w.recv_until(lambda m: m.get("type") == "stage")
        eq(kind(first), ["runtime", "stage"], "runtime, then the run's stage")
        eq((first[0]["language"], first[1]["stage"]), ("python", "run"), f"{first}")
        w.send({"type": "data", "stream": "stdin", "data": "bob\n"})
        eq(line_of(w), "hi bob\n", "the answer to the first line, before the second is sent")
        w.send({"type": "data", "stream": "stdin", "data": "21\n"})
        rest, code, reason = w.until_close()
        eq(output(rest), "42\n", "the second answer")
        ex = exit_of(rest)
        eq((ex["stage"], ex["code"], ex["signal"], ex["status"]), ("run", 0, None, "OK"), f"{ex}")
        eq(kind(rest)[-1], "exit", "exit is the last message, before the close")
        eq((code, reason), (4999, "Job Completed"), "Piston's close")
    finally:
        w.close()


@test
def connect_c_compiles_then_reads_to_eof():
    code = ('#include <stdio.h>\nint main(void) { int x, s = 0;\n'
            '  while (scanf("%d", &x) == 1) { s += x; printf("sum %d\\n", s); fflush(stdout); }\n'
            '  return 3; }\n')
    w = connect()
    try:
        w.send({"type": "init", "language": "c", "version": "*",
                "files": [{"name": "main.c", "content": code}]})
        got = w.recv_until(lambda m: m.get("type") == "stage" and m["stage"] == "run", timeout=60)
        eq([m["stage"] for m in got if m["type"] == "stage"], ["compile", "run"], f"{got}")
        w.send({"type": "data", "stream": "stdin", "data": "5\n"})
        eq(line_of(w), "sum 5\n", "first sum")
        w.send({"type": "data", "stream": "stdin", "data": "7\n"})
        w.send({"type": "eof"})
        rest, code, _ = w.until_close()
        eq(output(rest), "sum 12\n", "second sum")
        ex = exit_of(rest)
        eq((ex["code"], ex["status"]), (3, "RE"), "ended at its stdin's end, with its code")
        eq(code, 4999, "close")
    finally:
        w.close()


@test
def connect_compile_error_is_the_exit_of_compile():
    w = connect()
    try:
        w.send({"type": "init", "language": "c", "version": "*",
                "files": [{"name": "main.c", "content": "int main(void) { return x; }"}]})
        msgs, code, _ = w.until_close()
        ex = exit_of(msgs)
        eq((ex["stage"], ex["status"]), ("compile", "CE"), f"{ex}")
        check("x" in output(msgs, "stderr"), f"the compiler's message came as stderr: {msgs}")
        eq(code, 4999, "close")
    finally:
        w.close()


@test
def connect_signals_reach_the_program():
    # SIGINT in the warm python runtime: KeyboardInterrupt, as under python3.
    w = connect()
    try:
        init(w, "python", "import time\ntry:\n    print('ready', flush=True)\n"
                          "    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('interrupted')\n")
        line_of(w)
        t0 = time.monotonic()
        w.send({"type": "signal", "signal": "SIGINT"})
        rest, _, _ = w.until_close()
        eq(output(rest), "interrupted\n", f"the handler ran: {rest}")
        eq(exit_of(rest)["code"], 0, "and the program ended normally")
        check(time.monotonic() - t0 < 5, "at the signal, not at the sleep's end")
    finally:
        w.close()
    # A cold run's trapped SIGTERM, sent by number: the keeper passes it on.
    w = connect()
    try:
        init(w, "bash", "trap 'echo caught TERM; exit 7' TERM\necho ready\n"
                        "while :; do sleep 0.05; done\n")
        line_of(w)
        w.send({"type": "signal", "signal": 15})
        rest, _, _ = w.until_close()
        eq(output(rest), "caught TERM\n", "bash's trap ran")
        eq(exit_of(rest)["code"], 7, "with its exit code")
    finally:
        w.close()
    # SIGKILL: the program dies of it.
    w = connect()
    try:
        init(w, "python", "import time\nprint('ready', flush=True)\ntime.sleep(30)\n")
        w.recv_until(lambda m: m.get("type") == "data")
        w.send({"type": "signal", "signal": "KILL"})
        ex = exit_of(w.until_close()[0])
        eq((ex["signal"], ex["status"], ex["code"]), ("SIGKILL", "SG", None), f"{ex}")
    finally:
        w.close()


@test
def connect_node_is_interactive_javascript_reads_stdin_whole():
    w = connect()
    try:
        init(w, "node", "const rl = require('readline').createInterface({input: process.stdin});\n"
                        "rl.on('line', l => console.log('got', l));\n")
        w.recv_until(lambda m: m.get("type") == "stage", timeout=60)
        w.send({"type": "data", "stream": "stdin", "data": "one\n"})
        eq(line_of(w), "got one\n", "node answers each line as it comes")
        w.send({"type": "eof"})
        eq(exit_of(w.until_close()[0])["code"], 0, "node ends at eof")
    finally:
        w.close()
    # The warm V8 runtime serves stdin from memory: the program runs once
    # the client has sent eof, with everything sent before it.
    w = connect()
    try:
        init(w, "javascript", "const s = require('fs').readFileSync(0, 'utf8');\n"
                              "console.log(s.trim().split('\\n').length, s.toUpperCase().trim());\n",
             stdin="a\n")
        time.sleep(0.3)
        w.send({"type": "data", "stream": "stdin", "data": "b\n"})
        w.send({"type": "eof"})
        msgs, _, _ = w.until_close()
        eq(output(msgs), "2 A\nB\n", "init's stdin, then the data messages")
    finally:
        w.close()


@test
def connect_reports_violations_as_they_happen():
    w = connect()
    try:
        init(w, "python", "import ctypes, sys\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                          "print(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), flush=True)\n"
                          "sys.stdin.readline()\n")
        got = w.recv_until(lambda m: m.get("type") == "violation")
        eq(got[-1]["syscall"], "mount", f"the denied call, while the program waits: {got}")
        w.send({"type": "eof"})
        eq(exit_of(w.until_close()[0])["status"], "OK", "the program went on after the EPERM")
    finally:
        w.close()


def refused(first, expect_code, what, init_first=False):
    """Sends `first` (after a sleeping run's init when init_first); expects
    an error message and the close code."""
    w = connect()
    try:
        if init_first:
            init(w, "python", "import time\nprint('up', flush=True)\ntime.sleep(30)\n")
            line_of(w)
        if isinstance(first, bytes):
            w.send_frame(wsclient.TEXT, first)
        else:
            w.send(first)
        msgs, code, _ = w.until_close(timeout=30)
        errors = [m for m in msgs if m.get("type") == "error"]
        check(errors and errors[-1]["message"], f"{what}: an error message first: {msgs}")
        eq(code, expect_code, f"{what}: close code ({errors})")
        return errors[-1]["message"]
    finally:
        w.close()


@test
def connect_protocol_errors_close_with_their_codes():
    refused({"type": "data", "stream": "stdin", "data": "x"}, 4003, "data before init")
    refused(b"{not json", 4002, "a message that is not JSON")
    refused({"no": "type"}, 4002, "no type")
    msg = refused({"type": "init", "language": "cobol-9000", "version": "*",
                   "files": [{"content": "x"}]}, 4002, "an unknown language")
    check("unknown language" in msg, f"the execute body's own error: {msg}")
    msg = refused({"type": "init", "language": "python", "version": "*", "files": []}, 4002,
                  "no files")
    refused({"type": "init", "language": "python", "version": "*",
             "files": [{"content": "x"}]}, 4000, "a second init", init_first=True)
    refused({"type": "data", "stream": "stdout", "data": "x"}, 4004, "data for stdout",
            init_first=True)
    refused({"type": "signal", "signal": "SIGSEGV"}, 4005, "a signal not offered",
            init_first=True)
    refused({"type": "signal", "signal": 0}, 4005, "signal 0", init_first=True)
    refused({"type": "dance"}, 4002, "an unknown type", init_first=True)
    msg = refused({"type": "data", "stream": "stdin", "data": "a\u0000b"}, 4002,
                  "a NUL in stdin data (cJSON would cut the string there)", init_first=True)
    check("NUL" in msg or "\\u0000" in msg, f"says why: {msg}")
    refused(b'{"type":"eof","x":' + b"[" * 200 + b"]" * 200 + b"}", 4002, "deep nesting",
            init_first=True)
    # Interpret mode and cases are one-shot: the engine's refusal, plainly.
    msg = refused({"type": "init", "language": "python", "version": "*", "mode": "interpret",
                   "files": [{"content": "1"}]}, 4002, "interpret mode")
    check("interactive" in msg or "interpret" in msg, f"says why: {msg}")


@test
def connect_handshake_refusals():
    srv = shared()
    r = call(srv, "GET", "/api/v2/connect")
    eq(r.status, 426, "a plain GET is told to upgrade")
    eq(r.json["message"].split(":")[0], "/api/v2/connect is a WebSocket", f"{r.json}")
    s, status, _, body, _ = wsclient.handshake(srv.port, headers={"Sec-WebSocket-Version": "8"})
    s.close()
    eq(status, 426, f"version 8 refused: {body[:200]!r}")
    s, status, _, body, _ = wsclient.handshake(srv.port, key="short")
    s.close()
    eq(status, 400, f"a key that is not 16 bytes in base64: {body[:200]!r}")
    r = call(srv, "POST", "/api/v2/connect", body={})
    eq(r.status, 405, "POST is not the handshake")


@test
def connect_bounds_what_a_client_can_make_it_hold():
    srv = shared()
    # One message larger than max_body (1 MiB): closed as too big (1009).
    w = connect()
    try:
        w.send_frame(wsclient.TEXT, b'{"type":"init","x":"' + b"a" * (1100 << 10) + b'"}')
        _, code, _ = w.until_close(timeout=30)
        eq(code, 1009, "message too big")
    finally:
        w.close()
    # Stdin that the program does not read: the backlog is refused past 1 MiB.
    msg = None
    w = connect()
    try:
        init(w, "python", "import time\nprint('up', flush=True)\ntime.sleep(30)\n")
        w.recv_until(lambda m: m.get("type") == "data")
        chunk = "x" * (64 << 10)
        try:
            for _ in range(24):
                w.send({"type": "data", "stream": "stdin", "data": chunk})
        except OSError:
            pass  # the server may close while we still send
        msgs, code, _ = w.until_close(timeout=30)
        errors = [m["message"] for m in msgs if m.get("type") == "error"]
        check(errors and "not read" in errors[0], f"refused with a reason: {errors}")
        eq(code, 4002, "closed")
    finally:
        w.close()
    ok_data(execute(srv, {"language": "python", "code": "print(1)"}), "serving after")


@test(timeout=60)
def connect_init_must_come_within_ten_seconds():
    w = connect()
    try:
        t0 = time.monotonic()
        msgs, code, _ = w.until_close(timeout=30)
        eq(code, 4001, f"initialization timeout: {msgs}")
        check(9 <= time.monotonic() - t0 < 15, f"after 10 s: {time.monotonic() - t0:.1f} s")
    finally:
        w.close()


@test
def connect_client_leaving_cancels_the_run():
    srv = shared()
    before = cancelled_runs(srv)
    w = connect()
    init(w, "python", "import time\nprint('up', flush=True)\ntime.sleep(30)\n")
    w.recv_until(lambda m: m.get("type") == "data")
    w.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    w.close()  # a reset, no close frame: the client is simply gone
    t0 = time.monotonic()
    while cancelled_runs(srv) == before and time.monotonic() - t0 < 10:
        time.sleep(0.05)
    check(cancelled_runs(srv) > before,
          f"the abandoned run ended as cancelled within {time.monotonic() - t0:.1f} s")
    # The same with a proper close frame.
    before = cancelled_runs(srv)
    w = connect()
    init(w, "python", "import time\nprint('up', flush=True)\ntime.sleep(30)\n")
    w.recv_until(lambda m: m.get("type") == "data")
    w.send_frame(wsclient.CLOSE, b"\x03\xe8")
    _, code, _ = w.until_close(timeout=10)
    w.close()
    eq(code, 1000, "our close is answered")
    t0 = time.monotonic()
    while cancelled_runs(srv) == before and time.monotonic() - t0 < 10:
        time.sleep(0.05)
    check(cancelled_runs(srv) > before, "a closed connection's run is cancelled too")
    for i in range(4):
        eq(ok_data(execute(srv, {"language": "python", "code": f"print({i})"}), "after")["stdout"],
           f"{i}\n", "the server serves on")


@test
def connect_keys_places_and_timeouts():
    # With keys, the handshake needs one; the connection holds its key's
    # place while it lives. Its life is its run's: not cut at the time a
    # client may take over a request, nor at a connection's idle timeout.
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            f.write("key-ws-1234\n")
        srv = Server("--request-timeout-s", 2, "--idle-timeout-s", 2, "--keys", keys,
                     "--key-concurrency", 1)
        try:
            s, status, _, _, _ = wsclient.handshake(srv.port)
            s.close()
            eq(status, 401, "no key, no WebSocket")
            auth = {"Authorization": "Bearer key-ws-1234"}
            w = WS(srv.port, headers=auth)
            try:
                init(w, "python", "import time\nprint('a', flush=True)\ntime.sleep(4)\n"
                                  "print('b')\n")
                line_of(w)
                r = execute(srv, {"language": "python", "code": "print(1)"}, headers=auth)
                eq(r.status, 429, "the key's one place is the WebSocket's")
                msgs, code, _ = w.until_close(timeout=30)
                eq((output(msgs), code), ("b\n", 4999), f"the whole run, 4 s: {msgs}")
            finally:
                w.close()
            deadline = time.monotonic() + 5
            while True:
                r = execute(srv, {"language": "python", "code": "print(1)"}, headers=auth)
                if r.status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            eq(r.status, 200, "the place is back once the connection closed")
        finally:
            srv.stop()


@test
def connect_shutdown_closes_the_idle_and_finishes_the_running():
    # SIGTERM: a connection still waiting for init is closed as going away
    # (1001); a running program finishes, its exit and close arrive, and
    # the server then exits 0 leaving nothing behind (Server.stop checks).
    srv = Server()
    idle = run = None
    try:
        idle = WS(srv.port)
        run = WS(srv.port)
        init(run, "python", "import time\nprint('a', flush=True)\ntime.sleep(2)\nprint('b')\n")
        line_of(run)
        errors = []

        def stop():
            try:
                srv.stop()
            except BaseException as e:  # reported below, on the test's thread
                errors.append(e)

        stopper = threading.Thread(target=stop)
        stopper.start()
        _, code, reason = idle.until_close(timeout=10)
        eq((code, reason), (1001, "the server is shutting down"), "the idle one")
        msgs, code, _ = run.until_close(timeout=20)
        eq((output(msgs), code), ("b\n", 4999), f"the running one finished: {msgs}")
        stopper.join(40)
        check(not stopper.is_alive() and not errors, f"the server stopped cleanly: {errors}")
    finally:
        for w in (idle, run):
            if w:
                w.close()
