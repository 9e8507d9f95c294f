// attack: from C, look for a concurrent python run's files through /proc/*/root and /proc/*/cwd
// why: a compiled language reaches the same paths with no runtime in the way
// setup: peer_run
// expect: status=OK
// stdout: SEARCHED
// absent: FOUND
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
    const char *fixed[] = { "/box/peer-secret", "/tmp/peer-secret", "/dev/shm/peer-secret" };
    char buf[256], path[512];
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(fixed[i], "r");
        if (f && fgets(buf, sizeof buf, f)) printf("FOUND %s %s\n", fixed[i], buf);
        if (f) fclose(f);
    }
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        const char *where[] = { "cwd/peer-secret", "root/box/peer-secret", "root/tmp/peer-secret" };
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "/proc/%s/%s", e->d_name, where[i]);
            FILE *f = fopen(path, "r");
            if (f && fgets(buf, sizeof buf, f)) printf("FOUND %s %s\n", path, buf);
            if (f) fclose(f);
        }
    }
    if (d) closedir(d);
    puts("SEARCHED");
    return 0;
}
