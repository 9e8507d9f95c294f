// attack: AF_VSOCK (to the hypervisor), AF_BLUETOOTH, AF_ALG (kernel crypto), AF_KEY, AF_TIPC,
//   AF_CAN, AF_XDP, AF_RDS
// why: rarely used families are where kernel bugs hide (AF_ALG CVE-2015-8970, vsock CVE-2021-26708)
// expect: status=OK
// stdout: DONE
// absent: OPENED
// denied: socket
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
    struct { const char *n; int f, t; } c[] = {
        { "vsock", 40, SOCK_STREAM }, { "bluetooth", 31, SOCK_RAW }, { "alg", 38, SOCK_SEQPACKET },
        { "key", 15, SOCK_RAW }, { "tipc", 30, SOCK_RDM }, { "can", 29, SOCK_RAW },
        { "xdp", 44, SOCK_RAW }, { "rds", 21, SOCK_SEQPACKET }, { "x25", 9, SOCK_SEQPACKET },
        { "appletalk", 5, SOCK_DGRAM }, { "netrom", 6, SOCK_SEQPACKET }, { "llc", 26, SOCK_DGRAM },
    };
    for (unsigned i = 0; i < sizeof c / sizeof *c; i++) {
        int s = socket(c[i].f, c[i].t, 0);
        printf("%s %s\n", c[i].n, s >= 0 ? "OPENED" : strerror(errno));
    }
    puts("DONE");
    return 0;
}
