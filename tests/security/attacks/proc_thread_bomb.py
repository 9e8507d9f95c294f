# attack: a thread bomb in warm python
# why: threads of a warm child must hit the run's process limit, not the zygote's
# expect: status=OK
# stdout: THREADS-LIMITED
# absent: UNLIMITED
import os, threading, time
n = 0
try:
    for n in range(100000):
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    print("UNLIMITED", n)
except RuntimeError as e:
    print("THREADS-LIMITED after", n, e, flush=True)
os._exit(0)
