#!/usr/bin/env python3
"""Run kiln's integration tests.

    python3 tests/integration/run.py --kiln build/kiln [-k SUBSTRING] [-j N] [--timeout S]

Imports every test_*.py beside this file and in tests/security/, runs each registered test (non-
exclusive ones on N worker threads, then the exclusive ones one at a time),
prints `ok NAME (ms)`, `FAIL NAME: reason` or `skip NAME: reason` per test and
the closing line `N passed, N failed, N skipped`. Exits 1 when a test failed
(or when no test ran), 0 otherwise.
"""

import argparse
import glob
import importlib
import os
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SECURITY = os.path.join(os.path.dirname(HERE), "security")  # the attack suite's driver
sys.path.insert(0, HERE)
sys.path.insert(1, SECURITY)
sys.dont_write_bytecode = True  # keep the source tree clean

import harness  # noqa: E402


def one_line(s):
    s = " ".join(str(s).split())
    return s if len(s) <= 2000 else s[:2000] + "..."


class Runner:
    def __init__(self, timeout, verbose):
        self.default_timeout = timeout
        self.verbose = verbose
        self.lock = threading.Lock()
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def report(self, kind, t, text):
        with self.lock:
            if kind == "ok":
                self.passed += 1
                print(f"ok {t.name} ({text})", flush=True)
            elif kind == "skip":
                self.skipped += 1
                print(f"skip {t.name}: {text}", flush=True)
            else:
                self.failed += 1
                self.failures.append(t.name)
                print(f"FAIL {t.name}: {text}", flush=True)

    def run_one(self, t):
        """Run a test in its own thread, bounded by its timeout."""
        timeout = t.timeout or self.default_timeout
        box = {}

        def body():
            harness._set_current_test(t.name)
            t0 = time.monotonic()
            try:
                t.func()
                box["result"] = ("ok", f"{(time.monotonic() - t0) * 1000:.0f} ms")
            except harness.Skip as e:
                box["result"] = ("skip", one_line(e) or "skipped")
            except AssertionError as e:
                msg = one_line(e) or "assertion failed"
                if self.verbose:
                    msg += "\n" + traceback.format_exc()
                box["result"] = ("fail", msg)
            except Exception as e:  # a broken test or an unexpected error
                tb = traceback.extract_tb(e.__traceback__)
                where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
                box["result"] = ("fail", one_line(f"{type(e).__name__}: {e}{where}"))

        th = threading.Thread(target=body, name=t.name, daemon=True)
        th.start()
        th.join(timeout)
        if th.is_alive():
            harness.kill_test_processes(t.name)
            th.join(2.0)
            self.report("fail", t, f"timed out after {timeout:g} s")
            return
        harness.kill_test_processes(t.name)
        kind, text = box.get("result", ("fail", "test ended without a result"))
        self.report(kind, t, text)

    def run_parallel(self, tests, jobs):
        queue = list(tests)
        qlock = threading.Lock()

        def worker():
            while True:
                with qlock:
                    if not queue:
                        return
                    t = queue.pop(0)
                self.run_one(t)

        workers = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, jobs))]
        for w in workers:
            w.start()
        for w in workers:
            w.join()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiln", default=os.environ.get("KILN", "build/kiln"),
                    help="the kiln binary under test (default: build/kiln)")
    ap.add_argument("-k", dest="filters", action="append", default=[],
                    help="run only tests whose name contains this substring (repeatable)")
    ap.add_argument("-j", dest="jobs", type=int, default=2,
                    help="parallel workers for non-exclusive tests (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="default per-test timeout in seconds (default 60)")
    ap.add_argument("-v", "--verbose", action="store_true", help="tracebacks on failure")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    args = ap.parse_args()

    kiln = os.path.abspath(args.kiln)
    harness.KILN = kiln
    os.environ["KILN"] = kiln

    import_errors = []
    for path in (sorted(glob.glob(os.path.join(HERE, "test_*.py"))) +
                 sorted(glob.glob(os.path.join(SECURITY, "test_*.py")))):
        mod = os.path.splitext(os.path.basename(path))[0]
        try:
            importlib.import_module(mod)
        except Exception:  # a broken test module is a failure, not a crash of the runner
            import_errors.append((mod, traceback.format_exc().strip().splitlines()[-1]))

    tests = [t for t in harness.TESTS
             if not args.filters or any(f in t.name for f in args.filters)]
    if args.list:
        for t in tests:
            print(t.name + ("  [exclusive]" if t.exclusive else ""))
        return 0

    runner = Runner(args.timeout, args.verbose)
    print(f"# integration tests: {len(tests)} selected, kiln={kiln}, jobs={args.jobs}", flush=True)
    if not os.access(kiln, os.X_OK):
        print(f"FAIL setup: {kiln} is not an executable file", flush=True)
        print(f"0 passed, {max(1, len(tests))} failed, 0 skipped", flush=True)
        return 1

    for mod, why in import_errors:
        runner.failed += 1
        runner.failures.append(mod)
        print(f"FAIL import {mod}: {why}", flush=True)

    t0 = time.monotonic()
    runner.run_parallel([t for t in tests if not t.exclusive], args.jobs)
    for t in tests:
        if t.exclusive:
            runner.run_one(t)

    if runner.failures:
        print("# failed: " + " ".join(runner.failures), flush=True)
    print(f"# integration time {time.monotonic() - t0:.1f} s", flush=True)
    print(f"{runner.passed} passed, {runner.failed} failed, {runner.skipped} skipped", flush=True)
    return 1 if runner.failed or runner.passed + runner.failed == 0 else 0


if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)  # do not wait for threads of timed-out tests
