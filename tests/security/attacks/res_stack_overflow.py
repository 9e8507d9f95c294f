# attack: C-level recursion (repr of a list nested a million deep) with the recursion limit
#   raised to a million, on a thread with a 256 KiB stack
# why: raising the limit turns Python's RecursionError into a C stack overflow: the warm child
#   must die of SIGSEGV alone, the zygote untouched (SIGSEGV reset to its default action, so
#   that under ASan, build/san/kiln, the kernel's signal ends it as in the normal build)
# expect: status=SG signal=SIGSEGV
# stdout: RECURSING
import signal, sys, threading
signal.signal(signal.SIGSEGV, signal.SIG_DFL)
sys.setrecursionlimit(10 ** 6)
threading.stack_size(256 << 10)
nested = []
for _ in range(10 ** 6):
    nested = [nested]
print("RECURSING", flush=True)
t = threading.Thread(target=repr, args=(nested,))
t.start()
t.join()
print("SURVIVED")
