/* seccomp.h — the syscall policy of jailed programs, compiled once to BPF. */
#ifndef KILN_JAIL_SECCOMP_H
#define KILN_JAIL_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>

struct seccomp_prog {
    struct sock_fprog fprog; /* owns fprog.filter */
    unsigned rules;          /* rules in the policy that this kernel knows */
};

/* Builds the filter with libseccomp and exports it as BPF, so that the
 * child only has to load it (one prctl, no allocation). */
int seccomp_compile(struct seccomp_prog *out, char *err, size_t errlen);
void seccomp_prog_free(struct seccomp_prog *prog);

/* Child side, async-signal-safe: loads the filter. Needs no_new_privs.
 * Returns the listener fd through which denied calls reach the supervisor
 * (denials.h), or -1. The process must pass it up and close its own copy
 * before running untrusted code. */
int seccomp_apply(const struct seccomp_prog *prog);

/* The policy's name for a denied syscall number ("unknown" if none). */
const char *seccomp_denied_name(int nr);

#endif
