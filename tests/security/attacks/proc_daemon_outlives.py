# attack: double-fork and setsid a daemon that outlives the run and keeps working
# why: a process left behind keeps the slot's uid and cgroup busy and can watch later runs
# expect: status=OK
# stdout: PARENT-DONE
# absent: DAEMON-SPOKE
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.close(1)
        os.close(2)
        for i in range(100):
            time.sleep(0.2)
            try:
                with open("/tmp/daemon-alive", "w") as f:
                    f.write(str(i))
            except OSError:
                pass
        os._exit(0)
    os._exit(0)
time.sleep(0.1)
print("PARENT-DONE")
