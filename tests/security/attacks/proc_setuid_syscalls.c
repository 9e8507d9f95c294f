// attack: setuid(0), setresuid(0,0,0), setgid(0), setgroups, capset and prctl(PR_SET_KEEPCAPS)
// why: any of them succeeding gives root in the jail and a step to the host
// expect: status=OK
// stdout: DONE
// absent: BECAME-ROOT
#include <grp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(void)
{
    gid_t g = 0;
    if (setuid(0) == 0) puts("BECAME-ROOT setuid");
    if (setresuid(0, 0, 0) == 0) puts("BECAME-ROOT setresuid");
    if (setgid(0) == 0) puts("BECAME-ROOT setgid");
    if (setgroups(1, &g) == 0) puts("BECAME-ROOT setgroups");
    if (prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0) puts("BECAME-ROOT no_new_privs cleared");
    if (geteuid() == 0 || getegid() == 0) puts("BECAME-ROOT ids");
    printf("uid %d euid %d\nDONE\n", getuid(), geteuid());
    return 0;
}
