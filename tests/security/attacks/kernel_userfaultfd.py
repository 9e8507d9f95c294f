# attack: userfaultfd(2), used by exploits to stall a kernel thread inside a copy
# why: it turns a race window of nanoseconds into one of minutes (CVE-2016-5195 exploits)
# expect: status=OK
# stdout: DONE
# absent: UFFD-ALLOWED
# denied: userfaultfd
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(323, 0o2000000 | 0o4000)  # userfaultfd(O_CLOEXEC | O_NONBLOCK)
print("UFFD-ALLOWED" if r >= 0 else "refused", r, ctypes.get_errno())
try:
    os.open("/dev/userfaultfd", os.O_RDWR)
    print("UFFD-ALLOWED /dev/userfaultfd")
except OSError as e:
    print("no /dev/userfaultfd", e.errno)
print("DONE")
