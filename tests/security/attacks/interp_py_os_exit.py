# attack: os._exit(9) with output still in Python's buffer
# why: skipping the interpreter's shutdown must not take the zygote's state with it
# expect: status=RE code=9
# stdout: FLUSHED
import os, sys
print("FLUSHED", flush=True)
sys.stdout.write("LOST-IN-BUFFER")
os._exit(9)
