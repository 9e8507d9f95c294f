// attack: mount a tmpfs, remount /usr read-write, bind / somewhere, umount /proc, the new
//   mount API (fsopen) and pivot_root
// why: a mount in the jail uncovers or changes the host's files
// expect: status=OK
// stdout: DONE
// absent: MOUNTED
// denied: mount umount2 fsopen pivot_root
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    if (mount("none", "/box", "tmpfs", 0, NULL) == 0) puts("MOUNTED tmpfs");
    if (mount(NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL) == 0) puts("MOUNTED remount /usr rw");
    if (mount("/", "/box", NULL, MS_BIND | MS_REC, NULL) == 0) puts("MOUNTED bind /");
    if (umount2("/proc", MNT_DETACH) == 0) puts("MOUNTED umount /proc");
    if (syscall(SYS_fsopen, "tmpfs", 0) >= 0) puts("MOUNTED fsopen");
    if (syscall(SYS_pivot_root, "/box", "/box") == 0) puts("MOUNTED pivot_root");
    printf("last: %s\nDONE\n", strerror(errno));
    return 0;
}
