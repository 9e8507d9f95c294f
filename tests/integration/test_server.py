"""`kiln serve`: the HTTP service against a real server process on loopback.

Valkode's API (/api/v1) with its README's examples verbatim, Piston's API
(/api/v2), /metrics, the OpenAPI document (every JSON reply of these tests,
and of test_server_ops.py, is checked against it) and each class of bad
input. Load, the queue, API keys, CORS, configuration and SIGTERM under
load are in test_server_ops.py, which uses the fixtures below.

Most tests share one server started on first use (`shared()`); a test that
needs other settings or fresh counters starts its own and stops it with
SIGTERM, checking the exit status and that no cgroup is left behind.
"""

import base64
import ctypes
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import harness
from harness import test, check, eq, show, skip

CGROUP_ROOTS = ("/sys/fs/cgroup/memory/kiln", "/sys/fs/cgroup/pids/kiln",
                "/sys/fs/cgroup/cpu,cpuacct/kiln", "/sys/fs/cgroup/kiln")
ERROR_CODES_400 = {"malformed_json", "too_deep", "missing_field", "invalid_field",
                   "invalid_utf8", "unknown_language", "language_unavailable",
                   "unknown_version", "limit_out_of_range"}


# ------------------------------------------------------------ server process

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # In the child before exec: a server outlives no test run, even one
    # whose filter skipped the test that stops it.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# A thread that lives as long as the runner: PR_SET_PDEATHSIG fires when the
# *thread* that forked the child ends, and test threads end with their test.
_spawn_requests = queue.Queue()


def _spawner():
    while True:
        argv, env, reply = _spawn_requests.get()
        try:
            reply.put(subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       start_new_session=True, preexec_fn=_die_with_parent))
        except Exception as e:  # reported to the caller
            reply.put(e)


threading.Thread(target=_spawner, name="server-spawner", daemon=True).start()


class Server:
    """A `kiln serve` on 127.0.0.1 and a free port, its stderr collected."""

    def __init__(self, *args, env=None, keep_alive=False):
        e = dict(os.environ)
        e.update(env or {})
        args = [str(a) for a in args]
        # Each server its own SQLite queue (the data directory is locked by
        # the server using it), removed by stop() unless the test gave one.
        self.own_data_dir = None
        if "--data-dir" not in args and "KILN_DATA_DIR" not in e:
            self.own_data_dir = tempfile.mkdtemp(prefix="kiln-data-")
            args += ["--data-dir", self.own_data_dir]
        argv = [harness.KILN, "serve", "--listen", "127.0.0.1:0", *args]
        if keep_alive:  # the shared server: outlives the test that starts it
            reply = queue.Queue()
            _spawn_requests.put((argv, e, reply))
            p = reply.get()
            if isinstance(p, Exception):
                raise p
        else:  # killed by the runner with its test, if the test times out
            p = subprocess.Popen(argv, env=e, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 start_new_session=True)
            harness._register_proc(p)
        self.proc = p
        self.lines = []
        self.lock = threading.Lock()
        self.port = None
        self.listening = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.listening.wait(30) or self.port is None:
            self.proc.kill()
            raise AssertionError(f"kiln serve did not start: {show(self.stderr(), 2000)}")
        deadline = time.monotonic() + 20
        while call(self, "GET", "/api/v1/health", check_schema=False).status != 200:
            check(time.monotonic() < deadline, "health never answered 200")
            time.sleep(0.05)

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                self.lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+) \(workers (\d+), backlog (\d+), "
                          r"runners (\d+), node (\S+), queue (\S+)\)", line)
            if m:
                self.port = int(m.group(1))
                self.workers, self.backlog = int(m.group(2)), int(m.group(3))
                self.runners, self.node = int(m.group(4)), m.group(5)
                self.listening.set()
        self.listening.set()

    def stderr(self):
        with self.lock:
            return "\n".join(self.lines)

    def children(self):
        """Host pids whose parent is the server (its warm runtimes' zygotes)."""
        kids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == self.proc.pid:
                kids.append(int(d))
        return kids

    def stop(self, timeout=30):
        """SIGTERM; the server must exit 0 leaving no cgroup and no child."""
        kids = self.children()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"kiln serve ignored SIGTERM for {timeout} s: "
                                 f"{show(self.stderr()[-1500:], 1500)}")
        self.reader.join(5)
        harness._unregister_proc(self.proc)
        eq(rc, 0, f"exit status after SIGTERM (stderr: {show(self.stderr()[-800:], 800)})")
        left = [f"{root}/{n}" for root in CGROUP_ROOTS if os.path.isdir(root)
                for n in os.listdir(root) if n.startswith(f"{self.proc.pid}-")]
        check(not left, f"cgroups left behind by the server: {left}")
        alive = [k for k in kids if os.path.exists(f"/proc/{k}")]
        check(not alive, f"processes of the server still alive: {alive}")
        check("kiln serve: stopped" in self.stderr(), "no 'stopped' line in the log")
        if self.own_data_dir:
            shutil.rmtree(self.own_data_dir, ignore_errors=True)
        return rc


_shared = None
_shared_lock = threading.Lock()


def shared():
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Server(keep_alive=True)
        return _shared


# ------------------------------------------------------------------ requests

class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.json = None

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"HTTP {self.status} {show(self.body, 600)}"


def call(srv, method, path, body=None, raw=None, headers=None, timeout=60, check_schema=True):
    """One request on a fresh connection. body: a JSON value; raw: bytes as is."""
    h = {}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        resp = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()
    if method != "HEAD" and (resp.header("content-type") or "").startswith("application/json"):
        try:
            resp.json = json.loads(resp.body)
        except ValueError:
            raise AssertionError(f"{method} {path}: reply is not JSON: {resp}")
    if check_schema:
        openapi().check_reply(method, path, resp)
    return resp


def execute(srv, body, **kw):
    return call(srv, "POST", "/api/v1/execute", body, **kw)


def piston(srv, body, **kw):
    return call(srv, "POST", "/api/v2/execute", body, **kw)


def ok_data(resp, what):
    """The data of a 200 /api/v1/execute reply."""
    eq(resp.status, 200, f"{what}: HTTP status ({resp})")
    check(resp.json.get("success") is True, f"{what}: envelope success is not true: {resp}")
    return resp.json["data"]


def error_of(resp, status, code, what, has=None):
    """An error reply: exact status and code, a message free of host paths."""
    eq(resp.status, status, f"{what}: HTTP status ({resp})")
    j = resp.json
    check(isinstance(j, dict), f"{what}: error body is not a JSON object: {resp}")
    if "error" in j:  # /api/v1 and the rest
        eq(j.get("success"), False, f"{what}: success")
        code_got, message = j["error"].get("code"), j["error"].get("message", "")
    else:  # Piston's shape
        code_got, message = j.get("code"), j.get("message", "")
    eq(code_got, code, f"{what}: error code ({message})")
    for leak in ("/work/", "/sys/", "/proc/", "/usr/", "Traceback", ".c:"):
        check(leak not in message, f"{what}: message shows {leak!r}: {message!r}")
    if has:
        check(has in message, f"{what}: message {message!r} does not say {has!r}")
    return message


# ------------------------------------------------------- the OpenAPI checker

class OpenAPI:
    """Checks values against the subset of OpenAPI 3.0 schemas kiln's document
    uses: type, nullable, required, properties, additionalProperties, items,
    enum, allOf and $ref."""

    TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}

    def __init__(self, doc):
        self.doc = doc

    def resolve(self, s):
        while "$ref" in s:
            node = self.doc
            for part in s["$ref"].lstrip("#/").split("/"):
                node = node[part]
            s = node
        return s

    def check(self, v, schema, where):
        s = self.resolve(schema)
        if v is None:
            check(s.get("nullable") or None in s.get("enum", ()), f"{where}: null not allowed")
            return
        for sub in s.get("allOf", ()):
            self.check(v, sub, where)
        t = s.get("type")
        if t == "integer":
            check(isinstance(v, int) and not isinstance(v, bool), f"{where}: {v!r} not integer")
        elif t == "number":
            check(isinstance(v, (int, float)) and not isinstance(v, bool),
                  f"{where}: {v!r} not a number")
        elif t:
            check(isinstance(v, self.TYPES[t]), f"{where}: {show(repr(v), 80)} is not {t}")
        if "enum" in s:
            check(v in s["enum"], f"{where}: {v!r} not in {s['enum']}")
        if isinstance(v, dict):
            for k in s.get("required", ()):
                check(k in v, f"{where}: required {k!r} missing (has {sorted(v)})")
            props = s.get("properties", {})
            for k, item in v.items():
                if k in props:
                    self.check(item, props[k], f"{where}.{k}")
                elif isinstance(s.get("additionalProperties"), dict):
                    self.check(item, s["additionalProperties"], f"{where}.{k}")
        if isinstance(v, list) and "items" in s:
            for i, item in enumerate(v):
                self.check(item, s["items"], f"{where}[{i}]")

    def path_item(self, path):
        """The document's entry for path: exact, or a template like /x/{id}."""
        paths = self.doc["paths"]
        if path in paths:
            return paths[path]
        for tmpl, item in paths.items():
            if "{" in tmpl and re.fullmatch(re.sub(r"\\\{[^/]+\\\}", "[^/]+", re.escape(tmpl)),
                                            path):
                return item
        return {}

    def check_reply(self, method, path, resp):
        op = self.path_item(path.split("?")[0]).get(method.lower())
        if op is None:  # unknown route or method: the error of its API
            if resp.json is not None:
                name = "ErrorV2" if path.startswith("/api/v2/") else "ErrorV1"
                self.check(resp.json, {"$ref": f"#/components/schemas/{name}"}, f"{path} {name}")
            return
        spec = op["responses"].get(str(resp.status))
        check(spec is not None, f"{method} {path}: status {resp.status} is not documented")
        content = spec.get("content", {})
        ctype = (resp.header("content-type") or "").split(";")[0]
        check(ctype in content, f"{method} {path} {resp.status}: content type {ctype!r} "
                                f"not documented ({sorted(content)})")
        if ctype == "application/json":
            self.check(resp.json, content[ctype]["schema"], f"{method} {path} {resp.status}")


_openapi = None


def openapi():
    global _openapi
    if _openapi is None:
        r = call(shared(), "GET", "/api/openapi.json", check_schema=False)
        eq(r.status, 200, "GET /api/openapi.json")
        _openapi = OpenAPI(r.json)
    return _openapi


def languages(srv):
    return call(srv, "GET", "/api/v1/languages").json["data"]["languages"]


def runtimes(srv):
    return {r["language"]: r for r in call(srv, "GET", "/api/v2/runtimes").json}


def parallel(fn, items):
    """fn(item) on a thread per item; returns the results in order."""
    out = [None] * len(items)

    def run(i, item):
        try:
            out[i] = fn(item)
        except Exception as e:  # noqa: BLE001 - reported by the caller
            out[i] = e

    ts = [threading.Thread(target=run, args=(i, it), daemon=True) for i, it in enumerate(items)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    return out


def wait_for(pred, secs, what):
    deadline = time.monotonic() + secs
    while not pred():
        check(time.monotonic() < deadline, f"timed out waiting for {what}")
        time.sleep(0.02)


def health(srv):
    return call(srv, "GET", "/api/v1/health").json["data"]


# ------------------------------------------------- Valkode's README, verbatim

def readme_post(srv, body_text):
    # The README's curl: -H "Content-Type: application/json" -d '<body>'
    return call(srv, "POST", "/api/v1/execute", raw=body_text.encode(),
                headers={"Content-Type": "application/json"})


@test
def valkode_readme_javascript():
    d = ok_data(readme_post(shared(), '{"code": "console.log(2 + 2);", "language": "javascript"}'),
                "README javascript")
    eq((d["success"], d["output"]), (True, "4"), "success and output")
    check(isinstance(d["executionTime"], int), "executionTime is an integer (ms)")


@test
def valkode_readme_python():
    d = ok_data(readme_post(shared(), '{"code": "print(\\"Hello from Python daemon!\\")", '
                                      '"language": "python"}'), "README python")
    eq((d["success"], d["output"]), (True, "Hello from Python daemon!"), "success and output")


@test
def valkode_readme_execute_example():
    d = ok_data(readme_post(shared(), '{\n  "code": "console.log(\'Hello World!\');",\n'
                                      '  "language": "javascript",\n  "timeout": 5000\n}'),
                "README request example")
    eq((d["success"], d["output"]), (True, "Hello World!"), "the README's documented response")


@test
def valkode_readme_typescript_runs():
    srv = shared()
    d = ok_data(readme_post(srv, '{"code": "const msg: string = \\"Hello\\"; console.log(msg);", '
                                 '"language": "typescript"}'), "README typescript")
    eq((d["success"], d["output"]), (True, "Hello"), "success and output")


@test
def valkode_readme_health_and_languages():
    srv = shared()
    h = call(srv, "GET", "/api/v1/health").json
    eq(h["success"], True, "health success")
    d = h["data"]
    eq(d["status"], "ok", "status")
    pp = d["processPool"]
    eq(pp["busyWorkers"] + pp["idleWorkers"], pp["totalWorkers"], "busy + idle = total")
    eq(pp["totalWorkers"], srv.workers, "totalWorkers: the worker threads the log announced")
    check(pp["pendingRequests"] >= 0, "pendingRequests")
    py = d["runners"]["python"]
    check(py["available"] is True and py["totalWorkers"] >= 1 and 0 <= py["successRate"] <= 100,
          f"runners.python as the README shows it: {py}")
    langs = languages(srv)
    for name in ("javascript", "js", "python", "py"):
        check(name in langs, f"/api/v1/languages lacks {name!r}: {langs}")


# ------------------------------------------------------------- /api/v1 more

@test
def v1_fields_stdin_args_stderr_exit_code():
    code = ("import sys\nprint(sys.stdin.read().strip(), *sys.argv[1:])\n"
            "print('to stderr', file=sys.stderr)\nsys.exit(3)\n")
    d = ok_data(execute(shared(), {"code": code, "language": "py", "stdin": "in put\n",
                                   "args": ["a", "b c"], "timeout": 3000, "memoryLimit": 128}),
                "stdin/args run")
    eq(d["stdout"], "in put a b c\n", "stdout")
    eq(d["output"], "in put a b c", "output (Valkode: without the final line break)")
    eq(d["stderr"], "to stderr\n", "stderr")
    eq((d["success"], d["status"], d["exitCode"], d["signal"]), (False, "RE", 3, None),
       "success, status, exitCode, signal")
    eq(d["error"], "to stderr\n", "error: the stderr of a failed run")
    eq((d["language"], d["compile"]), ("python", None), "language, compile")
    check(d["cpuTime"] >= 0 and d["wallTime"] >= 0 and d["memory"] > 0, f"figures: {d}")


@test
def v1_time_and_signal():
    srv = shared()
    d = ok_data(execute(srv, {"code": "while True: pass", "language": "python", "timeout": 300}),
                "busy loop")
    eq((d["success"], d["status"], d["exitCode"]), (False, "TO", None), "status of a busy loop")
    check("limit" in d["error"] and "300 ms" in d["error"], f"error names the limit: {d['error']}")
    check(250 <= d["wallTime"] < 3000, f"stopped near its 300 ms: wallTime {d['wallTime']}")
    d = ok_data(execute(srv, {"code": "import os\nos.kill(os.getpid(), 9)", "language": "python"}),
                "self-kill")
    eq((d["status"], d["signal"], d["exitCode"]), ("SG", "SIGKILL", None), "killed by signal 9")


@test
def v1_compiled_language():
    srv = shared()
    d = ok_data(execute(srv, {"code": '#include <stdio.h>\nint main(void){puts("c ok");return 0;}',
                              "language": "c"}), "C program")
    eq((d["success"], d["output"]), (True, "c ok"), "C output")
    c = d["compile"]
    check(isinstance(c, dict) and c["status"] == "OK" and c["exitCode"] == 0,
          f"compile stage: {c}")
    d = ok_data(execute(srv, {"code": "int main(void){return x;}", "language": "c"}),
                "C compile error")
    eq((d["success"], d["status"], d["exitCode"]), (False, "CE", None), "compile error")
    check("error" in d["error"] and "undeclared" in d["error"],
          f"error holds the compiler's message: {d['error']!r}")
    eq(d["compile"]["status"], "RE", "compile stage status")


# ------------------------------------------------------------------- /api/v2

@test
def v2_runtimes_and_versions():
    srv = shared()
    rts = runtimes(srv)
    for name in ("python", "javascript", "c", "bash"):
        check(name in rts, f"/api/v2/runtimes lacks {name}: {sorted(rts)}")
    check(re.fullmatch(r"\d+\.\d+\.\d+", rts["python"]["version"]),
          f"python version {rts['python']['version']!r}")
    check("py" in rts["python"]["aliases"], f"python aliases {rts['python']['aliases']}")
    files = [{"content": "print('v')"}]
    for version in (rts["python"]["version"], "*"):
        r = piston(srv, {"language": "python", "version": version, "files": files})
        eq((r.status, r.json["run"]["stdout"]), (200, "v\n"), f"version {version!r}")
        eq((r.json["language"], r.json["version"]), ("python", rts["python"]["version"]),
           "language and version of the reply")
    r = piston(srv, {"language": "python", "version": "3.10.0", "files": files})
    error_of(r, 400, "unknown_version", "an absent version", "python-3.10.0 runtime is unknown")


@test
def v2_two_files():
    r = piston(shared(), {
        "language": "python", "version": "*",
        "files": [{"name": "main.py", "content": "import helper\nprint(helper.greet('kiln'))\n"},
                  {"name": "helper.py", "content": "def greet(n):\n    return 'hello ' + n\n"}],
        "stdin": "", "args": [], "run_timeout": 3000, "run_cpu_time": 3000,
        "run_memory_limit": -1, "compile_timeout": 10000, "compile_memory_limit": -1})
    eq(r.status, 200, f"status ({r})")
    run = r.json["run"]
    eq((run["stdout"], run["stderr"], run["code"], run["signal"], run["status"]),
       ("hello kiln\n", "", 0, None, None), "run of a main importing a helper")
    eq(run["output"], run["stdout"] + run["stderr"], "output")
    check("compile" not in r.json, "no compile stage for python")


@test
def v2_base64_and_hex():
    main = "data = open('blob.bin', 'rb').read()\nprint(list(data))\n"
    r = piston(shared(), {"language": "python", "version": "*", "files": [
        {"name": "main.py", "content": base64.b64encode(main.encode()).decode(),
         "encoding": "base64"},
        {"name": "blob.bin", "content": "00ff0a41", "encoding": "hex"}]})
    eq((r.status, r.json["run"]["stdout"]), (200, "[0, 255, 10, 65]\n"), "decoded files")
    r = piston(shared(), {"language": "python", "version": "*",
                          "files": [{"content": "not base64!", "encoding": "base64"}]})
    error_of(r, 400, "invalid_field", "bad base64", "files[0].content")


@test
def v2_stdin_args_signal_output():
    srv = shared()
    code = ("import sys\nsys.stdout.write(sys.stdin.read() + ' '.join(sys.argv[1:]))\n"
            "sys.stderr.write('E')\n")
    r = piston(srv, {"language": "py", "version": "*", "files": [{"content": code}],
                     "stdin": "IN ", "args": ["x", "y"]})
    run = r.json["run"]
    eq((run["stdout"], run["stderr"], run["output"], run["code"]), ("IN x y", "E", "IN x yE", 0),
       "stdout, stderr, output (stdout then stderr), code")
    r = piston(srv, {"language": "python", "version": "*",
                     "files": [{"content": "import os\nos.kill(os.getpid(), 9)"}]})
    run = r.json["run"]
    eq((run["code"], run["signal"], run["status"]), (None, "SIGKILL", "SG"), "killed")
    r = piston(srv, {"language": "python", "version": "*",
                     "files": [{"content": "while True: pass"}], "run_timeout": 300})
    eq(r.json["run"]["status"], "TO", "run_timeout of a busy loop")
    r = piston(srv, {"language": "python", "version": "*",
                     "files": [{"content": "b = bytearray(512 << 20)"}],
                     "run_memory_limit": 64 << 20})
    eq(r.json["run"]["status"], "ML", "run_memory_limit 64 MiB against a 512 MiB allocation")


@test
def v2_compile_stages():
    srv = shared()
    r = piston(srv, {"language": "c", "version": "*", "files": [
        {"name": "main.c", "content": '#include "add.h"\n#include <stdio.h>\n'
                                      'int main(void){printf("%d\\n", add(2, 3));}'},
        {"name": "add.h", "content": "static int add(int a, int b) { return a + b; }"}]})
    eq(r.status, 200, f"status ({r})")
    eq((r.json["compile"]["code"], r.json["run"]["stdout"]), (0, "5\n"), "compile then run")
    r = piston(srv, {"language": "c", "version": "*", "files": [{"content": "int main(){x}"}]})
    eq(r.status, 200, "a compile error is a result")
    check("run" not in r.json, f"no run after a failed compile, as Piston: {r}")
    eq(r.json["compile"]["code"], 1, "compiler exit code")
    check("error" in r.json["compile"]["stderr"], "the compiler's message")


# ------------------------------------------------------------ bad input

@test
def error_malformed_json():
    srv = shared()
    r = call(srv, "POST", "/api/v1/execute", raw=b'{"code": "print(1)", "language": ',
             headers={"Content-Type": "application/json"})
    error_of(r, 400, "malformed_json", "v1 truncated JSON")
    r = call(srv, "POST", "/api/v2/execute", raw=b"{not json}",
             headers={"Content-Type": "application/json"})
    error_of(r, 400, "malformed_json", "v2 malformed JSON")
    check(set(r.json) == {"message", "code"}, f"Piston's error shape: {r.json}")


@test
def error_missing_field():
    error_of(execute(shared(), {"language": "python"}), 400, "missing_field", "no code", "'code'")
    error_of(piston(shared(), {"language": "python", "version": "*"}), 400, "missing_field",
             "no files", "'files'")


@test
def error_wrong_type():
    error_of(execute(shared(), {"code": "1", "language": 5}), 400, "invalid_field",
             "language as a number", "'language'")
    error_of(piston(shared(), {"language": "python", "version": "*",
                               "files": [{"content": "1"}], "args": ["a", 1]}),
             400, "invalid_field", "an argument as a number", "'args[1]'")


@test
def error_unknown_language():
    msg = error_of(execute(shared(), {"code": "1", "language": "cobol-85"}), 400,
                   "unknown_language", "unknown language", "'cobol-85'")
    for name in ("bash", "c", "javascript", "python"):
        check(name in msg, f"the message lists {name}: {msg!r}")


@test
def error_limit_above_maximum():
    error_of(execute(shared(), {"code": "1", "language": "python", "timeout": 600001}), 400,
             "limit_out_of_range", "timeout above the maximum", "cpu_ms=600001 out of range [1, 60000]")
    error_of(piston(shared(), {"language": "python", "version": "*", "files": [{"content": "1"}],
                               "run_memory_limit": 8 << 30}), 400, "limit_out_of_range",
             "memory above the maximum", "field 'run_memory_limit': run limit mem_kib")


@test
def error_body_too_large_stops_reading():
    srv = shared()
    # Declared too long: answered on the headers, before the body is read.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 4000000\r\n\r\n" + b" " * 1000)
        reply = s.recv(4096)
    check(reply.startswith(b"HTTP/1.1 413"), f"413 before the body was sent: {show(reply)}")
    check(b'"body_too_large"' in reply, f"error code: {show(reply)}")
    # Chunked (no length): read up to the limit, then refused.
    big = json.dumps({"code": "#" * (1 << 20), "language": "python"}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    conn.request("POST", "/api/v1/execute", body=iter([big[i:i + 65536]
                                                       for i in range(0, len(big), 65536)]),
                 headers={"Content-Type": "application/json"}, encode_chunked=True)
    r = conn.getresponse()
    resp = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    resp.json = json.loads(resp.body)
    error_of(resp, 413, "body_too_large", "chunked body over 1 MiB")


@test
def error_content_type():
    srv = shared()
    r = call(srv, "POST", "/api/v1/execute", raw=b"code=print(1)&language=python",
             headers={"Content-Type": "application/x-www-form-urlencoded"})
    error_of(r, 415, "unsupported_media_type", "a form body")
    # A JSON body labelled text/plain, as some Piston clients send it, is fine.
    r = call(srv, "POST", "/api/v2/execute", raw=json.dumps(
        {"language": "python", "version": "*", "files": [{"content": "print(7)"}]}).encode(),
        headers={"Content-Type": "text/plain;charset=UTF-8"})
    eq((r.status, r.json["run"]["stdout"]), (200, "7\n"), "JSON labelled text/plain")


@test
def error_unknown_route_and_method():
    srv = shared()
    error_of(call(srv, "GET", "/api/v1/nothing"), 404, "not_found", "unknown v1 route")
    r = call(srv, "GET", "/api/v2/packages")
    error_of(r, 404, "not_found", "unknown v2 route")
    check("success" not in r.json, "Piston's shape under /api/v2")
    r = call(srv, "GET", "/api/v1/execute")
    error_of(r, 405, "method_not_allowed", "GET on execute")
    eq(r.header("allow"), "POST", "Allow of execute")
    r = call(srv, "DELETE", "/api/v1/health")
    error_of(r, 405, "method_not_allowed", "DELETE on health")
    eq(r.header("allow"), "GET, HEAD", "Allow of health")
    r = call(srv, "HEAD", "/api/v1/health", check_schema=False)
    eq((r.status, r.body), (200, b""), "HEAD of health: headers only")


@test
def error_deep_json():
    body = '{"code": "1", "language": "python", "x": ' + "[" * 65 + "]" * 65 + "}"
    r = call(shared(), "POST", "/api/v1/execute", raw=body.encode(),
             headers={"Content-Type": "application/json"})
    error_of(r, 400, "too_deep", "65 levels", "64 levels")
    body = "[" * 200000 + "]" * 200000  # would overflow a recursive parser's stack
    r = call(shared(), "POST", "/api/v2/execute", raw=body.encode(),
             headers={"Content-Type": "application/json"})
    error_of(r, 400, "too_deep", "200000 levels")


@test
def error_invalid_utf8():
    body = b'{"code": "print(\'\xff\xfe\')", "language": "python"}'
    r = call(shared(), "POST", "/api/v1/execute", raw=body,
             headers={"Content-Type": "application/json"})
    error_of(r, 400, "invalid_utf8", "invalid UTF-8 in code", "'code'")


@test
def error_messages_never_show_host_paths():
    srv = shared()
    for body in ({"language": "python", "version": "*",
                  "files": [{"content": "1"}, {"name": "../../etc/x", "content": "2"}]},
                 {"language": "python", "version": "*", "files": [{"name": "/etc/passwd",
                                                                   "content": "1"}]}):
        error_of(piston(srv, body), 400, "invalid_field", "a path out of the box", "name")


# --------------------------------------------------- OpenAPI and /metrics

@test
def openapi_documents_every_route():
    doc = openapi().doc
    eq(doc["openapi"], "3.0.3", "OpenAPI version")
    for path, method in (("/api/v1/health", "get"), ("/api/v1/languages", "get"),
                         ("/api/v1/execute", "post"), ("/api/v2/runtimes", "get"),
                         ("/api/v2/execute", "post"), ("/metrics", "get"),
                         ("/api/openapi.json", "get")):
        check(method in doc["paths"].get(path, {}), f"{method.upper()} {path} is not documented")
    codes = set(doc["components"]["schemas"]["ErrorV1"]["properties"]["error"]["properties"]
                ["code"]["enum"])
    check(ERROR_CODES_400 <= codes, f"undocumented error codes: {ERROR_CODES_400 - codes}")


def metric(text, name, **labels):
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    m = re.search(rf"^{re.escape(name)}{{{re.escape(want)}}} (\S+)$" if labels
                  else rf"^{re.escape(name)} (\S+)$", text, re.M)
    check(m, f"metric {name}{{{want}}} missing")
    return float(m.group(1))


@test
def metrics_count_runs_requests_and_latency():
    srv = Server()
    try:
        for i in range(3):
            ok_data(execute(srv, {"code": f"print({i})", "language": "python"}), "ok run")
        ok_data(execute(srv, {"code": "raise SystemExit(1)", "language": "python"}), "RE run")
        error_of(execute(srv, {"code": 1, "language": "python"}), 400, "invalid_field", "bad")
        # A worker counts as busy until it has returned from the job, a moment
        # after the reply it resumed has gone out: wait for the pool to be at rest.
        deadline = time.monotonic() + 5
        while True:
            r = call(srv, "GET", "/metrics")
            if metric(r.body.decode(), "kiln_workers", state="busy") == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        eq(r.status, 200, "GET /metrics")
        check(r.header("content-type").startswith("text/plain; version=0.0.4"),
              f"Prometheus content type: {r.header('content-type')}")
        t = r.body.decode()
        eq(metric(t, "kiln_runs_total", language="python", status="OK"), 3, "python OK runs")
        eq(metric(t, "kiln_runs_total", language="python", status="RE"), 1, "python RE runs")
        eq(metric(t, "kiln_runs_total", language="c", status="OK"), 0, "c runs")
        buckets = [float(v) for v in re.findall(
            r'^kiln_run_duration_seconds_bucket\{language="python",le="[^"]+"\} (\S+)$', t, re.M)]
        check(len(buckets) >= 10 and buckets == sorted(buckets) and buckets[-1] == 4,
              f"python latency histogram cumulative to 4 runs: {buckets}")
        eq(metric(t, "kiln_run_duration_seconds_count", language="python"), 4, "histogram count")
        eq(metric(t, "kiln_http_requests_total", route="/api/v1/execute", code="200"), 4,
           "execute 200s")
        eq(metric(t, "kiln_http_requests_total", route="/api/v1/execute", code="400"), 1,
           "execute 400s")
        eq(metric(t, "kiln_queue_depth"), 0, "queue depth at rest")
        eq(metric(t, "kiln_workers", state="busy"), 0, "busy workers at rest")
        eq(metric(t, "kiln_workers", state="idle"), srv.workers, "idle workers at rest")
        check(metric(t, "kiln_warm_slots", language="python", state="total") >= 1,
              "warm pool slots of python")
        py = health(srv)["runners"]["python"]
        eq((py["runs"], py["successRate"]), (4, 100), "health: python runs and success rate")
    finally:
        srv.stop()


@test
def log_line_per_request():
    srv = shared()
    marker = f"print({os.getpid()} * 7)"
    ok_data(execute(srv, {"code": marker, "language": "python"}), "a run")
    pat = re.compile(r"^POST /api/v1/execute python 200 \d+\.\dms$")
    wait_for(lambda: any(pat.match(l) for l in srv.stderr().splitlines()), 5,
             "a log line 'POST /api/v1/execute python 200 N.Nms'")
    call(srv, "GET", "/api/v1/health")
    pat = re.compile(r"^GET /api/v1/health - 200 \d+\.\dms$")
    wait_for(lambda: any(pat.match(l) for l in srv.stderr().splitlines()), 5, "a health log line")


@test
def keep_alive_for_gets():
    srv = shared()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.request("GET", "/api/v1/health")
    r = conn.getresponse()
    r.read()
    sock = conn.sock
    check(sock is not None and r.getheader("Connection") != "close",
          "the connection stays open after a GET")
    conn.request("GET", "/api/v2/runtimes")
    r = conn.getresponse()
    r.read()
    check(r.status == 200 and conn.sock is sock, "a second request on the same connection")
    conn.close()


@test(exclusive=True, timeout=60)
def shared_server_stops_cleanly():
    srv = shared()
    call(srv, "GET", "/api/v1/health")
    srv.stop()


# The shared server's warm pool keeps children with box uids, which the
# exclusive tests of other modules (test_containment) rightly count as left
# over. The runner runs exclusive tests after all the others, in the order
# of harness.TESTS: this one goes first, so that the server is gone by then.
harness.TESTS.insert(0, harness.TESTS.pop())


@test
def security_events_in_results_and_metrics():
    # a denied syscall is reported with the run in both APIs and counted in /metrics
    srv = Server()
    try:
        code = ("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                "print(libc.mount(b'none', b'/box', b'tmpfs', 0, None), ctypes.get_errno())\n")
        d = ok_data(execute(srv, {"code": code, "language": "python"}), "v1 run")
        eq((d["stdout"], d["deniedSyscalls"]), ("-1 1\n", [{"syscall": "mount", "count": 1}]),
           "v1: stdout and deniedSyscalls")
        r = piston(srv, {"language": "python", "version": "*", "files": [{"content": code}]})
        eq((r.status, r.json["run"]["denied_syscalls"]), (200, [{"syscall": "mount", "count": 1}]),
           "v2: denied_syscalls")
        d = ok_data(execute(srv, {"code": "print(1)", "language": "python"}), "clean run")
        eq(d["deniedSyscalls"], [], "a clean run has no security events")
        t = call(srv, "GET", "/metrics").body.decode()
        eq(metric(t, "kiln_security_events_total", language="python", syscall="mount"), 2,
           "mount denials counted")
        eq(metric(t, "kiln_runs_with_security_events_total", language="python"), 2,
           "runs that tripped the policy")
        eq(metric(t, "kiln_runs_with_security_events_total", language="bash"), 0, "bash: none")
    finally:
        srv.stop()
