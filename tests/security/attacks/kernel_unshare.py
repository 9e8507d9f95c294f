# attack: unshare a user namespace (then mount, ...) and every other namespace kind
# why: an unprivileged user namespace gives every capability inside it and opens most of
#   the kernel's privilege-escalation bugs (CVE-2022-0185, CVE-2023-0386, ...)
# expect: status=OK
# stdout: DONE
# absent: UNSHARED
# denied: unshare
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
flags = {"user": 0x10000000, "mount": 0x20000, "net": 0x40000000, "pid": 0x20000000,
         "ipc": 0x8000000, "uts": 0x4000000, "cgroup": 0x2000000, "time": 0x80}
for name, f in flags.items():
    r = libc.unshare(f)
    print(name, "UNSHARED" if r == 0 else "refused", ctypes.get_errno())
print("DONE")
