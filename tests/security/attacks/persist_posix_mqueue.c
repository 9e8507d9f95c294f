// attack: create a POSIX message queue and a POSIX semaphore for a later run
// why: mqueues live in the IPC namespace like SysV objects; RLIMIT_MSGQUEUE is 0 in the jail
// repeat: 2
// expect: status=OK
// stdout: DONE
// absent: FOUND-EARLIER
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
int main(void)
{
    mqd_t q = mq_open("/kiln-persist", O_RDONLY);
    if (q != (mqd_t)-1) puts("FOUND-EARLIER mqueue");
    sem_t *s = sem_open("/kiln-persist-sem", 0);
    if (s != SEM_FAILED) puts("FOUND-EARLIER semaphore");
    struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 16 };
    q = mq_open("/kiln-persist", O_CREAT | O_RDWR, 0666, &a);
    printf("mq_open %s\n", q == (mqd_t)-1 ? "refused" : "created");
    s = sem_open("/kiln-persist-sem", O_CREAT, 0666, 1);
    printf("sem_open %s\n", s == SEM_FAILED ? "refused" : "created");
    puts("DONE");
    return 0;
}
