# attack: fork a child that sleeps, then os._exit(0) from the warm child itself
# why: the run ends when its first process exits; everything left must be killed at once and
#   the run reported OK, not held until the wall limit (a slot blocked for the whole limit)
# limits: run_timeout=1500
# expect: status=OK
# stdout: PARENT-DONE
import os, time
if os.fork() == 0:
    time.sleep(60)
    os._exit(0)
print("PARENT-DONE", flush=True)
os._exit(0)
