// attack: malloc and touch memory without end, in several processes (64 MiB limit here)
// why: the memory limit covers all the run's processes together, not each one
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: ALLOCATING
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    puts("ALLOCATING");
    fflush(stdout);
    fork();
    fork();
    for (;;) {
        char *p = malloc(1 << 20);
        if (p) memset(p, 1, 1 << 20);
    }
}
