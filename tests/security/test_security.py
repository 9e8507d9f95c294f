"""The attack suite: hostile programs and requests against the real `kiln serve`.

Every file of attacks/ is one test (`security.FILE`, e.g. `security.net_dns.py`):
a program in python, javascript, typescript, c, c++ or bash whose leading comment
states what it tries, why it matters and, on machine-readable lines, what
must come out:

    expect: status=OK [code=N] [signal=SIGKILL]   the run's status (OK RE SG TO ML OL CE)
    expect: status=TO stage=compile   the compile step's status; no run may follow
    stdout: WORD        stdout must contain WORD (repeatable)
    stderr: WORD        stderr must contain WORD
    absent: WORD        neither stdout nor stderr may contain WORD
    denied: NAME...     these syscalls must be reported as denied
    limits: K=V ...     /api/v2 limit fields of the request (run_timeout, ...)
    setup: NAME...      host fixtures: tcp_listener udp_listener unix_listener peer_run
    then: LANGUAGE      the clean follow-up run (default: the program's own language)
    lang: LANGUAGE      run as this language instead of the one of the file ending
    repeat: N           send the program N times, one after another, each held to
                        the expectation (persistence: a later run finds nothing)
    server-cpu-ms: N    the server process may spend at most N ms of CPU time
                        (its own, outside the run's cgroup) while the attack runs
    known-hole: TEXT    a hole that is known and not fixed yet: a failed
                        expectation is reported as skipped naming it

Placeholders in the program are replaced before it is sent: @TOKEN@ (fresh
per test), @TCP_PORT@ @UDP_PORT@ @UNIX_PATH@ @ABSTRACT@ (the fixtures),
@SERVER_PORT@, @SERVER_PID@, @CONFIG_PATH@, @KEYS_PATH@, @FIXTURE_DIR@.
None of the suite's secrets (in the server's environment, --config and
--keys files, a file of the fixture folder, a concurrent run's box) is ever
in a program: if one shows up in a run's output, the test fails.

After every test: the follow-up run in the same language gives its known
answer, /api/v1/health answers, and, with no run in flight (a gate pauses
the other tests' runs for the moment of the check), nothing is left: no
box-uid process of the server beyond its pools' ready children, no cgroup
folder of the engine but its slots, no new host mount, no new fd of the
server, no file of a box uid in the host's /tmp, /var/tmp, /dev/shm. A
background thread sends known-answer python/javascript/typescript requests
all along; the last test checks every answer and stops the server.
"""

import contextlib
import json
import os
import random
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time

import harness
from harness import test, check, eq, show, skip
import test_server
from test_server import Server, call, error_of

HERE = os.path.dirname(os.path.abspath(__file__))
ATTACKS = os.path.join(HERE, "attacks")
LANG_OF = {".py": "python", ".js": "javascript", ".ts": "typescript", ".c": "c", ".cpp": "cpp",
           ".sh": "bash", ".java": "java", ".go": "go"}
COMMENT = {".py": "#", ".sh": "#", ".js": "//", ".ts": "//", ".c": "//", ".cpp": "//",
           ".java": "//", ".go": "//"}
STATUSES = {"OK", "RE", "SG", "TO", "ML", "OL", "CE"}
HEADER_KEYS = {"attack", "why", "expect", "stdout", "stderr", "absent", "denied", "limits",
               "setup", "then", "lang", "repeat", "server-cpu-ms", "known-hole"}
LIMIT_FIELDS = {"run_timeout", "run_cpu_time", "run_memory_limit", "compile_timeout",
                "compile_cpu_time", "compile_memory_limit"}
FIXTURES = {"tcp_listener", "udp_listener", "unix_listener", "peer_run"}

# The suite server's settings: short limits so that runaway programs end
# quickly, small disk and file limits so that filling them is cheap, a short
# idle timeout so that slowloris connections are dropped within a test.
SERVER_SETTINGS = {
    "run.cpu_ms.default": 2000, "run.wall_ms.default": 4000, "run.mem_kib.default": 131072,
    "run.output_kib.default": 64, "run.fsize_kib.default": 1024, "run.disk_kib.default": 8192,
    "run.procs.default": 32, "run.nofile.default": 64, "idle_timeout_s": 3,
    "request_timeout_s": 4,
    # Pools of a fixed size (warm_slots = warm_min): a pool grown by demand
    # keeps its extra children, with their fds in the server, for
    # warm_idle_ms, and the leftover check compares against the start.
    "warm_slots": 2, "warm_min": 2,
}


# ------------------------------------------------------------ attack files

class Attack:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.name, ext = os.path.splitext(self.file)
        self.ext = ext
        self.source = open(path, encoding="utf-8").read()
        self.h = {k: [] for k in HEADER_KEYS}
        prefix = COMMENT[ext]
        last = None
        for line in self.source.splitlines():
            if line.startswith("#!"):
                continue
            if not line.startswith(prefix):
                break
            body = line[len(prefix):]
            m = re.match(r" ([a-z-]+):\s*(.*)$", body)
            if m and m.group(1) in HEADER_KEYS:
                last = m.group(1)
                self.h[last].append(m.group(2).strip())
            elif last and body.startswith("   "):  # a continuation line
                self.h[last][-1] += " " + body.strip()
        for key in ("attack", "why", "expect"):
            if not self.h[key]:
                raise ValueError(f"{self.file}: no '{key}:' line in its header")
        self.lang = (self.h["lang"] or [LANG_OF[ext]])[0]
        self.then = (self.h["then"] or [self.lang])[0]
        self.expect = dict(kv.split("=", 1) for kv in " ".join(self.h["expect"]).split())
        if self.expect.get("status") not in STATUSES:
            raise ValueError(f"{self.file}: expect: needs status= one of {sorted(STATUSES)}")
        if self.expect.get("stage", "run") not in ("run", "compile"):
            raise ValueError(f"{self.file}: expect: stage= is run or compile")
        self.limits = {}
        for kv in " ".join(self.h["limits"]).split():
            k, v = kv.split("=", 1)
            if k not in LIMIT_FIELDS:
                raise ValueError(f"{self.file}: unknown limit {k}")
            self.limits[k] = int(v)
        self.setup = set(" ".join(self.h["setup"]).split())
        if self.setup - FIXTURES:
            raise ValueError(f"{self.file}: unknown setup {sorted(self.setup - FIXTURES)}")
        self.denied = " ".join(self.h["denied"]).split()
        self.known = " ".join(self.h["known-hole"])
        self.repeat = int((self.h["repeat"] or ["1"])[0])
        self.server_cpu_ms = int((self.h["server-cpu-ms"] or ["0"])[0])


def attack_files():
    return sorted(os.path.join(ATTACKS, f) for f in os.listdir(ATTACKS)
                  if os.path.splitext(f)[1] in LANG_OF)


# ------------------------------------------------------------ the run gate

class Gate:
    """Runs and open connections hold it shared; the leftover check holds it
    alone, so that it sees the server at rest. A waiting check stops new
    holders; a thread that already holds it shared may take it again."""

    def __init__(self):
        self.cond = threading.Condition()
        self.shared = 0
        self.alone_now = False
        self.waiting = 0
        self.mine = threading.local()

    @contextlib.contextmanager
    def run(self):
        depth = getattr(self.mine, "depth", 0)
        with self.cond:
            while depth == 0 and (self.alone_now or self.waiting):
                self.cond.wait()
            self.shared += 1
        self.mine.depth = depth + 1
        try:
            yield
        finally:
            self.mine.depth = depth
            with self.cond:
                self.shared -= 1
                self.cond.notify_all()

    @contextlib.contextmanager
    def alone(self):
        with self.cond:
            self.waiting += 1
            while self.alone_now or self.shared:
                self.cond.wait()
            self.waiting -= 1
            self.alone_now = True
        try:
            yield
        finally:
            with self.cond:
                self.alone_now = False
                self.cond.notify_all()


GATE = Gate()


# ------------------------------------------------------------ the suite server

class Suite:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kiln-security-")
        os.chmod(self.dir, 0o700)
        self.secret_env = "ENVSECRET" + secrets.token_hex(8)
        self.secret_conf = "CONFSECRET" + secrets.token_hex(8)
        self.secret_file = "FILESECRET" + secrets.token_hex(8)
        self.key = "KEYSECRET" + secrets.token_hex(8)
        self.config = os.path.join(self.dir, "kiln.conf")
        self.keys = os.path.join(self.dir, "keys")
        with open(self.config, "w") as f:
            f.write(f"# {self.secret_conf}\n")
            for k, v in SERVER_SETTINGS.items():
                f.write(f"{k} = {v}\n")
        with open(self.keys, "w") as f:
            f.write(f"# the suite's key\n{self.key}\n")
        with open(os.path.join(self.dir, "secret.txt"), "w") as f:
            f.write(self.secret_file + "\n")
        self.server = Server("--config", self.config, "--keys", self.keys, keep_alive=True,
                             env={"KILN_SECURITY_SECRET": self.secret_env})
        self.port = self.server.port
        self.pid = self.server.proc.pid
        self.legit = []  # (what, expected, got)
        self.legit_lock = threading.Lock()
        # Languages whose toolchain is not installed (make check CHECK_LANGS=...)
        # are left out, and their attacks skipped.
        rts = call(self.server, "GET", "/api/v2/runtimes", headers=self.auth(),
                   check_schema=False).json
        self.installed = {r["language"] for r in rts}
        for lang in CLEAN:  # every runtime has run once before the baseline
            if lang in self.installed:
                clean_run(self, lang)
        with GATE.alone():
            self.baseline = self.snapshot_settled()
        self.stop_traffic = threading.Event()
        self.traffic = threading.Thread(target=self.background, name="legit-traffic", daemon=True)
        self.traffic.start()

    def cpu_ms(self):
        """CPU time the server process (all its threads) has used."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")

    def secrets(self):
        return [self.secret_env, self.secret_conf, self.secret_file, self.key]

    def auth(self):
        return {"Authorization": f"Bearer {self.key}"}

    # -- the server's state at rest
    def descendants(self):
        parent = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        s = f.read()
                    parent[int(d)] = int(s[s.rindex(")") + 2:].split()[1])
                except (OSError, ValueError):
                    pass
        out, todo = set(), [self.pid]
        while todo:
            p = todo.pop()
            for c, pp in parent.items():
                if pp == p and c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    def snapshot(self):
        box, uids = [], set()
        for pid in self.descendants():
            try:
                with open(f"/proc/{pid}/status") as f:
                    uid = next(int(l.split()[1]) for l in f if l.startswith("Uid:"))
            except (OSError, StopIteration):
                continue
            if harness.BOX_UID_MIN <= uid <= harness.BOX_UID_MAX:
                box.append(pid)
                uids.add(uid)
        h = call(self.server, "GET", "/api/v1/health", check_schema=False)
        ready = busy = 0
        if h.status == 200:
            for r in h.json["data"]["runners"].values():
                ready += r.get("readyWorkers", 0)
                busy += r.get("busyWorkers", 0)
        cgroups = set()
        for root in test_server.CGROUP_ROOTS:
            if os.path.isdir(root):
                for n in os.listdir(root):
                    if n.startswith(f"{self.pid}-"):
                        for dirpath, dirs, _ in os.walk(os.path.join(root, n)):
                            cgroups.add(dirpath)
        with open("/proc/self/mountinfo") as f:
            mounts = {l.split()[4] for l in f}
        try:
            fds = len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            fds = -1
        files = []
        for d in ("/tmp", "/var/tmp", "/dev/shm"):
            try:
                names = os.listdir(d)
            except OSError:
                continue
            for n in names:
                try:
                    st = os.lstat(os.path.join(d, n))
                except OSError:
                    continue
                if harness.BOX_UID_MIN <= st.st_uid <= harness.BOX_UID_MAX:
                    files.append(os.path.join(d, n))
        return {"health": h.status, "box": sorted(box), "uids": uids, "ready": ready, "busy": busy,
                "cgroups": cgroups, "mounts": mounts, "fds": fds, "files": files}

    def problems(self, s, base):
        p = []
        if s["health"] != 200:
            p.append(f"health answered {s['health']}")
        if s["busy"] or len(s["box"]) != s["ready"]:
            p.append(f"{len(s['box'])} box-uid processes of the server but {s['ready']} ready "
                     f"warm children ({s['busy']} busy): {self.describe(s['box'])}")
        if base is not None:
            if s["cgroups"] != base["cgroups"]:
                p.append(f"cgroup folders changed: +{sorted(s['cgroups'] - base['cgroups'])} "
                         f"-{sorted(base['cgroups'] - s['cgroups'])}")
            new = s["mounts"] - base["mounts"]
            if new:
                p.append(f"new host mounts: {sorted(new)}")
            if s["fds"] > base["fds"]:
                p.append(f"the server holds {s['fds']} fds, {base['fds']} at the start")
        if s["files"]:
            p.append(f"files of box uids on the host: {s['files']}")
        return p

    def describe(self, pids):
        out = []
        for pid in pids[:8]:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
                out.append(f"{pid}:{cmd}")
            except OSError:
                out.append(f"{pid}:?")
        return out

    def snapshot_settled(self, base=None, secs=5.0):
        deadline = time.monotonic() + secs
        while True:
            s = self.snapshot()
            if not self.problems(s, base) or time.monotonic() > deadline:
                return s
            time.sleep(0.05)

    def check_clean(self):
        with GATE.alone():
            s = self.snapshot_settled(self.baseline)
            p = self.problems(s, self.baseline)
        check(not p, "left behind: " + "; ".join(p))

    # -- legitimate traffic all along
    def background(self):
        i = 0
        langs = ["python", "javascript", "typescript"]
        while not self.stop_traffic.wait(0.15):
            i += 1
            lang = langs[i % 3]
            n = random.randrange(1000, 100000)
            code = {"python": f"print({n} * 3)", "javascript": f"console.log({n} * 3)",
                    "typescript": f"const n: number = {n}; console.log(n * 3)"}[lang]
            try:
                with GATE.run():
                    r = call(self.server, "POST", "/api/v1/execute",
                             {"code": code, "language": lang}, headers=self.auth(),
                             timeout=60, check_schema=False)
                got = (r.status, r.json["data"]["stdout"] if r.status == 200 else r.body[:200])
            except Exception as e:  # noqa: BLE001 - a failed request is a wrong answer
                got = repr(e)
            with self.legit_lock:
                self.legit.append((f"{lang} {n}*3", (200, f"{n * 3}\n"), got))


_suite = None
_suite_lock = threading.Lock()


def suite():
    global _suite
    with _suite_lock:
        if _suite is None:
            _suite = Suite()
        return _suite


# ------------------------------------------------------------ requests

def v2(s, body, timeout=60):
    body = dict(body)
    body.setdefault("version", "*")
    with GATE.run():
        return call(s.server, "POST", "/api/v2/execute", body, headers=s.auth(),
                    timeout=timeout, check_schema=False)


CLEAN = {
    "python": "import sys\nprint(sum(range(10)), sys.stdin.read().strip(), *sys.argv[1:])\n",
    "javascript": "const s = require('fs').readFileSync(0, 'utf8').trim();\n"
                  "console.log([...Array(10).keys()].reduce((a, b) => a + b), s,"
                  " ...process.argv.slice(2));\n",
    "typescript": "const s: string = require('fs').readFileSync(0, 'utf8').trim();\n"
                  "const n: number = [...Array(10).keys()].reduce((a, b) => a + b);\n"
                  "console.log(n, s, ...process.argv.slice(2));\n",
    "c": '#include <stdio.h>\nint main(int c, char **v) { char s[64] = "";\n'
         '  if (scanf("%63s", s) != 1) return 3;\n'
         '  int n = 0; for (int i = 0; i < 10; i++) n += i;\n'
         '  printf("%d %s %s\\n", n, s, c > 1 ? v[1] : "-"); return 0; }\n',
    "cpp": '#include <iostream>\n#include <numeric>\n#include <string>\n#include <vector>\n'
           'int main(int c, char **v) { std::string s; if (!(std::cin >> s)) return 3;\n'
           '  std::vector<int> x(10); std::iota(x.begin(), x.end(), 0);\n'
           '  std::cout << std::accumulate(x.begin(), x.end(), 0) << " " << s << " "\n'
           '            << (c > 1 ? v[1] : "-") << "\\n"; return 0; }\n',
    "bash": 'read -r s; echo "$(( 0+1+2+3+4+5+6+7+8+9 )) $s $1"\n',
    "java": 'public class Main { public static void main(String[] a) {\n'
            '  String s = new java.util.Scanner(System.in).next(); int n = 0;\n'
            '  for (int i = 0; i < 10; i++) n += i;\n'
            '  System.out.println(n + " " + s + " " + (a.length > 0 ? a[0] : "-")); } }\n',
    "go": 'package main\nimport ("fmt"; "os")\nfunc main() { var s string; fmt.Scan(&s)\n'
          '  n := 0; for i := 0; i < 10; i++ { n += i }\n'
          '  fmt.Println(n, s, os.Args[1]) }\n',
}


def clean_run(s, lang):
    """The known-answer follow-up: sum 0..9, stdin and an argument echoed."""
    word = "clean" + secrets.token_hex(4)
    r = v2(s, {"language": lang, "files": [{"content": CLEAN[lang]}], "stdin": word + "\n",
               "args": ["arg1"]})
    eq(r.status, 200, f"clean {lang} run after the attack: HTTP status ({r})")
    run = r.json.get("run") or {}
    eq((run.get("stdout"), run.get("status"), run.get("code")), (f"45 {word} arg1\n", None, 0),
       f"clean {lang} run after the attack (stderr {show(run.get('stderr', ''))})")


# ------------------------------------------------------------ host fixtures

class Fixtures:
    def __init__(self, s, a, token):
        self.subst = {"@TOKEN@": token, "@SERVER_PORT@": str(s.port),
                      "@SERVER_PID@": str(s.pid), "@CONFIG_PATH@": s.config,
                      "@KEYS_PATH@": s.keys, "@FIXTURE_DIR@": s.dir}
        self.socks = []
        self.peer = None
        self.peer_secret = None
        if "tcp_listener" in a.setup:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.bind(("127.0.0.1", 0))
            t.listen(8)
            self.socks.append(("tcp", t))
            self.subst["@TCP_PORT@"] = str(t.getsockname()[1])
        if "udp_listener" in a.setup:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.1", 0))
            self.socks.append(("udp", u))
            self.subst["@UDP_PORT@"] = str(u.getsockname()[1])
        if "unix_listener" in a.setup:
            path = os.path.join(s.dir, f"host-{token}.sock")
            p = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            p.bind(path)
            os.chmod(path, 0o777)
            p.listen(8)
            name = f"kiln-security-{token}"
            ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ab.bind("\0" + name)
            ab.listen(8)
            self.socks += [("unix", p), ("abstract", ab)]
            self.subst["@UNIX_PATH@"] = path
            self.subst["@ABSTRACT@"] = name
        if "peer_run" in a.setup:
            self.start_peer(s, a.lang)

    def start_peer(self, s, lang):
        """A concurrent run of the same language that plants a secret where
        a neighbour might look: its box, /tmp, /dev/shm, an abstract socket,
        its environment and argv; then waits, so that the attack runs beside it."""
        self.peer_secret = "PEERSECRET" + secrets.token_hex(8)
        code = ("import os, socket, sys, time\n"
                "sec = sys.argv[1]\n"
                "for d in ('/box', '/tmp', '/var/tmp', '/dev/shm'):\n"
                "    with open(f'{d}/peer-secret', 'w') as f: f.write(sec)\n"
                "    os.chmod(f'{d}/peer-secret', 0o666)\n"
                "os.chmod('/box', 0o777)\n"
                "u = socket.socket(socket.AF_UNIX); u.bind('\\0peer-' + sec[:4]); u.listen(1)\n"
                "print('PLANTED', flush=True)\n"
                "time.sleep(2.5)\n")
        self.peer_result = {}

        def run():
            try:  # not through the gate: the test's own hold covers this run
                self.peer_result["r"] = call(
                    s.server, "POST", "/api/v2/execute",
                    {"language": "python", "version": "*", "files": [{"content": code}],
                     "args": [self.peer_secret], "run_timeout": 6000},
                    headers=s.auth(), timeout=60, check_schema=False)
            except Exception as e:  # noqa: BLE001 - checked by the test
                self.peer_result["r"] = e

        self.peer = threading.Thread(target=run, daemon=True)
        self.peer.start()
        time.sleep(0.6)

    def expand(self, text):
        for k, v in self.subst.items():
            text = text.replace(k, v)
        return text

    def finish(self):
        """Nothing reached a host listener; the peer run ended as planned."""
        got = []
        for kind, sock in self.socks:
            sock.setblocking(False)
            try:
                if kind == "udp":
                    got.append(f"udp datagram {sock.recv(200)!r}")
                else:
                    conn, _ = sock.accept()
                    conn.close()
                    got.append(f"a {kind} connection")
            except (BlockingIOError, OSError):
                pass
            sock.close()
        for kind, sock in self.socks:
            if kind == "unix":
                try:
                    os.unlink(sock.getsockname())
                except (OSError, TypeError):
                    pass
        check(not got, f"the host's listeners were reached: {got}")
        if self.peer:
            self.peer.join(30)
            r = self.peer_result.get("r")
            check(not isinstance(r, Exception) and r is not None and r.status == 200
                  and r.json["run"]["stdout"] == "PLANTED\n"
                  and (r.json["run"]["status"], r.json["run"]["code"]) == (None, 0),
                  f"the concurrent peer run did not plant its secret and end as planned "
                  f"(OK, exit 0): {r}")


# ------------------------------------------------------------ one attack

def outcome_problems(a, res, secret_words):
    """What differs from the header's expectation (a list of strings)."""
    p = []
    want = a.expect["status"]
    run = res.get("run")
    comp = res.get("compile")
    if a.expect.get("stage") == "compile":
        stage = comp or {}
        got = stage.get("status") or ("OK" if stage.get("code") == 0 else "?")
        if run is not None or not comp or got != want:
            p.append(f"expected the compile step to end {want} with no run, got compile "
                     f"status {got} (message {stage.get('message')!r}), run={run is not None}")
    elif want == "CE":
        if run is not None or not comp or comp.get("code") == 0:
            p.append(f"expected a compile error, got compile={comp} run={run is not None}")
        stage = comp or {}
    else:
        if comp and comp.get("code") != 0:
            return [f"did not compile: {show(comp.get('stderr', ''), 1500)}"]
        if run is None:
            return [f"no run stage in the reply: {show(json.dumps(res), 800)}"]
        stage = run
        got = stage.get("status") or ("OK" if stage.get("code") == 0 else "?")
        if got != want:
            p.append(f"status {got} (expected {want}; message {stage.get('message')!r})")
        if "code" in a.expect and str(stage.get("code")) != a.expect["code"]:
            p.append(f"exit code {stage.get('code')} (expected {a.expect['code']})")
        if "signal" in a.expect and stage.get("signal") != a.expect["signal"]:
            p.append(f"signal {stage.get('signal')} (expected {a.expect['signal']})")
    out, err = stage.get("stdout", ""), stage.get("stderr", "")
    for w in a.h["stdout"]:
        if w not in out:
            p.append(f"stdout lacks {w!r}")
    for w in a.h["stderr"]:
        if w not in err:
            p.append(f"stderr lacks {w!r}")
    for w in a.h["absent"] + secret_words:
        if w in out or w in err:
            p.append(f"the output holds {w!r}")
    denied = {d["syscall"] for d in stage.get("denied_syscalls", [])}
    for d in a.denied:
        if d not in denied:
            p.append(f"{d} not reported as denied (reported: {sorted(denied)})")
    if p:
        p.append(f"stdout={show(out, 700)} stderr={show(err, 500)}")
    return p


def run_attack(a):
    s = suite()
    if a.lang not in s.installed:
        skip(f"{a.lang} is not installed (make languages LANGS={a.lang})")
    token = secrets.token_hex(6)
    with GATE.run():  # the peer run, the attack and the fixtures' sockets: one unit
        fx = Fixtures(s, a, token)
        try:
            body = {"language": a.lang, "files": [{"content": fx.expand(a.source)}], **a.limits}
            body.setdefault("run_timeout", 4000)
            secret_words = s.secrets() + ([fx.peer_secret] if fx.peer_secret else [])
            p = []
            for i in range(a.repeat):
                cpu0 = s.cpu_ms()
                r = v2(s, body, timeout=90)
                spent = s.cpu_ms() - cpu0
                eq(r.status, 200, f"HTTP status of the attack ({r})")
                p = outcome_problems(a, r.json, secret_words)
                if a.server_cpu_ms and spent > a.server_cpu_ms:
                    p.append(f"the server spent {spent} ms of CPU on it (at most "
                             f"{a.server_cpu_ms}; the run itself: {r.json['run']['cpu_time']} ms)")
                if p:
                    p.insert(0, f"run {i + 1} of {a.repeat}:")
                    break
        finally:
            fx.finish()
    clean_run(s, a.then)
    eq(call(s.server, "GET", "/api/v1/health", check_schema=False).status, 200, "health")
    s.check_clean()
    if p and a.known:
        skip(f"KNOWN HOLE ({a.known}): " + "; ".join(p))
    check(not p, "; ".join(p))


def register(path):
    a = Attack(path)
    timeout = 90 if a.lang == "c" else 60
    test(lambda: run_attack(a), name=f"security.{a.file}", timeout=timeout)


for _path in attack_files():
    register(_path)


# ------------------------------------------------------------ the service

def raw(s, data, read_timeout=10):
    """Bytes sent as is on a fresh connection; returns what came back."""
    with GATE.run(), socket.create_connection(("127.0.0.1", s.port), timeout=read_timeout) as c:
        c.sendall(data)
        chunks = []
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except socket.timeout:
            pass
    return b"".join(chunks)


def post(s, path, body=None, rawbody=None, headers=None, timeout=60):
    h = dict(s.auth())
    h.update(headers or {})
    with GATE.run():
        return call(s.server, "POST", path, body, raw=rawbody,
                    headers={"Content-Type": "application/json", **h}, timeout=timeout,
                    check_schema=False)


def after_service_attack(s):
    clean_run(s, "python")
    s.check_clean()


@test(name="security.service_slowloris", timeout=60)
def service_slowloris():
    # Many connections sending their headers a byte at a time: the server
    # keeps answering others, and drops each once it pauses for the idle
    # timeout (3 s here).
    s = suite()
    with GATE.run():  # the open connections are not leftovers
        conns = []
        for _ in range(40):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            c.sendall(b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\n")
            conns.append(c)
        t0 = time.monotonic()
        clean_run(s, "python")
        check(time.monotonic() - t0 < 5, "a legitimate request waited behind slow clients")
        for _ in range(3):  # trickle: a byte every half second, below the idle timeout
            for c in conns:
                try:
                    c.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.5)
        deadline = time.monotonic() + 12
        closed = 0
        for c in conns:
            c.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                while c.recv(4096):
                    pass
                closed += 1
            except (socket.timeout, OSError):
                pass
            c.close()
    eq(closed, len(conns), "slow connections closed by the server within its idle timeout")
    after_service_attack(s)


@test(name="security.service_slowloris_never_idle", timeout=60)
def service_slowloris_never_idle():
    # Connections that send a byte of their headers every 0.3 s are never
    # idle for the idle timeout (3 s): request_timeout_s (4 s here) is what
    # bounds them, however they dribble, while others are served.
    s = suite()
    with GATE.run():
        conns = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(20)]
        t0 = time.monotonic()
        head = b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 100
        open_at = {}
        for i in range(len(head)):
            now = time.monotonic() - t0
            if now > 12:
                break
            for c in conns:
                if c in open_at:
                    continue
                try:
                    c.sendall(head[i:i + 1])
                except OSError:
                    open_at[c] = now
            time.sleep(0.3)
            if len(open_at) == len(conns):
                break
        for c in conns:
            c.close()
        if len(open_at) == len(conns):
            first = min(open_at.values())
            check(first >= 3.5, f"a dribbling client was cut at {first:.1f} s, before the limit")
        clean_run(s, "python")
    eq(len(open_at), len(conns), "dribbling connections cut off by request_timeout_s within 12 s")
    check(max(open_at.values()) < 7, f"the last dribbling client lasted {max(open_at.values()):.1f} s")
    after_service_attack(s)


@test(name="security.service_body_over_limit")
def service_body_over_limit():
    s = suite()
    big = json.dumps({"code": "#" * (2 << 20), "language": "python"}).encode()
    head = (b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + s.key.encode() + b"\r\n"
            b"Content-Length: %d\r\n\r\n" % len(big))
    with GATE.run(), socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
        try:
            c.sendall(head + big)
        except OSError:  # refused on the headers and closed: the rest is not read
            pass
        reply = c.recv(4096)
    check(reply.startswith(b"HTTP/1.1 413") and b"body_too_large" in reply,
          f"a 2 MiB body: {show(reply)}")
    reply = raw(s, b"POST /api/v2/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 99999999999999999999\r\n\r\n{}", read_timeout=5)
    check(reply.startswith(b"HTTP/1.1 4"), f"an absurd Content-Length: {show(reply)}")
    after_service_attack(s)


@test(name="security.service_malformed_json")
def service_malformed_json():
    s = suite()
    for body in (b"{", b'{"code": "1", "language": "python"} trailing', b"\x00",
                 b'{"code": "1\x00", "language": "python"}', b"[]", b"null", b"1e999999"):
        r = post(s, "/api/v1/execute", rawbody=body)
        check(r.status == 400 and r.json and r.json["success"] is False,
              f"malformed body {body[:40]!r}: {r}")
        r = post(s, "/api/v2/execute", rawbody=body)
        check(r.status == 400 and isinstance(r.json, dict) and "message" in r.json,
              f"malformed body {body[:40]!r} on v2: {r}")
    after_service_attack(s)


@test(name="security.service_invalid_utf8")
def service_invalid_utf8():
    s = suite()
    bodies = [b'{"code": "print(1)", "language": "py\xc0\xafthon"}',
              b'{"code": "print(\xed\xa0\x80)", "language": "python"}',  # a UTF-16 surrogate
              b'{"code": "print(1)", "language": "python", "stdin": "\xf8\x88\x80\x80\x80"}',
              b'{"code": "print(1)", "language": "python", "args": ["\xff"]}']
    for b in bodies:
        r = post(s, "/api/v1/execute", rawbody=b)
        error_of(r, 400, "invalid_utf8", f"invalid UTF-8 {b[:50]!r}")
    r = post(s, "/api/v2/execute", rawbody=b'{"language": "python", "version": "*", '
                                         b'"files": [{"name": "m\xff.py", "content": "1"}]}')
    error_of(r, 400, "invalid_utf8", "invalid UTF-8 in a file name")
    after_service_attack(s)


@test(name="security.service_deep_nesting")
def service_deep_nesting():
    s = suite()
    for depth in (65, 100000):
        body = '{"code": "1", "language": "python", "x": ' + "[" * depth + "]" * depth + "}"
        error_of(post(s, "/api/v1/execute", rawbody=body.encode()), 400, "too_deep",
                 f"{depth} levels")
    body = '{"a":' * 150000 + "1" + "}" * 150000
    error_of(post(s, "/api/v2/execute", rawbody=body.encode()), 400, "too_deep", "objects")
    body = "[" * 500000  # never closed
    r = post(s, "/api/v2/execute", rawbody=body.encode())
    check(r.status == 400, f"half a nesting: {r}")
    after_service_attack(s)


@test(name="security.service_huge_args")
def service_huge_args():
    s = suite()
    r = post(s, "/api/v1/execute", {"code": "1", "language": "python", "args": ["a"] * 257})
    error_of(r, 400, "invalid_field", "257 args", "args")
    r = post(s, "/api/v2/execute", {"language": "python", "version": "*",
                                     "files": [{"content": "1"}], "args": ["x"] * 200000})
    check(r.status in (400, 413), f"200000 args: {r}")
    files = [{"name": f"f{i}.py", "content": ""} for i in range(65)]
    r = post(s, "/api/v2/execute", {"language": "python", "version": "*", "files": files})
    error_of(r, 400, "invalid_field", "65 files")
    long_arg = "y" * 500000
    r = post(s, "/api/v2/execute", {"language": "python", "version": "*", "args": [long_arg],
                                     "files": [{"content": "import sys; print(len(sys.argv[1]))"}]})
    check(r.status in (200, 400), f"one 500 kB argument: {r}")
    if r.status == 200:
        eq(r.json["run"]["stdout"], "500000\n", "a long argument arrives whole")
    after_service_attack(s)


@test(name="security.service_negative_and_huge_limits")
def service_negative_and_huge_limits():
    s = suite()
    for field, v in (("timeout", -5), ("timeout", 0), ("timeout", 2 ** 32 + 100),
                     ("timeout", 2 ** 63), ("timeout", 1e300), ("memoryLimit", -1),
                     ("memoryLimit", 2 ** 32 + 64), ("timeout", 3.5), ("timeout", "100")):
        r = post(s, "/api/v1/execute", {"code": "print(1)", "language": "python", field: v})
        check(r.status == 400
              and r.json["error"]["code"] in ("limit_out_of_range", "invalid_field"),
              f"v1 {field}={v!r} must be refused, not wrapped or clamped: {r}")
    for field, v in (("run_timeout", -2), ("run_cpu_time", 2 ** 32 + 50),
                     ("run_memory_limit", 2 ** 64), ("run_memory_limit", 100),
                     ("compile_timeout", -100), ("run_timeout", 1e20)):
        r = post(s, "/api/v2/execute", {"language": "python", "version": "*",
                                         "files": [{"content": "print(1)"}], field: v})
        check(r.status == 400 and r.json.get("code") in ("limit_out_of_range", "invalid_field"),
              f"v2 {field}={v!r} must be refused: {r}")
    after_service_attack(s)


@test(name="security.service_attacks_mixed_with_legit_traffic", timeout=120)
def service_attacks_mixed_with_legit_traffic():
    # Bombs and floods in every warm language and exec, at once with known-answer runs.
    s = suite()
    bad = [("python", "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass"),
           ("python", "x = []\nwhile True: x.append(' ' * 10**6)"),
           ("javascript", "let s = 'x'; while (true) s += s;"),
           ("typescript", "const a: number[] = []; while (true) a.push(1);"),
           ("bash", ":(){ :|:& };:"),
           ("python", "import sys\nwhile True: sys.stdout.write('A' * 65536)"),
           ("c", "int main(void){for(;;);}")]
    jobs = [("bad", lang, code) for lang, code in bad]
    for i in range(14):
        lang = ("python", "javascript", "typescript", "bash")[i % 4]
        code = {"python": f"print({i} ** 2)", "javascript": f"console.log({i} ** 2)",
                "typescript": f"const v: number = {i}; console.log(v ** 2)",
                "bash": f"echo $(( {i} * {i} ))"}[lang]
        jobs.append((i, lang, code))
    random.shuffle(jobs)

    def one(job):
        tag, lang, code = job
        r = v2(s, {"language": lang, "files": [{"content": code}], "run_timeout": 1500,
                   "run_cpu_time": 1000}, timeout=90)
        return tag, r.status, (r.json.get("run") or {}).get("stdout")

    results = test_server.parallel(one, jobs)
    wrong = []
    for job, res in zip(jobs, results):
        if isinstance(res, Exception):
            wrong.append((job[:2], repr(res)))
        elif job[0] == "bad":
            if res[1] != 200:
                wrong.append((job[:2], res))
        elif res != (job[0], 200, f"{job[0] ** 2}\n"):
            wrong.append((job[:2], res))
    check(not wrong, f"wrong answers among attacks: {wrong[:5]}")
    after_service_attack(s)


@test(name="security.service_keys_and_errors_leak_nothing")
def service_keys_and_errors_leak_nothing():
    s = suite()
    r = call(s.server, "POST", "/api/v1/execute", {"code": "1", "language": "python"},
             headers={"Authorization": "Bearer " + s.key[:-1]}, check_schema=False)
    error_of(r, 401, "unauthorized", "a near-miss key")
    for path in ("/api/v1/health", "/api/v1/languages", "/api/v2/runtimes", "/api/openapi.json",
                 "/api/v1/../../etc/passwd", "/%2e%2e/%2e%2e/etc/shadow"):
        r = call(s.server, "GET", path, check_schema=False)
        for w in s.secrets() + [s.dir, "/work/"]:
            check(w not in r.body.decode("utf-8", "replace"), f"GET {path} shows {w!r}")
    r = call(s.server, "GET", "/metrics", headers=s.auth(), check_schema=False)
    for w in s.secrets() + [s.dir]:
        check(w not in r.body.decode(), f"/metrics shows {w!r}")
    after_service_attack(s)


@test(name="security.service_header_flood")
def service_header_flood():
    s = suite()
    req = (b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" +
           b"".join(b"X-%d: %s\r\n" % (i, b"v" * 100) for i in range(2000)) + b"\r\n")
    reply = raw(s, req, read_timeout=5)
    check(reply == b"" or reply.startswith(b"HTTP/1.1 4"), f"2000 headers: {show(reply)}")
    reply = raw(s, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", read_timeout=5)
    check(reply == b"" or reply.startswith(b"HTTP/1.1 4"), f"a 100 kB URL: {show(reply)}")
    after_service_attack(s)


# ------------------------------------------------------------ the end

@test(exclusive=True, timeout=90, name="security.zz_legit_traffic_and_clean_stop")
def legit_traffic_and_clean_stop():
    # Every legitimate request of the whole suite got its right answer; the
    # server stops cleanly and leaves nothing (process, cgroup, file).
    global _suite
    if _suite is None:
        skip("no attack of the suite ran")
    s = _suite
    s.stop_traffic.set()
    s.traffic.join(60)
    s.check_clean()
    with s.legit_lock:
        legit = list(s.legit)
    wrong = [(w, want, got) for w, want, got in legit if got != want]
    check(legit, "no legitimate request was sent during the suite")
    check(not wrong, f"{len(wrong)} of {len(legit)} legitimate requests got a wrong answer: "
                     f"{wrong[:3]}")
    s.server.stop()
    left = [p for p in harness.box_processes() if p[1] in s.baseline["uids"]]
    check(not left, f"processes of the stopped server's box uids: {left}")
    shutil.rmtree(s.dir, ignore_errors=True)
    _suite = None
    print(f"# security: {len(legit)} legitimate requests during the suite, all correct")


# Before the other modules' exclusive tests, which count box-uid processes host-wide.
harness.TESTS.insert(0, harness.TESTS.pop())
