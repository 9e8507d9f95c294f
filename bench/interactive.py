"""Latency of streamed and interactive runs against a real `kiln serve`.

    python3 bench/interactive.py --kiln build/kiln [--runs 200] [--lines 200]

Starts a server on a free loopback port and measures, in ms, each as a
median and percentiles:
  sse-first     POST with Accept: text/event-stream to the first stdout event
                of a python print (time to first output, streamed)
  ws-first      WebSocket handshake and init to the first stdout message
  ws-echo       one line sent to a running python program's stdin and read
                back from its stdout, many times in one connection
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import wsclient  # noqa: E402


def start(kiln):
    proc = subprocess.Popen([kiln, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "listening on http://" in line:
            port = int(line.split("listening on http://")[1].split()[0].rsplit(":", 1)[1])
            return proc, port
    raise SystemExit("kiln serve did not start")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(name, xs):
    print(f"{name:10} n={len(xs):4}  p50 {statistics.median(xs):7.2f}  p90 {pct(xs, 90):7.2f}  "
          f"p99 {pct(xs, 99):7.2f}  max {max(xs):7.2f} ms", flush=True)


def sse_first(port):
    body = json.dumps({"language": "python", "code": "print('x')"}).encode()
    t0 = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Accept: text/event-stream\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
              % (len(body), body))
    got = b""
    while b"event: stdout" not in got:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit(f"no stdout event: {got[:300]!r}")
        got += chunk
    dt = (time.perf_counter() - t0) * 1000
    while s.recv(65536):
        pass
    s.close()
    return dt


def ws_first(port):
    t0 = time.perf_counter()
    w = wsclient.WS(port)
    w.send({"type": "init", "language": "python", "version": "*",
            "files": [{"content": "print('x')"}]})
    w.recv_until(lambda m: m.get("type") == "data")
    dt = (time.perf_counter() - t0) * 1000
    w.until_close()
    w.close()
    return dt


def ws_echo(port, lines):
    w = wsclient.WS(port)
    w.send({"type": "init", "language": "python", "version": "*",
            "files": [{"content": "import sys\nfor line in sys.stdin:\n"
                                  "    sys.stdout.write(line)\n    sys.stdout.flush()\n"}]})
    w.recv_until(lambda m: m.get("type") == "stage")
    out = []
    for i in range(lines):
        want = f"line {i}\n"
        t0 = time.perf_counter()
        w.send({"type": "data", "stream": "stdin", "data": want})
        got = ""
        while got != want:
            m = w.recv()
            if m.get("type") == "data":
                got += m["data"]
        out.append((time.perf_counter() - t0) * 1000)
    w.send({"type": "eof"})
    w.until_close()
    w.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", default="build/kiln")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--lines", type=int, default=200)
    a = ap.parse_args()
    proc, port = start(a.kiln)
    try:
        for _ in range(10):  # warm the pools and the caches
            sse_first(port)
            ws_first(port)
        report("sse-first", [sse_first(port) for _ in range(a.runs)])
        report("ws-first", [ws_first(port) for _ in range(a.runs)])
        report("ws-echo", ws_echo(port, a.lines))
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
