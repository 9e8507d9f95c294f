// attack: open /proc/PID/ns/* of the parent and pid 1 and setns into them
// why: joining the host's (or the zygote's) namespaces undoes the jail
// expect: status=OK
// stdout: DONE
// absent: JOINED
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    const char *ns[] = { "mnt", "net", "pid", "ipc", "uts", "user", "cgroup" };
    char path[64];
    int pids[] = { 1, getppid(), getpid() };
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < 7; i++) {
            snprintf(path, sizeof path, "/proc/%d/ns/%s", pids[p], ns[i]);
            int fd = open(path, O_RDONLY);
            if (fd >= 0 && setns(fd, 0) == 0) printf("JOINED %s\n", path);
            if (fd >= 0) close(fd);
        }
    int self = open("/proc/self/ns/net", O_RDONLY);
    if (self >= 0 && setns(self, CLONE_NEWNET) == 0) puts("JOINED own net");
    puts("DONE");
    return 0;
}
