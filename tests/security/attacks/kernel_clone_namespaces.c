// attack: raw clone(2) with CLONE_NEWUSER and CLONE_NEWNS, and clone3 (whose flags a
//   seccomp filter cannot read) with CLONE_NEWUSER
// why: clone is the other door to new namespaces beside unshare
// expect: status=OK
// stdout: clone3 ENOSYS
// stdout: DONE
// absent: CLONED
// denied: clone
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    if (r > 0) { printf("CLONED user %ld\n", r); waitpid((pid_t)r, NULL, 0); }
    r = syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    if (r > 0) printf("CLONED ns %ld\n", r);
    struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
    r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r == 0) _exit(0);
    if (r > 0) printf("CLONED clone3 %ld\n", r);
    else printf("clone3 %s\n", errno == ENOSYS ? "ENOSYS" : strerror(errno));
    puts("DONE");
    return 0;
}
