# attack: read /proc/1/environ and every other process's environment and cmdline
# why: the server's environment holds its secrets (KILN_SECURITY_SECRET here); CVE-2019-5736-style
#   escapes start from a host process visible in /proc
# expect: status=OK
# stdout: environ-1 BLOCKED
# absent: ALLOWED
# absent: KILN_SECURITY_SECRET
import os
try:
    data = open("/proc/1/environ", "rb").read()
    print("environ-1", "ALLOWED" if data else "BLOCKED-EMPTY", data[:300])
except OSError as e:
    print("environ-1 BLOCKED", e.errno)
me = os.getpid()
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != me:
        for f in ("environ", "cmdline"):
            try:
                d = open(f"/proc/{pid}/{f}", "rb").read()
                if d and f == "environ":
                    print("ALLOWED", pid, f, d[:200])
                elif d:
                    print("visible", pid, f, d[:100])
            except OSError:
                pass
print(sorted(k for k in os.environ))
