// attack: an x32 system call (bit 30 set in the number: getuid)
// why: x32 numbers reach the same kernel functions under other numbers than a filter checks
// expect: status=SG signal=SIGSYS
// stdout: TRYING
// absent: X32-RETURNED
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void)
{
    puts("TRYING");
    fflush(stdout);
    long r = syscall(0x40000000L | SYS_getuid);
    printf("X32-RETURNED %ld\n", r);
    return 0;
}
