// attack: fork until the kernel refuses, every child sleeping forever
// why: a fork bomb exhausts the host's pid space for every other tenant
// expect: status=OK
// stdout: FORK-LIMITED
// absent: UNLIMITED
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    int n = 0;
    for (; n < 100000; n++) {
        pid_t p = fork();
        if (p == 0) { for (;;) pause(); }
        if (p < 0) {
            printf("FORK-LIMITED after %d children: %s\n", n, strerror(errno));
            fflush(stdout);
            return 0;
        }
    }
    printf("UNLIMITED %d\n", n);
    return 0;
}
