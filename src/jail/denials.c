/* denials.c — answering and counting the syscalls the seccomp filter
 * hands to the supervisor (see denials.h). */
#define _GNU_SOURCE
#include "denials.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/ioctl.h>

static void count(struct denials *d, int nr)
{
    d->total++;
    for (unsigned i = 0; i < d->ncalls; i++)
        if (d->calls[i].nr == nr) {
            d->calls[i].count++;
            return;
        }
    if (d->ncalls < DENIALS_MAX)
        d->calls[d->ncalls++] = (typeof(d->calls[0])){ .nr = nr, .count = 1 };
}

int denials_answer(int listener, struct denials *d)
{
    struct seccomp_notif req;
    memset(&req, 0, sizeof req); /* the kernel insists on a zeroed struct */
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        return -1;
    /* Never SECCOMP_USER_NOTIF_FLAG_CONTINUE: every call that reaches here
     * is one the policy denies. */
    struct seccomp_notif_resp resp = { .id = req.id, .error = -EPERM };
    count(d, req.data.nr);
    /* ENOENT: the caller died meanwhile; its call is still counted. */
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    return 0;
}
