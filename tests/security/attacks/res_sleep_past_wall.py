# attack: time.sleep past the wall limit with SIGALRM and SIGTERM ignored
# why: the supervisor's kill must not depend on signals the program can block
# limits: run_timeout=800
# expect: status=TO
# stdout: SLEEPING
# absent: WOKE-UP
import signal, time
for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGXCPU):
    signal.signal(s, signal.SIG_IGN)
print("SLEEPING", flush=True)
time.sleep(60)
print("WOKE-UP")
