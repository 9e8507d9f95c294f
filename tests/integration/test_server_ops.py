"""`kiln serve` in operation: load, the queue, API keys and limits, CORS,
configuration sources, and SIGTERM under load. Each test that needs other
settings starts its own server (test_server.Server) and stops it with
SIGTERM, checking exit status 0 and that nothing is left behind."""

import http.client
import json
import os
import signal
import socket
import tempfile
import threading
import time

import harness
from harness import test, check, eq, show
from test_server import (Server, call, error_of, execute, health, metric, ok_data, parallel,
                         piston, shared, wait_for)


# ----------------------------------------------------------- load and queue

@test(timeout=180)
def concurrent_500_requests():
    # 500 clients at once against the default settings: every one answered,
    # each with its own output (warm python and javascript, exec bash)
    srv = shared()

    def one(i):
        if i % 10 == 0:
            lang, code = "bash", f"echo $(( {i} * {i} ))"
        elif i % 2:
            lang, code = "javascript", f"console.log({i} * {i})"
        else:
            lang, code = "python", f"print({i} * {i})"
        r = execute(srv, {"code": code, "language": lang}, timeout=150)
        return r.status, r.json["data"]["output"] if r.status == 200 else r.body

    t0 = time.monotonic()
    results = parallel(one, list(range(500)))
    bad = [(i, res) for i, res in enumerate(results) if res != (200, str(i * i))]
    check(not bad, f"{len(bad)} of 500 concurrent requests wrong, e.g. {bad[:3]}")
    print(f"# 500 concurrent requests in {time.monotonic() - t0:.2f} s")


@test(timeout=90)
def queue_full_answers_503():
    srv = Server("--slots", 1, "--warm-slots", 1, "--backlog", 1)
    try:
        capacity = srv.workers + srv.backlog  # admitted at once; the rest is refused
        slow = {"code": "sleep 0.8; echo done", "language": "bash"}

        def one(_):
            t0 = time.monotonic()
            r = execute(srv, slow, timeout=60)
            return r, time.monotonic() - t0

        results = parallel(one, list(range(capacity + 2)))
        errors = [r for r in results if isinstance(r, Exception)]
        check(not errors, f"requests failed: {errors}")
        full = [(r, t) for r, t in results if r.status == 503]
        done = [(r, t) for r, t in results if r.status == 200]
        eq((len(done), len(full)), (capacity, 2), f"200s and 503s with capacity {capacity}")
        for r, t in full:
            error_of(r, 503, "queue_full", "queue full")
            eq(r.header("retry-after"), "1", "Retry-After")
            check(t < 0.7, f"a 503 is answered at once, not after a wait ({t:.2f} s)")
        for r, _ in done:
            eq(r.json["data"]["output"], "done", "the admitted requests ran")
    finally:
        srv.stop()


@test(timeout=90)
def busy_warm_pool_answers_503():
    # One python slot and no waiting for it in the engine (queue_max 0):
    # while one python run sleeps, another python request has a worker but
    # no slot, and the engine's busy pool is a 503, not an endless wait.
    srv = Server("--slots", 1, "--warm-slots", 1, "--queue-max", 0)
    try:
        slow = threading.Thread(target=lambda: execute(
            srv, {"code": "import time; time.sleep(3)", "language": "python"}, timeout=60),
            daemon=True)
        slow.start()
        wait_for(lambda: health(srv)["runners"]["python"]["busyWorkers"] >= 1, 20, "the slow run")
        r = execute(srv, {"code": "print(1)", "language": "python"})
        error_of(r, 503, "pool_busy", "/api/v1 run while the pool is busy")
        eq(r.header("retry-after"), "1", "Retry-After of a busy pool")
        check("python pool is busy" in r.json["error"]["message"],
              f"the message says which pool: {r.json['error']['message']!r}")
        r = piston(srv, {"language": "python", "version": "*", "files": [{"content": "print(1)"}]})
        error_of(r, 503, "pool_busy", "/api/v2 run while the pool is busy")
        eq(r.header("retry-after"), "1", "Retry-After of a busy pool (v2)")
        eq(execute(srv, {"code": "echo exec", "language": "bash"}).status, 200,
           "exec languages are not held up by the python pool")
        slow.join(30)
        # With queue_max 0 a request does not even wait for the slot to be
        # emptied after the run: wait until its next child is ready.
        wait_for(lambda: health(srv)["runners"]["python"]["readyWorkers"] >= 1, 20,
                 "the slot's next child")
        eq(ok_data(execute(srv, {"code": "print(2)", "language": "python"}), "after")["output"],
           "2", "a python run once the slot is free")
        py = health(srv)["runners"]["python"]
        eq((py["rejected"], py["queued"], py["minReady"], py["targetReady"]), (2, 0, 1, 1),
           "health: the pool's figures")
        t = call(srv, "GET", "/metrics").body.decode()
        eq(metric(t, "kiln_warm_rejected_total", language="python"), 2, "rejected in /metrics")
        eq(metric(t, "kiln_warm_target", language="python"), 1, "target in /metrics")
        eq(metric(t, "kiln_http_requests_total", route="/api/v1/execute", code="503"), 1,
           "the 503 is counted")
    finally:
        srv.stop()


# ------------------------------------------------------------------ access

@test(timeout=90)
def api_keys_auth_rate_and_concurrency():
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            f.write("# kiln API keys\n\nkey-one-123456\n  key-two-abcdef  \nkey-three-xyz\n"
                    "key-four-rate\n")
        # 6 a minute: one token per 10 s, so that no token comes back while
        # the test runs, however slow the machine.
        srv = Server("--keys", keys, "--key-rate", 6, "--key-burst", 3,
                     "--key-concurrency", 1)
    try:
        body = {"code": "print(1)", "language": "python"}
        auth = lambda k: {"Authorization": f"Bearer {k}"}  # noqa: E731
        eq(call(srv, "GET", "/api/v1/health").status, 200, "health needs no key")
        r = execute(srv, body)
        error_of(r, 401, "unauthorized", "no key")
        check((r.header("www-authenticate") or "").startswith("Bearer"), "WWW-Authenticate")
        error_of(execute(srv, body, headers=auth("key-one-12345")), 401, "unauthorized",
                 "a prefix of a key")
        error_of(execute(srv, body, headers={"Authorization": "Basic a2V5LW9uZS0xMjM0NTY="}),
                 401, "unauthorized", "Basic scheme")
        error_of(call(srv, "GET", "/metrics"), 401, "unauthorized", "metrics without a key")
        eq(call(srv, "GET", "/metrics", headers=auth("key-one-123456")).status, 200,
           "metrics with a key")
        eq(ok_data(execute(srv, body, headers=auth("key-one-123456")), "key one")["output"], "1",
           "a run with a key")
        # Concurrency: key two has one request in flight, a second is refused,
        # another key is not affected.
        slow = threading.Thread(target=lambda: execute(
            srv, {"code": "import time; time.sleep(1)", "language": "python"},
            headers=auth("key-two-abcdef")), daemon=True)
        slow.start()
        wait_for(lambda: health(srv)["processPool"]["busyWorkers"] >= 1, 10, "the slow run")
        r = execute(srv, body, headers=auth("key-two-abcdef"))
        error_of(r, 429, "concurrency_limit", "a second request in flight")
        eq(r.header("retry-after"), "1", "Retry-After of the concurrency limit")
        eq(execute(srv, body, headers=auth("key-three-xyz")).status, 200, "another key meanwhile")
        slow.join(30)
        # Rate: a burst of 3, then refused until a token is back (10 s).
        for i in range(3):
            eq(execute(srv, body, headers=auth("key-four-rate")).status, 200, f"burst {i}")
        r = execute(srv, body, headers=auth("key-four-rate"))
        error_of(r, 429, "rate_limited", "past the burst")
        check(1 <= int(r.header("retry-after")) <= 11, f"Retry-After {r.header('retry-after')}")
        eq(execute(srv, body, headers=auth("key-one-123456")).status, 200, "other keys unaffected")
    finally:
        srv.stop()


@test
def cors_off_by_default():
    srv = shared()
    r = call(srv, "GET", "/api/v1/health", headers={"Origin": "https://evil.example"})
    eq(r.header("access-control-allow-origin"), None, "no CORS header by default")
    r = call(srv, "OPTIONS", "/api/v1/execute", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    error_of(r, 405, "method_not_allowed", "a preflight without CORS")


@test
def cors_on_with_origin():
    origin = "https://app.example"
    srv = Server("--cors", origin)
    try:
        for r in (call(srv, "GET", "/api/v1/health", headers={"Origin": origin}),
                  execute(srv, {"code": "print(1)", "language": "python"}),
                  execute(srv, {"code": "print(1)"})):
            eq(r.header("access-control-allow-origin"), origin, f"ACAO on {r.status}")
            eq(r.header("vary"), "Origin", "Vary")
        r = call(srv, "OPTIONS", "/api/v1/execute", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization"}, check_schema=False)
        eq(r.status, 204, "preflight status")
        eq(r.header("access-control-allow-origin"), origin, "preflight origin")
        check("POST" in r.header("access-control-allow-methods"), "preflight methods")
        allowed = r.header("access-control-allow-headers").lower()
        check("content-type" in allowed and "authorization" in allowed,
              f"preflight headers {allowed}")
    finally:
        srv.stop()


# ------------------------------------------------------------ configuration

@test(timeout=90)
def config_precedence_flag_env_file():
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "kiln.conf")
        with open(conf, "w") as f:
            f.write("# test\nbacklog = 7\nrun.cpu_ms.max = 1500\nmax_body = 4096\n")
        body = {"code": "1", "language": "python", "timeout": 2000}
        # file < environment
        srv = Server("--config", conf, env={"KILN_BACKLOG": "9", "KILN_RUN_CPU_MS_MAX": "1300"})
        try:
            eq(srv.backlog, 9, "backlog: the environment beats the file")
            error_of(execute(srv, body), 400, "limit_out_of_range", "timeout 2000",
                     "[1, 1300] ms")
            error_of(execute(srv, {"code": "#" * 5000, "language": "python"}), 413,
                     "body_too_large", "max_body from the file", "4096")
        finally:
            srv.stop()
        # environment < flags
        srv = Server("--config", conf, "--backlog", 11, "--set", "run.cpu_ms.max=1100",
                     env={"KILN_BACKLOG": "9", "KILN_RUN_CPU_MS_MAX": "1300"})
        try:
            eq(srv.backlog, 11, "backlog: the flag beats the environment")
            error_of(execute(srv, body), 400, "limit_out_of_range", "timeout 2000",
                     "[1, 1100] ms")
        finally:
            srv.stop()
        with open(conf, "a") as f:
            f.write("no_such_setting = 1\n")
        rc, _, err = harness.kiln("serve", "--config", conf, "--listen", "127.0.0.1:0")
        eq(rc, 125, "exit status with a bad config file")
        check(f"{conf}: line 5: unknown setting 'no_such_setting'".encode() in err,
              f"the error names file, line and key: {show(err)}")
        # A default configured above its maximum is refused (a lower maximum
        # alone takes the built-in default down with it, as above).
        rc, _, err = harness.kiln("serve", "--set", "run.cpu_ms.max=1000",
                                  "--set", "run.cpu_ms.default=2000")
        eq(rc, 125, "exit status with a default above its maximum")
        check(b"run defaults: limit cpu_ms=2000 out of range [1, 1000] ms" in err,
              f"message: {show(err)}")


@test
def config_refuses_remote_and_bad_values():
    rc, _, err = harness.kiln("serve", "--listen", "0.0.0.0:0")
    eq(rc, 125, "exit status for a non-loopback address")
    check(b"not a loopback address" in err and b"--allow-remote" in err, f"message: {show(err)}")
    rc, _, err = harness.kiln("serve", "--slots", "0")
    eq(rc, 125, "exit status for --slots 0")
    check(b"slots: '0' is not a whole number in [1, 256]" in err, f"message: {show(err)}")
    rc, out, _ = harness.kiln("serve", "--help")
    eq(rc, 0, "serve --help")
    for word in ("--listen", "--slots", "--backlog", "--queue", "--data-dir", "--max-body", "--keys", "--cors",
                 "--config", "--allow-remote", "--warm-min", "--warm-idle-ms", "--queue-max",
                 "--queue-wait-ms", "run.cpu_ms.max", "KILN_"):
        check(word.encode() in out, f"serve --help does not mention {word}")


# ---------------------------------------------------------------- lifecycle

@test(timeout=90)
def sigterm_during_load_finishes_in_flight():
    srv = Server("--drain-ms", 20000)
    n = 8
    bodies = [{"code": f"import time; time.sleep(0.5); print({i})", "language": "python"}
              if i % 2 else {"code": f"sleep 0.5; echo {i}", "language": "bash"}
              for i in range(n)]
    results = [None] * n

    def one(i):
        results[i] = execute(srv, bodies[i], timeout=60)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    wait_for(lambda: sum(health(srv)["processPool"][k] for k in ("busyWorkers",
                                                                 "pendingRequests")) >= n,
             10, "all requests admitted")
    open_conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    open_conn.request("GET", "/api/v1/health")
    open_conn.getresponse().read()  # a keep-alive connection from before the signal
    srv.proc.send_signal(signal.SIGTERM)
    wait_for(lambda: "stopping" in srv.stderr(), 5, "the server to start draining")
    open_conn.request("GET", "/api/v1/health")
    r = open_conn.getresponse()
    h = json.loads(r.read())
    eq((r.status, h["data"]["status"]), (503, "draining"), "health while draining")
    open_conn.request("POST", "/api/v1/execute", json.dumps({"code": "1", "language": "python"}),
                      {"Content-Type": "application/json"})
    r = open_conn.getresponse()
    eq((r.status, json.loads(r.read())["error"]["code"]), (503, "shutting_down"),
       "a new run while draining")
    eq(r.getheader("Connection"), "close", "the connection is closed after it")
    open_conn.close()
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        raise AssertionError("a new connection was accepted while draining")
    except ConnectionRefusedError:
        pass
    for t in threads:
        t.join(60)
    for i, r in enumerate(results):
        check(r is not None and r.status == 200 and r.json["data"]["output"] == str(i),
              f"in-flight request {i} did not complete: {r}")
    srv.stop()  # already signalled: waits for exit 0 and checks what is left


# ------------------------------------------------------------ client hang-up

@test(timeout=90)
def client_hangup_cancels_its_run():
    # a client that closes its connection stops its run: the slot is free
    # again long before the program's 8 s, and the run counts as XX
    srv = Server()
    try:
        for lang, code in (("python", "import time\ntime.sleep(8)\nprint('late')"),
                           ("bash", "sleep 8; echo late")):
            body = json.dumps({"code": code, "language": lang, "timeout": 20000}).encode()
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(b"POST /api/v1/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            time.sleep(1.0)  # the run has started
            t0 = time.monotonic()
            s.close()
            xx = 0
            while time.monotonic() - t0 < 5:
                t = call(srv, "GET", "/metrics").body.decode()
                xx = metric(t, "kiln_runs_total", language=lang, status="XX")
                if xx >= 1:
                    break
                time.sleep(0.1)
            eq(xx, 1, f"{lang}: the run of the client that hung up ended as XX")
            check(time.monotonic() - t0 < 4, f"{lang}: cancelled {time.monotonic() - t0:.1f} s after the hang-up")
            d = ok_data(execute(srv, {"code": "print('next')" if lang == "python" else "echo next",
                                      "language": lang}), f"{lang}: the next run")
            eq(d["output"], "next", f"{lang}: the next run's output")
    finally:
        srv.stop()
