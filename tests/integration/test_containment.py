"""Containment: what a jailed program must not be able to do.

Each test states what the program tries, the status kiln must report, and what
must not have happened (checked from the jailed program's own report and, where
it matters, on the host afterwards). A sandbox that lets the attempt through
makes the test fail: the programs print distinct words for success (e.g.
CONNECTED, WROTE) and for refusal (BLOCKED, DENIED), and the tests demand the
refusal word.
"""

import json
import os
import secrets
import socket
import subprocess
import tempfile
import time

from harness import (test, skip, kiln, kiln_json, kiln_json_timed, kiln_popen, finish,
                     parse_json, py, check, eq, show, run_stage, describe, expect_ok,
                     lines_of, processes_matching, wait_no_box_processes,
                     require_clean_host_before, tmpdir_files, BOX_UID_MIN, BOX_UID_MAX)

EXIT_OL, EXIT_ML, EXIT_TO = 122, 123, 124

# ctypes prelude for raw system calls inside the jail (x86_64 numbers).
SYSCALL_PRELUDE = r'''
import ctypes, os, errno
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def sc(nr, *args):
    ctypes.set_errno(0)
    conv = [a if isinstance(a, ctypes.Array) else ctypes.c_long(a) for a in args]
    r = libc.syscall(ctypes.c_long(nr), *conv)
    e = ctypes.get_errno()
    return r, (errno.errorcode.get(e, str(e)) if r < 0 else "")
def report(name, r, e):
    print(name, "BLOCKED" if r < 0 else "ALLOWED", r, e)
'''


def token():
    return secrets.token_hex(6)


def all_blocked(res, names):
    """stdout has one 'NAME BLOCKED ...' line for each name, and no ALLOWED."""
    out = expect_ok(res)
    got = {}
    for l in lines_of(out):
        parts = l.split()
        if len(parts) >= 2:
            got[parts[0]] = l
    for n in names:
        check(n in got, f"no report for {n}: stdout={show(out, 1000)}")
        check(got[n].split()[1] == "BLOCKED", f"{n} was not blocked: {got[n]!r}")
    return got


# =============================================================== network

@test
def net_tcp_to_host_loopback_listener():
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    port = lst.getsockname()[1]
    try:
        code = f'''
import socket
try:
    s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
    s.sendall(b"hello from the jail")
    print("CONNECTED")
except OSError as e:
    print("BLOCKED", type(e).__name__, e.errno)
'''
        rc, res, err = py(code, "--wall", "10000")
        out = expect_ok(res)
        check(out.startswith("BLOCKED"), f"jailed program reached 127.0.0.1:{port} on the host: {show(out)}")
        lst.setblocking(False)
        try:
            conn, addr = lst.accept()
            conn.close()
            raise AssertionError(f"the host listener accepted a connection from {addr}")
        except BlockingIOError:
            pass
    finally:
        lst.close()


@test
def net_abstract_unix_socket_of_host():
    # AF_UNIX stays allowed by seccomp; abstract sockets are per network namespace.
    name = "kiln-test-" + token()
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lst.bind("\0" + name)
    lst.listen(4)
    try:
        code = f'''
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\\0{name}")
    print("CONNECTED")
except OSError as e:
    print("BLOCKED", type(e).__name__, e.errno)
'''
        rc, res, err = py(code)
        out = expect_ok(res)
        check(out.startswith("BLOCKED"), f"jailed program connected to a host abstract socket: {show(out)}")
        lst.setblocking(False)
        try:
            lst.accept()
            raise AssertionError("the host's abstract unix socket accepted a connection")
        except BlockingIOError:
            pass
    finally:
        lst.close()


@test
def net_udp_to_host():
    rcv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rcv.bind(("127.0.0.1", 0))
    port = rcv.getsockname()[1]
    try:
        code = f'''
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
except OSError as e:
    print("BLOCKED socket", type(e).__name__, e.errno); raise SystemExit(0)
try:
    s.sendto(b"udp from the jail", ("127.0.0.1", {port}))
    print("SENT")
except OSError as e:
    print("CREATED-BUT-UNSENT", type(e).__name__, e.errno)
'''
        rc, res, err = py(code)
        out = expect_ok(res)
        rcv.setblocking(False)
        try:
            data = rcv.recv(100)
            raise AssertionError(f"the host received a UDP datagram from the jail: {data!r}")
        except BlockingIOError:
            pass
        check(out.startswith("BLOCKED socket"),
              f"UDP socket creation should fail (only AF_UNIX sockets allowed): {show(out)}")
    finally:
        rcv.close()


@test
def net_other_socket_families_denied():
    code = '''
import socket
cases = {
    "inet_raw": (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
    "inet_tcp": (socket.AF_INET, socket.SOCK_STREAM, 0),
    "inet6_tcp": (socket.AF_INET6, socket.SOCK_STREAM, 0),
    "inet6_udp": (socket.AF_INET6, socket.SOCK_DGRAM, 0),
    "packet": (17, socket.SOCK_RAW, 0),
    "netlink_route": (socket.AF_NETLINK, socket.SOCK_RAW, 0),
    "inet_icmp_dgram": (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
}
for name, (fam, typ, proto) in cases.items():
    try:
        socket.socket(fam, typ, proto).close()
        print(name, "ALLOWED")
    except OSError as e:
        print(name, "BLOCKED", e.errno)
'''
    rc, res, err = py(code)
    all_blocked(res, ["inet_raw", "inet_tcp", "inet6_tcp", "inet6_udp", "packet",
                      "netlink_route", "inet_icmp_dgram"])


@test
def net_unix_socketpair_still_works():
    # the filter must not break AF_UNIX (the counterpart of the denials above)
    code = '''
import socket
a, b = socket.socketpair()
a.sendall(b"ping"); print(b.recv(4).decode())
'''
    rc, res, err = py(code)
    eq(expect_ok(res), "ping\n", "stdout")


@test
def net_no_interfaces_but_lo():
    host_ifaces = {l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]}
    code = '''
try:
    lines = open("/proc/net/dev").read().splitlines()[2:]
    print(" ".join(sorted(l.split(":")[0].strip() for l in lines)) or "-")
except OSError as e:
    print("UNREADABLE", e.errno)
'''
    rc, res, err = py(code)
    out = expect_ok(res).strip()
    if out.startswith("UNREADABLE"):
        return
    seen = set(out.split()) - {"-"}
    check(seen <= {"lo"}, f"jail sees network interfaces {sorted(seen)} (host has {sorted(host_ifaces)})")


# =============================================================== reading host files

@test
def read_etc_shadow_fails():
    host_first = ""
    try:
        host_first = open("/etc/shadow").readline().strip()
    except OSError:
        pass
    code = '''
try:
    data = open("/etc/shadow").read()
    print("READ", len(data)); print(data)
except OSError as e:
    print("DENIED", type(e).__name__, e.errno)
'''
    rc, res, err = py(code)
    out = expect_ok(res)
    check(out.startswith("DENIED"), f"/etc/shadow was readable in the jail: {show(out)}")
    if host_first:
        check(host_first not in out, "host /etc/shadow content leaked")


@test
def read_root_home_fails():
    # a secret file in the host's /root must not be readable or even listed
    fd, path = tempfile.mkstemp(prefix="kiln-secret-", dir="/root")
    secret = "root-secret-" + token()
    try:
        os.write(fd, secret.encode())
        os.close(fd)
        code = f'''
import os
try:
    print("READ", open({path!r}).read())
except OSError as e:
    print("DENIED", e.errno)
try:
    print("LISTED", os.listdir("/root"))
except OSError as e:
    print("NOLIST", e.errno)
'''
        rc, res, err = py(code)
        out = expect_ok(res)
        ls = lines_of(out)
        check(ls and ls[0].startswith("DENIED"), f"host /root file readable in the jail: {show(out)}")
        check(secret not in out, "secret from host /root leaked")
        check(os.path.basename(path) not in out, f"host /root listing visible in the jail: {show(out)}")
        check(ls[1].startswith("NOLIST") or ls[1] == "LISTED []",
              f"/root should not be listable (or be an empty directory): {ls[1]!r}")
    finally:
        os.unlink(path)


@test
def no_home_visible():
    host_home = sorted(os.listdir("/home")) if os.path.isdir("/home") else []
    code = '''
import os
try:
    print("LISTED", sorted(os.listdir("/home")))
except OSError as e:
    print("ABSENT", e.errno)
'''
    rc, res, err = py(code)
    out = expect_ok(res).strip()
    check(out.startswith("ABSENT") or out == "LISTED []",
          f"/home visible in the jail: {out!r} (host /home has {host_home})")


@test
def host_filesystem_not_visible():
    # the project directory and this test file exist on the host, not in the jail
    here = os.path.abspath(__file__)
    code = f'''
import os
for p in [{here!r}, {os.path.dirname(here)!r}, "/work", "/var/log", "/etc/ssh", "/etc/machine-id", "/boot"]:
    print(p, "VISIBLE" if os.path.lexists(p) else "ABSENT")
'''
    rc, res, err = py(code)
    out = expect_ok(res)
    vis = [l for l in lines_of(out) if l.endswith("VISIBLE")]
    check(not vis, f"host paths visible in the jail: {vis}")


# =============================================================== writing outside

def _write_outside(d):
    tok = token()
    target = os.path.join(d, f"kiln-probe-{tok}")

    def t():
        host_existed = os.path.isdir(d)
        code = f'''
import os
for how in ("file", "dir"):
    p = {target!r} + "-" + how
    try:
        if how == "file":
            with open(p, "w") as f:
                f.write("x")
        else:
            os.mkdir(p)
        print(how, "WROTE", p)
    except OSError as e:
        print(how, "DENIED", e.errno)
'''
        try:
            rc, res, err = py(code)
            out = expect_ok(res)
            for l in lines_of(out):
                check(" DENIED " in l, f"jailed program could write in {d}: {l!r}")
            eq(len(lines_of(out)), 2, f"lines of output ({show(out)})")
            for how in ("file", "dir"):
                check(not os.path.lexists(f"{target}-{how}"),
                      f"{target}-{how} appeared on the HOST")
        finally:
            for how in ("file", "dir"):
                p = f"{target}-{how}"
                if os.path.isdir(p) and not os.path.islink(p):
                    os.rmdir(p)
                elif os.path.lexists(p):
                    os.unlink(p)
        check(host_existed == os.path.isdir(d), f"host directory {d} changed")
    return t


for _d in ("/", "/usr", "/usr/bin", "/etc", "/home", "/var", "/dev"):
    _name = "write_outside_" + (_d.strip("/").replace("/", "_") or "root")
    test(_write_outside(_d), name=f"test_containment.{_name}")


@test
def usr_mounted_ro_nosuid():
    code = '''
for l in open("/proc/self/mounts"):
    f = l.split()
    if f[1] in ("/usr", "/"):
        print(f[1], f[3])
'''
    rc, res, err = py(code)
    out = expect_ok(res)
    opts = dict(l.split(" ", 1) for l in lines_of(out))
    if "/usr" in opts:
        o = opts["/usr"].split(",")
        check("ro" in o and "nosuid" in o and "nodev" in o, f"/usr mount options {o}: want ro,nosuid,nodev")
    else:
        o = opts.get("/", "").split(",")
        check("ro" in o and "nosuid" in o, f"no /usr mount and / is {o}: want ro,nosuid")


# =============================================================== nothing persists

def _persist(d, must_write):
    def t():
        tok = token()
        name = f"kiln-marker-{tok}"
        w = f'''
import os
try:
    with open(os.path.join({d!r}, {name!r}), "w") as f:
        f.write("left by run 1")
    print("WROTE")
except OSError as e:
    print("DENIED", e.errno)
'''
        rc, res, err = py(w)
        out1 = expect_ok(res, "run 1").strip()
        if must_write:
            eq(out1, "WROTE", f"run 1 writing {d}/{name} ({d} must be writable)")
        r = f'''
import os
p = os.path.join({d!r}, {name!r})
print("SEEN" if os.path.lexists(p) else "FRESH")
try:
    print(sorted(os.listdir({d!r})))
except OSError as e:
    print("nolist", e.errno)
'''
        rc, res, err = py(r)
        out2 = lines_of(expect_ok(res, "run 2"))
        eq(out2[0], "FRESH", f"run 2 sees run 1's marker in {d} (listing {out2[1:]})")
        check(name not in " ".join(out2[1:]), f"run 2 lists run 1's marker in {d}")
        for host_dir in ("/tmp", "/var/tmp", "/dev/shm", "/"):
            check(not os.path.lexists(os.path.join(host_dir, name)),
                  f"marker {name} written in the jail's {d} appeared in the host's {host_dir}")
    return t


test(_persist("/tmp", True), name="test_containment.nothing_persists_tmp")
test(_persist("/var/tmp", False), name="test_containment.nothing_persists_var_tmp")
test(_persist("/dev/shm", False), name="test_containment.nothing_persists_dev_shm")
test(_persist(".", True), name="test_containment.nothing_persists_workdir")


@test
def tmp_starts_empty():
    code = '''
import os
for d in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        print(d, sorted(os.listdir(d)))
    except OSError as e:
        print(d, "absent", e.errno)
'''
    rc, res, err = py(code)
    for l in lines_of(expect_ok(res)):
        check(l.endswith("[]") or " absent " in l, f"temporary directory not empty at start: {l!r}")


# =============================================================== limits

@test(exclusive=True, timeout=90)
def fork_bomb_stopped():
    require_clean_host_before()
    code = '''
import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.005)
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--procs", "32", "--wall", "3000",
                                         "--time", "3000", code, timeout=40)
    check(res.get("status") in ("TO", "RE"), f"fork bomb: expected status TO or RE, got {describe(res)}")
    check(secs < 3.0 + 3.0, f"fork bomb run took {secs:.1f} s with --wall 3000")
    left = wait_no_box_processes(3.0)
    check(not left, f"{len(left)} box-uid processes left on the host after the run: {left[:5]}")


@test(exclusive=True, timeout=60)
def procs_limit_enforced():
    require_clean_host_before()
    code = '''
import os, time
n = 0
for i in range(200):
    try:
        pid = os.fork()
    except OSError as e:
        print("FAILED_AT", n, e.errno); break
    if pid == 0:
        time.sleep(30); os._exit(0)
    n += 1
else:
    print("FORKED_ALL", n)
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--procs", "10", "--wall", "5000", code)
    st = run_stage(res)
    out = st.get("stdout", "").strip()
    check(out.startswith("FAILED_AT"), f"--procs 10 did not stop 200 forks: {describe(res)}")
    n = int(out.split()[1])
    check(1 <= n <= 10, f"--procs 10 allowed {n} extra processes")
    left = wait_no_box_processes(3.0)
    check(not left, f"sleeping children left on the host after the run: {left[:5]}")


@test(exclusive=True, timeout=60)
def memory_bomb_stopped_ml():
    code = '''
chunks = []
while True:
    chunks.append(b"\\x01" * (8 << 20))
    print(len(chunks) * 8, flush=True)
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--mem", "64", "--wall", "10000", code)
    st = run_stage(res)
    eq((rc, res.get("status")), (EXIT_ML, "ML"), f"(exit code, status); {describe(res)}")
    eq(st.get("status"), "ML", "run.status")
    mibs = [int(x) for x in lines_of(st.get("stdout", "")) if x.isdigit()]
    check(mibs, f"the program allocated nothing before ML? {describe(res)}")
    check(max(mibs) <= 64, f"program held {max(mibs)} MiB under --mem 64")
    check(st.get("memory_kib", 0) <= 64 * 1024 + 1024,
          f"peak memory {st.get('memory_kib')} KiB above the 64 MiB limit")
    check(st.get("memory_kib", 0) >= 40 * 1024,
          f"peak memory {st.get('memory_kib')} KiB: should be near the 64 MiB limit at ML")
    check(secs < 10, f"ML run took {secs:.1f} s")


@test(exclusive=True, timeout=60)
def memory_bomb_c_stopped_ml():
    code = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    for (int i = 1; ; i++) {
        char *p = malloc(4 << 20);
        if (!p) { printf("MALLOC_FAILED %d\n", i * 4); return 3; }
        memset(p, 1, 4 << 20);
        printf("%d\n", i * 4); fflush(stdout);
    }
}
'''
    rc, res, err = kiln_json("eval", "-l", "c", "--mem", "32", "--wall", "10000", code)
    st = run_stage(res)
    outs = lines_of(st.get("stdout", ""))
    eq((rc, res.get("status")), (EXIT_ML, "ML"), f"(exit code, status); {describe(res)}")
    nums = [int(x) for x in outs if x.isdigit()]
    check(not nums or max(nums) <= 32, f"C program touched {max(nums) if nums else 0} MiB under --mem 32")


@test(exclusive=True, timeout=60)
def cpu_loop_stopped_at_cpu_limit():
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--time", "500", "--wall", "5000",
                                         "while True: pass")
    st = run_stage(res)
    eq((rc, res.get("status"), st.get("status")), (EXIT_TO, "TO", "TO"), f"(rc, status, run.status); {describe(res)}")
    check(450 <= st["cpu_ms"] <= 1000, f"cpu_ms {st['cpu_ms']} not in [450, 1000] for --time 500")
    check(st["wall_ms"] < 2500, f"wall_ms {st['wall_ms']}: the CPU limit (not the 5000 ms wall limit) should stop it")
    check(secs < 3.0, f"kiln took {secs:.1f} s of real time")
    check(st.get("message"), "run.message should say why it stopped")


@test(exclusive=True, timeout=60)
def cpu_limit_counts_all_threads():
    code = r'''
#include <pthread.h>
static void *spin(void *a) { (void)a; for (;;) {} return 0; }
int main(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, spin, 0);
    spin(0);
}
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "c", "--time", "1000", "--wall", "8000", code)
    st = run_stage(res)
    eq(res.get("status"), "TO", f"status; {describe(res)}")
    check(st["cpu_ms"] <= 2000, f"cpu_ms {st['cpu_ms']} far above --time 1000 with 5 threads")
    check(st["wall_ms"] < 4000, f"wall_ms {st['wall_ms']}: CPU limit should stop it well before the wall")


@test(exclusive=True, timeout=60)
def sleep_stopped_at_wall_limit():
    require_clean_host_before()
    rc, res, err, secs = kiln_json_timed("eval", "-l", "bash", "--wall", "500", "--time", "10000",
                                         "sleep 100; echo WOKE")
    st = run_stage(res)
    eq((rc, res.get("status")), (EXIT_TO, "TO"), f"(rc, status); {describe(res)}")
    check("WOKE" not in st.get("stdout", ""), "the program outlived the wall limit")
    check(secs < 0.5 + 1.5, f"kiln took {secs:.2f} s of real time with --wall 500")
    check(400 <= st["wall_ms"] <= 1500, f"wall_ms {st['wall_ms']} for --wall 500")
    check(st["cpu_ms"] < 300, f"cpu_ms {st['cpu_ms']} for a sleeping program")
    left = wait_no_box_processes(2.0)
    check(not left, f"processes left on the host after the wall limit: {left[:5]}")


@test(exclusive=True, timeout=60)
def wall_limit_plain_exit_code_and_reason():
    rc, out, err = kiln("eval", "-l", "python", "--wall", "400",
                        "import time,sys; print('before', flush=True); print('e', file=sys.stderr, flush=True); time.sleep(30)")
    eq(rc, EXIT_TO, "exit code of a wall time-out")
    eq(out, b"before\n", "stdout written before the limit passes through")
    ls = err.decode().splitlines()
    check(len(ls) == 2 and ls[0] == "e" and ls[1].startswith("kiln:"),
          f"stderr should be the program's stderr then one 'kiln:' line: {show(err)}")


@test(exclusive=True, timeout=60)
def output_flood_truncated_ol():
    code = '''
import sys
chunk = "y" * 65535 + "\\n"
while True:
    sys.stdout.write(chunk)
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--output", "64", "--wall", "10000",
                                         "--time", "10000", code)
    st = run_stage(res)
    eq((rc, res.get("status"), st.get("status")), (EXIT_OL, "OL", "OL"), f"(rc, status, run.status); {describe(res)}")
    eq(st.get("stdout_truncated"), True, "stdout_truncated")
    n = len(st.get("stdout", ""))
    check(0 < n <= 64 * 1024, f"stdout kept {n} bytes with --output 64 (KiB)")
    check(set(st["stdout"]) <= {"y", "\n"}, "stdout content altered")
    check(secs < 4.0, f"output flood run took {secs:.1f} s: an OL should stop the program at once")


@test(exclusive=True, timeout=60)
def output_flood_plain_mode():
    t0 = time.monotonic()
    rc, out, err = kiln("eval", "-l", "bash", "--output", "16", "--wall", "10000",
                        "yes kiln-flood-line")
    secs = time.monotonic() - t0
    eq(rc, EXIT_OL, f"exit code; stderr={show(err)}")
    check(len(out) <= 16 * 1024, f"kiln passed {len(out)} bytes of stdout with --output 16")
    check(out.startswith(b"kiln-flood-line\n"), f"stdout should start with the program's output: {show(out)}")
    ls = err.decode("utf-8", "replace").splitlines()
    check(ls and ls[-1].startswith("kiln:"), f"stderr should end with a kiln: line: {show(err)}")
    check(secs < 4.0, f"took {secs:.1f} s")


@test(exclusive=True, timeout=60)
def stderr_flood_truncated_ol():
    code = '''
import sys
while True:
    sys.stderr.write("e" * 4095 + "\\n")
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--output", "32", "--wall", "10000", code)
    st = run_stage(res)
    eq((rc, res.get("status")), (EXIT_OL, "OL"), f"(rc, status); {describe(res)}")
    eq(st.get("stderr_truncated"), True, "stderr_truncated")
    check(len(st.get("stderr", "")) <= 32 * 1024, f"stderr kept {len(st.get('stderr', ''))} bytes")
    check(secs < 4.0, f"took {secs:.1f} s")


@test
def fsize_limit():
    code = '''
import os, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
try:
    with open("/tmp/big", "wb") as f:
        for i in range(64):
            f.write(b"z" * 16384); f.flush()
    print("WROTE_ALL", os.path.getsize("/tmp/big"))
except OSError as e:
    print("STOPPED", e.errno, os.path.getsize("/tmp/big"))
'''
    rc, res, err = py(code, "--fsize", "64")
    out = expect_ok(res).split()
    check(out and out[0] == "STOPPED", f"wrote 1 MiB with --fsize 64: {out}")
    eq(out[1], "27", "errno (EFBIG)")
    check(int(out[2]) <= 64 * 1024, f"file grew to {out[2]} bytes with --fsize 64")


@test
def fsize_limit_default_signal():
    # a C program that does not handle SIGXFSZ is killed by it: status SG, signal 25
    code = r'''
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
int main(void) {
    static char buf[65536];
    memset(buf, 'z', sizeof buf);
    int fd = open("big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 2; }
    for (int i = 0; i < 1024; i++)
        if (write(fd, buf, sizeof buf) < 0) { perror("write"); return 3; }
    puts("WROTE_ALL");
    return 0;
}
'''
    rc, res, err = kiln_json("eval", "-l", "c", "--fsize", "128", code)
    st = run_stage(res)
    eq((res.get("status"), st.get("signal"), rc), ("SG", 25, 128 + 25), f"(status, signal, rc); {describe(res)}")
    check("WROTE_ALL" not in st.get("stdout", ""), "the write was not limited")


def _raise_nofile():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@test
def open_files_limited():
    # kiln itself runs with RLIMIT_NOFILE raised to its hard limit: the jail must set its own, lower one
    import resource
    kiln_soft = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if kiln_soft != resource.RLIM_INFINITY and kiln_soft <= 1024:
        skip(f"host hard RLIMIT_NOFILE is {kiln_soft}: cannot tell a jail limit from an inherited one")
    code = '''
import resource
fds = []
try:
    while len(fds) < 200000:
        fds.append(open("/dev/null"))
    print("NOLIMIT", len(fds))
except OSError as e:
    print("EMFILE" if e.errno == 24 else "ERR%d" % e.errno, len(fds), *resource.getrlimit(resource.RLIMIT_NOFILE))
'''
    rc, res, err = kiln_json("eval", "-l", "python", code, preexec_fn=_raise_nofile)
    out = expect_ok(res).split()
    check(out and out[0] == "EMFILE", f"opening files did not stop with EMFILE: {out}")
    n, soft, hard = map(int, out[1:4])
    check(soft < kiln_soft and n < kiln_soft,
          f"open files limit in the jail is {soft}/{hard} (opened {n}), the same as kiln's own "
          f"{kiln_soft}: inherited, not set by the jail")


# =============================================================== processes and signals

@test
def proc_shows_no_host_processes():
    marker = f"77.{int(token(), 16) % 1000000}"
    host = subprocess.Popen(["sleep", marker], stdin=subprocess.DEVNULL)
    try:
        code = f'''
import os
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print(pids)
hits = []
for p in pids:
    try:
        c = open("/proc/%d/cmdline" % p, "rb").read().replace(b"\\0", b" ").decode()
    except OSError:
        continue
    if {marker!r} in c or "run.py" in c or "kiln" in c.split(" ")[0]:
        hits.append((p, c))
print(hits)
'''
        rc, res, err = py(code)
        ls = lines_of(expect_ok(res))
        pids = json.loads(ls[0])
        hits = ls[1]
        check(len(pids) <= 6, f"jail sees {len(pids)} processes in /proc: {pids[:30]}")
        for hp in (os.getpid(), host.pid):
            check(hp not in pids or hp < 10, f"host pid {hp} visible in the jail's /proc")
        eq(hits, "[]", "host processes (the sleep marker, the test runner or kiln) seen through /proc")
    finally:
        host.kill()
        host.wait()


@test
def cannot_signal_supervisor():
    code = '''
import os, signal, sys
kiln_pid = int(sys.stdin.read().strip())
for name, pid in (("init", 1), ("parent", os.getppid()), ("kiln", kiln_pid)):
    if pid <= 0 or pid == os.getpid():
        continue   # kill(0) would signal our own group; pid 1 may be ourselves
    for sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM):
        try:
            os.kill(pid, sig)
            print(name, pid, sig, "SIGNALLED")
        except ProcessLookupError:
            print(name, pid, sig, "ESRCH")
        except PermissionError:
            print(name, pid, sig, "EPERM")
print("DONE")
'''
    p = kiln_popen("eval", "--json", "-l", "python", code, stdin=subprocess.PIPE)
    rc, out, err = finish(p, input=str(p.pid).encode(), timeout=30)
    res = parse_json(rc, out, err)
    ls = lines_of(expect_ok(res))
    eq(ls[-1] if ls else None, "DONE", "the program's last line")
    bad = [l for l in ls[:-1] if not (l.endswith(" ESRCH") or l.endswith(" EPERM"))]
    check(not bad, f"jailed program signalled processes outside its run: {bad}")


@test(exclusive=True)
def kill_all_reachable_processes_run_still_reports():
    # kill(-1, SIGKILL) reaches every process the program may signal: kiln must survive it
    code = '''
import os, signal
try:
    os.kill(-1, signal.SIGKILL)
    print("KILLED_ALL_REACHABLE")
except OSError as e:
    print("KILL_FAILED", e.errno)
'''
    rc, res, err = py(code)
    check(res.get("status") in ("OK", "SG"), f"kiln should report normally: {describe(res)}")
    if res["status"] == "OK":
        eq(rc, 0, "exit code")


@test
def ptrace_denied():
    code = SYSCALL_PRELUDE + '''
# PTRACE_TRACEME = 0, PTRACE_ATTACH = 16
report("traceme", *sc(101, 0, 0, 0, 0))
report("attach_parent", *sc(101, 16, os.getppid(), 0, 0))
pid = os.fork()
if pid == 0:
    import time; time.sleep(5); os._exit(0)
report("attach_child", *sc(101, 16, pid, 0, 0))
os.kill(pid, 9)
'''
    rc, res, err = py(code)
    all_blocked(res, ["traceme", "attach_parent", "attach_child"])


@test
def mount_denied():
    code = '''
mount -t tmpfs x /tmp 2>/dev/null; echo "mount BLOCKED_IF_NONZERO $?"
unshare -Urm sh -c 'mount -t tmpfs x /tmp && echo INNER_MOUNTED' 2>/dev/null; echo "unshare_mount rc $?"
grep -c " /tmp tmpfs" /proc/self/mounts | sed 's/^/tmp_mounts /'
'''
    rc, res, err = kiln_json("eval", "-l", "bash", code)
    out = expect_ok(res)
    ls = lines_of(out)
    check(ls[0].startswith("mount BLOCKED_IF_NONZERO ") and ls[0].split()[-1] != "0",
          f"mount -t tmpfs succeeded: {ls[0]!r}")
    check("INNER_MOUNTED" not in out, f"mount inside a fresh user namespace succeeded: {show(out)}")
    check(ls[-1] in ("tmp_mounts 1", "tmp_mounts 0"), f"an extra /tmp mount appeared: {ls[-1]!r}")


@test
def mount_syscall_denied():
    code = SYSCALL_PRELUDE + '''
src = ctypes.create_string_buffer(b"none"); dst = ctypes.create_string_buffer(b"/tmp")
typ = ctypes.create_string_buffer(b"tmpfs")
r = libc.mount(src, dst, typ, 0, None); e = ctypes.get_errno()
report("mount", r, errno.errorcode.get(e, str(e)))
r = libc.umount2(ctypes.create_string_buffer(b"/tmp"), 2); e = ctypes.get_errno()
report("umount", r, errno.errorcode.get(e, str(e)))
r = libc.chroot(ctypes.create_string_buffer(b"/tmp")); e = ctypes.get_errno()
report("chroot", r, errno.errorcode.get(e, str(e)))
'''
    rc, res, err = py(code)
    all_blocked(res, ["mount", "umount", "chroot"])


@test
def setuid_binaries_give_no_privilege():
    code = '''
echo "uid_before $(id -u)"
out=$(echo wrongpassword | timeout 5 /usr/bin/su root -c 'id -u' 2>&1); echo "su rc $? out ${out//$'\\n'/ }"
out=$(timeout 5 /usr/bin/passwd -S root 2>&1); echo "passwd rc $? out ${out//$'\\n'/ }"
out=$(timeout 5 /usr/bin/mount -t tmpfs x /mnt 2>&1); echo "mount rc $?"
echo "uid_after $(id -u) euid $(id -u) groups $(id -G)"
'''
    rc, res, err = kiln_json("eval", "-l", "bash", code)
    ls = lines_of(expect_ok(res))
    d = {l.split()[0]: l for l in ls}
    for k in ("su", "passwd", "mount"):
        check(k in d, f"no line for {k}: {ls}")
        check(d[k].split()[2] != "0", f"setuid {k} succeeded: {d[k]!r}")
    check("out 0" not in d["su"], f"su ran a command as root: {d['su']!r}")
    uid_before = int(d["uid_before"].split()[1])
    uid_after = int(d["uid_after"].split()[1])
    check(uid_before != 0 and uid_after == uid_before, f"uid before {uid_before}, after {uid_after}")
    check(" 0" not in " " + d["uid_after"].split("groups")[1], f"in group 0: {d['uid_after']!r}")


@test
def setuid_syscalls_fail():
    code = '''
import os
for name, f in (("setuid", lambda: os.setuid(0)), ("seteuid", lambda: os.seteuid(0)),
                ("setgid", lambda: os.setgid(0)), ("setgroups", lambda: os.setgroups([0])),
                ("setresuid", lambda: os.setresuid(0, 0, 0))):
    try:
        f(); print(name, "ALLOWED")
    except OSError as e:
        print(name, "BLOCKED", e.errno)
print("ids", *os.getresuid(), *os.getresgid())
'''
    rc, res, err = py(code)
    got = all_blocked(res, ["setuid", "seteuid", "setgid", "setgroups", "setresuid"])
    ids = [int(x) for x in got["ids"].split()[1:]]
    check(all(i != 0 for i in ids), f"a uid/gid is 0: {ids}")


@test
def uid_is_box_uid():
    code = '''
import os
print(*os.getresuid()); print(*os.getresgid()); print(*sorted(os.getgroups()))
'''
    rc, res, err = py(code)
    ls = lines_of(expect_ok(res)) + [""]
    uids = [int(x) for x in ls[0].split()]
    gids = [int(x) for x in ls[1].split()]
    groups = [int(x) for x in ls[2].split()]
    check(len(set(uids)) == 1 and BOX_UID_MIN <= uids[0] <= BOX_UID_MAX,
          f"real/effective/saved uid {uids}: want one uid in {BOX_UID_MIN}-{BOX_UID_MAX}")
    check(0 not in gids and all(g != 0 for g in groups), f"gids {gids}, groups {groups} include 0")
    check(all(g == gids[0] or g >= BOX_UID_MIN for g in groups),
          f"supplementary groups {groups} carried over (setgroups(0) expected)")


@test
def capabilities_all_zero():
    code = '''
for l in open("/proc/self/status"):
    if l.startswith("Cap"):
        print(l.strip())
'''
    rc, res, err = py(code)
    caps = dict(l.split(":") for l in lines_of(expect_ok(res)))
    caps = {k: int(v.strip(), 16) for k, v in caps.items()}
    for k in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        check(k in caps, f"{k} not in /proc/self/status")
        eq(caps[k], 0, k)


@test
def no_new_privs_and_seccomp_active():
    code = '''
for l in open("/proc/self/status"):
    if l.startswith(("NoNewPrivs", "Seccomp:")):
        print(l.split()[0], l.split()[1])
'''
    rc, res, err = py(code)
    d = dict(l.split() for l in lines_of(expect_ok(res)))
    eq(d.get("NoNewPrivs:"), "1", "NoNewPrivs")
    eq(d.get("Seccomp:"), "2", "Seccomp mode (2 = filter)")


# =============================================================== kernel attack surface

@test
def unshare_and_namespaces_denied():
    code = SYSCALL_PRELUDE + '''
report("unshare_user", *sc(272, 0x10000000))          # CLONE_NEWUSER
report("unshare_user_ns", *sc(272, 0x10000000 | 0x00020000))
report("unshare_net", *sc(272, 0x40000000))           # CLONE_NEWNET
fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
report("setns", *sc(308, fd, 0))
'''
    rc, res, err = py(code)
    all_blocked(res, ["unshare_user", "unshare_user_ns", "unshare_net", "setns"])


@test
def unshare_command_fails():
    rc, res, err = kiln_json("eval", "-l", "bash",
                             "unshare -Ur id -u 2>/dev/null; echo \"rc $?\"")
    out = expect_ok(res)
    check(not out.startswith("0\n"), f"unshare -Ur gave uid 0 in a new user namespace: {show(out)}")
    check(out.strip().startswith("rc ") and out.strip() != "rc 0", f"unshare -Ur succeeded: {show(out)}")


@test
def keyctl_perf_iouring_userfaultfd_denied():
    # each of these succeeds for an unprivileged user on this host without the filter
    code = SYSCALL_PRELUDE + '''
import struct
report("keyctl", *sc(250, 0, -3, 1))                   # KEYCTL_GET_KEYRING_ID(session, create)
report("add_key", *sc(248, ctypes.create_string_buffer(b"user"), ctypes.create_string_buffer(b"k"),
                      ctypes.create_string_buffer(b"v"), 1, -3))
attr = ctypes.create_string_buffer(128)
struct.pack_into("IIQQQQQ", attr, 0, 1, 112, 0, 0, 0, 0, (1 << 5) | (1 << 6))
report("perf_event_open", *sc(298, attr, 0, -1, -1, 0))
report("io_uring_setup", *sc(425, 4, ctypes.create_string_buffer(120)))
report("userfaultfd", *sc(323, 1 | 0o2000000))          # UFFD_USER_MODE_ONLY | O_CLOEXEC
report("personality", *sc(135, 0x0400000 | 0x0040000))  # READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE
attr = ctypes.create_string_buffer(128)
struct.pack_into("IIII", attr, 0, 2, 4, 4, 1)           # BPF_MAP_CREATE array
report("bpf", *sc(321, 0, attr, 128))
'''
    rc, res, err = py(code)
    all_blocked(res, ["keyctl", "add_key", "perf_event_open", "io_uring_setup", "userfaultfd",
                      "personality", "bpf"])


@test
def i386_and_x32_syscalls_denied():
    # non-native system call ABIs: a 32-bit int 0x80 getpid and an x32 getpid must not run
    code = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
static void probe(const char *name, int x32) {
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        long r;
        if (x32)
            r = syscall(0x40000000L | 39);                                      /* x32 getpid */
        else
            __asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");    /* i386 getpid */
        printf("%s RESULT %ld\n", name, r);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("%s child %s %d\n", name, WIFSIGNALED(st) ? "signal" : "exit",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}
int main(void) {
    probe("i386", 0);
    probe("x32", 1);
    return 0;
}
"""
    rc, res, err = kiln_json("eval", "-l", "c", code)
    out = expect_ok(res)
    for name in ("i386", "x32"):
        check(f"{name} child " in out, f"no report for {name}: {show(out)}")
    for l in lines_of(out):
        if " RESULT " in l:
            check(int(l.split()[2]) < 0, f"a non-native system call ran: {l!r}")


# =============================================================== identity and environment

@test
def environment_holds_nothing_of_host():
    secret = "kiln-secret-" + token()
    code = "env"
    rc, res, err = kiln_json("eval", "-l", "bash", code,
                             extra_env={"KILN_TEST_SECRET": secret, "AWS_SECRET_ACCESS_KEY": secret + "-aws",
                                        "LD_LIBRARY_PATH_KILN_TEST": secret})
    out = expect_ok(res)
    check(secret not in out, f"a host variable's value reached the jail: {show(out, 2000)}")
    check("KILN_TEST_SECRET" not in out and "AWS_SECRET" not in out, "host variable names reached the jail")
    env = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    eq(env.get("PATH"), "/usr/local/bin:/usr/bin:/bin", "PATH")
    eq(env.get("HOME"), "/box", "HOME")
    host_path = os.environ.get("PATH", "")
    if host_path and host_path != "/usr/local/bin:/usr/bin:/bin":
        check(host_path not in out, "the host's PATH reached the jail")
    for k in ("SSH_AUTH_SOCK", "SUDO_USER", "PWD_HOST", "OLDPWD"):
        check(k not in env or env[k] in ("", "/box"), f"host variable {k}={env.get(k)} in the jail")
    check(env.get("USER", "") != "root" and env.get("LOGNAME", "") != "root", "USER/LOGNAME is root")


@test
def hostname_differs_from_host():
    host = socket.gethostname()
    rc, res, err = py("import socket, os\nprint(socket.gethostname()); print(os.uname().nodename)\n"
                      "try:\n    print(open('/etc/hostname').read().strip() or '-')\n"
                      "except OSError:\n    print('-')\n")
    ls = lines_of(expect_ok(res))
    check(host not in ls, f"jail hostname / /etc/hostname {ls} shows the host's {host!r}")


@test
def cwd_is_box_and_files_visible_and_writable():
    with tempfile.TemporaryDirectory() as d:
        main, data = tmpdir_files(d, {
            "main.py": '''
import os
print(os.getcwd())
print(sorted(os.listdir(".")))
print(open("data.txt").read().strip())
with open("new.txt", "w") as f:
    f.write("written in box")
print(open("/box/new.txt").read())
os.mkdir("sub"); open("sub/x", "w").write("1"); print(os.listdir("sub"))
with open("/tmp/t", "w") as f:
    f.write("tmp ok")
print(open("/tmp/t").read())
''',
            "data.txt": "input data 123\n",
        })
        rc, res, err = kiln_json("run", main, data)
        ls = lines_of(expect_ok(res))
        eq(ls[0], "/box", "working directory")
        check("main.py" in ls[1] and "data.txt" in ls[1], f"files passed in not visible: {ls[1]}")
        eq(ls[2:], ["input data 123", "written in box", "['x']", "tmp ok"], "file operations")
        check(not os.path.exists(os.path.join(d, "new.txt")), "the jail wrote into the host's source folder")


@test
def c_program_compiled_and_run_in_jail():
    code = r'''
#include <stdio.h>
#include <unistd.h>
int main(void) {
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd)) return 2;
    printf("%s %d %ld\n", cwd, getuid() != 0, (long)sizeof(void *));
    return 0;
}
'''
    rc, res, err = kiln_json("eval", "-l", "c", code)
    eq(expect_ok(res), "/box 1 8\n", "stdout")
    comp = res.get("compile") or {}
    eq(comp.get("status"), "OK", "compile status")
    check(comp.get("wall_ms", 0) > 0, "compile stage has no wall time")


@test
def dev_is_minimal():
    code = '''
import os, stat
for n in sorted(os.listdir("/dev")):
    p = "/dev/" + n
    st = os.lstat(p)
    kind = "chr" if stat.S_ISCHR(st.st_mode) else "blk" if stat.S_ISBLK(st.st_mode) else \\
           "dir" if stat.S_ISDIR(st.st_mode) else "lnk" if stat.S_ISLNK(st.st_mode) else "other"
    print(n, kind)
with open("/dev/null", "w") as f:
    f.write("x")
print("NULL_OK", len(open("/dev/urandom", "rb").read(16)), open("/dev/zero", "rb").read(4) == b"\\0" * 4)
'''
    rc, res, err = py(code)
    ls = lines_of(expect_ok(res))
    eq(ls[-1], "NULL_OK 16 True", "using /dev/null, /dev/urandom, /dev/zero")
    entries = dict(l.split() for l in ls[:-1])
    allowed = {"null", "zero", "random", "urandom", "fd", "stdin", "stdout", "stderr", "shm"}
    extra = sorted(set(entries) - allowed)
    check(not extra, f"unexpected /dev entries: {[(e, entries[e]) for e in extra]}")
    for n in ("null", "zero", "random", "urandom"):
        eq(entries.get(n), "chr", f"/dev/{n} kind")
    check("blk" not in entries.values(), "a block device in /dev")


@test
def dev_nodes_cannot_be_created():
    code = '''
import os, stat
for name, dev in (("mem", os.makedev(1, 1)), ("sda", os.makedev(8, 0))):
    for d in ("/tmp", "/dev/shm", "."):
        try:
            os.mknod(d + "/" + name, 0o666 | (stat.S_IFCHR if name == "mem" else stat.S_IFBLK), dev)
            print(d, name, "ALLOWED")
        except OSError as e:
            print(d, name, "BLOCKED", e.errno)
'''
    rc, res, err = py(code)
    for l in lines_of(expect_ok(res)):
        check(" BLOCKED " in l, f"device node created: {l!r}")


# =============================================================== after the run

@test(exclusive=True, timeout=60)
def daemonised_child_gone_after_run():
    require_clean_host_before()
    marker = f"31.{int(token(), 16) % 1000000}"
    code = f'''
import os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        fd = os.open("/dev/null", os.O_RDWR)
        for i in (0, 1, 2):
            os.dup2(fd, i)
        os.execvp("sleep", ["sleep", "{marker}"])
    os._exit(0)
os.wait()
print("PARENT_DONE")
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--wall", "5000", code)
    eq(expect_ok(res), "PARENT_DONE\n", "stdout")
    left = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        left = processes_matching(f"sleep {marker}")
        if not left:
            break
        time.sleep(0.1)
    for pid, _ in left:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    check(not left, f"the daemonised 'sleep {marker}' survived the run: {left}")
    rest = wait_no_box_processes(2.0)
    check(not rest, f"box-uid processes left on the host: {rest[:5]}")


@test(exclusive=True, timeout=60)
def daemon_holding_stdout_does_not_stall_run():
    # a background child keeps the output pipe open: the run must still end (at the wall limit at the latest)
    require_clean_host_before()
    rc, res, err, secs = kiln_json_timed("eval", "-l", "bash", "--wall", "2000",
                                         "(sleep 60 &) ; echo started")
    check(res.get("status") in ("OK", "TO"), f"status: {describe(res)}")
    check("started" in run_stage(res).get("stdout", ""), "stdout lost")
    check(secs < 2.0 + 1.5, f"run took {secs:.1f} s with --wall 2000")
    left = wait_no_box_processes(3.0)
    check(not left, f"the background sleep survived: {left[:5]}")


@test(exclusive=True, timeout=90)
def concurrent_runs_isolated():
    require_clean_host_before()
    marker = "kiln-concurrent-" + token()
    a_code = '''
import sys, time
open("/tmp/a-secret", "w").write("from run A")
open("a-secret", "w").write("from run A")
print("A_READY", flush=True)
time.sleep(2.5)
print("A_DONE")
'''
    a = kiln_popen("eval", "--json", "-l", "python", "--wall", "10000", a_code, "--", marker)
    try:
        time.sleep(1.0)
        b_code = f'''
import os, signal
seen = []
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) in (os.getpid(), os.getppid(), 1):
        continue
    try:
        c = open("/proc/%s/cmdline" % p, "rb").read()
    except OSError:
        continue
    if {marker!r}.encode() in c:
        seen.append(p)
    try:
        os.kill(int(p), signal.SIGKILL)
    except OSError:
        pass
print("SEEN", seen)
print("TMP", os.path.exists("/tmp/a-secret"), os.path.exists("a-secret"))
'''
        rc, res, err = py(b_code)
        ls = lines_of(expect_ok(res, "run B"))
        eq(ls, ["SEEN []", "TMP False False"], "run B's view of run A")
    finally:
        rc, out, err = finish(a, timeout=30)
    res_a = parse_json(rc, out, err)
    eq(expect_ok(res_a, "run A"), "A_READY\nA_DONE\n", "run A's stdout (it must not have been killed by B)")


@test(exclusive=True, timeout=90)
def concurrent_runs_have_separate_process_limits():
    # run A holds 15 processes under --procs 20; run B, started meanwhile with --procs 20,
    # must still be able to start 10 of its own: one run's processes must not count
    # against another run's limit (e.g. a shared uid under RLIMIT_NPROC).
    require_clean_host_before()
    a_code = '''
import os, time
kids = []
for i in range(15):
    pid = os.fork()
    if pid == 0:
        time.sleep(4); os._exit(0)
    kids.append(pid)
print("A_FORKED", len(kids), flush=True)
for k in kids:
    os.waitpid(k, 0)
print("A_DONE")
'''
    a = kiln_popen("eval", "--json", "-l", "python", "--procs", "20", "--wall", "15000", a_code)
    try:
        time.sleep(1.5)
        b_code = '''
import os, time
n = 0
for i in range(10):
    try:
        pid = os.fork()
    except OSError as e:
        print("B_FORK_FAILED_AT", n, e.errno); break
    if pid == 0:
        time.sleep(0.5); os._exit(0)
    n += 1
else:
    print("B_FORKED", n)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
'''
        rc, res, err = py(b_code, "--procs", "20")
        eq(expect_ok(res, "run B").strip(), "B_FORKED 10",
           "run B forking 10 children under --procs 20 while run A holds 15 processes")
    finally:
        rc, out, err = finish(a, timeout=30)
    res_a = parse_json(rc, out, err)
    eq(expect_ok(res_a, "run A"), "A_FORKED 15\nA_DONE\n", "run A's stdout")


@test
def compile_cannot_include_host_files():
    # the compiler runs in the jail too: it cannot read the host's secrets
    fd, path = tempfile.mkstemp(prefix="kiln-secret-", suffix=".h", dir="/root")
    secret = "int root_secret_" + token() + ";"
    try:
        os.write(fd, secret.encode())
        os.close(fd)
        code = f'#include "{path}"\n#include "/etc/shadow"\nint main(void) {{ return 0; }}\n'
        rc, res, err = kiln_json("eval", "-l", "c", code)
        eq((rc, res.get("status"), res.get("run")), (121, "CE", None),
           f"(rc, status, run) compiling a file that includes host files; {json.dumps(res)[:800]}")
        comp = json.dumps(res.get("compile"))
        check(secret.split()[1].rstrip(";") not in comp, "the host secret reached the compiler output")
        check("No such file" in comp, f"compiler should not find {path}: {comp[:600]}")
    finally:
        os.unlink(path)


@test
def cgroup_files_not_writable():
    # moving itself out of its cgroup or raising its own limits would escape the limits
    code = '''
import os
paths = []
for l in open("/proc/self/cgroup"):
    _, ctrl, p = l.strip().split(":", 2)
    for c in (ctrl.split(",") if ctrl else ["unified"]):
        base = "/sys/fs/cgroup/" + c if ctrl else "/sys/fs/cgroup"
        for f in ("memory.limit_in_bytes", "memory.max", "pids.max", "cgroup.procs"):
            paths.append(base + p + "/" + f)
        paths.append(base + "/cgroup.procs")
        paths.append(base + os.path.dirname(p) + "/cgroup.procs")
for p in sorted(set(paths)):
    try:
        with open(p, "w") as f:
            f.write(str(os.getpid()) if p.endswith("procs") else "max")
        print("WROTE", p)
    except OSError as e:
        pass
print("DONE")
'''
    rc, res, err = py(code)
    eq(expect_ok(res), "DONE\n", "writes to cgroup files from the jail")


@test(exclusive=True, timeout=60)
def tmp_fill_bounded():
    # /tmp is a tmpfs in memory: filling it must hit the run's limits, not the host's memory
    code = '''
import os
n = 0
try:
    with open("/tmp/fill", "wb") as f:
        while n < 512:
            f.write(b"\\x01" * (1 << 20)); f.flush(); n += 1
    print("WROTE_ALL", n)
except OSError as e:
    print("STOPPED", e.errno, n)
'''
    rc, res, err = py(code, "--mem", "64", "--fsize", str(1 << 20), "--wall", "20000")
    st = run_stage(res)
    out = st.get("stdout", "")
    check("WROTE_ALL" not in out, f"wrote 512 MiB into /tmp under --mem 64: {describe(res)}")
    if res.get("status") == "OK":
        n = int(out.split()[-1])
        check(n <= 128, f"/tmp took {n} MiB under --mem 64 before stopping")
    else:
        eq(res.get("status"), "ML", f"status; {describe(res)}")


@test(exclusive=True, timeout=60)
def cpu_limit_counts_child_processes():
    # the CPU time of a forked child counts: a spinning child is stopped by --time, not by --wall
    code = '''
import os
pid = os.fork()
if pid == 0:
    while True:
        pass
os.waitpid(pid, 0)
'''
    rc, res, err, secs = kiln_json_timed("eval", "-l", "python", "--time", "500", "--wall", "6000", code)
    st = run_stage(res)
    eq((rc, res.get("status")), (EXIT_TO, "TO"), f"(rc, status); {describe(res)}")
    check(450 <= st["cpu_ms"] <= 1200, f"cpu_ms {st['cpu_ms']} for --time 500")
    check(secs < 3.0, f"took {secs:.1f} s: the child's CPU time was not counted (stopped by the wall limit?)")
    left = wait_no_box_processes(2.0)
    check(not left, f"processes left on the host: {left[:5]}")


# ------------------------------------------------------------ security events
# Every call the seccomp policy denies reaches the supervisor, which answers
# EPERM and reports it with the run (denied_syscalls).

DENIED_CALLS = r'''
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
print(libc.mount(b"none", b"/box", b"tmpfs", 0, None), ctypes.get_errno())
for _ in range(3):
    print(libc.syscall(250, 0, 0, 0, 0), ctypes.get_errno())   # keyctl
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as e:
    print("socket", e.errno)
'''


def denied(res, stage="run"):
    st = res.get(stage) or {}
    check(isinstance(st.get("denied_syscalls"), list), f"{stage}: no denied_syscalls list: {describe(res)}")
    return {d["syscall"]: d["count"] for d in st["denied_syscalls"]}


@test
def denied_syscalls_reported_warm_and_exec():
    for lang in ("python", "python3"):
        rc, res, err = kiln_json("eval", "-l", lang, DENIED_CALLS)
        out = expect_ok(res, lang)
        eq(lines_of(out), ["-1 1", "-1 1", "-1 1", "-1 1", "socket 1"],
           f"{lang}: each denied call fails with EPERM, as a plain deny would")
        eq(denied(res), {"mount": 1, "keyctl": 3, "socket": 1}, f"{lang}: denied syscalls")


@test
def clean_runs_report_no_denials():
    # the runtimes themselves must not trip the policy: an event means the program tried
    for lang, code in (("python", "print(1)"), ("python3", "print(1)"), ("javascript", "console.log(1)"),
                       ("typescript", "console.log(1 as number)"), ("node", "console.log(1)"),
                       ("bash", "echo 1")):
        rc, res, err = kiln_json("eval", "-l", lang, code)
        eq(expect_ok(res, lang), "1\n", f"{lang} stdout")
        eq(denied(res), {}, f"{lang}: denied syscalls of a clean run")


@test
def denied_syscalls_from_threads_and_children_counted():
    # 200 denials from 4 threads and a forked child: all answered, none lost, no hang
    code = r'''
import ctypes, os, threading
libc = ctypes.CDLL(None, use_errno=True)
def spin(n):
    for _ in range(n):
        libc.syscall(250, 0, 0, 0, 0)
ts = [threading.Thread(target=spin, args=(40,)) for _ in range(4)]
for t in ts: t.start()
pid = os.fork()
if pid == 0:
    spin(40)
    os._exit(0)
for t in ts: t.join()
os.waitpid(pid, 0)
print("done")
'''
    for lang in ("python", "python3"):
        rc, res, err = kiln_json("eval", "-l", lang, code, timeout=60)
        eq(expect_ok(res, lang), "done\n", f"{lang} stdout")
        eq(denied(res), {"keyctl": 200}, f"{lang}: denials from threads and a child")


@test
def program_holds_no_seccomp_listener():
    # whoever holds the filter's listener could answer its own denied calls
    # with "continue": neither the exec'd program nor a warm child may have it
    code = r'''
import os
links = []
for f in os.listdir("/proc/self/fd"):
    try:
        links.append(os.readlink("/proc/self/fd/" + f))
    except OSError:
        pass  # the fd of listdir itself, closed by now
print(len(links) >= 3, [l for l in links if "seccomp" in l])
'''
    for lang in ("python", "python3"):
        rc, res, err = kiln_json("eval", "-l", lang, code)
        eq(expect_ok(res, lang), "True []\n", f"{lang}: seccomp fds held by the program")


@test
def denied_syscalls_in_plain_output():
    rc, out, err = kiln("eval", "-l", "bash", "unshare -r true; echo still here")
    eq((rc, out), (0, b"still here\n"), f"(rc, stdout); stderr={show(err)}")
    check(b"kiln: run: denied syscalls: unshare (1)" in err, f"stderr should name the denial: {show(err)}")
