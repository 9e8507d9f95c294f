// attack: SysV shared memory from C: look for a segment an earlier run left, leave one
// why: exec runs get a fresh IPC namespace per run; nothing may carry over between them
// repeat: 2
// expect: status=OK
// stdout: DONE
// absent: FOUND-EARLIER
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
int main(void)
{
    int id = shmget(0x4B494C43, 0, 0);
    if (id >= 0) {
        char *p = shmat(id, NULL, 0);
        printf("FOUND-EARLIER %d %.20s\n", id, p == (void *)-1 ? "" : p);
    }
    for (int i = 0; i < 64; i++) { /* segments by id, whatever their key */
        struct shmid_ds ds;
        if (shmctl(i, IPC_STAT, &ds) == 0) printf("FOUND-EARLIER id %d\n", i);
    }
    id = shmget(0x4B494C43, 4096, IPC_CREAT | 0666);
    if (id >= 0) {
        char *p = shmat(id, NULL, 0);
        if (p != (void *)-1) strcpy(p, "left by an earlier run");
    }
    printf("created %d\nDONE\n", id);
    return 0;
}
