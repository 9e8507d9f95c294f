# attack: take a real-time scheduling class (SCHED_FIFO, SCHED_RR), a negative nice value and
#   the real-time I/O class, then spin
# why: a real-time spinning thread starves every normal process on its core (the supervisor and
#   the server included) for as long as it runs
# expect: status=OK
# stdout: DONE
# absent: ALLOWED
import ctypes, os
for name, pol in (("fifo", os.SCHED_FIFO), ("rr", os.SCHED_RR)):
    try:
        os.sched_setscheduler(0, pol, os.sched_param(50))
        print(name, "ALLOWED")
    except OSError as e:
        print(name, "refused", e.errno)
try:
    os.setpriority(os.PRIO_PROCESS, 0, -20)
    print("nice ALLOWED")
except OSError as e:
    print("nice refused", e.errno)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(251, 1, 0, (1 << 13) | 0)  # ioprio_set(IOPRIO_WHO_PROCESS, self, RT class 0)
print("ioprio", "ALLOWED" if r == 0 else "refused", ctypes.get_errno())
print("DONE")
