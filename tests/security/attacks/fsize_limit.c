// attack: write one file past the file-size limit (1 MiB here) with SIGXFSZ ignored
// why: RLIMIT_FSIZE bounds files on any file system the run can write
// expect: status=OK
// stdout: EFBIG
// absent: PAST-LIMIT
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
int main(void)
{
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("/box/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static char buf[65536];
    long total = 0;
    for (int i = 0; i < 64; i++) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0) {
            printf("%s after %ld bytes\n", errno == EFBIG ? "EFBIG" : strerror(errno), total);
            return 0;
        }
        total += n;
    }
    printf("PAST-LIMIT %ld\n", total);
    return 0;
}
