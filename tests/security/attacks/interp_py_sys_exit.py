# attack: sys.exit(7) from a finally block, with an atexit handler that prints
# why: a warm child's exit must be the program's own, its atexit output kept
# expect: status=RE code=7
# stdout: ATEXIT-RAN
import atexit, sys
atexit.register(lambda: print("ATEXIT-RAN"))
try:
    raise ValueError("x")
finally:
    sys.exit(7)
