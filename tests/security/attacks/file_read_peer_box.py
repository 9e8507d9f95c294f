# attack: find the files of a run in flight beside this one (its /box, /tmp, /dev/shm,
#   its working directory through /proc, its abstract socket, its argv)
# why: other users' code and data (Judge0 and Piston shared boxes between runs)
# setup: peer_run
# expect: status=OK
# stdout: SEARCHED
# absent: FOUND
import os, glob
for path in ["/box/peer-secret", "/tmp/peer-secret", "/var/tmp/peer-secret", "/dev/shm/peer-secret"] + \
        glob.glob("/proc/*/cwd/peer-secret") + glob.glob("/proc/*/root/box/peer-secret"):
    try:
        print("FOUND", path, open(path).read())
    except OSError:
        pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            print("FOUND argv", pid, open(f"/proc/{pid}/cmdline", "rb").read())
        except OSError:
            pass
try:
    print("unix sockets:", [l.split()[-1] for l in open("/proc/net/unix").read().splitlines()[1:]
                            if "peer-" in l] or "none")
except OSError as e:
    print("unix sockets: unreadable", e.errno)
print("SEARCHED")
