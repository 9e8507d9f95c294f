#!/usr/bin/env python3
"""soak.py — `kiln serve` under a long mixed load, watched for leaks.

Starts the real server on a free loopback port and drives it from N client
threads for a fixed time with a weighted mix of legitimate known-answer runs
(python, javascript, typescript, bash, c; /api/v1 and /api/v2, stdin, args,
two-file requests), attacks on the jail (fork and memory bombs, CPU loops,
sleeps past the wall limit, output floods, killing the parent, network,
daemons, V8 escapes, pollution then a clean check, clients that hang up) and
abuse of the service (malformed, oversized, deep and invalid-UTF-8 bodies,
clients that dribble or stall). Every answer is checked. Every second it
samples the server's process tree: PSS (total and anonymous, by role), the
RSS of the server and its zygotes, fds, threads, processes, box-uid
processes, mounts (the server's and the zygotes'), cgroup folders, /metrics.

Verdict (exit 1 on any violation): no legitimate request failed; every
attack got its expected answer; memory flat within 10 % (the tree's PSS and
the server's and zygotes' RSS: median of the first 10 % of samples after
the warm-up against the median of the last 10 %); after the load and a
settle, fds, threads, processes, mounts and cgroups as before it; no warm
runtime restarted, no request refused by a pool, no unexpected log line; on
SIGTERM the server exits 0 and leaves no process, cgroup or box-uid process.

    python3 bench/soak.py [--kiln build/kiln] [--seconds 600] [--concurrency 32]
                          [--report build/soak.json] [--seed N] [--sample-s 1]

Standard library only. Must run as root (kiln serve does).
"""
import argparse
import collections
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

CGROUP_ROOTS = ("/sys/fs/cgroup/memory/kiln", "/sys/fs/cgroup/pids/kiln",
                "/sys/fs/cgroup/cpu,cpuacct/kiln", "/sys/fs/cgroup/kiln")
BOX_UIDS = range(62000, 63000)
MEM_TOLERANCE = 0.10
IDLE_TIMEOUT_S = 10          # the server's idle_timeout_s; the stalled client waits on it
LEGIT_TIMEOUT_S = 180        # a legitimate request that takes longer has failed
ATTACK_TIMEOUT_S = 30        # an attack's client gives up (and hangs up) after this
SETTLE_S = 90                # after the load, time for the counts to return to the baseline
STOP_TIMEOUT_S = 60          # SIGTERM to exit

# Sized so that no legitimate request is ever refused at the soak's concurrency:
# every client's request fits the worker queue and each warm pool's queue, and
# a request may wait in a pool as long as the slowest mix ahead of it takes.
SERVER_ARGS = ["--backlog", "1024", "--queue-max", "256", "--queue-wait-ms", "120000",
               "--max-connections", "1024", "--idle-timeout-s", str(IDLE_TIMEOUT_S),
               "--drain-ms", "20000"]

ACCESS_LINE = re.compile(r"^[A-Z]+ \S+ \S+ \d{3} [\d.]+ms$")
# What else the server may log in a clean soak: its start-up and stop, and
# the runs of clients that hung up (cancelled, as they should be).
EXPECTED_LINE = re.compile(r"^kiln serve: (\S+ [\w.+-]+( \(warm\))?|listening on .*|TERM received|"
                           r"stopping: .*|stopped|python run failed in the sandbox: "
                           r"cancelled: the client went away)$")


def log(msg):
    print(f"soak: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ /proc probes

def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def proc_table():
    """pid -> (ppid, starttime, real uid) of every process now."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        stat, status = read(f"/proc/{d}/stat"), read(f"/proc/{d}/status")
        if not stat or not status:
            continue
        f = stat[stat.rindex(")") + 2:].split()
        m = re.search(r"^Uid:\s+(\d+)", status, re.M)
        table[int(d)] = (int(f[1]), int(f[19]), int(m.group(1)) if m else -1)
    return table


def tree_of(table, root):
    """root and every process below it."""
    kids = collections.defaultdict(list)
    for pid, (ppid, _, _) in table.items():
        kids[ppid].append(pid)
    out, todo = set(), [root]
    while todo:
        p = todo.pop()
        if p in table and p not in out:
            out.add(p)
            todo.extend(kids[p])
    return out


def pss_kib(pid):
    """(PSS, anonymous PSS) of a process in KiB. The anonymous part
    (Pss_Anon + Pss_Shmem: heaps, stacks, memfds) is shared only within the
    server's tree, by fork; file pages (the binary, libpython, libnode, libc)
    are shared with every process on the host that maps them, so their PSS
    moves with what other processes start and stop."""
    f = rollup(pid)
    return f.get("Pss", 0), f.get("Pss_Anon", 0) + f.get("Pss_Shmem", 0)


def rollup(pid):
    text = read(f"/proc/{pid}/smaps_rollup") or ""
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def line_count(path):
    text = read(path)
    return text.count("\n") if text is not None else -1


def cgroup_dirs(server_pid):
    """Folders (nested included) of this server's cgroups in every hierarchy."""
    n = 0
    for root in CGROUP_ROOTS:
        try:
            names = [e for e in os.listdir(root) if e.startswith(f"{server_pid}-")]
        except OSError:
            continue
        for name in names:
            n += sum(1 for _ in os.walk(os.path.join(root, name)))
    return n


def claimed_uids(server_pid):
    """The box uids the server's jail holds (its /run/kiln/uid-N.lock fds)."""
    uids = set()
    try:
        for fd in os.listdir(f"/proc/{server_pid}/fd"):
            m = re.search(r"/uid-(\d+)\.lock$", os.readlink(f"/proc/{server_pid}/fd/{fd}"))
            if m:
                uids.add(int(m.group(1)))
    except OSError:
        pass
    return uids


def parse_metrics(text):
    """Sums of the /metrics families this soak reports, by a label where useful."""
    out = collections.defaultdict(float)
    for line in text.splitlines():
        m = re.match(r"^(\w+)(?:\{([^}]*)\})? (\S+)$", line)
        if not m:
            continue
        name, labels, value = m.group(1), dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")), \
            float(m.group(3))
        if name == "kiln_http_requests_total":
            out["http_requests"] += value
            out[f"http_{labels.get('code')}"] += value
        elif name == "kiln_runs_total":
            out["runs"] += value
            out[f"runs_{labels.get('status')}"] += value
        elif name in ("kiln_warm_restarts_total", "kiln_warm_rejected_total",
                      "kiln_warm_spawned_total", "kiln_warm_reaped_total", "kiln_queue_depth",
                      "kiln_warm_queued", "kiln_security_events_total"):
            out[name] += value
        elif name == "kiln_workers":
            out[f"workers_{labels.get('state')}"] += value
        elif name == "kiln_warm_slots" and labels.get("state") in ("busy", "ready"):
            out[f"warm_{labels['state']}"] += value
    return dict(out)


# ------------------------------------------------------------------ the server

class Server:
    """The real `kiln serve` on 127.0.0.1 and a port of its own choosing."""

    def __init__(self, kiln, extra):
        self.argv = [kiln, "serve", "--listen", "127.0.0.1:0", *SERVER_ARGS, *extra]
        self.port = None
        self.listening = threading.Event()
        self.access_lines = 0
        self.other_lines = []       # everything but the one-line-per-request log
        self.tail = collections.deque(maxlen=50)
        self.stopped = False        # its last line, "kiln serve: stopped", was seen
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.listening.wait(60) or self.port is None:
            self.proc.kill()
            raise SystemExit(f"soak: kiln serve did not start: {list(self.tail)}")
        self.pid = self.proc.pid

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.tail.append(line)
            self.stopped = self.stopped or line == "kiln serve: stopped"
            if ACCESS_LINE.match(line):
                self.access_lines += 1
                continue
            if len(self.other_lines) < 500:
                self.other_lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self.listening.set()
        self.listening.set()

    def get_json(self, path, timeout=30):
        status, body = request(self.port, "GET", path, timeout=timeout)
        return status, json.loads(body)

    def metrics(self):
        status, body = request(self.port, "GET", "/metrics", timeout=30)
        return parse_metrics(body.decode()) if status == 200 else {}

    def stop(self):
        """SIGTERM; (exit code or None if it had to be killed, seconds taken)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        self.reader.join(5)
        return rc, time.monotonic() - t0


def _die_with_parent():
    # The server never outlives the soak, even one killed with SIGKILL.
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# ------------------------------------------------------------------ HTTP

def request(port, method, path, body=None, headers=None, timeout=LEGIT_TIMEOUT_S, chunked=False,
            conn=None):
    """One request, on conn (a KeptConnection) or a fresh connection:
    (status, body bytes)."""
    c = conn.take() if conn else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        r = c.getresponse()
        out = r.status, r.read()
    except BaseException:
        c.close()
        raise
    if conn:
        conn.give_back()
    else:
        c.close()
    return out


class KeptConnection:
    """A client's keep-alive connection, as HTTP client libraries hold one.
    It is not reused once it has idled for half the server's idle timeout,
    so that the server closing an idle connection as a request is sent (a
    race of every keep-alive client, retried by real ones) cannot happen."""

    def __init__(self, port):
        self.port, self.conn, self.last = port, None, 0.0
        self.reused = 0

    def take(self):
        if self.conn and time.monotonic() - self.last > IDLE_TIMEOUT_S / 2:
            self.conn.close()
            self.conn = None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=LEGIT_TIMEOUT_S)
        else:
            self.reused += 1
        return self.conn

    def give_back(self):
        self.last = time.monotonic()


def raw_exchange(port, chunks, gap_s=0.0, timeout=30):
    """Sends chunks (gap_s apart) on a fresh socket, reads until EOF or the
    end of one HTTP reply: (bytes, seconds until EOF or None)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        t0 = time.monotonic()
        for i, c in enumerate(chunks):
            if i and gap_s:
                time.sleep(gap_s)
            s.sendall(c)
        data = b""
        while True:
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                return data, time.monotonic() - t0
            if not got:
                return data, time.monotonic() - t0
            data += got
            if reply_complete(data):
                return data, None


def reply_complete(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return bool(m) and len(body) >= int(m.group(1))


def raw_reply(data):
    """(HTTP status, parsed JSON body or None) of a raw reply."""
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    try:
        j = json.loads(body)
    except ValueError:
        j = None
    return (int(m.group(1)) if m else None), j


def post_bytes(path, body):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


# ------------------------------------------------------------------ the mix
#
# A case is a dict: kind, legit (a legitimate run: must never fail), lang,
# path, body, expect ({dotted.path: value or frozenset of values}) and
# optionally then (a case the same client sends right after) or raw (a
# function (port) -> list of mismatches, for what is not one JSON POST).

V1, V2 = "/api/v1/execute", "/api/v2/execute"
ONE_OF = frozenset


def v1(kind, lang, code, expect, legit=True, **fields):
    body = {"code": code, "language": lang, **fields}
    return {"kind": kind, "legit": legit, "lang": lang, "path": V1, "body": body,
            "expect": {"success": True, **{f"data.{k}": v for k, v in expect.items()}}}


def v2(kind, lang, files, expect, legit=True, **fields):
    body = {"language": lang, "version": "*", "files": files, **fields}
    return {"kind": kind, "legit": legit, "lang": lang, "path": V2, "body": body,
            "expect": {"language": lang, **expect}}


def v1_ok(kind, lang, code, stdout, legit=True, **fields):
    return v1(kind, lang, code, {"status": "OK", "exitCode": 0, "stdout": stdout, "stderr": ""},
              legit, **fields)


def v2_ok(kind, lang, files, stdout, compiled=False, **fields):
    expect = {"run.stdout": stdout, "run.stderr": "", "run.code": 0, "run.signal": None,
              "run.status": None}
    if compiled:
        expect["compile.code"] = 0
    return v2(kind, lang, files, expect, **fields)


def token(rng):
    return "t%08x" % rng.getrandbits(32)


# --- legitimate runs: the answer depends on random inputs, so that a reply
# --- crossed with another request's would be caught.

def legit_v1_python(rng):
    a, b, t = rng.randrange(10**6), rng.randrange(10**6), token(rng)
    code = ("import sys\na, b = map(int, sys.stdin.read().split())\n"
            "print(a * b, ' '.join(sys.argv[1:]))\n")
    return v1_ok("v1 python", "python", code, f"{a * b} {t}\n", stdin=f"{a} {b}\n", args=[t])


def legit_v1_python_exit(rng):
    n = rng.randrange(1, 100)
    return v1("v1 python exit code", "python", f"import sys\nprint('bye')\nsys.exit({n})\n",
              {"status": "RE", "exitCode": n, "stdout": "bye\n", "signal": None})


def legit_v1_javascript(rng):
    n, k, t = rng.randrange(1, 1000), rng.randrange(1, 1000), token(rng)
    code = (f"const n = {n}, k = {k};\nlet s = 0;\nfor (let i = 1; i <= n; i++) s += i * k;\n"
            "console.log(s, process.argv.slice(2).join(' '));\n")
    return v1_ok("v1 javascript", "javascript", code, f"{k * n * (n + 1) // 2} {t}\n", args=[t])


def legit_v1_typescript(rng):
    a, b, t = rng.randrange(1, 10**4), rng.randrange(1, 10**4), token(rng)
    code = ("interface Pair { a: number; b: number }\nenum Op { Add, Mul }\n"
            "function apply(p: Pair, op: Op): number { return op === Op.Mul ? p.a * p.b : p.a + p.b; }\n"
            f"const p: Pair = {{ a: {a}, b: {b} }};\nconst tag: string = '{t}';\n"
            "console.log(apply(p, Op.Mul), apply(p, Op.Add), tag);\n")
    return v1_ok("v1 typescript", "typescript", code, f"{a * b} {a + b} {t}\n")


def legit_v1_bash(rng):
    x, a, b, t = rng.randrange(1000), rng.randrange(1000), rng.randrange(1000), token(rng)
    return v1_ok("v1 bash", "bash", 'read x\necho $(( x * $1 + $2 )) "$3"\n',
                 f"{x * a + b} {t}\n", stdin=f"{x}\n", args=[str(a), str(b), t])


def legit_v1_c(rng):
    a, b, k, t = rng.randrange(10**6), rng.randrange(10**3), rng.randrange(100), token(rng)
    code = ("#include <stdio.h>\nint main(int argc, char **argv)\n{\n    long a, b;\n"
            "    if (scanf(\"%ld %ld\", &a, &b) != 2)\n        return 2;\n"
            f"    printf(\"%ld %s\\n\", a * b + {k}, argc > 1 ? argv[1] : \"-\");\n"
            "    return 0;\n}\n")
    c = v1_ok("v1 c", "c", code, f"{a * b + k} {t}\n", stdin=f"{a} {b}", args=[t])
    c["expect"]["data.compile.status"] = "OK"
    return c


def legit_v2_python_files(rng):
    k, x, t = rng.randrange(1, 1000), rng.randrange(10**6), token(rng)
    files = [{"name": "main.py", "content": "import sys, helper\n"
                                            "print(helper.f(int(sys.stdin.read())), *sys.argv[1:])\n"},
             {"name": "helper.py", "content": f"K = {k}\ndef f(x):\n    return x * K\n"}]
    return v2_ok("v2 python two files", "python", files, f"{x * k} {t}\n", stdin=str(x), args=[t])


def legit_v2_javascript(rng):
    xs, t = [rng.randrange(10**6) for _ in range(rng.randrange(1, 20))], token(rng)
    code = ("const xs = require('fs').readFileSync(0, 'utf8').trim().split('\\n').map(Number);\n"
            "console.log(xs.reduce((a, b) => a + b, 0), process.argv.slice(2).join(','));\n")
    return v2_ok("v2 javascript stdin", "javascript", [{"content": code}],
                 f"{sum(xs)} {t},two words\n", stdin="\n".join(map(str, xs)) + "\n",
                 args=[t, "two words"])


def legit_v2_typescript(rng):
    n, t = rng.randrange(10**6), token(rng)
    code = ("function greet(name: string, n: number): string { return `${name}:${n * 2}`; }\n"
            f"const n: number = {n};\nconsole.log(greet(process.argv[2] as string, n));\n")
    return v2_ok("v2 typescript args", "typescript", [{"content": code}], f"{t}:{2 * n}\n",
                 args=[t])


def legit_v2_bash(rng):
    t = token(rng)
    return v2_ok("v2 bash stdin", "bash", [{"content": 'tr a-z A-Z\necho "$#:$1"\n'}],
                 f"{t.upper()}\n1:{t}\n", stdin=f"{t}\n", args=[t])


def legit_v2_c_files(rng):
    a, b, k = rng.randrange(10**6), rng.randrange(10**6), rng.randrange(100)
    files = [{"name": "main.c", "content": '#include <stdio.h>\n#include <stdlib.h>\n#include "add.h"\n'
                                           "int main(int argc, char **argv)\n{\n"
                                           "    if (argc < 3)\n        return 2;\n"
                                           '    printf("%ld\\n", add(atol(argv[1]), atol(argv[2])));\n'
                                           "    return 0;\n}\n"},
             {"name": "add.h", "content": f"static long add(long a, long b) {{ return a + b + {k}; }}\n"}]
    return v2_ok("v2 c two files", "c", files, f"{a + b + k}\n", compiled=True,
                 args=[str(a), str(b)])


def legit_health(rng):
    return {"kind": "GET health", "legit": True, "lang": "GET", "method": "GET",
            "path": "/api/v1/health", "expect": {"success": True, "data.status": "ok"}}


def legit_runtimes(rng):
    return {"kind": "GET runtimes", "legit": True, "lang": "GET", "method": "GET",
            "path": "/api/v2/runtimes", "expect": {}, "check": lambda j: any(
                r.get("language") == "python" for r in j) or "python missing from runtimes"}


# --- attacks on the jail: each with the answer it must get.

def attack_fork_bomb_python(rng):
    code = ("import os, time\nwhile True:\n    try:\n        os.fork()\n"
            "    except OSError:\n        time.sleep(0.005)\n")
    return v1("fork bomb python", "python", code, {"status": ONE_OF({"TO", "RE"})}, False,
              timeout=1000)


def attack_fork_bomb_bash(rng):
    return v1("fork bomb bash", "bash", "bomb() { bomb | bomb & }\nbomb\nsleep 5\n",
              {"status": ONE_OF({"TO", "RE"})}, False, timeout=1000)


def attack_mem_python(rng):
    return v1("memory bomb python", "python", "b = bytearray(512 << 20)\n", {"status": "ML"},
              False, memoryLimit=64)


def attack_mem_javascript(rng):
    return v1("memory bomb javascript", "javascript",
              "const a = [];\nwhile (true) a.push(new Array(1e6).fill(1.5));\n",
              {"status": "ML"}, False, memoryLimit=64)


def attack_mem_c(rng):
    code = ("#include <stdlib.h>\n#include <string.h>\nint main(void)\n{\n    for (;;) {\n"
            "        char *p = malloc(1 << 20);\n        if (!p)\n            return 3;\n"
            "        memset(p, 1, 1 << 20);\n    }\n}\n")
    return v1("memory bomb c", "c", code, {"status": "ML"}, False, memoryLimit=64)


def attack_cpu(lang, code):
    def make(rng):
        return v1(f"cpu loop {lang}", lang, code, {"status": "TO"}, False, timeout=500)
    return make


def attack_sleep(lang, code):
    def make(rng):
        return v1(f"sleep past wall {lang}", lang, code, {"status": "TO"}, False, timeout=500)
    return make


def attack_flood(lang, code):
    def make(rng):
        return v1(f"output flood {lang}", lang, code,
                  {"status": "OL", "stdoutTruncated": True}, False)
    return make


def attack_kill_parent_python(rng):
    code = ("import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n"
            "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
            "print('survived')\n")
    return v1("kill parent python", "python", code, {"status": ONE_OF({"OK", "SG"})}, False)


def attack_kill_parent_bash(rng):
    return v1("kill parent bash", "bash", "kill -9 $PPID 1 -1 2>/dev/null\necho survived\n",
              {"status": ONE_OF({"OK", "SG"})}, False)


def attack_kill_parent_javascript(rng):
    code = ("for (const pid of [process.ppid, 1, -1]) {\n"
            "    try { process.kill(pid, 'SIGKILL'); } catch (e) {}\n}\n"
            "console.log('survived');\n")
    return v1("kill parent javascript", "javascript", code, {"status": ONE_OF({"OK", "SG"})},
              False)


def attack_net_python(rng):
    code = ("import socket\nr = []\n"
            "for fam, addr in ((socket.AF_INET, ('1.1.1.1', 53)), (socket.AF_INET6, ('::1', 80))):\n"
            "    try:\n        s = socket.socket(fam, socket.SOCK_DGRAM)\n"
            "        s.sendto(b'x', addr)\n        r.append('SENT')\n"
            "    except OSError:\n        r.append('blocked')\nprint(*r)\n")
    return v1_ok("network python", "python", code, "blocked blocked\n", False)


def attack_net_bash(rng):
    return v1_ok("network bash", "bash",
                 "if exec 3<>/dev/tcp/1.1.1.1/80; then echo CONNECTED; else echo blocked; fi 2>/dev/null\n",
                 "blocked\n", False)


def attack_net_javascript(rng):
    code = ("const r = [];\nfor (const m of ['net', 'http', 'dgram']) {\n"
            "    try { require(m).connect(80, '1.1.1.1'); r.push('OPEN'); } catch (e) { r.push('blocked'); }\n}\n"
            "console.log(r.join(' '), typeof fetch);\n")
    return v1_ok("network javascript", "javascript", code, "blocked blocked blocked undefined\n", False)


def attack_daemon_python(rng):
    code = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        os.close(1)\n        os.close(2)\n        time.sleep(100)\n    os._exit(0)\n"
            "print('parent out')\n")
    return v1_ok("daemon python", "python", code, "parent out\n", False)


def attack_daemon_bash(rng):
    return v1_ok("daemon bash", "bash",
                 "nohup sleep 100 >/dev/null 2>&1 &\ndisown\n(setsid sleep 100 &)\necho parent out\n",
                 "parent out\n", False)


def attack_js_escape(rng):
    code = ("const p = this.constructor.constructor('return process')();\nconst r = [];\n"
            "for (const f of [() => p.binding('spawn_sync'), () => p.mainModule.require('child_process'),\n"
            "                 () => require('child_process').execSync('id')]) {\n"
            "    try { f(); r.push('ESCAPED'); } catch (e) { r.push('blocked'); }\n}\n"
            "console.log(r.join(' '));\n")
    return v1_ok("js constructor escape", "javascript", code, "blocked blocked blocked\n", False)


def attack_pollute_javascript(rng):
    code = ("Object.prototype.soak = 'polluted';\nglobalThis.soakMarker = 1;\n"
            "Array.prototype.map = function () { return 'hijacked'; };\n"
            "JSON.stringify = () => 'hijacked';\n"
            "process.stdout.write('polluted\\n');\nconsole.log = () => {};\n")
    clean = ("console.log(({}).soak === undefined, [1, 2].map(x => x * 2).join(','), "
             "typeof globalThis.soakMarker, JSON.stringify([1]));\n")
    c = v1_ok("pollute javascript", "javascript", code, "polluted\n", False)
    c["then"] = v1_ok("v1 javascript clean after pollution", "javascript", clean,
                      "true 2,4 undefined [1]\n")
    return c


def attack_pollute_python(rng):
    code = ("import builtins, sys\nbuiltins.soak_marker = 1\nsys.modules['json'] = None\n"
            "open('/tmp/soak-marker', 'w').write('x')\nopen('/box/soak-marker', 'w').write('x')\n"
            "print('polluted')\nbuiltins.print = None\n")
    clean = ("import builtins, json, os\n"
             "print(hasattr(builtins, 'soak_marker'), json.dumps([1]), "
             "os.path.exists('/tmp/soak-marker') or os.path.exists('/box/soak-marker'))\n")
    c = v1_ok("pollute python", "python", code, "polluted\n", False)
    c["then"] = v1_ok("v1 python clean after pollution", "python", clean, "False [1] False\n")
    return c


def attack_hangup(rng):
    """A client that sends a run and hangs up while it runs: the run is
    cancelled; what matters is that nothing leaks (the counters say)."""
    body = json.dumps({"code": "import time\ntime.sleep(3)\nprint(1)\n", "language": "python",
                       "timeout": 5000}).encode()

    def go(port):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(post_bytes(V1, body))
            time.sleep(0.3)
        return []
    return {"kind": "client hangs up mid-run", "legit": False, "lang": "python", "raw": go}


# --- abuse of the service.

def abuse_json(kind, path, raw, status, code):
    def make(rng):
        def go(port):
            st, body = request(port, "POST", path, body=raw,
                               headers={"Content-Type": "application/json"}, timeout=60)
            return error_mismatch(st, body, status, code)
        return {"kind": kind, "legit": False, "lang": "-", "raw": go}
    return make


def error_mismatch(st, body, status, code):
    try:
        j = json.loads(body)
        got = j.get("code") or (j.get("error") or {}).get("code")
    except (ValueError, AttributeError):
        got = None
    return [] if (st, got) == (status, code) else [f"expected {status} {code}, got {st} {got}: "
                                                   f"{body[:200]!r}"]


def abuse_declared_too_large(rng):
    def go(port):
        head = (f"POST {V1} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {4 << 20}\r\n\r\n").encode()
        data, _ = raw_exchange(port, [head + b" " * 1000], timeout=30)
        st, j = raw_reply(data)
        code = ((j or {}).get("error") or {}).get("code")
        return [] if (st, code) == (413, "body_too_large") else [f"got {st} {code}: {data[:200]!r}"]
    return {"kind": "body over the limit (declared)", "legit": False, "lang": "-", "raw": go}


def abuse_chunked_too_large(rng):
    big = json.dumps({"code": "#" * ((1 << 20) + 4096), "language": "python"}).encode()

    def go(port):
        st, body = request(port, "POST", V2, body=iter(big[i:i + 65536] for i in range(0, len(big), 65536)),
                           headers={"Content-Type": "application/json"}, timeout=60, chunked=True)
        return error_mismatch(st, body, 413, "body_too_large")
    return {"kind": "body over the limit (chunked)", "legit": False, "lang": "-", "raw": go}


def abuse_slow_headers(rng):
    """Headers dribbled over ~2.5 s, then a legitimate run: answered right."""
    a, b = rng.randrange(1000), rng.randrange(1000)
    body = json.dumps({"code": "print(int(input()) + %d)" % b, "language": "python",
                       "stdin": f"{a}\n"}).encode()
    msg = post_bytes(V1, body)
    head_len = msg.index(b"\r\n\r\n") + 4
    pieces = [msg[i:min(i + 8, head_len)] for i in range(0, head_len, 8)]
    gap = 2.5 / len(pieces)

    def go(port):
        data, _ = raw_exchange(port, pieces + [msg[head_len:]], gap_s=gap, timeout=60)
        st, j = raw_reply(data)
        got = ((j or {}).get("data") or {}).get("stdout")
        return [] if (st, got) == (200, f"{a + b}\n") else [f"got {st} {got!r}: {data[:200]!r}"]
    return {"kind": "slow client dribbling headers", "legit": False, "lang": "-", "raw": go}


def abuse_stalled(rng):
    """Half the headers, then silence: closed at the idle timeout."""
    def go(port):
        data, secs = raw_exchange(port, [b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"],
                                  timeout=IDLE_TIMEOUT_S + 20)
        if secs is None or secs > IDLE_TIMEOUT_S + 10:
            return [f"a stalled connection was not closed (after {secs} s): {data[:200]!r}"]
        return []
    return {"kind": "stalled client", "legit": False, "lang": "-", "raw": go}


def abuse_not_found(rng):
    def go(port):
        st, body = request(port, "GET", "/api/v1/../../etc/passwd", timeout=30)
        return error_mismatch(st, body, 404, "not_found")
    return {"kind": "unknown route", "legit": False, "lang": "-", "raw": go}


DEEP_V1 = ('{"code": "1", "language": "python", "x": ' + "[" * 65 + "]" * 65 + "}").encode()
DEEP_V2 = ("[" * 200000 + "]" * 200000).encode()

# (weight, case maker). Legitimate runs are about 60 % of the picks.
MIX = [
    (10, legit_v1_python), (3, legit_v1_python_exit), (9, legit_v1_javascript),
    (7, legit_v1_typescript), (6, legit_v1_bash), (4, legit_v1_c),
    (6, legit_v2_python_files), (4, legit_v2_javascript), (3, legit_v2_typescript),
    (3, legit_v2_bash), (3, legit_v2_c_files), (1, legit_health), (1, legit_runtimes),

    (1.5, attack_fork_bomb_python), (1, attack_fork_bomb_bash),
    (1, attack_mem_python), (1, attack_mem_javascript), (0.5, attack_mem_c),
    (1, attack_cpu("python", "while True:\n    pass\n")),
    (1, attack_cpu("javascript", "for (;;) {}\n")),
    (0.5, attack_cpu("typescript", "let n: number = 0;\nwhile (true) { n++; }\n")),
    (0.5, attack_cpu("c", "int main(void)\n{\n    volatile unsigned long i = 0;\n    for (;;)\n        i++;\n}\n")),
    (1, attack_sleep("python", "import time\ntime.sleep(30)\n")),
    (1, attack_sleep("bash", "sleep 30\n")),
    (1, attack_flood("python", "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n")),
    (0.5, attack_flood("javascript", "const s = 'y'.repeat(65536);\nfor (;;) process.stdout.write(s);\n")),
    (0.5, attack_flood("bash", "yes\n")),
    (1, attack_kill_parent_python), (1, attack_kill_parent_bash), (0.5, attack_kill_parent_javascript),
    (1, attack_net_python), (0.5, attack_net_bash), (0.5, attack_net_javascript),
    (1, attack_daemon_python), (1, attack_daemon_bash), (1, attack_js_escape),
    (1, attack_pollute_javascript), (1, attack_pollute_python), (1, attack_hangup),

    (0.5, abuse_json("malformed JSON v1", V1, b'{"code": "print(1)", "language": ', 400, "malformed_json")),
    (0.5, abuse_json("malformed JSON v2", V2, b"{not json}", 400, "malformed_json")),
    (1, abuse_declared_too_large), (0.3, abuse_chunked_too_large),
    (0.5, abuse_json("deep nesting v1", V1, DEEP_V1, 400, "too_deep")),
    (0.3, abuse_json("deep nesting v2", V2, DEEP_V2, 400, "too_deep")),
    (0.5, abuse_json("invalid UTF-8", V1, b'{"code": "print(\'\xff\xfe\')", "language": "python"}',
                     400, "invalid_utf8")),
    (0.5, abuse_json("unknown language", V1, b'{"code": "1", "language": "cobol-85"}', 400,
                     "unknown_language")),
    (0.5, abuse_json("limit out of range", V1,
                     b'{"code": "1", "language": "python", "timeout": 600001}', 400, "limit_out_of_range")),
    (0.3, abuse_not_found), (0.5, abuse_slow_headers), (0.2, abuse_stalled),
]


def dig(j, path):
    for part in path.split("."):
        if not isinstance(j, dict) or part not in j:
            return "<absent>"
        j = j[part]
    return j


def mismatches(j, case):
    bad = []
    for path, want in case.get("expect", {}).items():
        got = dig(j, path)
        if not (got in want if isinstance(want, frozenset) else got == want):
            bad.append(f"{path}: expected {sorted(want) if isinstance(want, frozenset) else want!r}, "
                       f"got {str(got)[:200]!r}")
    if "check" in case:
        r = case["check"](j)
        if r is not True:
            bad.append(str(r))
    return bad


# ------------------------------------------------------------------ the clients

class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = collections.defaultdict(collections.Counter)  # kind -> outcome -> n
        self.legit = {}                                             # kind -> legit?
        self.latency = collections.defaultdict(list)               # "lang" / "api lang" -> s
        self.legit_failures = []
        self.attack_failures = []
        self.sent = 0
        self.reused = 0                                            # requests on a kept connection

    def add(self, case, outcome, detail, secs, t):
        with self.lock:
            self.sent += 1
            self.kinds[case["kind"]][outcome] += 1
            self.legit[case["kind"]] = case["legit"]
            if case["legit"] and outcome == "ok":
                self.latency[case["lang"]].append(secs)
                api = "v2" if case.get("path") == V2 else "v1"
                self.latency[f"{api} {case['lang']}"].append(secs)
            if outcome != "ok":
                rec = {"t": round(t, 1), "kind": case["kind"], "outcome": outcome,
                       "seconds": round(secs, 3), "detail": detail[:5]}
                lst = self.legit_failures if case["legit"] else self.attack_failures
                if len(lst) < 200:
                    lst.append(rec)


def run_case(port, case, conn=None):
    """(outcome, details): outcome is ok, wrong_answer, http_NNN or error:Name."""
    if "raw" in case:
        bad = case["raw"](port)
        return ("ok" if not bad else "wrong_answer"), bad
    method = case.get("method", "POST")
    body = json.dumps(case["body"]).encode() if "body" in case else None
    st, raw = request(port, method, case["path"], body=body,
                      headers={"Content-Type": "application/json"} if body else None, conn=conn,
                      timeout=LEGIT_TIMEOUT_S if case["legit"] else ATTACK_TIMEOUT_S)
    if st != 200:
        return f"http_{st}", [raw[:300].decode("utf-8", "replace")]
    try:
        j = json.loads(raw)
    except ValueError:
        return "wrong_answer", [f"not JSON: {raw[:300]!r}"]
    bad = mismatches(j, case)
    return ("ok" if not bad else "wrong_answer"), bad


def client(idx, port, seed, until, t0, tally, stop):
    """One client thread: cases picked by weight until the end. Odd-numbered
    clients keep their connection alive between requests, the others open
    one per request."""
    rng = random.Random(seed * 1000 + idx)
    weights = [w for w, _ in MIX]
    makers = [m for _, m in MIX]
    conn = KeptConnection(port) if idx % 2 else None
    while time.monotonic() < until and not stop.is_set():
        case = rng.choices(makers, weights)[0](rng)
        while case:
            start = time.monotonic()
            try:
                # Attacks go on connections of their own: one that times out
                # is closed, as its client would, and that cancels its run.
                outcome, detail = run_case(port, case, conn if case["legit"] else None)
            except Exception as e:  # a refused, reset or timed-out connection
                if conn and case["legit"]:
                    conn.conn = None
                outcome, detail = f"error:{type(e).__name__}", [str(e)[:300]]
            tally.add(case, outcome, detail, time.monotonic() - start, start - t0)
            case = case.get("then")
    if conn:
        with tally.lock:
            tally.reused += conn.reused


# ------------------------------------------------------------------ sampling

def sample(srv, uids, t0):
    table = proc_table()
    tree = tree_of(table, srv.pid)
    zygotes = [p for p in tree if table[p][0] == srv.pid and
               (read(f"/proc/{p}/cmdline") or "").startswith("kiln-zygote\0")]
    status = read(f"/proc/{srv.pid}/status") or ""
    m = re.search(r"^Threads:\s+(\d+)", status, re.M)
    both = {p: pss_kib(p) for p in tree}
    pss = {p: v[0] for p, v in both.items()}
    anon = {p: v[1] for p, v in both.items()}
    s = {
        "t": round(time.monotonic() - t0, 1),
        "pss_kib": sum(pss.values()),
        "anon_pss_kib": sum(anon.values()),
        "server_pss_kib": pss.get(srv.pid, 0),
        "server_anon_pss_kib": anon.get(srv.pid, 0),
        # RSS of the processes that live as long as the server: unlike PSS it
        # does not move with how many warm children share a zygote's pages.
        "persistent_rss_kib": sum(rollup(p).get("Rss", 0) for p in [srv.pid, *zygotes]),
        "pss_by_kib": pss_breakdown(table, srv.pid, zygotes, pss),
        "anon_pss_by_kib": pss_breakdown(table, srv.pid, zygotes, anon),
        "fds": fd_count(srv.pid),
        "threads": int(m.group(1)) if m else -1,
        "procs": len(tree),
        "box_procs": sum(1 for v in table.values() if v[2] in uids),
        "box_procs_host": sum(1 for v in table.values() if v[2] in BOX_UIDS),
        "mounts": line_count(f"/proc/{srv.pid}/mountinfo"),
        "zygote_mounts": sum(max(line_count(f"/proc/{p}/mountinfo"), 0) for p in zygotes),
        "cgroups": cgroup_dirs(srv.pid),
    }
    try:
        s["metrics"] = srv.metrics()
    except Exception as e:  # reported: /metrics must answer too
        s["metrics_error"] = f"{type(e).__name__}: {e}"
    return s, {p: table[p][1] for p in tree}


def pss_breakdown(table, server_pid, zygotes, pss):
    """PSS by role: the server, each zygote, each zygote's children (ready
    or running), and the rest (exec runs' keepers and programs)."""
    out = collections.Counter(server=pss.get(server_pid, 0))
    inside = set()
    for z in zygotes:
        name = ((read(f"/proc/{z}/cmdline") or "").split("\0") + ["", ""])[:2]
        below = tree_of(table, z)
        inside |= below
        out[f"zygote {name[1]}"] += pss.get(z, 0)
        out[f"children {name[1]}"] += sum(pss.get(p, 0) for p in below if p != z)
    out["exec runs"] = sum(v for p, v in pss.items() if p != server_pid and p not in inside)
    return dict(out)


def sampler(srv, uids, t0, every_s, samples, stop):
    while not stop.wait(every_s):
        samples.append(sample(srv, uids, t0)[0])


def wait_idle(srv, secs):
    """Until no request is queued or running and every warm pool has its
    ready children back; True if reached within secs."""
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        try:
            st, h = srv.get_json("/api/v1/health")
            d = h["data"]
            pools = [r for r in d["runners"].values() if r.get("warm")]
            if (st == 200 and d["processPool"]["busyWorkers"] == 0 and
                    d["processPool"]["pendingRequests"] == 0 and
                    all(r["busyWorkers"] == 0 and r["queued"] == 0 and
                        r["readyWorkers"] >= r["minReady"] for r in pools)):
                return True
        except Exception:
            pass
        time.sleep(0.5)
    return False


# Memory figures: the whole tree's PSS (as bench/http.sh measures it) and the
# RSS of the server and its zygotes must stay flat; the anonymous PSS and the
# server's own (a 1 MiB reply buffer is a fifth of it) are shown for diagnosis.
MEMORY_JUDGED = ("pss_kib", "persistent_rss_kib")
MEMORY_SHOWN = ("anon_pss_kib", "server_pss_kib")
COUNTS = ("fds", "threads", "procs", "box_procs", "mounts", "zygote_mounts", "cgroups")


def settled(srv, uids, t0, base, secs):
    """Samples until every count is back at the baseline (or secs pass)."""
    deadline = time.monotonic() + secs
    while True:
        s, pids = sample(srv, uids, t0)
        if all(s[k] == base[k] for k in COUNTS) or time.monotonic() > deadline:
            return s, pids
        time.sleep(1)


# ------------------------------------------------------------------ the report

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None


def memory_verdict(samples, warmup_s, key):
    steady = [s[key] for s in samples if s["t"] >= warmup_s]
    if len(steady) < 6:
        return {"error": f"only {len(steady)} samples after the warm-up"}
    n = max(3, len(steady) // 10)
    start, end = statistics.median(steady[:n]), statistics.median(steady[-n:])
    return {"start_kib": start, "end_kib": end, "peak_kib": max(steady),
            "growth": round(end / start - 1, 4) if start else None, "window_samples": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kiln", default="build/kiln")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--report", default="build/soak.json")
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--sample-s", type=float, default=1.0)
    ap.add_argument("--warmup-s", type=float, default=None,
                    help="memory samples before this are not compared (default: 30, or a fifth of a short run)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("soak: kiln serve needs root")
    warmup_s = args.warmup_s if args.warmup_s is not None else min(30.0, args.seconds / 5)
    violations = []

    srv = Server(os.path.abspath(args.kiln), [])
    log(f"server pid {srv.pid} on 127.0.0.1:{srv.port}; {args.concurrency} clients for "
        f"{args.seconds:g} s, seed {args.seed}")
    uids = claimed_uids(srv.pid)
    try:
        run = drive(args, srv, uids, violations)
    except BaseException:
        srv.stop()
        raise
    rc, stop_s = srv.stop()
    time.sleep(1)
    left_procs = [p for p, st in run["tree_pids"].items() if _starttime(p) == st]
    left_box = sum(1 for v in proc_table().values() if v[2] in uids)
    left_cg = cgroup_dirs(srv.pid)
    if rc != 0:
        violations.append(f"kiln serve exited {rc} after SIGTERM")
    if not srv.stopped:
        violations.append("no 'stopped' line in the server's log")
    if left_procs or left_box or left_cg:
        violations.append(f"left behind after exit: {len(left_procs)} processes of its tree, "
                          f"{left_box} box-uid processes, {left_cg} cgroup folders")

    report = build_report(args, srv, run, warmup_s, rc, stop_s, left_procs, left_box, left_cg,
                          violations)
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1)
    print_report(report)
    print(f"soak: report written to {args.report}")
    return 1 if report["violations"] else 0


def drive(args, srv, uids, violations):
    """Baseline, load, settle: the figures of the run (the server still up)."""
    t0 = time.monotonic()
    if not wait_idle(srv, 60):
        violations.append("the server did not become idle after start")
    first, _ = sample(srv, uids, t0)
    # One of each legitimate case, one after another, so that what the
    # server sets up once on first use is not mistaken for a leak.
    prime = random.Random(args.seed)
    for _, make in MIX:
        case = make(prime)
        if case["legit"]:
            outcome, detail = run_case(srv.port, case)
            if outcome != "ok":
                violations.append(f"priming: {case['kind']}: {outcome} {detail}")
    wait_idle(srv, 60)
    time.sleep(1)
    before, _ = sample(srv, uids, t0)
    log("before load: " + ", ".join(f"{k} {before[k]}" for k in ("pss_kib", *COUNTS)))

    tally, stop, samples = Tally(), threading.Event(), [before]
    load_t0 = time.monotonic()
    until = load_t0 + args.seconds
    smp = threading.Thread(target=sampler, args=(srv, uids, load_t0, args.sample_s, samples, stop),
                           daemon=True)
    smp.start()
    threads = [threading.Thread(target=client, daemon=True,
                                args=(i, srv.port, args.seed, until, load_t0, tally, stop))
               for i in range(args.concurrency)]
    for th in threads:
        th.start()
    next_log = load_t0 + 60
    while time.monotonic() < until:
        time.sleep(1)
        if time.monotonic() >= next_log and samples:
            s = samples[-1]
            log(f"t={s['t']:.0f}s sent {tally.sent}, legit failures {len(tally.legit_failures)}, "
                f"PSS {s['pss_kib'] / 1024:.1f} MiB, fds {s['fds']}, procs {s['procs']}")
            next_log += 60
    for th in threads:  # the slowest case (a stalled client) is bounded by its timeouts
        th.join(max(1, until + LEGIT_TIMEOUT_S + 30 - time.monotonic()))
    load_s = time.monotonic() - load_t0
    stop.set()
    smp.join(30)
    stuck = sum(th.is_alive() for th in threads)
    if stuck:
        violations.append(f"{stuck} client threads still waiting after the load")

    idle = wait_idle(srv, SETTLE_S)
    after, tree_pids = settled(srv, uids, load_t0, before, SETTLE_S)
    if not idle:
        violations.append("the server was not idle after the load")
    for k in COUNTS:
        if after[k] != before[k]:
            violations.append(f"{k}: {before[k]} before the load, {after[k]} after it")
    log("after load:  " + ", ".join(f"{k} {after[k]}" for k in ("pss_kib", *COUNTS)))
    return {"tally": tally, "samples": samples, "first": first, "before": before, "after": after,
            "load_s": load_s, "tree_pids": tree_pids}


def _starttime(pid):
    stat = read(f"/proc/{pid}/stat")
    return int(stat[stat.rindex(")") + 2:].split()[19]) if stat else None


def build_report(args, srv, run, warmup_s, rc, stop_s, left_procs, left_box, left_cg, violations):
    tally, samples, before, after, load_s = (run[k] for k in ("tally", "samples", "before", "after",
                                                              "load_s"))
    legit_n = sum(sum(c.values()) for k, c in tally.kinds.items() if tally.legit[k])
    attack_n = tally.sent - legit_n
    legit_failed = sum(n for k, c in tally.kinds.items() if tally.legit[k]
                       for o, n in c.items() if o != "ok")
    attack_failed = sum(n for k, c in tally.kinds.items() if not tally.legit[k]
                        for o, n in c.items() if o != "ok")
    if legit_failed:
        violations.insert(0, f"{legit_failed} legitimate requests failed")
    if attack_failed:
        violations.append(f"{attack_failed} attacks were not answered as expected")
    mem = {k: memory_verdict(samples, warmup_s, k) for k in MEMORY_JUDGED + MEMORY_SHOWN}
    for k in MEMORY_JUDGED:
        v = mem[k]
        if "error" in v:
            violations.append(f"memory ({k}): {v['error']}")
        elif v["growth"] is not None and v["growth"] > MEM_TOLERANCE:
            violations.append(f"memory ({k}) grew {v['growth']:.1%}: {v['start_kib']} -> {v['end_kib']} KiB")
    m_end = after.get("metrics", {})
    if m_end.get("kiln_warm_restarts_total"):
        violations.append(f"{m_end['kiln_warm_restarts_total']:g} warm runtime restarts")
    if m_end.get("kiln_warm_rejected_total"):
        violations.append(f"{m_end['kiln_warm_rejected_total']:g} requests refused by a warm pool")
    odd = [l for l in srv.other_lines if not EXPECTED_LINE.match(l)]
    if odd:
        violations.append(f"{len(odd)} unexpected lines in the server's log, e.g. {odd[0]!r}")
    cancelled = sum(1 for l in srv.other_lines if l.endswith("cancelled: the client went away"))
    hangups = sum(tally.kinds["client hangs up mid-run"].values())
    if cancelled > hangups:
        violations.append(f"{cancelled} runs cancelled for {hangups} clients that hung up")
    metrics_errors = [s["metrics_error"] for s in samples if "metrics_error" in s]
    if metrics_errors:
        violations.append(f"/metrics failed {len(metrics_errors)} times: {metrics_errors[0]}")
    lat = {k: {"n": len(v), "p50_ms": round(pct(v, 0.5) * 1000, 1), "p99_ms": round(pct(v, 0.99) * 1000, 1)}
           for k, v in sorted(tally.latency.items())}
    peak = {k: max(s[k] for s in samples) for k in ("pss_kib", *COUNTS)}
    return {
        "command": " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "host": {"nproc": os.cpu_count(), "kernel": os.uname().release},
        "server": {"argv": srv.argv[1:], "pid": srv.pid},
        "seed": args.seed, "seconds": round(load_s, 1), "concurrency": args.concurrency,
        "requests": tally.sent, "legit": legit_n, "attacks": attack_n,
        "req_per_s": round(tally.sent / load_s, 1), "legit_per_s": round(legit_n / load_s, 1),
        "legit_failed": legit_failed, "attacks_unexpected": attack_failed,
        "by_kind": {k: {"legit": tally.legit[k], **dict(c)} for k, c in sorted(tally.kinds.items())},
        "latency_legit": lat,
        "memory": mem, "memory_warmup_s": warmup_s,
        "at_start": {k: run["first"][k] for k in ("pss_kib", *COUNTS)},
        "before": {k: before[k] for k in ("pss_kib", *COUNTS)},
        "after": {k: after[k] for k in ("pss_kib", *COUNTS)},
        "pss_by_kib": {"before": before["pss_by_kib"], "after": after["pss_by_kib"]},
        "peak": peak,
        "metrics_end": m_end,
        "server_log_lines": srv.access_lines, "server_other_lines": odd[:100],
        "hangups": hangups, "runs_cancelled": cancelled, "keep_alive_reuses": tally.reused,
        "client_cpu_s": round(sum(os.times()[:2]), 1),
        "shutdown": {"exit": rc, "seconds": round(stop_s, 2), "procs_left": len(left_procs),
                     "box_procs_left": left_box, "cgroups_left": left_cg},
        "legit_failures": tally.legit_failures, "attack_failures": tally.attack_failures,
        "violations": violations,
        "samples": samples,
    }


def print_report(r):
    print(f"\nsoak: {r['seconds']:g} s at concurrency {r['concurrency']}, seed {r['seed']}")
    print(f"  requests {r['requests']} ({r['req_per_s']}/s): legit {r['legit']} ({r['legit_per_s']}/s), "
          f"attacks and abuse {r['attacks']}")
    print(f"  legit failures {r['legit_failed']}, attacks answered unexpectedly {r['attacks_unexpected']}; "
          f"{r['keep_alive_reuses']} requests on kept-alive connections")
    print("  by kind:")
    for k, c in r["by_kind"].items():
        outcomes = ", ".join(f"{o} {n}" for o, n in c.items() if o != "legit")
        print(f"    {'legit ' if c['legit'] else 'attack'} {k:<38} {outcomes}")
    print("  legit latency (client side, incl. queueing):")
    for k, v in r["latency_legit"].items():
        if " " not in k:
            print(f"    {k:<12} n {v['n']:>6}  p50 {v['p50_ms']:>8} ms  p99 {v['p99_ms']:>8} ms")
    for k, v in r["memory"].items():
        if "error" in v:
            print(f"  memory {k}: {v['error']}")
        else:
            print(f"  memory {k}: steady start {v['start_kib'] / 1024:.1f} MiB, end {v['end_kib'] / 1024:.1f} MiB "
                  f"({v['growth']:+.1%}), peak {v['peak_kib'] / 1024:.1f} MiB")
    for k in COUNTS:
        print(f"  {k:<14} before {r['before'][k]:>5}  after {r['after'][k]:>5}  peak {r['peak'][k]:>5}")
    sd = r["shutdown"]
    print(f"  SIGTERM: exit {sd['exit']} in {sd['seconds']} s; left: {sd['procs_left']} processes, "
          f"{sd['box_procs_left']} box-uid processes, {sd['cgroups_left']} cgroup folders")
    for f in r["legit_failures"][:20]:
        print(f"  LEGIT FAILURE t={f['t']}s {f['kind']}: {f['outcome']} {f['detail']}")
    for f in r["attack_failures"][:20]:
        print(f"  attack unexpected t={f['t']}s {f['kind']}: {f['outcome']} {f['detail']}")
    print(f"  clients that hung up {r['hangups']}, runs cancelled {r['runs_cancelled']}; "
          f"the soak's own CPU {r['client_cpu_s']} s")
    for l in r["server_other_lines"][:20]:
        print(f"  unexpected server log line: {l}")
    print("  VERDICT: " + ("PASS" if not r["violations"] else "FAIL"))
    for v in r["violations"]:
        print(f"    violation: {v}")


if __name__ == "__main__":
    sys.exit(main())
