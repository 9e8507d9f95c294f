# attack: os.kill(os.getppid(), 9), then kill the own process group and session
# why: the warm child's parent is the zygote; killing it would stop every python run
# expect: status=SG signal=SIGKILL
# stdout: PARENT-ALIVE
# absent: PARENT-KILLED
import os, signal
pp = os.getppid()
try:
    if pp > 1:
        os.kill(pp, 9)
        print("PARENT-KILLED", pp, flush=True)
    else:
        print("PARENT-ALIVE (not visible)", pp, flush=True)
except OSError as e:
    print("PARENT-ALIVE", pp, e.errno, flush=True)
os.killpg(0, signal.SIGKILL)
