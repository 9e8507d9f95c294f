// attack: .incbin the compiler's own environment and command line into the program at compile
//   time, then print them at run time
// why: the compile step's environment must hold nothing of the server's (no KILN_* setting,
//   no secret, no host path)
// expect: status=OK
// stdout: END
// absent: KILN_
// absent: /work/
// absent: /root
__asm__(".section .rodata\n"
        "env_start:\n.incbin \"/proc/self/environ\"\nenv_end:\n"
        "cmd_start:\n.incbin \"/proc/self/cmdline\"\ncmd_end:\n.previous");
#include <stdio.h>
extern const char env_start[], env_end[], cmd_start[], cmd_end[];
static void dump(const char *what, const char *p, const char *end)
{
    printf("%s:", what);
    for (; p < end; p++) putchar(*p ? *p : ' ');
    putchar('\n');
}
int main(void)
{
    dump("env", env_start, env_end);
    dump("cmd", cmd_start, cmd_end);
    puts("END");
    return 0;
}
