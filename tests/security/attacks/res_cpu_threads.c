// attack: spin on every core with threads and forked children at once
// why: CPU time must be counted over all the run's processes and threads (the cgroup's)
// limits: run_cpu_time=600 run_timeout=3000
// expect: status=TO
// stdout: SPINNING
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void *spin(void *a) { (void)a; for (;;) ; return NULL; }
int main(void)
{
    puts("SPINNING");
    fflush(stdout);
    fork();
    pthread_t t;
    for (int i = 0; i < 3; i++) pthread_create(&t, NULL, spin, NULL);
    spin(NULL);
    return 0;
}
