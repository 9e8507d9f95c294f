#!/usr/bin/env python3
"""Throughput of submissions on one, two and three nodes sharing one Redis.

Starts a throwaway redis-server and N `kiln serve --queue redis://...`
nodes on this machine, sends COUNT python submissions in batches of 20
spread round-robin over the nodes, and waits until every one is done.
Prints, for each N: submissions per second (from the first submit to the
last result), and the median and p95/p99 of each submission's time from
created to finished (finishedAt - createdAt, the queue's own clock).

    make bench-cluster            # or: python3 bench/cluster.py [--count 2000]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILN = os.path.join(ROOT, "build", "kiln")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def start_node(redis_url, i, data_dir):
    p = subprocess.Popen([KILN, "serve", "--listen", "127.0.0.1:0", "--queue", redis_url,
                          "--node-id", f"bench{i}", "--data-dir", data_dir],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)
    for raw in p.stderr:
        line = raw.decode(errors="replace")
        if "listening on http://" in line:
            port = int(line.split("listening on http://")[1].split()[0].rsplit(":", 1)[1])
            break
    else:
        sys.exit(f"node {i} did not start")
    # Keep reading its log, so that a full pipe never stalls it.
    import threading
    threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
    deadline = time.monotonic() + 30
    while request(port, "GET", "/api/v1/health")[0] != 200:
        if time.monotonic() > deadline:
            sys.exit(f"node {i} never healthy")
        time.sleep(0.05)
    return p, port


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def run(nodes, count, redis_url, tmp):
    procs = [start_node(redis_url, i, os.path.join(tmp, f"d{nodes}-{i}")) for i in range(nodes)]
    ports = [port for _, port in procs]
    try:
        request(ports[0], "POST", "/api/v1/execute", {"language": "python", "code": "1"})
        tokens = []
        t0 = time.monotonic()
        for b in range(0, count, 20):
            subs = [{"language": "python", "code": f"print({i})"}
                    for i in range(b, min(count, b + 20))]
            st, doc = request(ports[(b // 20) % nodes], "POST", "/api/v1/submissions/batch",
                              {"submissions": subs})
            if st != 201:
                sys.exit(f"batch refused: {st} {doc}")
            tokens += [s["token"] for s in doc["data"]["submissions"]]
        pending, lat, ran_on = list(tokens), [], {}
        while pending:
            chunk, pending = pending[:20], pending[20:]
            st, doc = request(ports[0], "GET", "/api/v1/submissions/batch?tokens=" +
                              ",".join(chunk))
            for s in doc["data"]["submissions"]:
                if s["state"] == "done":
                    lat.append(s["finishedAt"] - s["createdAt"])
                    ran_on[s["node"]] = ran_on.get(s["node"], 0) + 1
                else:
                    pending.append(s["token"])
            if pending and len(chunk) < 20:
                time.sleep(0.01)
        secs = time.monotonic() - t0
        print(f"{nodes} node{'s' if nodes > 1 else ' '}: {count / secs:7.0f} submissions/s "
              f"({count} in {secs:.2f} s); created->finished p50 {percentile(lat, .5):.0f} ms, "
              f"p95 {percentile(lat, .95):.0f} ms, p99 {percentile(lat, .99):.0f} ms; "
              f"ran on {dict(sorted(ran_on.items()))}")
    finally:
        for p, _ in procs:
            p.send_signal(signal.SIGTERM)
        for p, _ in procs:
            p.wait(60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--nodes", default="1,2,3")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="kiln-bench-cluster-")
    rport = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", tmp],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        print(f"# {os.cpu_count()} cores; python submissions, batches of 20, one Redis")
        for n in [int(x) for x in a.nodes.split(",")]:
            subprocess.run(["redis-cli", "-p", str(rport), "FLUSHALL"], capture_output=True)
            run(n, a.count, f"redis://127.0.0.1:{rport}", tmp)
    finally:
        redis.kill()
        redis.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
