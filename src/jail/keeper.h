/* keeper.h — pid 1 of a run: sets up the jail from inside, starts the
 * program, reaps everything, reports. */
#ifndef KILN_JAIL_KEEPER_H
#define KILN_JAIL_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "jail/jail.h"
#include "jail/rootfs.h"
#include "jail/sandbox.h"

/* Everything the keeper needs, prepared by the supervisor before the
 * clone: the keeper inherits a copy of this memory and must not format,
 * allocate or take locks (it may be the child of a threaded process). */
struct keeper_plan {
    int chan;                    /* keeper's end of the message socketpair */
    int stdin_fd, out_fd, err_fd;/* become the program's 0, 1, 2 */
    int mnt_fd, net_fd;          /* template mount namespace, slot's netns */
    uint32_t uid;                /* the slot's uid, owner of the files in /box */
    struct rootfs_run_opts mounts;
    struct sandbox sandbox;      /* the program's uid, rlimits, seccomp */
    char *const *argv;
    char *const *envp;
    const struct jail_file *files;
    size_t nfiles;
    bool collect;
};

/* Runs in the child of clone(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS). */
_Noreturn void keeper_main(struct keeper_plan *plan);

#endif
