// attack: chroot out (the classic mkdir-chroot-chdir(..) escape) and TIOCSTI into the terminal
// why: chroot escapes need CAP_SYS_CHROOT; TIOCSTI types commands into a host terminal
//   (CVE-2016-7545, CVE-2017-5226)
// expect: status=OK
// stdout: DONE
// absent: ESCAPED
// absent: INJECTED
// denied: chroot
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
    mkdir("/box/x", 0755);
    if (chroot("/box/x") == 0) {
        for (int i = 0; i < 64; i++) chdir("..");
        if (chroot(".") == 0) puts("ESCAPED");
    }
    char c = 'x';
    for (int fd = 0; fd < 3; fd++)
        if (ioctl(fd, TIOCSTI, &c) == 0) printf("INJECTED %d\n", fd);
    puts("DONE");
    return 0;
}
