// attack: leave FIFOs, a unix socket and a device-like name in /box and /tmp, open for
//   writing with no reader, then exit
// why: a host that opens or copies box files after the run would block on a FIFO forever
//   (a stuck worker per request: a denial of service on the service)
// expect: status=OK
// stdout: MADE
// absent: MKNOD-ALLOWED
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
int main(void)
{
    const char *fifos[] = { "/box/main", "/box/fifo", "/tmp/fifo", "/box/output.txt" };
    for (int i = 0; i < 4; i++) {
        unlink(fifos[i]);
        if (mkfifo(fifos[i], 0666) < 0) perror("mkfifo");
        open(fifos[i], O_RDWR | O_NONBLOCK); /* keep one end open until exit */
    }
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "/box/sock");
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 1);
    if (mknod("/box/null2", S_IFCHR | 0666, makedev(1, 3)) == 0) puts("MKNOD-ALLOWED");
    puts("MADE");
    return 0;
}
