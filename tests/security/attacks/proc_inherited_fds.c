// attack: look for file descriptors inherited from the keeper or the server beyond 0, 1, 2:
//   the keeper's message channel, the seccomp listener, the error pipe, the server's sockets
// why: an inherited fd is a capability: the listener lets denied calls through, the channel
//   forges results, a server socket answers clients (runc CVE-2024-21626 leaked a host fd)
// expect: status=OK
// stdout: ONLY-STDIO
// absent: EXTRA-FD
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    char path[64], target[256];
    int extra = 0;
    for (int fd = 3; fd < 1024; fd++) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) continue;
        target[n] = 0;
        printf("EXTRA-FD %d -> %s\n", fd, target);
        extra++;
    }
    for (int fd = 0; fd < 3; fd++) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        printf("fd %d -> %s\n", fd, target);
    }
    if (!extra) puts("ONLY-STDIO");
    return 0;
}
