"""Submissions (/api/v1/submissions) on one node, against a real `kiln serve`
with its SQLite queue: create, poll, batch, delete, verdicts, another API
key's tokens, and the queue surviving kill -9 and a restart.
"""

import http.server
import json
import os
import signal
import tempfile
import threading
import time

import harness
from harness import test, check, eq
from test_server import Server, call, error_of, shared, health


def submit(srv, body, **kw):
    return call(srv, "POST", "/api/v1/submissions", body, **kw)


def token_of(resp, what):
    eq(resp.status, 201, f"{what}: HTTP status ({resp})")
    d = resp.json["data"]
    eq(d["state"], "queued", f"{what}: state")
    eq(len(d["token"]), 32, f"{what}: token length")
    return d["token"]


def wait_done(srv, token, secs=60, **kw):
    deadline = time.monotonic() + secs
    while True:
        r = call(srv, "GET", f"/api/v1/submissions/{token}", **kw)
        eq(r.status, 200, f"GET {token} ({r})")
        d = r.json["data"]
        if d["state"] == "done":
            return d
        check(time.monotonic() < deadline, f"submission {token} not done after {secs} s: {d}")
        time.sleep(0.05)


@test(timeout=120)
def submission_runs_and_keeps_its_result():
    srv = shared()
    t = token_of(submit(srv, {"language": "python", "code": "print(6 * 7)"}), "submit")
    d = wait_done(srv, t)
    eq(d["result"]["output"], "42", "the result's output")
    eq(d["result"]["status"], "OK", "the result's status")
    eq(d["attempts"], 1, "attempts")
    check(d["node"], "the node that ran it is named")
    check(d["createdAt"] <= d["startedAt"] <= d["finishedAt"], f"times in order: {d}")
    again = call(srv, "GET", f"/api/v1/submissions/{t}").json["data"]
    eq(again["result"]["output"], "42", "the result is kept after it was read")


@test(timeout=120)
def bad_submissions_are_refused_at_once():
    srv = shared()
    error_of(submit(srv, {"language": "cobol-1960", "code": "x"}), 400, "unknown_language",
             "unknown language")
    error_of(submit(srv, {"language": "python"}), 400, "missing_field", "no code")
    error_of(submit(srv, {"language": "python", "code": "1", "expected_output": 5}), 400,
             "invalid_field", "expected_output not a string")
    error_of(submit(srv, {"language": "python", "code": "1",
                          "callback_url": "http://127.0.0.1:1/x"}), 403,
             "callback_not_allowed", "callbacks are allowed nowhere by default")
    error_of(call(srv, "GET", "/api/v1/submissions/" + "0" * 32), 404, "submission_not_found",
             "unknown token")
    error_of(call(srv, "GET", "/api/v1/submissions/../../etc"), 404, "submission_not_found",
             "a path, not a token")
    error_of(call(srv, "PUT", "/api/v1/submissions"), 405, "method_not_allowed", "PUT")


@test(timeout=120)
def verdicts_judge_expected_output():
    srv = shared()
    ac = token_of(submit(srv, {"language": "python", "code": "print('yes')  ",
                               "expected_output": "yes\n\n"}), "AC")
    wa = token_of(submit(srv, {"language": "python", "code": "print('no')",
                               "expected_output": "yes"}), "WA")
    re_ = token_of(submit(srv, {"language": "python", "code": "raise SystemExit(3)",
                                "expected_output": "yes"}), "RE")
    cases = token_of(submit(srv, {"language": "python", "code": "print(int(input()) * 2)",
                                  "cases": [{"stdin": "1"}, {"stdin": "2"}],
                                  "expected_output": ["2", "5"]}), "cases")
    eq(wait_done(srv, ac)["result"]["verdict"], "AC", "trailing whitespace is no wrong answer")
    eq(wait_done(srv, wa)["result"]["verdict"], "WA", "other output")
    eq(wait_done(srv, re_)["result"]["verdict"], "RE", "a run that failed has its status")
    d = wait_done(srv, cases)["result"]
    eq([c["verdict"] for c in d["cases"]], ["AC", "WA"], "a verdict per case")
    eq(d["verdict"], "WA", "the first case that is not AC decides")


@test(timeout=120)
def batch_submit_and_get():
    srv = shared()
    subs = [{"language": "bash", "code": f"echo {i}"} for i in range(5)]
    r = call(srv, "POST", "/api/v1/submissions/batch", {"submissions": subs})
    eq(r.status, 201, f"batch ({r})")
    tokens = [x["token"] for x in r.json["data"]["submissions"]]
    eq(len(set(tokens)), 5, "five tokens")
    for t in tokens:
        wait_done(srv, t)
    q = ",".join(tokens + ["f" * 32])
    got = call(srv, "GET", f"/api/v1/submissions/batch?tokens={q}").json["data"]["submissions"]
    eq([g["result"]["output"] for g in got[:5]], [str(i) for i in range(5)], "in order")
    eq(got[5]["state"], "not_found", "an unknown token in a batch")
    bad = subs[:2] + [{"language": "python"}]
    error_of(call(srv, "POST", "/api/v1/submissions/batch", {"submissions": bad}), 400,
             "missing_field", "one bad item refuses the batch", "submissions[2]")
    error_of(call(srv, "POST", "/api/v1/submissions/batch", {"submissions": subs * 5}), 400,
             "invalid_field", "more than batch_max (20)")


@test(timeout=120)
def delete_only_a_queued_submission():
    # One runner, busy with a sleeper: the next submission stays queued.
    with tempfile.TemporaryDirectory() as d:
        srv = Server("--runners", 1, "--data-dir", d)
        try:
            busy = token_of(submit(srv, {"language": "bash", "code": "sleep 1.5; echo slept"}),
                            "sleeper")
            queued = token_of(submit(srv, {"language": "bash", "code": "echo never"}), "queued")
            r = call(srv, "DELETE", f"/api/v1/submissions/{queued}")
            eq((r.status, r.json["data"]["state"]), (200, "deleted"), f"DELETE queued ({r})")
            error_of(call(srv, "GET", f"/api/v1/submissions/{queued}"), 404,
                     "submission_not_found", "a deleted submission")
            wait_done(srv, busy)
            error_of(call(srv, "DELETE", f"/api/v1/submissions/{busy}"), 409, "not_queued",
                     "a finished submission")
        finally:
            srv.stop()


@test(timeout=120)
def tokens_belong_to_their_api_key():
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            f.write("key-one\nkey-two\n")
        srv = Server("--keys", keys, "--data-dir", os.path.join(d, "data"))
        try:
            one = {"Authorization": "Bearer key-one"}
            two = {"Authorization": "Bearer key-two"}
            t = token_of(submit(srv, {"language": "bash", "code": "echo mine"}, headers=one),
                         "key one")
            wait_done(srv, t, headers=one)
            error_of(call(srv, "GET", f"/api/v1/submissions/{t}", headers=two), 404,
                     "submission_not_found", "another key's token")
            error_of(call(srv, "DELETE", f"/api/v1/submissions/{t}", headers=two), 404,
                     "submission_not_found", "another key's token, DELETE")
            error_of(submit(srv, {"language": "bash", "code": "echo"}), 401, "unauthorized",
                     "no key")
        finally:
            srv.stop()


@test(timeout=180)
def kill_9_and_restart_lose_nothing():
    """Queued jobs run after a kill -9 and restart; finished results are still there."""
    with tempfile.TemporaryDirectory() as d:
        srv = Server("--runners", 1, "--data-dir", d)
        done_token = token_of(submit(srv, {"language": "bash", "code": "echo before"}), "first")
        wait_done(srv, done_token)
        slow = [token_of(submit(srv, {"language": "bash", "code": f"sleep 0.3; echo {i}"}),
                         f"slow {i}") for i in range(6)]
        time.sleep(0.5)  # one is running, the rest queued
        os.killpg(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait(10)
        srv2 = Server("--runners", 2, "--data-dir", d)
        try:
            eq(wait_done(srv2, done_token)["result"]["output"], "before",
               "a result stored before the kill")
            for i, t in enumerate(slow):
                eq(wait_done(srv2, t)["result"]["output"], str(i), f"job {i} after the restart")
        finally:
            srv2.stop()


@test(timeout=60)
def data_dir_is_one_servers():
    with tempfile.TemporaryDirectory() as d:
        srv = Server("--data-dir", d)
        try:
            rc, _, err = harness.kiln("serve", "--listen", "127.0.0.1:0", "--data-dir", d,
                                      timeout=30)
            eq(rc, 125, "a second server on the same data directory")
            err = err.decode() if isinstance(err, bytes) else err
            check("in use by another kiln serve" in err, f"says why: {err}")
        finally:
            srv.stop()


@test(timeout=60)
def health_reports_the_queue():
    srv = shared()
    h = health(srv)
    check(h["node"], "the node's name")
    q = h["submissions"]
    eq(q["queue"], "sqlite", "the one-node queue")
    check(q["available"], "the store answers")
    check(q["runners"] >= 1, "runners")
    m = call(srv, "GET", "/metrics").body.decode()
    for name in ("kiln_submissions{state=\"queued\"}", "kiln_queue_oldest_age_seconds",
                 "kiln_node_info{node=", "kiln_callbacks_total"):
        check(name in m, f"/metrics has {name}")


class Receiver:
    """A callback receiver on 127.0.0.1: records every POST; the first
    `fail_first` of them are answered 500, to exercise the retries."""

    def __init__(self, fail_first=0):
        self.got, self.lock, self.fail_left = [], threading.Lock(), fail_first
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    fail = outer.fail_left > 0
                    outer.fail_left -= fail
                    if not fail:
                        outer.got.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@test(timeout=120)
def callbacks_reach_an_allowed_receiver_only():
    rx = Receiver(fail_first=1)
    with tempfile.TemporaryDirectory() as d:
        srv = Server("--data-dir", d, "--callback-allow", f"http://127.0.0.1:{rx.port}",
                     "--callback-backoff-ms", 100)
        try:
            url = f"http://127.0.0.1:{rx.port}/hook?x=1"
            tokens = [token_of(submit(srv, {"language": "bash", "code": f"echo {i}",
                                            "callback_url": url}), f"cb {i}")
                      for i in range(5)]
            deadline = time.monotonic() + 30
            while len(rx.got) < 5:
                check(time.monotonic() < deadline, f"callbacks received: {len(rx.got)} of 5")
                time.sleep(0.05)
            by_token = {b["token"]: (path, h, b) for path, h, b in rx.got}
            eq(sorted(by_token), sorted(tokens), "one callback per submission")
            for i, t in enumerate(tokens):
                path, h, b = by_token[t]
                eq(path, "/hook?x=1", "the callback URL's path and query")
                eq(h.get("X-Kiln-Token"), t, "the token header")
                eq((b["state"], b["result"]["output"]), ("done", str(i)), "the result")
            wait = time.monotonic() + 10
            while True:  # the outcome is recorded after the receiver answered
                states = [call(srv, "GET", f"/api/v1/submissions/{t}").json["data"]["callback"]
                          for t in tokens]
                if all(c["state"] == "delivered" for c in states):
                    break
                check(time.monotonic() < wait, f"callback states {states}")
                time.sleep(0.05)
            check(any(c["attempts"] == 2 for c in states), f"the 500 was retried: {states}")
            # Other ports of the same host, other hosts, and metadata addresses are refused.
            for bad in (f"http://127.0.0.1:{rx.port + 1}/", "http://169.254.169.254/latest",
                        f"http://localhost:{rx.port}/", f"https://127.0.0.1:{rx.port}/",
                        f"http://user:pw@127.0.0.1:{rx.port}/", "file:///etc/passwd"):
                error_of(submit(srv, {"language": "bash", "code": "echo",
                                      "callback_url": bad}), 403, "callback_not_allowed", bad)
        finally:
            srv.stop()
            rx.close()
