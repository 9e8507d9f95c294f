// attack: daemon(3), ignore every catchable signal, then spin for a minute
// why: the run ends when its first process exits; everything it left must be killed then
// expect: status=OK
// stdout: PARENT-DONE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        if (daemon(1, 0) < 0) _exit(1);
        for (int s = 1; s < 32; s++) signal(s, SIG_IGN);
        for (;;) sleep(1);
    }
    usleep(100000);
    puts("PARENT-DONE");
    return 0;
}
