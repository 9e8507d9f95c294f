// attack: call a denied syscall (mount) in a tight loop until the CPU limit stops the run
// why: every denial is a round trip to the supervisor (SECCOMP_RET_USER_NOTIF), which runs in
//   the server and is charged to it, not to the run: without a bound, a run makes the host
//   spend more CPU than its own limit (an amplified denial of service)
// known-hole: the supervisor answers every denial without limit; 1 s of the run's CPU costs the
//   server about 1.5 s of its own (100000+ denials reported); a bound (end the run after N
//   denials, or answer repeats in the filter) belongs in src/jail/supervise.c
// limits: run_cpu_time=1000 run_timeout=3000
// server-cpu-ms: 500
// expect: status=TO
// stdout: DENIED-10000
// denied: mount
#include <stdio.h>
#include <sys/mount.h>
int main(void)
{
    for (long n = 1;; n++) {
        mount("none", "/box", "tmpfs", 0, NULL);
        if (n == 10000) {
            puts("DENIED-10000");
            fflush(stdout);
        }
    }
}
