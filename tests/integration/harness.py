"""A tiny test harness for kiln's integration tests (Python standard library only).

Tests are plain functions registered with @test. They fail by raising any
exception (normally AssertionError through check()/eq()), skip by calling
skip(reason). run.py discovers the test_*.py modules and runs them.

    @test
    def eval_prints():
        rc, out, err = kiln("eval", "-l", "python", "print(6*7)")
        eq(rc, 0, "exit code")

    @test(exclusive=True, timeout=90)   # runs alone: looks at the host's process list
    def fork_bomb(): ...
"""

import json
import os
import signal
import subprocess
import threading
import time

# Set by run.py (--kiln). Absolute path of the kiln binary under test.
KILN = os.environ.get("KILN", "build/kiln")

# Where the test sources live, for tests that need fixture files.
HERE = os.path.dirname(os.path.abspath(__file__))

# The uid range of the pool slots (uid 62000 + slot).
BOX_UID_MIN, BOX_UID_MAX = 62000, 62999

# Default time a single kiln invocation may take before the helper kills it.
DEFAULT_CALL_TIMEOUT = 30.0


class Skip(Exception):
    """Raised by skip(): the test does not apply here."""


class TestCase:
    def __init__(self, name, func, timeout, exclusive, module):
        self.name = name
        self.func = func
        self.timeout = timeout
        self.exclusive = exclusive
        self.module = module


TESTS = []
_names = set()


def test(func=None, *, timeout=None, exclusive=False, name=None):
    """Register a test. Usable as @test or @test(timeout=..., exclusive=True).

    exclusive: the test runs while no other test runs (it measures time or
    inspects host-wide state such as the process list)."""

    def register(f):
        tname = name or f"{f.__module__}.{f.__name__}"
        if tname in _names:
            raise RuntimeError(f"duplicate test name {tname}")
        _names.add(tname)
        TESTS.append(TestCase(tname, f, timeout, exclusive, f.__module__))
        return f

    if func is not None:
        return register(func)
    return register


def skip(reason):
    raise Skip(reason)


# ---------------------------------------------------------------- assertions

def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: expected {want!r}, got {got!r}")


def show(b, limit=300):
    """A short printable form of bytes or str for failure messages."""
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    if len(b) > limit:
        b = b[:limit] + f"...[{len(b) - limit} more chars]"
    return repr(b)


# ---------------------------------------------------- processes of one test

_local = threading.local()
_procs_lock = threading.Lock()
_procs_by_test = {}  # test name -> list of Popen


def _set_current_test(name):
    _local.test = name


def _register_proc(p):
    name = getattr(_local, "test", None)
    with _procs_lock:
        _procs_by_test.setdefault(name, []).append(p)


def _unregister_proc(p):
    name = getattr(_local, "test", None)
    with _procs_lock:
        lst = _procs_by_test.get(name)
        if lst and p in lst:
            lst.remove(p)


def kill_test_processes(name):
    """Kill what a (timed-out) test left running. Used by run.py."""
    with _procs_lock:
        procs = _procs_by_test.pop(name, [])
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.kill()
        except ProcessLookupError:
            pass


def _env(env, extra_env):
    e = dict(os.environ if env is None else env)
    e.update(extra_env or {})
    return e


def kiln_popen(*args, env=None, extra_env=None, stdin=subprocess.DEVNULL, preexec_fn=None):
    """Start kiln without waiting. The caller must wait() (use finish())."""
    p = subprocess.Popen(
        [KILN, *map(str, args)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(env, extra_env),
        start_new_session=True,
        preexec_fn=preexec_fn,
    )
    _register_proc(p)
    return p


def finish(p, input=None, timeout=DEFAULT_CALL_TIMEOUT):
    """Wait for a kiln_popen process; returns (rc, stdout, stderr)."""
    try:
        out, err = p.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.kill()
        out, err = p.communicate()
        _unregister_proc(p)
        raise AssertionError(
            f"kiln did not finish within {timeout:g} s (killed); "
            f"stdout={show(out)} stderr={show(err)}")
    _unregister_proc(p)
    return p.returncode, out, err


def kiln(*args, stdin=None, timeout=DEFAULT_CALL_TIMEOUT, env=None, extra_env=None, preexec_fn=None):
    """Run kiln with the given arguments.

    stdin: None (kiln's stdin is /dev/null), bytes or str (fed through a pipe).
    Returns (returncode, stdout bytes, stderr bytes). A kiln that does not end
    within timeout seconds is killed and the test fails."""
    if isinstance(stdin, str):
        stdin = stdin.encode()
    p = kiln_popen(*args, env=env, extra_env=extra_env, preexec_fn=preexec_fn,
                   stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE)
    return finish(p, input=stdin, timeout=timeout)


def kiln_timed(*args, **kw):
    """kiln(...) plus the real time it took, in seconds: (rc, out, err, secs)."""
    t0 = time.monotonic()
    rc, out, err = kiln(*args, **kw)
    return rc, out, err, time.monotonic() - t0


def parse_json(rc, out, err):
    try:
        return json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise AssertionError(
            f"--json output is not one JSON object ({e}); rc={rc} "
            f"stdout={show(out)} stderr={show(err)}")


def kiln_json(*args, **kw):
    """Run kiln with --json added after the command word.

    Returns (returncode, parsed object, stderr bytes)."""
    args = list(args)
    if not args:
        raise ValueError("kiln_json needs a command")
    args.insert(1, "--json")
    rc, out, err = kiln(*args, **kw)
    return rc, parse_json(rc, out, err), err


def kiln_json_timed(*args, **kw):
    t0 = time.monotonic()
    rc, res, err = kiln_json(*args, **kw)
    return rc, res, err, time.monotonic() - t0


def py(code, *opts, **kw):
    """kiln --json eval -l python CODE with options; returns (rc, result, stderr)."""
    return kiln_json("eval", "-l", "python", *opts, code, **kw)


def run_stage(res):
    """The run stage of a --json result, which must be present."""
    st = res.get("run")
    check(isinstance(st, dict), f"result has no run stage: {show(json.dumps(res))}")
    return st


def describe(res):
    """A compact description of a JSON result for failure messages."""
    st = res.get("run") or res.get("compile") or {}
    return (f"status={res.get('status')} exit_code={st.get('exit_code')} "
            f"signal={st.get('signal')} cpu_ms={st.get('cpu_ms')} "
            f"wall_ms={st.get('wall_ms')} mem_kib={st.get('memory_kib')} "
            f"message={st.get('message')!r} stdout={show(st.get('stdout', ''))} "
            f"stderr={show(st.get('stderr', ''))}")


def expect_ok(res, what="run"):
    """The run finished with status OK and exit code 0; returns its stdout."""
    st = run_stage(res)
    check(res.get("status") == "OK" and st.get("exit_code") == 0,
          f"{what}: expected status OK exit 0, got {describe(res)}")
    return st.get("stdout", "")


def lines_of(s):
    return [l for l in s.splitlines() if l.strip()]


# ------------------------------------------------------ host-side inspection

def _foreign_engine_pids():
    """Processes in the tree of a kiln process that this test run did not
    start: another engine on the same host (another engineer's server, a
    soak run) whose live runs are not this run's leftovers. A process this
    run leaked is reparented to init (or a subreaper), outside any kiln tree,
    so it is still counted."""
    parent, exe = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            parent[int(d)] = int(st[st.rindex(")") + 2:].split()[1])
            exe[int(d)] = os.path.basename(os.readlink(f"/proc/{d}/exe"))
        except (OSError, ValueError):
            continue
    me = os.getpid()
    foreign = set()
    for pid in parent:
        chain, p = [], parent.get(pid)
        while p and p not in chain and p != me:
            chain.append(p)
            p = parent.get(p)
        if p != me and any(exe.get(a) == "kiln" for a in chain):
            foreign.add(pid)
    return foreign


def box_processes():
    """Host processes whose real uid is in the box uid range, other engines'
    aside (_foreign_engine_pids): [(pid, uid, cmdline)]."""
    found = []
    foreign = _foreign_engine_pids()
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) in foreign:
            continue
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                uid = None
                for line in f:
                    if line.startswith("Uid:"):
                        uid = [int(x) for x in line.split()[1:]]
                        break
            if uid is None:
                continue
            if any(BOX_UID_MIN <= u <= BOX_UID_MAX for u in uid):
                try:
                    with open(f"/proc/{d}/cmdline", "rb") as f:
                        cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
                except OSError:
                    cmd = "?"
                found.append((int(d), uid[0], cmd))
        except (OSError, ValueError):
            continue
    return found


def processes_matching(text):
    """Host processes whose cmdline contains text: [(pid, cmdline)]."""
    found = []
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd:
            found.append((int(d), cmd.strip()))
    return found


def wait_no_box_processes(secs=3.0):
    """Poll until no box-uid process is left on the host; returns what is left."""
    deadline = time.monotonic() + secs
    while True:
        left = box_processes()
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def require_clean_host_before():
    """Exclusive tests that inspect the process list start from a clean host."""
    left = wait_no_box_processes(5.0)
    check(not left,
          f"box-uid processes already on the host BEFORE this test ran "
          f"(left over by an earlier run): {left[:10]}")


def tmpdir_files(d, files):
    """Write {name: text} into directory d; returns the list of paths."""
    paths = []
    for name, text in files.items():
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w" if isinstance(text, str) else "wb") as f:
            f.write(text)
        paths.append(p)
    return paths
