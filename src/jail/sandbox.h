/* sandbox.h — the last steps before untrusted code runs: limits, identity,
 * privileges, syscall filter. Shared by exec'd programs and warm children. */
#ifndef KILN_JAIL_SANDBOX_H
#define KILN_JAIL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "jail/seccomp.h"
#include "kiln.h"

#define SANDBOX_RLIMITS 7

struct sandbox {
    uint32_t uid; /* also the gid */
    struct {
        int resource;
        struct rlimit lim;
    } rlimits[SANDBOX_RLIMITS];
    const struct seccomp_prog *seccomp;
    /* A fresh IPC namespace first: for a warm child, whose zygote's IPC
     * namespace its siblings share. An exec'd program's keeper made one for
     * the run already (a second costs the run ~0.3 ms). */
    bool new_ipc;
};

/* Fills sb before a fork: the child side then only makes syscalls. */
void sandbox_init(struct sandbox *sb, uint32_t uid, const struct kiln_limits *l,
                  const struct seccomp_prog *seccomp);

/* Async-signal-safe: a fresh IPC namespace (if new_ipc), rlimits, empty capability
 * bounding set, no supplementary groups, the slot's gid and uid (which
 * clears the other capability sets), no_new_privs, then the seccomp
 * filter. Returns the filter's listener fd (seccomp.h: pass it to the
 * supervisor, then close it); on failure -1 with errno set and *what
 * naming the step. */
int sandbox_enter(const struct sandbox *sb, const char **what);

/* Closes every fd except those in keep[] (n small), without allocating. */
void sandbox_close_fds_except(const int *keep, size_t n);

#endif
