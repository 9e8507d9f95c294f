// attack: ptrace the parent and pid 1 (PTRACE_ATTACH, PTRACE_SEIZE), and PTRACE_TRACEME
// why: ptrace of another process is code execution in it (CVE-2019-13272 and others)
// expect: status=OK
// stdout: DONE
// absent: ATTACHED
// denied: ptrace
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void)
{
    pid_t t[] = { getppid(), 1 };
    for (int i = 0; i < 2; i++) {
        if (ptrace(PTRACE_ATTACH, t[i], 0, 0) == 0) printf("ATTACHED %d\n", t[i]);
        else printf("attach %d %s\n", t[i], strerror(errno));
        if (ptrace(PTRACE_SEIZE, t[i], 0, 0) == 0) printf("ATTACHED seize %d\n", t[i]);
    }
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0) printf("ATTACHED traceme\n");
    puts("DONE");
    return 0;
}
