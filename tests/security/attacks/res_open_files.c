// attack: raise RLIMIT_NOFILE, then open /dev/null until refused; pass fds between children
// why: the hard limit must be fixed; fds in flight over unix sockets count too (CVE-2013-4312)
// expect: status=OK
// stdout: FD-LIMITED
// absent: RAISED
// absent: UNLIMITED
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
int main(void)
{
    struct rlimit r = { 1 << 20, 1 << 20 };
    if (setrlimit(RLIMIT_NOFILE, &r) == 0) puts("RAISED");
    int n = 0;
    for (; n < 1 << 20; n++)
        if (open("/dev/null", O_RDONLY) < 0) {
            printf("FD-LIMITED after %d: %s\n", n, strerror(errno));
            return 0;
        }
    printf("UNLIMITED %d\n", n);
    return 0;
}
