// attack: raise the core limit, mark the process dumpable, then crash with SIGSEGV
// why: a core dump writes memory to the disk (or to a host helper when core_pattern is a pipe)
// expect: status=SG signal=SIGSEGV
// stdout: CORE-LIMIT-0
// absent: CORE-RAISED
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
int main(void)
{
    struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
    if (setrlimit(RLIMIT_CORE, &r) == 0) puts("CORE-RAISED");
    getrlimit(RLIMIT_CORE, &r);
    if (r.rlim_max == 0) puts("CORE-LIMIT-0");
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    fflush(stdout);
    volatile int *p = (int *)8;
    return *p;
}
