# attack: open files and sockets until refused (64 descriptors here)
# why: fd exhaustion of the host's file table
# expect: status=OK
# stdout: FD-LIMITED
# absent: UNLIMITED
import os, socket
fds = []
try:
    for i in range(100000):
        fds.append(os.open("/dev/null", os.O_RDONLY) if i % 2 else socket.socketpair()[0].detach())
    print("UNLIMITED", len(fds))
except OSError as e:
    print("FD-LIMITED after", len(fds), e.errno)
