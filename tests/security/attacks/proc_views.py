# attack: list /proc and read the status, maps, fds and environment of every process shown,
#   while another python run of the same zygote (same pid namespace) is in flight
# why: /proc of the host or of the zygote reveals other runs, their arguments and memory
# setup: peer_run
# expect: status=OK
# stdout: ONLY-OWN
# absent: OTHER-VISIBLE
import os
me = os.getpid()
own, other = [], []
for pid in (p for p in os.listdir("/proc") if p.isdigit()):
    try:
        uid = int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("Uid:")).split()[1])
    except (OSError, StopIteration):
        continue
    (own if uid == os.getuid() else other).append(pid)
print("own", own)
if other:
    print("OTHER-VISIBLE", other)
    for pid in other:
        for f in ("cmdline", "environ", "maps"):
            try:
                print(pid, f, open(f"/proc/{pid}/{f}", "rb").read(120))
            except OSError as e:
                print(pid, f, "refused", e.errno)
else:
    print("ONLY-OWN")
