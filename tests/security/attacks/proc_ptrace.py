# attack: ptrace the zygote (the warm child's parent) and read its memory with process_vm_readv
# why: the zygote forks every later run of the language; controlling it controls them all
# setup: peer_run
# expect: status=OK
# stdout: DONE
# absent: ATTACHED
# absent: READ-MEMORY
# denied: ptrace
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
pp = os.getppid()
r = libc.ptrace(16, pp, None, None)  # PTRACE_ATTACH
print("ATTACHED" if r == 0 else "attach refused", pp, ctypes.get_errno())
buf = ctypes.create_string_buffer(64)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
local = iovec(ctypes.cast(buf, ctypes.c_void_p), 64)
remote = iovec(0x400000, 64)
r = libc.process_vm_readv(pp, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
print("READ-MEMORY" if r > 0 else "readv refused", ctypes.get_errno())
for path in (f"/proc/{pp}/mem", f"/proc/{pp}/maps", "/proc/1/mem"):
    try:
        print("READ-MEMORY", path, open(path, "rb").read(32))
    except OSError as e:
        print("refused", path, e.errno)
print("DONE")
