# attack: find the warm child's message socket to the engine among its own fds and send a
#   forged "exited" message claiming the memory limit was hit, then go on running
# why: the result's status must come from kiln, not from the program: a forged ML/TO would
#   turn kiln's verdict into the program's word. The program can reach the socket (it runs in
#   the process that holds it), so what it sends there after kiln's STARTED is taken only as
#   a claim that it has ended: the run ends there, as if it had exited, its processes are
#   killed, and the verdict is ignored (only V8, whose programs cannot reach the fd, has
#   verdicts to tell)
# expect: status=OK code=0
# stdout: BEFORE-FORGE
# absent: AFTER-FORGE
import os, socket, stat, struct, time
print("BEFORE-FORGE", flush=True)
for fd in range(3, 64):
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            continue
    except OSError:
        continue
    s = socket.socket(fileno=fd)
    try:
        s.send(struct.pack("<II", 3, 16) + struct.pack("<iIq", 0, 1, 5))  # MSG_EXITED, MEMORY
    except OSError as e:
        print("send refused", e.errno)
    s.detach()
time.sleep(0.5)
print("AFTER-FORGE")
