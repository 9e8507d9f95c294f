// attack: write to stderr without end, stdout quiet
// why: stderr is capped on its own, like stdout
// expect: status=OL
// stderr: EEEEEEEE
#include <string.h>
#include <unistd.h>
int main(void)
{
    char buf[8192];
    memset(buf, 'E', sizeof buf);
    for (;;) write(2, buf, sizeof buf);
}
