# attack: a fork bomb from warm python: every child forks again
# why: a warm child is one process of the zygote's tree; its descendants must count
#   against the run's own process limit and die with it
# expect: status=OK
# stdout: FORK-LIMITED
# absent: UNLIMITED
import os, time
made = 0
for i in range(5000):
    try:
        pid = os.fork()
    except OSError as e:
        print("FORK-LIMITED after", made, e.errno, flush=True)
        raise SystemExit(0)
    if pid == 0:
        try:
            os.fork()
        except OSError:
            pass
        time.sleep(60)
        os._exit(0)
    made += 1
print("UNLIMITED", made)
