// attack: add a key to the session and user keyrings and read the keyrings
// why: the keyring is not namespaced: keys would be shared with the host's users of the uid
// expect: status=OK
// stdout: DONE
// absent: KEY-ADDED
// denied: add_key keyctl
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    long k = syscall(SYS_add_key, "user", "kiln-key", "secret", 6, -3 /* session */);
    if (k >= 0) printf("KEY-ADDED %ld\n", k);
    k = syscall(SYS_add_key, "user", "kiln-key", "secret", 6, -4 /* user */);
    if (k >= 0) printf("KEY-ADDED user %ld\n", k);
    if (syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3, 1) >= 0) puts("KEY-ADDED keyctl");
    puts("DONE");
    return 0;
}
