// attack: io_uring_setup, then (if it worked) submit reads that no syscall filter sees
// why: io_uring performs I/O without syscalls a filter can check, and has a long CVE list
//   (Google disabled it on ChromeOS and its servers)
// expect: status=OK
// stdout: DONE
// absent: URING-ALLOWED
// denied: io_uring_setup
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(SYS_io_uring_setup, 8, &p);
    if (fd >= 0) printf("URING-ALLOWED %ld\n", fd);
    if (syscall(SYS_io_uring_enter, 3, 0, 0, 0, NULL, 0) == 0) puts("URING-ALLOWED enter");
    puts("DONE");
    return 0;
}
