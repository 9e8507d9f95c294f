/* msg.c — sending supervisor/keeper messages (async-signal-safe). */
#include "msg.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int msg_send(int fd, uint32_t type, const void *payload, uint32_t len)
{
    return msg_send_fds(fd, type, payload, len, NULL, 0);
}

int msg_send_fds(int fd, uint32_t type, const void *payload, uint32_t len, const int *fds,
                 size_t nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
        struct cmsghdr align;
    } ctl;
    struct msg_hdr hdr = { .type = type, .len = len };
    struct iovec iov[2] = {
        { .iov_base = &hdr, .iov_len = sizeof hdr },
        { .iov_base = (void *)payload, .iov_len = len },
    };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
    if (nfds > MSG_FDS_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (nfds) {
        memset(&ctl, 0, sizeof ctl);
        m.msg_control = ctl.buf;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
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

ssize_t msg_recv_fds(int fd, void *buf, size_t buflen, int *fds, size_t *nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { .iov_base = buf, .iov_len = buflen };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
    ssize_t n;
    *nfds = 0;
    do
        n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
            if (*nfds < MSG_FDS_MAX)
                fds[(*nfds)++] = got;
            else
                close(got);
        }
    }
    if (n > 0 && (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        while (*nfds)
            close(fds[--*nfds]);
        errno = EMSGSIZE;
        return -1;
    }
    return n;
}
