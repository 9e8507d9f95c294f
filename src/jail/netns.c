/* netns.c — empty network namespaces for jail slots. */
#define _GNU_SOURCE
#include "netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "util/err.h"

int netns_create_empty(int *fd, char *err, size_t errlen)
{
    /* unshare and setns act on the calling thread only, so other threads
     * of a server never see the detour. */
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0)
        return err_set(err, errlen, "open /proc/thread-self/ns/net: %m");
    int rc = 0;
    if (unshare(CLONE_NEWNET) < 0) {
        rc = err_set(err, errlen, "unshare(CLONE_NEWNET): %m");
        goto out;
    }
    *fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        rc = err_set(err, errlen, "open the new network namespace: %m");
    if (setns(home, CLONE_NEWNET) < 0)
        rc = err_set(err, errlen, "setns back to the host network: %m");
out:
    close(home);
    return rc;
}
