# attack: cancel any alarm, ignore SIGXCPU and SIGTERM, then loop
# why: a limit the program can switch off is no limit; the CPU limit must come from outside
# limits: run_cpu_time=500 run_timeout=3000
# expect: status=TO
# stdout: LOOPING
import signal
signal.alarm(0)
for s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF):
    signal.signal(s, signal.SIG_IGN)
signal.setitimer(signal.ITIMER_REAL, 0)
print("LOOPING", flush=True)
while True:
    pass
