/* msg.c — sending supervisor/keeper messages (async-signal-safe). */
#include "msg.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

int msg_send(int fd, uint32_t type, const void *payload, uint32_t len)
{
    struct msg_hdr hdr = { .type = type, .len = len };
    struct iovec iov[2] = {
        { .iov_base = &hdr, .iov_len = sizeof hdr },
        { .iov_base = (void *)payload, .iov_len = len },
    };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
    ssize_t n;
    do
        n = sendmsg(fd, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}

/* Appends src to dst[*at..cap-1], keeping a terminating NUL. */
static void append(char *dst, size_t cap, size_t *at, const char *src)
{
    while (src && *src && *at + 1 < cap)
        dst[(*at)++] = *src++;
    dst[*at] = '\0';
}

void msg_send_fail(int fd, int err, const char *what, const char *object)
{
    struct msg_fail f = { .err = err };
    size_t at = 0;
    append(f.what, sizeof f.what, &at, what);
    if (object) {
        append(f.what, sizeof f.what, &at, " ");
        append(f.what, sizeof f.what, &at, object);
    }
    msg_send(fd, MSG_FAIL, &f, sizeof f);
}
