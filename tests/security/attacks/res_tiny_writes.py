# attack: 3 million unbuffered one-byte writes to stderr, below the output limit in total
#   at first, then past it
# why: the run must end (OL) without making the server spin a CPU per byte
# limits: run_timeout=8000
# expect: status=OL
# stderr: ,,,,,,,,
import os
for i in range(3000000):
    os.write(2, b",")
