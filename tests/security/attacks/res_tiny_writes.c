// attack: millions of one-byte writes to stdout
// why: per-write overhead in the supervisor's pump (a syscall and a wake-up per byte)
// limits: run_timeout=8000
// expect: status=OL
// stdout: .........
#include <unistd.h>
int main(void)
{
    for (long i = 0; i < 20000000; i++)
        if (write(1, ".", 1) < 0) return 1;
    return 0;
}
