// attack: personality(ADDR_NO_RANDOMIZE), READ_IMPLIES_EXEC and MMAP_PAGE_ZERO
// why: switching off ASLR and mapping page zero are exploit aids (null-dereference bugs)
// expect: status=OK
// stdout: DONE
// absent: PERSONALITY-ALLOWED
// denied: personality
#include <stdio.h>
#include <sys/personality.h>
int main(void)
{
    unsigned long flags[] = { ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO };
    for (int i = 0; i < 3; i++) {
        personality(flags[i]);
        int now = personality(0xffffffff);
        if (now != -1 && (now & flags[i])) printf("PERSONALITY-ALLOWED %#lx\n", flags[i]);
    }
    printf("query still works: %d\nDONE\n", personality(0xffffffff) != -1);
    return 0;
}
