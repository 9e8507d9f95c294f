#!/usr/bin/env python3
"""Hello-world time of every installed language through the HTTP API.

    python3 bench/languages.py --kiln build/kiln [--runs N] [--fresh] [--markdown] [LANG ...]

Starts `kiln serve` on a free loopback port and, one language at a time,
posts tests/languages/LANG/ok.* to /api/v2/execute: once cold (the compile
runs), then N times more (compiled languages find their program in the
artifact cache, so these are the run alone). Prints, per language, the
version, the cold request's time, and the median, p90 and max of the others,
in milliseconds of wall time seen by the client. Requests go one at a time,
so the figures are latencies, not throughput. --markdown prints the table of
docs/languages.md. --fresh starts a new server for each language: on the
VMs we measure on, a server that has just run the heavy toolchains (JVMs,
compilers) serves the light ones 3-6 times slower for a while, and --fresh
keeps one language's figure from depending on the ones before it.
"""

import argparse
import glob
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(os.path.dirname(HERE), "tests", "languages")


def start_server(kiln):
    p = subprocess.Popen([kiln, "serve", "--listen", "127.0.0.1:0"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            # Keep reading, so that the server never blocks on a full pipe.
            threading.Thread(target=p.stderr.read, daemon=True).start()
            return p, int(m.group(1))
    p.wait()
    sys.exit("bench/languages: kiln serve did not start")


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def timed_hello(port, name, code):
    body = {"language": name, "version": "*", "files": [{"content": code}]}
    t0 = time.monotonic()
    status, reply = request(port, "POST", "/api/v2/execute", body)
    ms = (time.monotonic() - t0) * 1000
    run = reply.get("run") or {}
    if status != 200 or run.get("stdout") != "OK\n":
        sys.exit(f"bench/languages: {name}: hello world failed: HTTP {status} {reply}")
    return ms


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", default="build/kiln")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="a new server for each language")
    ap.add_argument("langs", nargs="*")
    a = ap.parse_args()

    proc, port = start_server(a.kiln)
    rows = []
    try:
        status, rts = request(port, "GET", "/api/v2/runtimes")
        installed = {r["language"]: r for r in rts}
        for name in a.langs or sorted(os.listdir(PROGRAMS)):
            if name not in installed:
                print(f"# {name}: not installed, skipped", file=sys.stderr)
                continue
            ok = glob.glob(os.path.join(PROGRAMS, name, "ok.*"))
            if not ok:
                print(f"# {name}: no tests/languages/{name}/ok.*, skipped", file=sys.stderr)
                continue
            if a.fresh:
                stop_server(proc)
                proc, port = start_server(a.kiln)
            rows.append(measure(port, name, installed[name]["version"], ok[0], a.runs))
            if not a.markdown:
                r = rows[-1]
                print(f"{r[0]:<12} {r[1]:<14} cold {r[2]:8.0f}  median {r[3]:7.1f}  "
                      f"p90 {r[4]:7.1f}  max {r[5]:7.1f}  ms", flush=True)
    finally:
        stop_server(proc)
    if a.markdown:
        print("| language | version | first request (ms) | median (ms) | p90 (ms) |")
        print("|---|---|---:|---:|---:|")
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.1f} | {r[4]:.1f} |")


def measure(port, name, version, path, runs):
    with open(path, encoding="utf-8") as f:
        code = f.read()
    cold = timed_hello(port, name, code)
    warm = [timed_hello(port, name, code) for _ in range(runs)]
    return (name, version, cold, statistics.median(warm), percentile(warm, 0.9), max(warm))


def stop_server(proc):
    proc.terminate()
    proc.wait(30)


if __name__ == "__main__":
    main()
