// attack: a 32-bit system call through int $0x80 (setuid32 and getpid)
// why: the i386 entry has its own syscall table; a filter written for x86_64 numbers would
//   not see it (the classic seccomp bypass)
// expect: status=SG signal=SIGSYS
// stdout: TRYING
// absent: INT80-RETURNED
#include <stdio.h>
int main(void)
{
    puts("TRYING");
    fflush(stdout);
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); /* i386 getpid */
    printf("INT80-RETURNED %ld\n", r);
    return 0;
}
