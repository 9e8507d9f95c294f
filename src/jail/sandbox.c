/* sandbox.c — limits, identity, privileges and syscall filter of a process
 * about to run untrusted code.
 *
 * Raw setgroups/setresgid/setresuid: glibc's wrappers broadcast the change
 * to every thread of the process, and after a raw clone of a threaded
 * parent the other threads glibc remembers do not exist here.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void sandbox_init(struct sandbox *sb, uint32_t uid, const struct kiln_limits *l,
                  const struct seccomp_prog *seccomp)
{
    /* RLIMIT_CPU backs up the supervisor's cgroup check (whole seconds). */
    rlim_t mem = (rlim_t)l->mem_kib * 1024;
    rlim_t stack = mem < (256u << 20) ? mem : (256u << 20);
    struct { int r; rlim_t v; } t[SANDBOX_RLIMITS] = {
        { RLIMIT_CPU, l->cpu_ms / 1000 + 2 },
        { RLIMIT_FSIZE, (rlim_t)l->fsize_kib * 1024 },
        { RLIMIT_NOFILE, l->nofile },
        /* Counts the slot uid's processes: pids.max's twin for hosts
         * without the pids controller (slot uids are never shared). */
        { RLIMIT_NPROC, l->procs },
        { RLIMIT_CORE, 0 },
        { RLIMIT_STACK, stack },
        { RLIMIT_MSGQUEUE, 0 },
    };
    sb->uid = uid;
    sb->seccomp = seccomp;
    sb->new_ipc = false;
    for (size_t i = 0; i < SANDBOX_RLIMITS; i++) {
        sb->rlimits[i].resource = t[i].r;
        sb->rlimits[i].lim.rlim_cur = sb->rlimits[i].lim.rlim_max = t[i].v;
    }
}

int sandbox_enter(const struct sandbox *sb, const char **what)
{
    /* An IPC namespace of its own: SysV segments, queues and semaphores and
     * POSIX message queues live there, not in a file system, and outlive
     * the process that made them. A warm zygote's children would otherwise
     * share the zygote's, so a run could leave an object for the next run
     * of its language and open a concurrent run's (the attack suite's
     * persist_sysv_ipc.py). */
    *what = "unshare ipc";
    if (sb->new_ipc && unshare(CLONE_NEWIPC) < 0)
        return -1;
    *what = "setrlimit";
    for (size_t i = 0; i < SANDBOX_RLIMITS; i++)
        if (setrlimit(sb->rlimits[i].resource, &sb->rlimits[i].lim) < 0)
            return -1;
    /* Bounding set first (needs CAP_SETPCAP), then the ids: setresuid to a
     * non-zero uid clears the permitted and effective sets. */
    *what = "drop capabilities";
    /* Capabilities are numbered 0..CAP_LAST_CAP without gaps, and EINVAL
     * means past the last one this kernel knows: the rest are invalid too. */
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL && cap > 0)
                break;
            return -1;
        }
    if ((*what = "setgroups", syscall(SYS_setgroups, 0, NULL)) < 0 ||
        (*what = "setresgid", syscall(SYS_setresgid, sb->uid, sb->uid, sb->uid)) < 0 ||
        (*what = "setresuid", syscall(SYS_setresuid, sb->uid, sb->uid, sb->uid)) < 0 ||
        (*what = "no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) < 0)
        return -1;
    *what = "seccomp";
    int listener = seccomp_apply(sb->seccomp);
    if (listener >= 0)
        *what = NULL;
    return listener;
}

void sandbox_close_fds_except(const int *keep, size_t n)
{
    unsigned lo = 0;
    for (;;) {
        unsigned next = ~0U; /* the smallest kept fd >= lo */
        for (size_t i = 0; i < n; i++)
            if (keep[i] >= 0 && (unsigned)keep[i] >= lo && (unsigned)keep[i] < next)
                next = (unsigned)keep[i];
        if (next > lo)
            syscall(SYS_close_range, lo, next == ~0U ? ~0U : next - 1, 0);
        if (next == ~0U)
            return;
        lo = next + 1;
    }
}
