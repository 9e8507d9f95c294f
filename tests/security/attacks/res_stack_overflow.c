// attack: unbounded recursion with large frames on the main thread (stack limit lowered to
//   8 MiB by the program itself, as a default Linux has it)
// why: a stack overflow must end as a signal of the run (SIGSEGV), nothing else
// expect: status=SG signal=SIGSEGV
// stdout: RECURSING
#include <stdio.h>
#include <sys/resource.h>
static int deep(int n)
{
    volatile char frame[4096];
    frame[0] = (char)n;
    return deep(n + 1) + frame[0];
}
int main(void)
{
    struct rlimit r = { 8 << 20, 8 << 20 };
    setrlimit(RLIMIT_STACK, &r);
    puts("RECURSING");
    fflush(stdout);
    return deep(0);
}
