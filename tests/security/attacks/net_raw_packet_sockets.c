// attack: raw IP, ICMP and packet sockets (AF_PACKET), as used by ping and sniffers
// why: raw sockets forge traffic; AF_PACKET has had several privilege escalations (CVE-2017-7308)
// expect: status=OK
// stdout: DONE
// absent: OPENED
// denied: socket
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
    struct { const char *n; int f, t, p; } c[] = {
        { "raw-icmp", AF_INET, SOCK_RAW, IPPROTO_ICMP }, { "raw-ip6", AF_INET6, SOCK_RAW, 58 },
        { "packet", 17, SOCK_RAW, 0x0300 }, { "packet-dgram", 17, SOCK_DGRAM, 0x0300 },
        { "icmp-dgram", AF_INET, SOCK_DGRAM, IPPROTO_ICMP }, { "sctp", AF_INET, SOCK_STREAM, 132 },
    };
    for (unsigned i = 0; i < sizeof c / sizeof *c; i++) {
        int s = socket(c[i].f, c[i].t, c[i].p);
        printf("%s %s\n", c[i].n, s >= 0 ? "OPENED" : strerror(errno));
    }
    puts("DONE");
    return 0;
}
