/* denials.h — the syscalls a run's seccomp filter denied.
 *
 * The filter does not answer a denied call itself: it hands it to the
 * supervisor (SECCOMP_RET_USER_NOTIF) through a listener fd that the
 * sandboxed process passes up before any untrusted code runs (and then
 * closes: whoever holds a listener can let a call through). The supervisor
 * answers EPERM, as a plain deny would, and counts the call, so that a run
 * reports what it tried. */
#ifndef KILN_JAIL_DENIALS_H
#define KILN_JAIL_DENIALS_H

#include <stdint.h>

#define DENIALS_MAX 16

struct denials {
    struct {
        int nr;         /* native syscall number */
        uint32_t count;
    } calls[DENIALS_MAX]; /* distinct syscalls, in the order first denied */
    unsigned ncalls;
    uint32_t total;       /* every denial, those beyond DENIALS_MAX calls too */
};

/* Takes one pending notification from listener, answers it EPERM and
 * counts it in d. Returns 0, or -1 when there was none to take (the caller
 * died meanwhile, or the filter's last user is gone). */
int denials_answer(int listener, struct denials *d);

#endif
