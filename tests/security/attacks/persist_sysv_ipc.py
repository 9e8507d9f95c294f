# attack: create SysV shared memory, a message queue and a semaphore set with open
#   permissions; look for them in the next runs
# why: IPC objects live in an IPC namespace, not a file system: one shared by the runs of a
#   warm zygote would carry data from run to run and between users (and leak memory);
#   it was so until sandbox_enter gave every sandboxed process an IPC namespace of its own
# repeat: 3
# expect: status=OK
# stdout: DONE
# absent: FOUND-EARLIER
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = 0x4B494C4E
sid = libc.shmget(KEY, 0, 0)
if sid >= 0:
    p = libc.shmat(sid, None, 0)
    print("FOUND-EARLIER shm", sid, ctypes.string_at(p, 24) if p not in (None, 2**64 - 1) else "")
for name, fn, args in (("msg", libc.msgget, (KEY, 0)), ("sem", libc.semget, (KEY, 0, 0))):
    r = fn(*args)
    if r >= 0:
        print("FOUND-EARLIER", name, r)
try:
    print("ipc listed:", [l.split()[:2] for l in open("/proc/sysvipc/shm").read().splitlines()[1:]])
except OSError:
    pass
sid = libc.shmget(KEY, 4096, 0o1666)
if sid >= 0:
    p = libc.shmat(sid, None, 0)
    ctypes.memmove(p, b"left by an earlier run\0", 23)
libc.msgget(KEY, 0o1666)
libc.semget(KEY, 1, 0o1666)
print("created shm", sid, "errno", ctypes.get_errno())
print("DONE")
