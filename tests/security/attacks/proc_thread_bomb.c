// attack: create threads until refused (pids.max counts threads too)
// why: a thread bomb is a fork bomb that RLIMIT_NPROC per process would not see
// expect: status=OK
// stdout: THREADS-LIMITED
// absent: UNLIMITED
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void *sleeper(void *a) { (void)a; for (;;) pause(); return NULL; }
int main(void)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 65536);
    for (int n = 0; n < 100000; n++) {
        pthread_t t;
        int e = pthread_create(&t, &at, sleeper, NULL);
        if (e) {
            printf("THREADS-LIMITED after %d: %s\n", n, strerror(e));
            fflush(stdout);
            _exit(0);
        }
    }
    puts("UNLIMITED");
    return 0;
}
