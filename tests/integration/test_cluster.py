"""Many nodes on one Redis: a real redis-server started here, three `kiln
serve` nodes sharing it (--queue redis://...), haproxy in front of them with
the configuration of docs/deployment.md. 1,000 submissions spread over the
nodes all complete, each once; a node killed with SIGKILL while it runs
jobs loses none of them (another node reclaims them); results and health
are the same whichever node answers.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import harness
from harness import test, check, eq, skip
from test_server import Server, call
from test_submissions import submit, token_of, wait_done

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A throwaway redis-server on loopback: no persistence, its own directory."""

    def __init__(self):
        exe = shutil.which("redis-server")
        if not exe:
            skip("redis-server is not installed (scripts/bootstrap.sh installs it)")
        self.dir = tempfile.mkdtemp(prefix="kiln-redis-")
        self.port = free_port()
        self.proc = subprocess.Popen([exe, "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        harness._register_proc(self.proc)
        deadline = time.monotonic() + 10
        while self.cli("PING") != "PONG":
            check(time.monotonic() < deadline, "redis-server did not answer PING")
            time.sleep(0.05)
        self.url = f"redis://127.0.0.1:{self.port}"

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True,
                           text=True, timeout=10)
        return r.stdout.strip()

    def stop(self):
        self.proc.kill()
        self.proc.wait(10)
        harness._unregister_proc(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


def nodes(redis, n, *extra):
    return [Server("--queue", redis.url, "--node-id", f"node{i}", *extra) for i in range(n)]


@test(timeout=600)
def three_nodes_share_1000_submissions_each_run_once():
    redis = Redis()
    srvs = []
    try:
        srvs = nodes(redis, 3)
        for i, s in enumerate(srvs):
            h = call(s, "GET", "/api/v1/health").json["data"]
            eq((h["node"], h["submissions"]["queue"]), (f"node{i}", "redis"), "node and queue")
        tokens = {}
        for i in range(1000):
            srv = srvs[i % 3]  # as a load balancer would spread them
            tokens[token_of(submit(srv, {"language": "python", "code": f"print({i})"}),
                            f"submission {i}")] = i
        ran_on, again = {}, []
        for t, i in tokens.items():
            d = wait_done(srvs[(i + 1) % 3], t, secs=300)  # read from another node
            eq(d["result"]["output"], str(i), f"submission {i}'s output")
            ran_on[d["node"]] = ran_on.get(d["node"], 0) + 1
            if d["attempts"] != 1:
                again.append((i, d["attempts"]))
        eq(again, [], "with no node failing, every submission ran exactly once")
        check(len(ran_on) == 3, f"every node ran some: {ran_on}")
        print(f"# 1000 submissions over 3 nodes, ran on: {ran_on}")
        q = call(srvs[0], "GET", "/api/v1/health").json["data"]["submissions"]
        eq((q["queued"], q["running"]), (0, 0), "nothing left queued or running")
        check(q["done"] >= 1000, f"done results counted: {q}")
    finally:
        for s in srvs:
            s.stop()
        redis.stop()


@test(timeout=300)
def a_killed_node_loses_no_job():
    redis = Redis()
    srvs = []
    try:
        # A job left by a dead node is reclaimed reclaim_ms after its last
        # heartbeat; live nodes renew theirs every reclaim_ms / 3.
        extra = ("--reclaim-ms", 4000, "--runners", 2)
        srvs = nodes(redis, 3, *extra)
        victim = srvs[0]
        # Only the victim runs at first: the others join after it has taken jobs.
        for s in srvs[1:]:
            os.killpg(s.proc.pid, signal.SIGSTOP)
        tokens = [token_of(submit(victim, {"language": "bash",
                                           "code": f"sleep 0.4; echo {i}"}), f"job {i}")
                  for i in range(12)]
        deadline = time.monotonic() + 20
        while call(victim, "GET", "/api/v1/health").json["data"]["submissions"]["running"] < 2:
            check(time.monotonic() < deadline, "the victim never ran two jobs at once")
            time.sleep(0.02)
        time.sleep(0.1)  # both runs have started in the sandbox
        os.killpg(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(10)
        harness._unregister_proc(victim.proc)
        for s in srvs[1:]:
            os.killpg(s.proc.pid, signal.SIGCONT)
        attempts = []
        for i, t in enumerate(tokens):
            d = wait_done(srvs[1], t, secs=120)
            eq(d["result"]["output"], str(i), f"job {i} completed")
            attempts.append(d["attempts"])
        check(any(a == 2 for a in attempts),
              f"the jobs the dead node held were run again (attempts {attempts})")
        check(all(a <= 2 for a in attempts), f"no job ran more than twice: {attempts}")
    finally:
        for s in srvs[1:]:
            s.stop()
        redis.stop()


@test(timeout=300)
def haproxy_in_front_of_three_nodes():
    """The load balancer configuration of docs/deployment.md, exercised."""
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(exe):
        skip("haproxy is not installed (scripts/bootstrap.sh installs it)")
    redis = Redis()
    srvs, lb = [], None
    d = tempfile.mkdtemp(prefix="kiln-lb-")
    try:
        srvs = nodes(redis, 3)
        with open(os.path.join(ROOT, "docs", "haproxy.cfg")) as f:
            cfg = f.read()
        port = free_port()
        cfg = cfg.replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{port}")
        for i, s in enumerate(srvs):
            cfg = cfg.replace(f"127.0.0.1:300{i + 1}", f"127.0.0.1:{s.port}")
        path = os.path.join(d, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        chk = subprocess.run([exe, "-c", "-f", path], capture_output=True, text=True)
        eq(chk.returncode, 0, f"haproxy -c accepts the config: {chk.stdout}{chk.stderr}")
        lb = subprocess.Popen([exe, "-db", "-f", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
        harness._register_proc(lb)

        class Front:
            pass
        front = Front()
        front.port = port
        deadline = time.monotonic() + 20
        while True:
            try:
                if call(front, "GET", "/api/v1/health", check_schema=False).status == 200:
                    break
            except OSError:
                pass
            check(time.monotonic() < deadline, "haproxy never answered")
            time.sleep(0.1)
        seen = set()
        tokens = [token_of(submit(front, {"language": "python", "code": f"print({i})"}),
                           f"via haproxy {i}") for i in range(30)]
        for i, t in enumerate(tokens):
            r = wait_done(front, t)
            eq(r["result"]["output"], str(i), "result through the load balancer")
            seen.add(call(front, "GET", "/api/v1/health").json["data"]["node"])
        check(len(seen) >= 2, f"haproxy spread requests over the nodes: {seen}")
    finally:
        if lb:
            lb.kill()
            lb.wait(10)
            harness._unregister_proc(lb)
        for s in srvs:
            s.stop()
        redis.stop()
        shutil.rmtree(d, ignore_errors=True)
