# attack: send a forged "jail setup failed" message (MSG_FAIL naming a host path) and a
#   malformed datagram on every socket among the warm child's fds, then finish normally
# why: a run must not be able to declare the sandbox broken (a 500 sandbox_error, the
#   program's text in the server's log, a lower success rate: STYLE 6). After kiln's
#   STARTED, anything but an exit on that socket is ignored and the socket is read no
#   more; the zygote's report of the exit ends the run
# expect: status=OK code=0
# stdout: AFTER-FORGE
# absent: forged-by-the-program
import os, socket, stat, struct
what = b"mount /forged-by-the-program".ljust(160, b"\0")
for fd in range(3, 64):
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            continue
    except OSError:
        continue
    s = socket.socket(fileno=fd)
    try:
        s.send(struct.pack("<II", 4, 164) + struct.pack("<i", 13) + what)  # MSG_FAIL, EACCES
        s.send(b"\x07garbage")
    except OSError as e:
        print("send refused", e.errno)
    s.detach()
print("AFTER-FORGE")
