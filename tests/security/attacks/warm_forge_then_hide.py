# attack: send garbage on the warm child's socket to the engine (which then stops reading
#   it), close stdout and stderr, and spin
# why: with every channel to the supervisor closed, the run must still be held to its CPU
#   limit and end as TO, not slip out of supervision (a slot lost, an XX "sandbox failure"
#   the program chose): the zygote's report of the exit is what ends a warm run
# limits: run_cpu_time=1000 run_timeout=3000
# expect: status=TO
import os, socket, stat
for fd in range(3, 64):
    try:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            s = socket.socket(fileno=fd)
            s.send(b"\x07garbage")
            s.detach()
    except OSError:
        pass
os.close(1)
os.close(2)
while True:
    pass
