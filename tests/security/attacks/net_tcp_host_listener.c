// attack: TCP connect to a listener on the host's loopback and to the server's port
// why: services bound to 127.0.0.1 (databases, metadata proxies, kiln itself) trust loopback
// setup: tcp_listener
// expect: status=OK
// stdout: BLOCKED
// absent: CONNECTED
// denied: socket
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
    int ports[] = { @TCP_PORT@, @SERVER_PORT@ };
    for (int i = 0; i < 2; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) { printf("BLOCKED socket %s\n", strerror(errno)); continue; }
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(ports[i]) };
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) printf("CONNECTED %d\n", ports[i]);
        else printf("BLOCKED connect %s\n", strerror(errno));
        close(s);
    }
    return 0;
}
