# attack: signal the parent (the zygote or keeper), pid 1, every pid up to 4096 and -1, while
#   another python run of the same zygote is in flight (it must end OK all the same)
# why: killing the zygote, the keeper or the server from a run is a denial of service on
#   everyone; a uid per slot and a pid namespace must make them unreachable
# setup: peer_run
# expect: status=OK
# stdout: DONE
# absent: KILLED-OTHER
import os, signal
me, parent = os.getpid(), os.getppid()
for target in [parent, 1, @SERVER_PID@]:
    if target <= 0 or target == me:
        continue
    try:
        os.kill(target, signal.SIGKILL)
        print("KILLED-OTHER", target)
    except OSError as e:
        print("refused", target, e.errno)
hit = []
for pid in range(2, 4096):
    if pid != me:
        try:
            os.kill(pid, 0)
            hit.append(pid)
        except OSError:
            pass
print("signalable pids:", hit)
for pid in hit:
    try:
        os.kill(pid, signal.SIGKILL)
        print("KILLED-OTHER", pid)
    except OSError:
        pass
try:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.kill(-1, signal.SIGTERM)
except OSError as e:
    print("kill -1", e.errno)
print("DONE")
