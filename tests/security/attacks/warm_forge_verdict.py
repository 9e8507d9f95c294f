# attack: find the warm child's message socket to the engine among its own fds and send a
#   forged "exited" message claiming the memory limit was hit, then a forged "jail setup
#   failed" message naming a host path
# why: the result's status must come from kiln, not from the program: a forged ML/TO turns
#   kiln's verdict into the program's word, a forged failure makes a 500 "sandbox error"
#   (STYLE 6) and writes the program's text into the server's log
# known-hole: a warm child's message socket (SOCK_SEQPACKET to the supervisor) stays open in
#   the process that runs the program (src/jail/zygote.c, runtime/python.c): it can forge
#   MSG_EXITED verdicts and MSG_FAIL
# expect: status=OK
# stdout: AFTER-FORGE
import os, socket, stat, struct, time
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
time.sleep(0.3)
print("AFTER-FORGE")
