// attack: call a denied syscall (mount) in a tight loop
// why: every denial is a round trip to the supervisor (SECCOMP_RET_USER_NOTIF), which runs in
//   the server and is charged to it, not to the run: without a bound, a run makes the host
//   spend more CPU than its own limit (an amplified denial of service); so the supervisor
//   answers at most 10000 denials for a run, then kills it (SG, as a plain seccomp kill
//   would have at the first)
// limits: run_cpu_time=1000 run_timeout=3000
// server-cpu-ms: 500
// expect: status=SG
// stdout: DENIED-1000
// denied: mount
#include <stdio.h>
#include <sys/mount.h>
int main(void)
{
    for (long n = 1;; n++) {
        mount("none", "/box", "tmpfs", 0, NULL);
        if (n == 1000) {
            puts("DENIED-1000");
            fflush(stdout);
        }
    }
}
