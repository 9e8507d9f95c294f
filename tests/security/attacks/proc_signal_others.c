// attack: kill(-1, SIGKILL) and kill of the server's host pid, the parent and pid 1
// why: the same from C: no process outside the run may be reachable
// expect: status=OK
// stdout: DONE
// absent: KILLED-OTHER
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    pid_t targets[] = { getppid(), 1, @SERVER_PID@ };
    for (int i = 0; i < 3; i++) {
        if (targets[i] <= 0 || targets[i] == getpid()) continue;
        if (kill(targets[i], SIGKILL) == 0) printf("KILLED-OTHER %d\n", targets[i]);
        else printf("refused %d %s\n", targets[i], strerror(errno));
    }
    signal(SIGTERM, SIG_IGN);
    printf("kill(-1) %d\n", kill(-1, SIGTERM));
    puts("DONE");
    return 0;
}
